/**
 * The stage model: from the trace, the printed deck and every move of every printed object, so
 * that script, cards and diagrams all describe a table that can really look like that. See
 * STAGE.md in the design notes: a server's data (its row) and its WAL (its tray) are separate
 * objects, each copy of a card carries whose it is, and a checkpoint drops WAL, never rows.
 */
import type { Scenario } from "../scenario/model.js";
import type { Trace } from "../sim/trace.js";
import { deckOfCopies, restOfDeck } from "./deck.js";
import { planRun, recordsOf } from "./plan.js";
import { replayRun } from "./replay.js";
import {
  COMMON_PLACES,
  data,
  hand,
  wal,
  type Act,
  type Moment,
  type Move,
  type Place,
  type StageModel,
} from "./types.js";

export * from "./types.js";

/** Every place of a scenario's stage: the common ones, then each role's hand, and each server's row and tray. */
export function placesOf(scenario: Scenario): Place[] {
  return [
    ...COMMON_PLACES,
    ...scenario.roles.flatMap((r) =>
      r.kind === "primary" || r.kind === "standby" ? [hand(r.id), data(r.id), wal(r.id)] : [hand(r.id)],
    ),
  ];
}

export function deriveStage(scenario: Scenario, trace: Trace): StageModel {
  const runs = scenario.runs.map((run) => {
    const steps = trace.steps.filter((s) => s.run === run.number);
    // Jokers and DELETEs are numbered among the cards: a number that is a joker in one run may be a write in another.
    return { steps, plan: planRun(scenario, steps, recordsOf(steps)) };
  });
  // The cards first (each run's copies learn their objects), then each run replayed with them, which
  // tells the reads, acks and tokens that the rest of the deck prints.
  const cards = deckOfCopies(
    scenario,
    runs.map((r) => r.plan.copies),
  );
  const replays = runs.map((r) => replayRun(scenario, r.steps, r.plan));
  const deck = [...cards, ...restOfDeck(replays)];

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
   * A list in deck order without some of its objects: each is found by halving (the list is in deck
   * order), and the stretches between them are copied whole.
   */
  const without = (list: readonly string[], gone: readonly string[]): string[] => {
    const at = gone.map((object) => {
      const rank = order.get(object)!;
      let low = 0;
      let high = list.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (order.get(list[middle]!)! < rank) low = middle + 1;
        else high = middle;
      }
      if (list[low] !== object) throw new Error(`internal: stage object ${object} is not in the place it leaves`);
      return low;
    });
    at.sort((a, b) => a - b);
    const stretches: string[][] = [];
    let from = 0;
    for (const i of at) {
      stretches.push(list.slice(from, i));
      from = i + 1;
    }
    stretches.push(list.slice(from));
    return ([] as string[]).concat(...stretches);
  };

  /**
   * The places after a moment, from those before it and the moment's acts; `now`, every object's
   * place, is moved on by them. Only the objects that moved are looked at: a place keeps its list
   * (copied) but for those that left it, and takes those that came, merged in deck order. The same
   * lists as a snapshot of the whole deck, without reading every object at every moment.
   */
  const advance = (before: Record<Place, readonly string[]>, now: Map<string, Place>, acts: readonly Act[]) => {
    // Where each moved object was before the moment: its first move starts there.
    const was = new Map<string, Place>();
    for (const act of acts)
      for (const m of act.moves) {
        if (!was.has(m.object)) was.set(m.object, m.from);
        now.set(m.object, m.to);
      }
    const left = new Map<Place, string[]>();
    const came = new Map<Place, string[]>();
    was.forEach((from, object) => {
      const to = now.get(object)!;
      if (to === from || !order.has(object)) return;
      if (!Object.hasOwn(before, to)) throw new Error(`internal: stage place ${to} is not one of the stage's places`);
      const gone = left.get(from);
      if (gone) gone.push(object);
      else left.set(from, [object]);
      const arrived = came.get(to);
      if (arrived) arrived.push(object);
      else came.set(to, [object]);
    });
    const out: Record<Place, readonly string[]> = {};
    for (const p of allPlaces) {
      const gone = left.get(p);
      // A place nothing left keeps its list (shared with the moment before: lists are read only).
      const kept = gone ? without(before[p]!, gone) : before[p]!;
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
  for (const replay of replays) {
    const start = full(replay.start);
    if (!previous) model.start = snapshot(start);
    // Every object's place as the run goes (the replay moves objects only by the moves it records).
    const now = new Map(start);
    let places: Record<Place, readonly string[]> = snapshot(start);
    replay.steps.forEach((step, i) => {
      const moments: Moment[] = step.moments.map((m) => {
        places = advance(places, now, m.acts);
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

/** The stage as the JSON `replikit stage` prints: deck, start, and each step's moments with their moves and places. */
export function stageJson(model: StageModel): object {
  return {
    deck: model.deck,
    start: model.start,
    steps: model.steps.map((s) => ({
      step: s.step,
      run: s.run,
      moments: s.moments.map((m) => ({ kind: m.kind, moves: m.acts.flatMap((a) => a.moves), places: m.places })),
    })),
  };
}
