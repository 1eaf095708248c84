/**
 * deriveStage as it was before it replayed each run once (2026-12-02), kept verbatim with its
 * plan, replay and deck as an oracle: tests/stage/fast.test.ts compares today's stage with this
 * one, object by object and move by move.
 */
import type { Scenario } from "../../../src/scenario/model.js";
import type { Trace } from "../../../src/sim/trace.js";
import { buildDeck, type RunNeeds } from "./deck.js";
import { planRun, recordsOf } from "./plan.js";
import { replayRun, type RunReplay } from "./replay.js";
import {
  COMMON_PLACES,
  data,
  hand,
  wal,
  type Moment,
  type Move,
  type Place,
  type StageModel,
} from "../../../src/stage/types.js";

/** Every place of a scenario's stage: the common ones, then each role's hand, and each server's row and tray. */
function placesOf(scenario: Scenario): Place[] {
  return [
    ...COMMON_PLACES,
    ...scenario.roles.flatMap((r) =>
      r.kind === "primary" || r.kind === "standby" ? [hand(r.id), data(r.id), wal(r.id)] : [hand(r.id)],
    ),
  ];
}

export function deriveStageBefore(scenario: Scenario, trace: Trace): StageModel {
  const runs = scenario.runs.map((run) => {
    const steps = trace.steps.filter((s) => s.run === run.number);
    // Jokers and DELETEs are numbered among the cards: a number that is a joker in one run may be a write in another.
    const plan = planRun(scenario, steps, recordsOf(steps));
    return { steps, plan, dry: replayRun(scenario, steps, plan, undefined) };
  });
  const needs: RunNeeds[] = runs.map((r) => ({
    copies: r.plan.copies,
    reads: r.dry.reads,
    acks: r.dry.acks,
    tokens: r.dry.tokens,
  }));
  const deck = buildDeck(scenario, needs);
  const tokenDeck = new Map<string, string[]>();
  for (const o of deck) if (o.kind === "token") tokenDeck.set(o.label!, [...(tokenDeck.get(o.label!) ?? []), o.object]);

  const order = new Map(deck.map((o, i) => [o.object, i]));
  const allPlaces = placesOf(scenario);
  const snapshot = (where: ReadonlyMap<string, Place>): Record<Place, string[]> => {
    const out: Record<Place, string[]> = Object.fromEntries(allPlaces.map((p) => [p, [] as string[]]));
    for (const o of deck) out[where.get(o.object) ?? "reserve"]!.push(o.object);
    return out;
  };
  const full = (where: Map<string, Place>) => {
    const all = new Map(where);
    for (const o of deck) if (!all.has(o.object)) all.set(o.object, "reserve");
    return all;
  };

  /**
   * The places after a moment, from those before it and the moment's moves (`now` already holds
   * every object's place after them). Only the objects that moved are looked at: a place keeps its
   * list (copied) but for those that left it, and takes those that came, merged in deck order.
   * The same lists as a snapshot of the whole deck, without reading every object at every moment.
   */
  const advance = (before: Record<Place, readonly string[]>, now: Map<string, Place>, moves: Move[]) => {
    // Where each moved object was before the moment: its first move starts there.
    const was = new Map<string, Place>();
    for (const m of moves) if (!was.has(m.object)) was.set(m.object, m.from);
    const left = new Map<Place, Set<string>>();
    const came = new Map<Place, string[]>();
    for (const [object, from] of was) {
      const to = now.get(object)!;
      if (to === from || !order.has(object)) continue;
      if (!Object.hasOwn(before, to)) throw new Error(`internal: stage place ${to} is not one of the stage's places`);
      const gone = left.get(from);
      if (gone) gone.add(object);
      else left.set(from, new Set([object]));
      const arrived = came.get(to);
      if (arrived) arrived.push(object);
      else came.set(to, [object]);
    }
    const out: Record<Place, readonly string[]> = {};
    for (const p of allPlaces) {
      const gone = left.get(p);
      // A place nothing left keeps its list (shared with the moment before: lists are read only).
      const kept = gone ? before[p]!.filter((o) => !gone.has(o)) : before[p]!;
      const arrived = came.get(p)?.sort((a, b) => order.get(a)! - order.get(b)!);
      if (!arrived) {
        out[p] = kept;
        continue;
      }
      // Mostly what comes is newer than all that stays (cards are numbered as they are written).
      if (kept.length === 0 || order.get(kept[kept.length - 1]!)! < order.get(arrived[0]!)!) {
        out[p] = kept.concat(arrived);
        continue;
      }
      const merged: string[] = [];
      let i = 0;
      let j = 0;
      while (i < kept.length && j < arrived.length)
        merged.push(order.get(kept[i]!)! < order.get(arrived[j]!)! ? kept[i++]! : arrived[j++]!);
      while (i < kept.length) merged.push(kept[i++]!);
      while (j < arrived.length) merged.push(arrived[j++]!);
      out[p] = merged;
    }
    return out;
  };

  // The run of each step number (the first step of that number, as a search would find it).
  const runOf = new Map<number, number>();
  for (const s of trace.steps) if (!runOf.has(s.number)) runOf.set(s.number, s.run);

  const model: StageModel = { deck, start: {}, steps: [] };
  let previous: Map<string, Place> | undefined;
  for (const run of runs) {
    const replay: RunReplay = replayRun(scenario, run.steps, run.plan, tokenDeck);
    const start = full(replay.start);
    if (!previous) model.start = snapshot(start);
    // Every object's place as the run goes (the replay moves objects only by the moves it records).
    const now = new Map(start);
    let places: Record<Place, readonly string[]> = snapshot(start);
    replay.steps.forEach((step, i) => {
      const moments: Moment[] = step.moments.map((m) => {
        const moves = m.acts.flatMap((a) => a.moves);
        for (const mv of moves) now.set(mv.object, mv.to);
        places = advance(places, now, moves);
        return { kind: m.kind, acts: m.acts, places };
      });
      if (i === 0 && previous) {
        const moves: Move[] = [];
        for (const o of deck) {
          const from = previous.get(o.object)!;
          const to = start.get(o.object)!;
          if (from !== to) moves.push({ object: o.object, from, to });
        }
        moves.sort((a, b) => order.get(a.object)! - order.get(b.object)!);
        moments.unshift({ kind: "reset", acts: [{ event: -1, moves }], places: snapshot(start) });
      }
      model.steps.push({ step: step.step, run: runOf.get(step.step)!, moments });
    });
    previous = now;
  }
  return model;
}
