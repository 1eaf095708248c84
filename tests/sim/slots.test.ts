/**
 * Replication slots: per standby or for the whole run, made and dropped by an admin, capped by
 * max_slot_wal_keep_size (invalidated at a checkpoint, wal_status lost), and per-standby
 * hot_standby_feedback.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/scenario/diagnostics.js";
import { checkMeaning } from "../../src/scenario/meaning.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { canonicalJson } from "../../src/sim/trace.js";
import { simulate, simulateLeniently } from "../../src/sim/simulate.js";
import { ROLES, scenarioOf, settings, steps } from "./arbitraries.js";
import { HEAD } from "./fixture.js";

const scenario = (steps: string[], opts: { settings?: string; kept?: string; bare?: string } = {}) =>
  parseScenario(
    `${HEAD}${opts.settings ? `settings: ${opts.settings}\n` : ""}roles:
  - { id: p, label: P, kind: primary }
  - { id: kept, label: Kept, kind: standby, settings: ${opts.kept ?? "{ slot: true }"} }
  - { id: bare, label: Bare, kind: standby${opts.bare ? `, settings: ${opts.bare}` : ""} }
  - { id: w, label: W, kind: writer }
  - { id: r, label: R, kind: reader }
  - { id: a, label: A, kind: admin }
steps:
${steps.map((a, i) => `  - title: s${i}\n    say: "-"\n    actions: [${a}]\n`).join("")}`,
    "d.yaml",
  );
const run = (steps: string[], opts: Parameters<typeof scenario>[1] = {}) => simulate(scenario(steps, opts)).steps;
const messages = (step: { events: { message?: string }[] }) =>
  step.events.map((e) => e.message).filter((m): m is string => Boolean(m));

describe("a slot per standby", () => {
  it("keeps WAL for its standby only; without a slot on the stage a checkpoint drops it", () => {
    const steps = [
      "{ write: { by: w, to: p } }",
      "{ stop: kept }, { write: { by: w, to: p, count: 3 } }, { checkpoint: p }",
      "{ start: kept }",
    ];
    const withSlot = run(steps);
    expect(withSlot[1]!.after.servers.p!.slots).toEqual({ kept: { active: false, walStatus: "reserved", holds: 1 } });
    expect(withSlot[2]!.after.servers.kept!.cards).toEqual([1, 2, 3, 4]);
    expect(withSlot[2]!.after.servers.bare!.slots).toBeUndefined();
    const without = run(steps, { kept: "{ slot: false }" });
    expect(without[1]!.after.servers.p!.slots).toBeUndefined();
    expect(messages(without[2]!).join("\n")).toContain("has already been removed");
  });

  it("named slots are what pg_basebackup -C -S and primary_slot_name use", () => {
    const steps = run(["{ stop: bare }", "{ clone: { from: p, to: bare } }"], { bare: "{ slot: spare_one }" });
    const printed = JSON.stringify(steps[1]!.commands);
    expect(printed).toContain("-C -S spare_one");
    expect(steps[1]!.after.servers.p!.slots?.spare_one).toBeDefined();
  });

  it("replication_slots: true means a slot: true on every standby (the same trace)", () => {
    fc.assert(
      fc.property(settings, steps, (config, plan) => {
        const all = scenarioOf({ ...config, replication_slots: true }, plan);
        const each = {
          ...scenarioOf({ ...config, replication_slots: false }, plan),
          // The primary too: it uses its slot once it follows another server.
          roles: ROLES.map((r) =>
            (r.kind === "standby" || r.kind === "primary") && r.slot === undefined ? { ...r, slot: true } : r,
          ),
        };
        expect(canonicalJson(simulateLeniently(each).trace.steps)).toBe(
          canonicalJson(simulateLeniently(all).trace.steps),
        );
      }),
      { numRuns: 40 },
    );
  });
});

describe("a cascaded standby's slot", () => {
  it("lives on its upstream standby and stays there when that standby is promoted", () => {
    const yaml = `id: c
title: c
summary: c
goals: [c]
minutes: 5
settings: { replication_slots: true }
roles:
  - { id: p, label: P, kind: primary }
  - { id: mid, label: Mid, kind: standby }
  - { id: leaf, label: Leaf, kind: standby, upstream: mid }
  - { id: w, label: W, kind: writer }
steps:
  - { title: a, say: "-", actions: [{ write: { by: w, to: p } }] }
  - { title: b, say: "-", actions: [{ crash: p }, { promote: mid }] }
`;
    const [first, promoted] = simulate(parseScenario(yaml, "c.yaml")).steps;
    expect(first!.after.servers.mid!.slots?.leaf).toEqual({ active: true, walStatus: "reserved", holds: 1 });
    expect(promoted!.after.servers.mid!.slots?.leaf?.active).toBe(true);
    expect(promoted!.after.servers.leaf!.walreceiver).toBe("streaming");
  });
});

describe("creating and dropping slots", () => {
  it("refuses to drop a slot a standby streams through, as PostgreSQL does", () => {
    const [, drop] = run(["{ write: { by: w, to: p } }", "{ drop_slot: { on: p, slot: kept } }"]);
    expect(drop!.events.find((e) => e.kind === "slot-failed")?.message).toBe(
      'ERROR:  replication slot "kept" is active for PID 4242',
    );
    expect(drop!.after.servers.p!.slots?.kept?.active).toBe(true);
  });

  it("a standby whose slot was dropped is told it does not exist, and streams again once it is made", () => {
    const [, , back, made] = run([
      "{ write: { by: w, to: p } }",
      "{ stop: kept }, { drop_slot: { on: p, slot: kept } }",
      "{ start: kept }",
      "{ create_slot: { on: p, slot: kept } }",
    ]);
    expect(back!.after.servers.kept!.error).toBe(
      'FATAL:  could not start WAL streaming: ERROR:  replication slot "kept" does not exist',
    );
    expect(back!.after.servers.p!.slots).toBeUndefined();
    expect(made!.after.servers.kept!.walreceiver).toBe("streaming");
    expect(made!.after.servers.p!.slots?.kept?.active).toBe(true);
  });

  it("says so when the slot exists already, or is not there to drop", () => {
    const [twice, missing] = run(["{ create_slot: { on: p, slot: kept } }", "{ drop_slot: { on: p, slot: other } }"]);
    expect(messages(twice!)).toContain('ERROR:  replication slot "kept" already exists');
    expect(messages(missing!)).toContain('ERROR:  replication slot "other" does not exist');
  });
});

describe("max_slot_wal_keep_size", () => {
  const capped = (cap: number) =>
    run(
      [
        "{ write: { by: w, to: p } }",
        "{ stop: kept }, { write: { by: w, to: p, count: 2 } }",
        "{ checkpoint: p }",
        "{ start: kept }",
      ],
      { settings: `{ max_slot_wal_keep_size: ${cap} }` },
    );

  it("a slot holding more than the cap is unreserved, then lost at the checkpoint, and its standby cannot come back", () => {
    const [, behind, checkpoint, back] = capped(1);
    expect(behind!.after.servers.p!.slots?.kept?.walStatus).toBe("unreserved");
    const invalidated = checkpoint!.events.find((e) => e.kind === "slot-invalidated");
    expect(invalidated?.message).toMatch(
      /^LOG: {2}invalidating slot "kept" because its restart_lsn 0\/[0-9A-F]+ exceeds max_slot_wal_keep_size$/,
    );
    expect(checkpoint!.after.servers.p!.slots?.kept).toEqual({ active: false, walStatus: "lost", holds: null });
    expect(checkpoint!.after.servers.p!.pgWal).toEqual([3]);
    expect(back!.after.servers.kept!.error).toMatch(/requested WAL segment \w+ has already been removed/);
  });

  it("within the cap the slot stays reserved and saves its standby", () => {
    const [, behind, checkpoint, back] = capped(2);
    expect(behind!.after.servers.p!.slots?.kept?.walStatus).toBe("reserved");
    expect(checkpoint!.events.some((e) => e.kind === "slot-invalidated")).toBe(false);
    expect(back!.after.servers.kept!.cards).toEqual([1, 2, 3]);
  });

  it("wal_keep_size protects a slot as much as it protects WAL", () => {
    const steps = run(
      ["{ write: { by: w, to: p } }", "{ stop: kept }, { write: { by: w, to: p, count: 2 } }", "{ checkpoint: p }"],
      { settings: "{ max_slot_wal_keep_size: 0, wal_keep_size: 2 }" },
    );
    expect(steps[2]!.after.servers.p!.slots?.kept?.walStatus).toBe("reserved");
  });
});

describe("hot_standby_feedback per standby", () => {
  const holder = (steps: string[]) => run(steps, { kept: "{ hot_standby_feedback: true }" }).at(-1)!.after.clients.r!;
  const setup = ["{ write: { by: w, to: p } }", "{ read: { by: r, from: bare, hold: true } }"];
  it("one standby's feedback keeps the rows for every standby, while the primary knows it", () => {
    expect(holder([...setup, "{ vacuum: { by: w, on: p } }", "{ wait: 40 }"]).holding).not.toBeNull();
  });
  it("without it (the standby gone, no slot), a query on a standby without feedback is cancelled", () => {
    expect(holder([...setup, "{ stop: kept }, { vacuum: { by: w, on: p } }", "{ wait: 40 }"]).lastRead?.result).toBe(
      "canceled",
    );
    expect(
      run([...setup, "{ vacuum: { by: w, on: p } }", "{ wait: 40 }"], {
        kept: "{ hot_standby_feedback: false }",
      }).at(-1)!.after.clients.r!.lastRead?.result,
    ).toBe("canceled");
  });
});

describe("meaning checks", () => {
  const problems = (yaml: string) => {
    try {
      return checkMeaning(parseScenario(yaml, "m.yaml")).map((d) => d.message);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      return error.diagnostics.map((d) => d.message);
    }
  };
  const base = (roles: string, actions = "[{ wait: 1 }]") => `id: m
title: m
summary: m
goals: [m]
minutes: 5
roles:
  - { id: p, label: P, kind: primary }
${roles}
steps:
  - { title: t, say: s, actions: ${actions} }
`;
  it("a slot is a server's setting, and two standbys cannot share one", () => {
    expect(problems(base("  - { id: w, label: W, kind: writer, settings: { slot: true } }"))).toEqual([
      'role "w": a slot is a server\'s setting (the slot it streams through as a standby)',
    ]);
    expect(
      problems(
        base(
          "  - { id: s1, label: S1, kind: standby, settings: { slot: one } }\n  - { id: s2, label: S2, kind: standby, settings: { slot: one } }",
        ),
      ),
    ).toEqual(['role "s2": slot "one" is already "s1"\'s; give each standby its own slot']);
  });

  it("a slot action names a server or a slot name PostgreSQL accepts", () => {
    expect(problems(base("", "[{ drop_slot: { on: p, slot: no-such } }]"))).toEqual([
      'drop_slot "slot": no server "no-such", and a slot name may only contain lower case letters, numbers, and the underscore character',
    ]);
  });
});
