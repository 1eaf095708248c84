/** The comparison behind `replikit verify`, without a server: fabricated real states against traces. */
import { describe, expect, it } from "vitest";
import { differences, messagePattern, type RealState } from "../../../src/node/verify/compare.js";
import { loadShipped } from "../../helpers.js";

/** What PostgreSQL would show if it did exactly what the trace says after a step. */
function agreeing(
  name: string,
  stepNumber: number,
): { real: RealState; step: ReturnType<typeof loadShipped>["trace"]["steps"][number] } {
  const { trace } = loadShipped(name);
  const step = trace.steps.find((s) => s.number === stepNumber)!;
  const real: RealState = { servers: {}, clients: {} };
  const waiting = Object.values(step.after.clients).map((c) => c.waiting);
  for (const [id, s] of Object.entries(step.after.servers)) {
    const log = step.events
      .filter((e) => e.actor === id && e.message)
      .map((e) => e.message)
      .join("\n");
    real.servers[id] =
      s.mode === "empty"
        ? { exists: false, up: false, log }
        : {
            exists: true,
            up: s.up,
            inRecovery: s.mode === "standby",
            cards: s.mode === "primary" ? s.cards.filter((c) => !waiting.includes(c)) : [...s.cards],
            timeline: s.timeline,
            streaming: s.walreceiver === "streaming",
            log,
          };
  }
  for (const [id, c] of Object.entries(step.after.clients)) {
    if (c.kind === "writer" || c.kind === "reader" || c.kind === "application") {
      const read = step.events.find((e) => e.kind === "read" && e.actor === id)
        ?.result as RealState["clients"][string]["read"];
      real.clients[id] = {
        waiting: c.waiting !== null,
        holding: c.holding !== null,
        read,
        said: step.events
          .filter((e) => (e.actor === id || e.to === id) && e.message)
          .map((e) => e.message)
          .join("\n"),
      };
    }
  }
  return { real, step };
}

describe("verify's comparison", () => {
  it("finds nothing when PostgreSQL shows what the trace says", () => {
    for (const [name, n] of [
      ["failover-failback.yaml", 5],
      ["archiving.yaml", 4],
      ["synchronous.yaml", 3],
      ["replication-lag.yaml", 9],
      ["load-balancing.yaml", 6],
    ] as const) {
      const { real, step } = agreeing(name, n);
      expect(differences(step.after, step.events, real), `${name} step ${n}`).toEqual([]);
    }
  });

  it("reports a card the standby should not have (the failover's lost card)", () => {
    const { real, step } = agreeing("failover-failback.yaml", 2);
    real.servers.beta!.cards = [1, 2, 3, 4];
    expect(differences(step.after, step.events, real)).toEqual(["beta cards: trace [1,2,3], PostgreSQL [1,2,3,4]"]);
  });

  it("reports a wrong timeline, a wrong mode, a server up that should be down, and a missing log message", () => {
    const { real, step } = agreeing("failover-failback.yaml", 5);
    real.servers.beta!.timeline = 3;
    real.servers.alpha!.log = "LOG:  started streaming WAL from primary at 0/3000000 on timeline 2";
    expect(differences(step.after, step.events, real)).toEqual([
      "beta timeline: trace 2, PostgreSQL 3",
      'alpha log: trace says "LOG:  new timeline 2 forked off current database system timeline 1 before current recovery point 0/5000060", not in PostgreSQL\'s log',
    ]);
    const six = agreeing("failover-failback.yaml", 6);
    six.real.servers.alpha!.up = true;
    six.real.servers.alpha!.inRecovery = true;
    expect(differences(six.step.after, six.step.events, six.real)[0]).toBe("alpha up: trace false, PostgreSQL true");
  });

  it("reports a commit that returned although the trace has it waiting, and a read that was not stale", () => {
    const sync = agreeing("synchronous.yaml", 3);
    sync.real.clients.writer!.waiting = false;
    expect(differences(sync.step.after, sync.step.events, sync.real)).toEqual([
      "writer waiting: trace true, PostgreSQL false",
    ]);
    const lb = agreeing("load-balancing.yaml", 6);
    lb.real.clients.application!.read = "found";
    expect(differences(lb.step.after, lb.step.events, lb.real)).toEqual([
      "application read R6: trace stale, PostgreSQL found",
    ]);
  });

  it("does not count a commit still waiting for its standby among the primary's visible cards", () => {
    const { real, step } = agreeing("synchronous.yaml", 3);
    real.servers.primary!.cards = [1, 2];
    expect(differences(step.after, step.events, real)).toEqual([]);
  });

  it("matches PostgreSQL's messages whatever the LSNs, segment names and ports", () => {
    expect(
      messagePattern(
        "FATAL:  could not receive data from WAL stream: ERROR:  requested WAL segment 000000010000000000000005 has already been removed",
      ).test(
        "2026-11-26 FATAL:  could not receive data from WAL stream: ERROR:  requested WAL segment 000000010000000000000004 has already been removed",
      ),
    ).toBe(true);
    expect(
      messagePattern(
        "FATAL:  requested timeline 2 does not contain minimum recovery point 0/5000060 on timeline 1",
      ).test("FATAL:  requested timeline 2 does not contain minimum recovery point 0/4000110 on timeline 1"),
    ).toBe(true);
    expect(
      messagePattern(
        "FATAL:  requested timeline 2 does not contain minimum recovery point 0/5000060 on timeline 1",
      ).test("FATAL:  requested timeline 3 does not contain minimum recovery point 0/4000110 on timeline 1"),
    ).toBe(false);
    expect(
      messagePattern('connection to server at "127.0.0.1", port 5432 failed: Connection refused').test(
        'psql: error: connection to server at "127.0.0.1", port 41234 failed: Connection refused',
      ),
    ).toBe(true);
  });
});
