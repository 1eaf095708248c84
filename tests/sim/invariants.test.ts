/**
 * Invariants of the replication model, over random scenarios (fast-check): random roles settings
 * and action sequences, including ones that make no sense at their moment (those are skipped as
 * problems, the rest must keep the model true).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/scenario/model.js";
import type { Action } from "../../src/scenario/schema.js";
import { scenarioOf, settings, steps } from "./arbitraries.js";
import { perform, StepProblem } from "../../src/sim/actions/index.js";
import { settle } from "../../src/sim/flow.js";
import { freshStage, type Stage } from "../../src/sim/state.js";
import { simulateLeniently } from "../../src/sim/simulate.js";

const at = { line: 1, column: 1 };

/** Checks the model's invariants on the live stage after a step. */
function checkStage(stage: Stage, everLost: Set<number>): void {
  for (const s of stage.servers.values()) {
    const cards = s.wal.map((r) => r.card);
    // No server holds a card twice, and WAL is history: cards in creation order.
    expect(new Set(cards).size).toBe(cards.length);
    for (let i = 1; i < cards.length; i++) expect(cards[i]!).toBeGreaterThan(cards[i - 1]!);
    expect(s.replayed).toBeLessThanOrEqual(s.wal.length);
    if (s.mode === "primary") expect(s.replayed).toBe(s.wal.length);
    // A streaming standby's WAL is a prefix of its upstream's, on the upstream's timeline.
    if (s.up && s.mode === "standby" && s.receiver === "streaming") {
      const u = stage.servers.get(s.upstream!)!;
      expect(u.wal.slice(0, s.wal.length).map((r) => r.card)).toEqual(cards);
      expect(s.timeline).toBe(u.timeline);
    }
  }
  // A card lost stays lost.
  for (const card of everLost) expect(stage.lost.has(card)).toBe(true);
  for (const card of stage.lost) everLost.add(card);
}

describe("replication model invariants", () => {
  it("hold on the live stage after every step of random scenarios", () => {
    fc.assert(
      fc.property(settings, steps, (config, plan) => {
        const stage = freshStage(scenarioOf(config, plan), { ...DEFAULT_SETTINGS, ...config });
        const lost = new Set<number>();
        for (const actions of plan) {
          stage.events = [];
          for (const a of actions) {
            try {
              perform(stage, { ...a, at } as Action);
            } catch (error) {
              if (!(error instanceof StepProblem)) throw error;
            }
          }
          settle(stage);
          checkStage(stage, lost);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("hold in the trace: replay order, acks after standby acks, determinism", () => {
    fc.assert(
      fc.property(settings, steps, (config, plan) => {
        const scenario = scenarioOf(config, plan);
        const { trace } = simulateLeniently(scenario);
        expect(simulateLeniently(scenario).trace).toEqual(trace);
        const lastReplayed = new Map<string, number>();
        const standbyAcked = new Set<number>();
        const ackers = new Map<number, Set<string>>();
        for (const step of trace.steps) {
          for (const e of step.events) {
            if (e.kind === "clone") lastReplayed.delete(e.to!);
            if (e.kind === "replay") {
              // A standby never replays card n+1 before card n.
              expect(e.card!).toBeGreaterThan(lastReplayed.get(e.actor) ?? 0);
              lastReplayed.set(e.actor, e.card!);
            }
            if (e.kind === "standby-ack") {
              standbyAcked.add(e.card!);
              ackers.set(e.card!, new Set([...(ackers.get(e.card!) ?? []), e.actor]));
            }
            // A synchronous writer is never acknowledged before its standbys acknowledged: as many
            // different ones as FIRST n or ANY n asks for.
            if (e.kind === "commit-ack") {
              expect(standbyAcked.has(e.card!)).toBe(true);
              expect(ackers.get(e.card!)!.size).toBeGreaterThanOrEqual(config.synchronous_rule?.num ?? 1);
            }
          }
          const sync =
            config.synchronous_standby_names.length > 0 && !["off", "local"].includes(config.synchronous_commit);
          if (sync)
            for (const c of Object.values(step.after.clients))
              for (const card of c.acked) expect(standbyAcked.has(card)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
