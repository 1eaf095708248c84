/** synchronous_standby_names: its forms, each standby's sync_state, and when a commit has its acks. */
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type Settings } from "../../src/scenario/model.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { parseSyncNames, SYNC_NAMES_PATTERN } from "../../src/scenario/schema.js";
import { simulate } from "../../src/sim/simulate.js";
import { syncNamesText, syncStates } from "../../src/sim/syncrep.js";

const settings = (names: string | string[]): Settings => {
  const { names: list, rule } = parseSyncNames(names);
  return { ...DEFAULT_SETTINGS, synchronous_standby_names: list, synchronous_rule: rule };
};

describe("synchronous_standby_names", () => {
  it("reads PostgreSQL's forms: FIRST n, ANY n, n (…), a plain list, *", () => {
    expect(parseSyncNames("ANY 2 (a, b, c)")).toEqual({ names: ["a", "b", "c"], rule: { method: "ANY", num: 2 } });
    expect(parseSyncNames("FIRST 2 (a,b)")).toEqual({ names: ["a", "b"], rule: { method: "FIRST", num: 2 } });
    expect(parseSyncNames("2 (a, b)")).toEqual({ names: ["a", "b"], rule: { method: "FIRST", num: 2 } });
    expect(parseSyncNames("a, b")).toEqual({ names: ["a", "b"] });
    expect(parseSyncNames("*")).toEqual({ names: ["*"] });
    expect(parseSyncNames(["a"])).toEqual({ names: ["a"] });
    for (const bad of ["ANY (a)", "ANY 0 (a)", "SOME 2 (a, b)", "ANY 2 a, b", "", "A"])
      expect(SYNC_NAMES_PATTERN.test(bad), bad).toBe(false);
  });

  it("prints as PostgreSQL's text, quoting names that are not identifiers", () => {
    expect(syncNamesText(settings(["s1", "s2"]))).toBe("FIRST 1 (s1, s2)");
    expect(syncNamesText(settings("ANY 2 (s-1, s2)"), (id) => (id === "s-1" ? '"s-1"' : id))).toBe('ANY 2 ("s-1", s2)');
    expect(syncNamesText(settings("*"))).toBe("FIRST 1 (*)");
    expect(syncNamesText(DEFAULT_SETTINGS)).toBe("");
  });

  it("gives each walsender PostgreSQL's sync_state", () => {
    const states = (names: string | string[], streaming: string[]) =>
      Object.fromEntries(syncStates(settings(names), streaming));
    expect(states("FIRST 2 (c, a, b)", ["a", "b", "c", "d"])).toEqual({
      c: "sync",
      a: "sync",
      b: "potential",
      d: "async",
    });
    expect(states(["b", "a"], ["a", "b"])).toEqual({ b: "sync", a: "potential" });
    expect(states("ANY 2 (a, b, c)", ["a", "c", "d"])).toEqual({ a: "quorum", c: "quorum", d: "async" });
    expect(states("*", ["a", "b"])).toEqual({ a: "sync", b: "potential" });
    expect(states([], ["a"])).toEqual({ a: "async" });
  });
});

const stage = (names: string, steps: string) =>
  simulate(
    parseScenario(
      `id: q
title: q
summary: q
goals: [q]
minutes: 5
settings:
  synchronous_standby_names: "${names}"
roles:
  - { id: p, label: P, kind: primary }
  - { id: a, label: A, kind: standby }
  - { id: b, label: B, kind: standby }
  - { id: c, label: C, kind: standby }
  - { id: w, label: W, kind: writer }
steps:
${steps}`,
      "q.yaml",
    ),
  );
const step = (title: string, ...actions: string[]) =>
  `  - title: ${title}\n    say: "-"\n    actions:\n${actions.map((a) => `      - ${a}\n`).join("")}`;

describe("quorum and priority commit", () => {
  it("ANY 2 of three: one down, acked; two down, waits (the one left acks at once); one back, released", () => {
    const trace = stage(
      "ANY 2 (a, b, c)",
      [
        step("one down", "crash: a", "write: { by: w, to: p }"),
        step("two down", "crash: b", "write: { by: w, to: p }"),
        step("one back", "start: a"),
      ].join(""),
    );
    const [one, two, back] = trace.steps;
    expect(one!.after.clients.w!.acked).toEqual([1]);
    expect(one!.events.filter((e) => e.kind === "standby-ack").map((e) => e.actor)).toEqual(["b", "c"]);
    expect(two!.after.clients.w!.waiting).toBe(2);
    expect(two!.after.servers.p!.cards).toEqual([1]);
    // c flushed card 2 and sent its ack straight away; the commit waits for a second one.
    expect(two!.events.filter((e) => e.kind === "standby-ack").map((e) => e.actor)).toEqual(["c"]);
    expect(two!.events.some((e) => e.kind === "commit-ack")).toBe(false);
    expect(back!.after.clients.w!.acked).toEqual([1, 2]);
    expect(back!.events.filter((e) => e.kind === "standby-ack").map((e) => e.actor)).toEqual(["a"]);
    expect(back!.events.some((e) => e.kind === "commit-ack")).toBe(true);
    expect(back!.after.servers.a!.syncState).toBe("quorum");
  });

  it("FIRST 2: a sync standby down is replaced by the potential one", () => {
    const trace = stage(
      "FIRST 2 (a, b, c)",
      [step("all up", "write: { by: w, to: p }"), step("a down", "crash: a", "write: { by: w, to: p }")].join(""),
    );
    const [up, down] = trace.steps;
    expect(up!.after.servers.c!.syncState).toBe("potential");
    expect(up!.events.filter((e) => e.kind === "standby-ack").map((e) => e.actor)).toEqual(["a", "b"]);
    expect(down!.after.servers.c!.syncState).toBe("sync");
    expect(down!.after.clients.w!.acked).toEqual([1, 2]);
  });

  it("refuses a number larger than the names, and a name twice", () => {
    expect(() => stage("ANY 4 (a, b, c)", step("x", "write: { by: w, to: p }"))).toThrow(
      /synchronous_standby_names: ANY 4 names only 3 standby\(s\), so every commit would wait forever/,
    );
    expect(() => stage("FIRST 1 (a, a)", step("x", "write: { by: w, to: p }"))).toThrow(/named twice/);
  });
});

describe("a client's own synchronous_commit", () => {
  const scenario = (logger: string, steps: string) =>
    parseScenario(
      `id: c
title: c
summary: c
goals: [c]
minutes: 5
settings:
  synchronous_standby_names: [s]
roles:
  - { id: p, label: P, kind: primary }
  - { id: s, label: S, kind: standby }
  - { id: bank, label: Bank, kind: writer }
  - { id: logger, label: Logger, kind: writer, settings: { synchronous_commit: ${logger} } }
steps:
${steps}`,
      "c.yaml",
    );

  it("is SET in its session: with local it never waits, and may write several cards a step", () => {
    const trace = simulate(
      scenario(
        "local",
        step("down", "crash: s", "write: { by: bank, to: p }", "write: { by: logger, to: p, count: 2 }"),
      ),
    );
    const after = trace.steps[0]!.after;
    expect(after.clients.bank!.waiting).toBe(1);
    expect(after.clients.logger!.acked).toEqual([2, 3]);
    const lines = trace.steps[0]!.commands.flatMap((c) =>
      c.kind === "shell" ? [c.line.filter((p): p is string => typeof p === "string").join("")] : [],
    );
    expect(lines.filter((l) => l.includes("SET synchronous_commit = local;"))).toHaveLength(2);
  });

  it("waits for replay under its own remote_apply", () => {
    const trace = simulate(scenario("remote_apply", step("one", "write: { by: logger, to: p }")));
    expect(trace.steps[0]!.after.clients.logger!.acked).toEqual([1]);
    expect(trace.steps[0]!.commands.length).toBe(1);
  });

  it("is a client's setting, and count under its own synchronous commit is refused", () => {
    expect(() => scenario("on", step("x", "write: { by: logger, to: p, count: 2 }"))).toThrow(
      /under synchronous commit: the client waits for each card's ack/,
    );
    expect(() =>
      parseScenario(
        `id: c\ntitle: c\nsummary: c\ngoals: [c]\nminutes: 5\nroles:\n  - { id: p, label: P, kind: primary, settings: { synchronous_commit: local } }\nsteps:\n  - { title: t, say: s }\n`,
        "c.yaml",
      ),
    ).toThrow(/role "p": synchronous_commit is a client's setting/);
  });
});
