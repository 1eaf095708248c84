/** DELETE of given cards: one WAL record that takes the rows away wherever it is replayed, and only there. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/parse.js";
import { printCommand } from "../../src/sim/commands.js";
import { checkExpectations } from "../../src/sim/expect.js";
import { simulate } from "../../src/sim/simulate.js";
import { HEAD } from "./fixture.js";

const scenario = (steps: string[], settings = "{}") =>
  parseScenario(
    `${HEAD}settings: ${settings}
roles:
  - { id: p, label: P, kind: primary }
  - { id: m, label: M, kind: standby }
  - { id: s, label: S, kind: standby, settings: { recovery_min_apply_delay: 60 } }
  - { id: c, label: C, kind: standby, starts: empty }
  - { id: w, label: W, kind: writer }
steps:
${steps.map((a, i) => `  - title: s${i}\n    say: "-"\n    actions: [${a}]\n`).join("")}`,
    "d.yaml",
  );
const trace = (steps: string[], settings?: string) => simulate(scenario(steps, settings));
/** The first command of a step, as the script prints it. */
const printed = (t: ReturnType<typeof trace>, step: number) => printCommand(t.steps[step]!.commands[0]!, (id) => id);

describe("a DELETE", () => {
  it("is a WAL record of its own, numbered among the cards, with the rows it deletes", () => {
    const t = trace(["{ write: { by: w, to: p, count: 3 } }", "{ delete: { by: w, cards: [3, 1], to: p } }"]);
    const e = t.steps[1]!.events.find((x) => x.kind === "delete")!;
    expect(e).toMatchObject({ actor: "w", to: "p", card: 4, cards: [3, 1], position: 4 });
    expect(t.deck.deletes).toEqual([4]);
    expect(printed(t, 1)).toBe(`$ psql -h p -c "SELECT pg_switch_wal();" -c "DELETE FROM cards WHERE n IN (3, 1);"`);
    const after = t.steps[1]!.after.servers;
    expect(after.p!.cards).toEqual([2]);
    expect(after.p!.deleted).toEqual([1, 3]);
    expect(after.m!.cards).toEqual([2]);
    // The delayed standby has received the DELETE but keeps the rows (and had not even replayed the cards).
    expect(after.s!.unreplayed).toEqual([1, 2, 3, 4]);
    expect(after.s!.deleted).toBeUndefined();
  });

  it("leaves the rows on a delayed standby until it replays it, and takes them there once it does", () => {
    const t = trace([
      "{ write: { by: w, to: p, count: 2 } }",
      "{ wait: 60 }",
      "{ delete: { by: w, cards: [2], to: p } }",
      "{ wait: 59 }",
      "{ wait: 1 }",
    ]);
    expect(t.steps[2]!.after.servers.s!.cards).toEqual([1, 2]);
    expect(t.steps[3]!.after.servers.s!.cards).toEqual([1, 2]);
    expect(t.steps[4]!.after.servers.s!.cards).toEqual([1]);
    expect(t.steps[4]!.after.servers.s!.deleted).toEqual([2]);
  });

  it("is refused by a standby, in PostgreSQL's words, and changes nothing", () => {
    const t = trace(["{ write: { by: w, to: p } }", "{ delete: { by: w, cards: [1], to: m } }"]);
    const e = t.steps[1]!.events.find((x) => x.kind === "delete-failed")!;
    expect(e.message).toBe("ERROR:  cannot execute DELETE in a read-only transaction");
    expect(t.steps[1]!.after.servers.m!.cards).toEqual([1]);
    // Only the DELETE is tried on a standby: pg_switch_wal() would fail first.
    expect(printed(t, 1)).toBe(`$ psql -h m -c "DELETE FROM cards WHERE n IN (1);"`);
    expect(t.deck.deletes).toBeUndefined();
  });

  it("waits for its ack under synchronous commit, and other sessions still see the rows meanwhile", () => {
    const t = trace(
      ["{ write: { by: w, to: p } }", "{ crash: m }, { delete: { by: w, cards: [1], to: p } }", "{ start: m }"],
      "{ synchronous_standby_names: [m] }",
    );
    const waiting = t.steps[1]!.after;
    expect(waiting.clients.w!.waiting).toBe(2);
    expect(waiting.servers.p!.cards).toEqual([1]);
    // The waiting DELETE hides no row: it is no unconfirmed write.
    expect(waiting.servers.p!.unconfirmed).toEqual([]);
    const back = t.steps[2]!.after;
    expect(back.clients.w!.waiting).toBeNull();
    expect(back.clients.w!.acked).toEqual([1, 2]);
    expect(back.servers.p!.cards).toEqual([]);
    expect(back.servers.m!.cards).toEqual([]);
  });

  it("is not in a clone: pg_basebackup copies the rows left", () => {
    const t = trace([
      "{ write: { by: w, to: p, count: 3 } }",
      "{ delete: { by: w, cards: [2], to: p } }",
      "{ clone: { from: p, to: c } }, { start: c }",
    ]);
    const clone = t.steps[2]!.events.find((x) => x.kind === "clone")!;
    expect(clone.cards).toEqual([1, 3]);
    expect(t.steps[2]!.after.servers.c!.cards).toEqual([1, 3]);
  });

  it("streams down a cascade like any record", () => {
    const t = simulate(
      parseScenario(
        `${HEAD}roles:
  - { id: p, label: P, kind: primary }
  - { id: a, label: A, kind: standby }
  - { id: b, label: B, kind: standby, upstream: a }
  - { id: w, label: W, kind: writer }
steps:
  - { title: a, say: "-", actions: [{ write: { by: w, to: p, count: 2 } }] }
  - { title: b, say: "-", actions: [{ delete: { by: w, cards: [1], to: p } }] }
`,
        "d.yaml",
      ),
    );
    expect(t.steps[1]!.events.filter((e) => e.kind === "stream").map((e) => [e.actor, e.to, e.card])).toEqual([
      ["p", "a", 3],
      ["a", "b", 3],
    ]);
    expect(t.steps[1]!.after.servers.b!.cards).toEqual([2]);
  });
});

describe("an UPDATE", () => {
  it("is a new card that takes the old one's place in each row as that server replays it", () => {
    const t = trace([
      "{ write: { by: w, to: p, count: 2 } }",
      "{ wait: 60 }",
      "{ update: { by: w, card: 1, to: p } }",
      "{ wait: 60 }",
    ]);
    expect(printed(t, 2)).toBe(`$ psql -h p -c "SELECT pg_switch_wal();" -c "UPDATE cards SET n = 3 WHERE n = 1;"`);
    const e = t.steps[2]!.events.find((x) => x.kind === "write")!;
    expect(e).toMatchObject({ card: 3, replaces: 1 });
    const after = t.steps[2]!.after.servers;
    expect(after.p!.cards).toEqual([2, 3]);
    expect(after.m!.cards).toEqual([2, 3]);
    expect(after.s!.cards).toEqual([1, 2]);
    // Replaced is not deleted: the deleted claim speaks of DELETEs only.
    expect(after.p!.deleted).toBeUndefined();
    expect(t.steps[3]!.after.servers.s!.cards).toEqual([2, 3]);
  });

  it("is refused by a standby, and under synchronous commit leaves the old row visible until its ack", () => {
    const t = trace(
      [
        "{ write: { by: w, to: p } }",
        "{ update: { by: w, card: 1, to: m } }",
        "{ crash: m }, { update: { by: w, card: 1, to: p } }",
        "{ start: m }",
      ],
      "{ synchronous_standby_names: [m] }",
    );
    expect(t.steps[1]!.events.find((x) => x.kind === "write-failed")!.message).toBe(
      "ERROR:  cannot execute UPDATE in a read-only transaction",
    );
    expect(t.steps[2]!.after.servers.p!.cards).toEqual([1]);
    expect(t.steps[2]!.after.servers.p!.unconfirmed).toEqual([2]);
    expect(t.steps[3]!.after.servers.p!.cards).toEqual([2]);
  });
});

describe("the deleted claim", () => {
  it("holds where a DELETE was replayed, and fails where the card never arrived (lacks holds for both)", () => {
    const s = scenario(["{ write: { by: w, to: p, count: 2 } }", "{ delete: { by: w, cards: [2], to: p } }"]);
    s.runs[0]!.steps[1]!.expect = [
      { name: "server", claim: { server: "m", deleted: [2], lacks: [2] }, at: { line: 1, column: 1 } },
      { name: "server", claim: { server: "s", deleted: [2] }, at: { line: 2, column: 1 } },
      { name: "server", claim: { server: "c", lacks: [2] }, at: { line: 3, column: 1 } },
      { name: "server", claim: { server: "c", deleted: [2] }, at: { line: 4, column: 1 } },
    ];
    const report = checkExpectations(s, simulate(s));
    expect(report.failures.map((f) => f.position?.line)).toEqual([2, 4]);
    expect(report.failures[0]!.message).toMatch(
      /deleted: expected a replayed DELETE of \[2\], simulated no card deleted there/,
    );
  });
});
