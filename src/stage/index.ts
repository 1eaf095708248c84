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

  // Objects and places are followed by number: an object by its rank in the deck, a place by its
  // index in allPlaces. Each place's objects are kept as ranks in deck order (the lists a moment
  // shows are these ranks' names).
  const order = new Map(deck.map((o, i) => [o.object, i]));
  const names = deck.map((o) => o.object);
  const allPlaces = placesOf(scenario);
  const placeIndex = new Map(allPlaces.map((p, i) => [p, i]));
  const placeOf = (place: Place) => placeIndex.get(place) ?? -1;
  const RESERVE = placeOf("reserve");
  /** Every deck object's place at a run's start (an object the run does not use is in the reserve). */
  const startOf = (where: ReadonlyMap<string, Place>) =>
    deck.map((o) => {
      const place = where.get(o.object);
      return place === undefined ? RESERVE : placeOf(place);
    });
  /** Each place's objects, as ranks in deck order. */
  const ranksAt = (at: readonly number[]) => {
    const out: number[][] = allPlaces.map(() => []);
    at.forEach((p, rank) => out[p]!.push(rank));
    return out;
  };
  const named = (ranks: readonly number[]) => ranks.map((rank) => names[rank]!);
  const snapshot = (ranks: readonly (readonly number[])[]) => {
    const out: Record<Place, readonly string[]> = {};
    allPlaces.forEach((p, i) => (out[p] = named(ranks[i]!)));
    return out;
  };

  // Per object: the moment it was last moved in, and where it was before that moment.
  const movedIn = new Array<number>(deck.length).fill(-1);
  const was = new Array<number>(deck.length).fill(0);
  let moment = 0;

  /**
   * The places after a moment, from those before it and the moment's acts; `at` (every object's
   * place) and `ranks` (every place's objects) are moved on by them. Only the objects that moved
   * are looked at: a place nothing left or came to keeps its list (shared with the moment before:
   * lists are read only); one that changed drops what left it and merges in what came, in deck order.
   */
  const advance = (before: Record<Place, readonly string[]>, at: number[], ranks: number[][], acts: readonly Act[]) => {
    moment++;
    const moved: number[] = [];
    for (const act of acts)
      for (const m of act.moves) {
        const rank = order.get(m.object);
        if (rank === undefined) continue;
        // Where each moved object was before the moment: its first move starts there.
        if (movedIn[rank] !== moment) {
          movedIn[rank] = moment;
          was[rank] = placeOf(m.from);
          moved.push(rank);
        }
        at[rank] = placeOf(m.to);
      }
    const left: (number[] | undefined)[] = [];
    const came: (number[] | undefined)[] = [];
    for (const rank of moved) {
      const from = was[rank]!;
      const to = at[rank]!;
      if (to === from) continue;
      if (to < 0) throw new Error(`internal: a stage object moves to a place that is not one of the stage's places`);
      if (from >= 0) (left[from] ??= []).push(rank);
      (came[to] ??= []).push(rank);
    }
    const out: Record<Place, readonly string[]> = {};
    allPlaces.forEach((p, i) => {
      const gone = left[i];
      const arrived = came[i];
      if (!gone && !arrived) {
        out[p] = before[p]!;
        return;
      }
      const list = ranks[i]!;
      const next: number[] = [];
      let dropped = 0;
      let j = 0;
      arrived?.sort((a, b) => a - b);
      // By index: this runs over every object of every place a moment changes.
      for (let k = 0; k < list.length; k++) {
        const rank = list[k]!;
        if (gone && movedIn[rank] === moment && was[rank] === i && at[rank] !== i) {
          dropped++;
          continue;
        }
        if (arrived) while (j < arrived.length && arrived[j]! < rank) next.push(arrived[j++]!);
        next.push(rank);
      }
      if (arrived) while (j < arrived.length) next.push(arrived[j++]!);
      if (dropped !== (gone?.length ?? 0)) throw new Error(`internal: a stage object is not in the place it leaves`);
      ranks[i] = next;
      out[p] = named(next);
    });
    return out;
  };

  // The run of each step number (the first step of that number, as a search would find it).
  const runOf = new Map<number, number>();
  for (const s of trace.steps) if (!runOf.has(s.number)) runOf.set(s.number, s.run);

  const model: StageModel = { deck, start: {}, steps: [] };
  let previous: number[] | undefined;
  for (const replay of replays) {
    const start = startOf(replay.start);
    const ranks = ranksAt(start);
    if (!previous) model.start = snapshot(ranks);
    // Every object's place as the run goes (the replay moves objects only by the moves it records).
    const at = [...start];
    let places = snapshot(ranks);
    replay.steps.forEach((step, i) => {
      const moments: Moment[] = step.moments.map((m) => {
        places = advance(places, at, ranks, m.acts);
        return { kind: m.kind, acts: m.acts, places };
      });
      if (i === 0 && previous) {
        // Between runs every object goes back to where the next run starts it, in deck order.
        const moves: Move[] = [];
        deck.forEach((o, rank) => {
          const from = previous![rank]!;
          const to = start[rank]!;
          if (from !== to) moves.push({ object: o.object, from: allPlaces[from]!, to: allPlaces[to]! });
        });
        moments.unshift({ kind: "reset", acts: [{ event: -1, moves }], places: snapshot(ranksAt(start)) });
      }
      model.steps.push({ step: step.step, run: runOf.get(step.step)!, moments });
    });
    previous = at;
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
