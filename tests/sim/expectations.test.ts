/**
 * Every teaching claim in the shipped scenarios holds, and each one can fail: for every `expect:`
 * we corrupt the part of the trace it speaks about and check that `check` then reports it, at
 * its own line.
 */
import { describe, expect, it } from "vitest";
import { resolveSlot, type Scenario } from "../../src/scenario/model.js";
import type { Expectation } from "../../src/scenario/schema.js";
import { checkExpectations } from "../../src/sim/expect.js";
import type { Trace, TraceStep } from "../../src/sim/trace.js";
import { loadShipped, loadVariant, shipped, variants } from "../helpers.js";

/** Changes the step so that claim `e` no longer holds in it. */
function corrupt(e: Expectation, step: TraceStep, scenario: Scenario): void {
  const c = e.claim as Record<string, unknown>;
  const { servers, clients } = step.after;
  switch (e.name) {
    case "server": {
      const s = servers[e.claim.server]!;
      if (c.mode !== undefined) s.mode = s.mode === "primary" ? "standby" : "primary";
      else if (c.up !== undefined) s.up = !s.up;
      else if (c.timeline !== undefined) s.timeline += 1;
      else if (c.cards !== undefined) s.cards = s.cards.slice(1);
      else if (c.has !== undefined) {
        s.cards = s.cards.filter((n) => n !== e.claim.has![0]);
        s.unconfirmed = s.unconfirmed.filter((n) => n !== e.claim.has![0]);
      } else if (c.lacks !== undefined) s.cards = [...s.cards, e.claim.lacks![0]!];
      else if (c.streaming !== undefined) s.walreceiver = s.walreceiver === "streaming" ? "waiting" : "streaming";
      else if (c.upstream !== undefined) s.upstream = "nowhere";
      else if (c.replay_paused !== undefined) s.replayPaused = !s.replayPaused;
      else if (c.replay_conflict !== undefined) s.replayConflict = s.replayConflict ? undefined : true;
      else if (c.lag !== undefined) s.received += 1;
      else if (c.sync_state !== undefined) s.syncState = s.syncState === "async" ? "sync" : "async";
      break;
    }
    case "client": {
      const s = clients[e.claim.client]!;
      if (c.waiting !== undefined) s.waiting = s.waiting === null ? 99 : null;
      else if (c.acked !== undefined) s.acked = [...s.acked, 99];
      else if (c.read !== undefined)
        s.lastRead = { query: 0, from: "x", result: s.lastRead?.result === "found" ? "stale" : "found", sees: null };
      else if (c.holding !== undefined) s.holding = s.holding ? null : { server: "x", query: 0, sees: null };
      break;
    }
    case "error":
      step.events = step.events.map(({ message: _m, ...rest }) => rest);
      break;
    case "streamed":
      step.events = step.events.filter((ev) => ev.kind !== "stream" && ev.kind !== "restore");
      break;
    case "lost":
      step.after.lost = [];
      break;
    case "diverged":
      servers[e.claim.diverged[1]]!.cards = [...servers[e.claim.diverged[0]]!.cards];
      break;
    case "promoted":
      step.events = step.events.filter((ev) => ev.kind !== "promote");
      break;
    case "slot": {
      const s = servers[e.claim.on]!;
      const settings = scenario.runs.find((r) => r.number === step.run)!.settings;
      const name = resolveSlot(settings, scenario.roles, e.claim.slot);
      const slot = s.slots?.[name];
      if (c.exists === false) s.slots = { ...s.slots, [name]: { active: false, walStatus: "reserved", holds: null } };
      else if (c.active !== undefined) slot!.active = !slot!.active;
      else if (c.wal_status !== undefined) slot!.walStatus = slot!.walStatus === "lost" ? "reserved" : "lost";
      else delete s.slots?.[name];
      break;
    }
  }
}

describe("expectations", () => {
  for (const name of [...shipped, ...variants]) {
    const { scenario, trace } = shipped.includes(name) ? loadShipped(name) : loadVariant(name);
    const steps = scenario.runs.flatMap((r) => r.steps);

    it(`${name}: every claim holds`, () => {
      const report = checkExpectations(scenario, trace);
      expect(report.failures).toEqual([]);
      expect(report.problems).toEqual([]);
      expect(report.checked).toBeGreaterThanOrEqual(6);
    });

    it(`${name}: every claim fails when the simulation gets it wrong`, () => {
      for (const step of steps) {
        for (const e of step.expect) {
          const broken = structuredClone<Trace>(trace);
          corrupt(
            e,
            broken.steps.find((s) => s.number === step.number)!,
            scenario,
          );
          const report = checkExpectations(scenario, broken);
          const here = report.failures.filter((f) => f.position === e.at);
          expect(here.length, `claim at line ${e.at.line} of ${name} did not fail`).toBeGreaterThan(0);
          expect(here[0]!.message).toMatch(/expected .*simulated/);
        }
      }
    });
  }
});
