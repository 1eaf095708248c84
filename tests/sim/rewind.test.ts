/** pg_rewind in the model: each of PostgreSQL 15's outcomes (checked on a real 15 by tests/variants/rewind.yaml). */
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type Settings } from "../../src/scenario/model.js";
import type { Action } from "../../src/scenario/schema.js";
import { printCommand } from "../../src/sim/commands.js";
import { simulate } from "../../src/sim/simulate.js";
import type { TraceStep } from "../../src/sim/trace.js";
import { deriveStage } from "../../src/stage/index.js";
import { scenarioOf } from "./arbitraries.js";

type Plan = Omit<Action, "at">[][];
/** p writes 1–3, then 4 and crashes; s1 is promoted and takes card 5. */
const failover: Plan = [
  [{ name: "write", args: { by: "w", to: "p", count: 3 } }],
  [
    { name: "write", args: { by: "w", to: "p" } },
    { name: "crash", args: "p" },
  ],
  [
    { name: "promote", args: "s1" },
    { name: "write", args: { by: "w", to: "s1" } },
  ],
];
const rewind: Omit<Action, "at"> = { name: "rewind", args: { from: "s1", to: "p" } };
const run = (settings: Partial<Settings>, plan: Plan) =>
  simulate(scenarioOf({ ...DEFAULT_SETTINGS, ...settings }, plan));
const said = (step: TraceStep) => step.events.flatMap((e) => [e.message, e.detail]).filter(Boolean);

describe("rewind (pg_rewind)", () => {
  it("refuses without wal_log_hints or data checksums, after finishing the crash recovery", () => {
    const step = run({}, [...failover, [rewind]]).steps.at(-1)!;
    expect(step.events.map((e) => e.kind)).toContain("crash-recovery");
    const refused = step.events.find((e) => e.kind === "rewind-failed")!;
    expect(refused.message).toBe(
      'pg_rewind: error: target server needs to use either data checksums or "wal_log_hints = on"',
    );
    expect(step.after.servers.p).toMatchObject({ mode: "primary", cards: [1, 2, 3, 4], up: false });
    // The end of crash recovery recycled the WAL copies before the newest card.
    expect(step.events.find((e) => e.kind === "recycle" && e.actor === "p")?.cards).toEqual([1, 2, 3]);
  });

  it("fails when that crash recovery recycled the WAL back to the checkpoint before the fork", () => {
    const step = run({ wal_log_hints: true }, [...failover, [rewind]]).steps.at(-1)!;
    expect(said(step)).toContain("pg_rewind: error: could not find previous WAL record at 0/4000060");
    expect(step.after.servers.p!.cards).toEqual([1, 2, 3, 4]);
  });

  it("rewinds when wal_keep_size kept that WAL: card 4 is discarded and lost, card 5 copied", () => {
    const trace = run({ data_checksums: true, wal_keep_size: 4 }, [
      ...failover,
      [rewind],
      [{ name: "start", args: "p" }],
    ]);
    const step = trace.steps.at(-2)!;
    const done = step.events.find((e) => e.kind === "rewind")!;
    expect(done).toMatchObject({
      actor: "facilitator",
      to: "p",
      from: "s1",
      cards: [5],
      result: "rewound",
      position: 3,
    });
    expect(done.message).toBe("pg_rewind: servers diverged at WAL location 0/4000060 on timeline 1");
    expect(done.detail).toBe("pg_rewind: rewinding from last common checkpoint at 0/1000028 on timeline 1");
    expect(step.events.find((e) => e.kind === "discard")?.cards).toEqual([4]);
    expect(step.after.lost).toEqual([4]);
    expect(step.after.servers.p).toMatchObject({ mode: "standby", upstream: "s1", timeline: 2, cards: [1, 2, 3, 5] });
    const started = trace.steps.at(-1)!.after.servers.p!;
    expect(started).toMatchObject({ up: true, walreceiver: "streaming", timeline: 2, cards: [1, 2, 3, 5] });
    // The command the script prints and verify runs.
    expect(step.commands.map((c) => printCommand(c, (id) => id))).toEqual([
      '$ pg_rewind --target-pgdata=data/p --source-server="host=s1 application_name=p dbname=postgres" --write-recovery-conf',
    ]);
  });

  it("refuses a running target and a crashed one with a standby.signal", () => {
    const running = run({ wal_log_hints: true }, [
      [{ name: "write", args: { by: "w", to: "p" } }],
      [{ name: "promote", args: "s1" }],
      [rewind],
    ]).steps.at(-1)!;
    expect(said(running)).toEqual([
      "pg_rewind: error: postgres single-user mode in target cluster failed",
      'FATAL:  lock file "postmaster.pid" already exists',
    ]);
    const signalled = run({ wal_log_hints: true }, [
      ...failover,
      [{ name: "follow", args: { server: "p", upstream: "s1" } }],
      [rewind],
    ]);
    expect(said(signalled.steps.at(-1)!)).toContain("FATAL:  standby mode is not supported by single-user servers");
  });

  it("rewinds a server stopped cleanly after a failed start as a standby, whose WAL no checkpoint touched", () => {
    const trace = run({ wal_log_hints: true }, [
      ...failover,
      [
        { name: "follow", args: { server: "p", upstream: "s1" } },
        { name: "start", args: "p" },
      ],
      [{ name: "stop", args: "p" }, rewind, { name: "start", args: "p" }],
    ]);
    const last = trace.steps.at(-1)!;
    expect(last.events.find((e) => e.kind === "rewind")?.result).toBe("rewound");
    expect(last.after.servers.p).toMatchObject({ walreceiver: "streaming", cards: [1, 2, 3, 5] });
  });

  it("needs no rewind for a server that stopped at the fork, and lets it follow", () => {
    const trace = run({ wal_log_hints: true }, [
      [{ name: "write", args: { by: "w", to: "p", count: 2 } }],
      [
        { name: "stop", args: "p" },
        { name: "promote", args: "s1" },
        { name: "write", args: { by: "w", to: "s1" } },
      ],
      [rewind, { name: "start", args: "p" }],
    ]);
    const last = trace.steps.at(-1)!;
    const e = last.events.find((x) => x.kind === "rewind")!;
    expect([e.message, e.detail, e.result]).toEqual([
      "pg_rewind: no rewind required",
      "pg_rewind: servers diverged at WAL location 0/3000060 on timeline 1",
      "not required",
    ]);
    expect(last.events.some((x) => x.kind === "discard")).toBe(false);
    expect(last.after.servers.p).toMatchObject({ timeline: 2, walreceiver: "streaming", cards: [1, 2, 3] });
  });

  it("on stage: the card past the fork and the tray go in the bin, the rows before it stay, card 5 comes from the reserve", () => {
    const scenario = scenarioOf({ ...DEFAULT_SETTINGS, wal_log_hints: true, wal_keep_size: 4 }, [
      ...failover,
      [rewind],
    ]);
    const stage = deriveStage(scenario, simulate(scenario));
    const deck = new Map(stage.deck.map((o) => [o.object, o]));
    const moves = stage.steps.at(-1)!.moments.flatMap((m) => m.acts.flatMap((a) => a.moves));
    const card = (o: string) => deck.get(o)!.card;
    expect(moves.filter((m) => m.from === "p.data").map((m) => [card(m.object), m.to])).toEqual([[4, "bin"]]);
    expect(
      moves.filter((m) => m.from === "reserve" && deck.get(m.object)!.kind === "write").map((m) => card(m.object)),
    ).toEqual([5]);
    expect(moves.some((m) => m.from === "p.wal" && m.to === "bin")).toBe(true);
  });
  it("on stage: a DELETE replayed after the rewind takes a row the rewound server kept", () => {
    const plan: Plan = [
      [{ name: "write", args: { by: "w", to: "p", count: 2 } }],
      [
        { name: "write", args: { by: "w", to: "p" } },
        { name: "crash", args: "p" },
      ],
      [
        { name: "promote", args: "s1" },
        { name: "write", args: { by: "w", to: "s1" } },
      ],
      [
        { name: "follow", args: { server: "p", upstream: "s1" } },
        { name: "start", args: "p" },
      ],
      [{ name: "stop", args: "p" }, rewind],
      [{ name: "delete", args: { by: "w", to: "s1", cards: [1] } }],
      [{ name: "start", args: "p" }],
    ];
    const scenario = scenarioOf({ ...DEFAULT_SETTINGS, data_checksums: true }, plan);
    const trace = simulate(scenario);
    const stage = deriveStage(scenario, trace);
    const deck = new Map(stage.deck.map((o) => [o.object, o]));
    const last = stage.steps.at(-1)!.moments.at(-1)!;
    const row = last.places["p.data"]!.map((o) => deck.get(o)!.card).sort((a, b) => a! - b!);
    expect(trace.steps.at(-1)!.after.servers.p!.cards).toEqual([2, 4]);
    expect(row).toEqual([2, 4]);
  });
});
