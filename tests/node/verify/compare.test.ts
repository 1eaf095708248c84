/** The comparison behind `replikit verify`, without a server: fabricated real states against traces. */
import { describe, expect, it } from "vitest";
import {
  differences,
  HARMLESS,
  messagePattern,
  unexpectedErrors,
  type RealState,
} from "../../../src/node/verify/compare.js";
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
            ...(s.mode === "standby" && s.up ? { replayPaused: s.replayPaused, lagging: s.unreplayed.length > 0 } : {}),
            slots: Object.fromEntries(
              Object.entries(s.slots ?? {}).map(([n, v]) => [n, { active: v.active, walStatus: v.walStatus }]),
            ),
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

  it("compares pg_replication_slots both ways: which slots exist, active, wal_status", () => {
    const lost = agreeing("slots.yaml", 7);
    expect(differences(lost.step.after, lost.step.events, lost.real)).toEqual([]);
    lost.real.servers.primary!.slots = { replica: { active: false, walStatus: "unreserved" } };
    expect(differences(lost.step.after, lost.step.events, lost.real)).toEqual([
      'primary slot "replica" wal_status: trace "lost", PostgreSQL "unreserved"',
    ]);
    const used = agreeing("slots.yaml", 1);
    used.real.servers.primary!.slots = {
      replica: { active: false, walStatus: "reserved" },
      extra: { active: false, walStatus: "reserved" },
    };
    expect(differences(used.step.after, used.step.events, used.real)).toEqual([
      'primary slot "extra": trace "none", PostgreSQL "exists"',
      'primary slot "replica" active: trace true, PostgreSQL false',
    ]);
    const dropped = agreeing("slots.yaml", 9);
    dropped.real.servers.primary!.slots = { replica: { active: false, walStatus: "lost" } };
    expect(differences(dropped.step.after, dropped.step.events, dropped.real)).toEqual([
      'primary slot "replica": trace "none", PostgreSQL "exists"',
    ]);
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

  it("compares replay_paused, lag and a standby's timeline also when it does not stream", () => {
    const { real, step } = agreeing("replication-lag.yaml", 3);
    const paused = Object.entries(step.after.servers).find(([, s]) => s.replayConflict)!;
    const [id] = paused;
    real.servers[id]!.replayPaused = false;
    real.servers[id]!.lagging = false;
    expect(differences(step.after, step.events, real)).toEqual([
      `${id} replay_paused: trace true, PostgreSQL false`,
      `${id} received but not replayed: trace true, PostgreSQL false`,
    ]);
    const five = agreeing("failover-failback.yaml", 5);
    expect(five.step.after.servers.alpha!.walreceiver).not.toBe("streaming");
    five.real.servers.alpha!.timeline = 2;
    expect(differences(five.step.after, five.step.events, five.real)).toEqual([
      "alpha timeline: trace 1, PostgreSQL 2",
    ]);
  });
});

describe("verify's comparison of both ends of a replication connection", () => {
  it("reports a walsender still streaming to a standby the trace has cut off", () => {
    const { real, step } = agreeing("streaming.yaml", 4);
    real.servers.primary!.walsenders = ["standby"];
    expect(differences(step.after, step.events, real)).toEqual([]);
    const cut = agreeing("streaming.yaml", 5);
    expect(cut.step.after.servers.standby!.walreceiver).not.toBe("streaming");
    cut.real.servers.primary!.walsenders = ["standby"];
    expect(differences(cut.step.after, cut.step.events, cut.real)).toEqual([
      'primary streams to: trace [], PostgreSQL ["standby"]',
    ]);
  });
});

describe("verify's comparison the other way: errors the trace does not predict", () => {
  const line = (text: string) => `2026-12-01 17:00:00.000 UTC [123] ${text}`;

  it("finds none when PostgreSQL logs only what the trace predicts", () => {
    for (const [name, n] of [
      ["failover-failback.yaml", 6],
      ["archiving.yaml", 4],
      ["replication-lag.yaml", 9],
    ] as const) {
      const { real, step } = agreeing(name, n);
      expect(unexpectedErrors(step, real), `${name} step ${n}`).toEqual([]);
    }
  });

  it("reports a FATAL in a server's log and an ERROR told to a client that the trace does not predict", () => {
    const { real, step } = agreeing("streaming.yaml", 4);
    real.servers.standby!.log +=
      "\n" +
      line(
        "FATAL:  could not receive data from WAL stream: ERROR:  requested WAL segment 000000010000000000000003 has already been removed",
      );
    real.clients.writer!.said += "\npsql:<stdin>:1: ERROR:  cannot execute INSERT in a read-only transaction";
    expect(unexpectedErrors(step, real)).toEqual([
      'standby logged an error the trace does not predict: "FATAL:  could not receive data from WAL stream: ERROR:  requested WAL segment 000000010000000000000003 has already been removed"',
      'writer was told an error the trace does not predict: "psql:<stdin>:1: ERROR:  cannot execute INSERT in a read-only transaction"',
    ]);
  });

  it("lets the documented harmless ones pass, and a walreceiver's retries only while its upstream is down", () => {
    const { real, step } = agreeing("streaming.yaml", 4);
    real.servers.primary!.log += "\n" + line("FATAL:  terminating connection due to administrator command");
    real.clients.writer!.said += "\nERROR:  canceling statement due to user request";
    expect(unexpectedErrors(step, real)).toEqual([]);
    const refused = line(
      'FATAL:  could not connect to the primary server: connection to server at "127.0.0.1", port 4000 failed: Connection refused',
    );
    real.servers.standby!.log += "\n" + refused;
    expect(unexpectedErrors(step, real)).toHaveLength(1);
    const crashed = agreeing("failover-failback.yaml", 2);
    crashed.real.servers.beta!.log += "\n" + refused;
    expect(crashed.step.after.servers.alpha!.up).toBe(false);
    expect(unexpectedErrors(crashed.step, crashed.real)).toEqual([]);
    for (const allowed of HARMLESS) expect(allowed.why.length).toBeGreaterThan(10);
  });

  it("takes a second end of a cancelled query, FATAL, as the cancel the trace predicts, only in the step and on the server that cancels", () => {
    const fatal = "FATAL:  terminating connection due to conflict with recovery";
    const canceled = agreeing("replication-lag.yaml", 9);
    const cancel = canceled.step.events.find((e) => e.kind === "query-canceled")!;
    canceled.real.servers[cancel.actor]!.log += "\n" + line(fatal);
    canceled.real.clients[cancel.to!]!.said += "\n" + fatal;
    expect(unexpectedErrors(canceled.step, canceled.real)).toEqual([]);
    const other = Object.keys(canceled.real.servers).find((id) => id !== cancel.actor)!;
    canceled.real.servers[other]!.log += "\n" + line(fatal);
    expect(unexpectedErrors(canceled.step, canceled.real)).toEqual([
      `${other} logged an error the trace does not predict: ${JSON.stringify(fatal)}`,
    ]);
    const calm = agreeing("streaming.yaml", 4);
    calm.real.servers.standby!.log += "\n" + line(fatal);
    calm.real.clients.writer!.said += "\n" + fatal;
    expect(unexpectedErrors(calm.step, calm.real)).toHaveLength(2);
  });

  it("takes a standby's lasting error, logged again in a later step, as predicted", () => {
    const { trace } = loadShipped("archiving.yaml");
    const lasting = trace.steps.find(
      (s) => Object.values(s.after.servers).some((v) => v.error) && !s.events.some((e) => e.kind === "error"),
    );
    expect(lasting).toBeDefined();
    const { real, step } = agreeing("archiving.yaml", lasting!.number);
    const [id, server] = Object.entries(step.after.servers).find(([, v]) => v.error)!;
    real.servers[id]!.log += "\n" + line(server.error!);
    expect(unexpectedErrors(step, real)).toEqual([]);
  });
  it("compares what pg_rewind printed with the trace's messages, and reports its errors the trace does not predict", () => {
    // Step 9 of rewind-failback: pg_rewind finishes Server A's crash recovery, then rewinds it.
    const { real, step } = agreeing("rewind-failback.yaml", 9);
    real.servers.beta!.walsenders = [];
    const printed = [
      'pg_rewind: executing "/usr/lib/postgresql/15/bin/postgres" for target server to complete crash recovery',
      "2026-12-01 20:13:37.405 UTC [26775] LOG:  checkpoint starting: shutdown immediate",
      "pg_rewind: servers diverged at WAL location 0/A000D0 on timeline 1",
      "pg_rewind: rewinding from last common checkpoint at 0/700060 on timeline 1",
      "pg_rewind: Done!",
    ].join("\n");
    real.servers.alpha!.said = printed;
    expect(differences(step.after, step.events, real)).toEqual([]);
    expect(unexpectedErrors(step, real)).toEqual([]);
    real.servers.alpha!.said = printed.replace("servers diverged", "servers split");
    expect(differences(step.after, step.events, real).join()).toMatch(
      /pg_rewind on alpha: trace says .*servers diverged/,
    );
    real.servers.alpha!.said = printed + "\npg_rewind: error: could not find previous WAL record at 0/A000D0";
    expect(unexpectedErrors(step, real).join()).toMatch(
      /alpha's pg_rewind printed an error the trace does not predict/,
    );
  });

  it("matches pg_rewind's file names and binaries wherever the real folders are", () => {
    expect(
      messagePattern(
        'pg_rewind: error: could not open file "data/alpha/pg_wal/000000010000000000000004": No such file or directory',
      ).test(
        'pg_rewind: error: could not open file "/tmp/v/run-1/data/alpha/pg_wal/00000001000000000000000A": No such file or directory',
      ),
    ).toBe(true);
    expect(
      messagePattern(
        'pg_rewind: executing "/usr/lib/postgresql/15/bin/postgres" for target server to complete crash recovery',
      ).test('pg_rewind: executing "/opt/pg/bin/postgres" for target server to complete crash recovery'),
    ).toBe(true);
  });
});
