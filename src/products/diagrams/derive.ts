/**
 * The diagrams as plain data, every word applied: one frame per step, and a frame before the flow
 * where something can be seen then (a read that misses a card still in flight, a crash with cards
 * not passed on). A frame shows the places of the stage — each server's row and WAL tray, the
 * clients' hands, the floor, the archive table, the bin — the objects that moved, the replication
 * links, timelines and fork points, losses and PostgreSQL's messages.
 */
import { deletedOn, durationPhrase, speakerOf } from "../cues.js";
import type { Scenario } from "../../scenario/model.js";
import type { Snapshot, Trace, TraceEvent } from "../../sim/trace.js";
import {
  areaOf,
  ownerOf,
  type DeckObject,
  type Moment,
  type Move,
  type Place,
  type StageModel,
} from "../../stage/index.js";
import { takesHistory } from "../../stage/plan.js";
import { listPhrase, type Templates } from "../../wording.js";
import { numbers } from "../script/table.js";
import { settingsLine } from "../settings.js";
import { SharedBoxes } from "./shared.js";

export type LinkState = "streaming" | "waiting" | "error" | "off" | "cut";

/** How a card is drawn in a row or tray. */
/** "unconfirmed": a primary's own copy of a commit still waiting for its ack, in hand, not in the row. */
/** "delete": a DELETE record ("D5"), in a tray until it is replayed. */
export type CellStyle = "row" | "wal" | "queued" | "owed" | "joker" | "delete" | "deleteQueued" | "unconfirmed";

export interface Cell {
  /** "7", "J3", or a range "1–12" when a row is too long to show card by card. */
  text: string;
  style: CellStyle;
  /** 2 and above are drawn hatched. */
  timeline: number;
  /** Written on a timeline after the point where a newer timeline forked off: on one branch only. */
  pastFork: boolean;
}

export interface ServerBox {
  id: string;
  label: string;
  heading: string;
  /** "forked after card 3", for a server on timeline 2 or later. */
  fork?: string;
  up: boolean;
  /** What the badge of a server that is not running says: DOWN, or NOT STARTED for a fresh clone. */
  badge?: string;
  empty: boolean;
  row: Cell[];
  tray: Cell[];
  paused?: string;
  /** Red cards lying with this server: queries running on it. */
  queries: string[];
  /** Its replication slots, each with the card it keeps WAL from, or that it is lost (or holds more than its cap); absent when it has none. */
  slots?: { text: string; alarm: boolean }[];
}

export interface ClientBox {
  id: string;
  label: string;
  kind: string;
  lines: string[];
  /** A line that signals trouble (a stale read, a cancelled query, a commit still waiting). */
  alarm: boolean;
}

export interface Flow {
  from: string;
  to: string;
  label: string;
  kind: "card" | "ack" | "read" | "copy" | "joker" | "delete" | "token";
}

export interface Frame {
  step: number;
  /** This frame's place among the step's frames: "1 of 2 · as the volunteers act". */
  title: string;
  moment?: string;
  /** For a scenario with several runs: the run and its settings. */
  run?: string;
  servers: ServerBox[];
  clients: ClientBox[];
  links: { from: string; to: string; state: LinkState; label: string }[];
  flows: Flow[];
  floor: Cell[];
  archive: Cell[] | null;
  bin: Cell[];
  lost?: string;
  errors: { role: string; message: string }[];
  footer: string;
  words: Record<string, string>;
}

/** Events whose outcome can be seen before the step's WAL flows. */
const OBSERVABLE = new Set<TraceEvent["kind"]>([
  "read",
  "read-failed",
  "crash",
  "promote",
  "write-failed",
  "cut",
  "stop",
]);

/** Fork points of one run (timelines start afresh each run): for each timeline after the first, its parent and the position it forked at. */
function forks(steps: Trace["steps"]): Map<number, { parent: number; at: number }> {
  const out = new Map<number, { parent: number; at: number }>();
  const timelineOf = new Map<string, number>();
  for (const step of steps) {
    for (const e of step.events) {
      if (e.kind === "promote") {
        out.set(e.timeline!, { parent: timelineOf.get(e.actor) ?? 1, at: e.position! });
        timelineOf.set(e.actor, e.timeline!);
      }
      if (e.kind === "timeline-switch") timelineOf.set(e.actor, e.timeline!);
      if (takesHistory(e)) timelineOf.set(e.to!, timelineOf.get(e.from!) ?? 1);
    }
  }
  return out;
}

export function deriveFrames(scenario: Scenario, trace: Trace, stage: StageModel, t: Templates, hash: string): Frame[] {
  const label = (id: string) => scenario.roles.find((r) => r.id === id)?.label ?? id;
  const text = (key: string, data: object = {}) => t.text("diagrams", key, data);
  const deck = new Map(stage.deck.map((o) => [o.object, o]));
  const shared = new SharedBoxes();
  let branches = new Map<number, { parent: number; at: number }>();
  let position = new Map<number, number>();
  let timelineOfCard = new Map<number, number>();
  let currentRun = 0;
  /** For a scenario with several runs, the current run and its settings. */
  let runLine: string | undefined;
  const words = Object.fromEntries(
    [
      "down",
      "not_started",
      "row",
      "tray",
      "paused",
      "archive",
      "floor",
      "bin",
      "legend_title",
      "legend_stream",
      "legend_waiting",
      "legend_error",
      "legend_cut",
      "legend_flow",
      "legend_row",
      "legend_wal",
      "legend_queued",
      "legend_owed",
      "legend_unconfirmed",
      "legend_joker",
      // Only in a kit with DELETE cards (the words of other kits stay as they were).
      ...(stage.deck.some((o) => o.kind === "delete") ? ["legend_delete", "legend_delete_queued"] : []),
      "legend_timeline",
      "legend_fork",
      "legend_query",
      "reserve",
      // Only where a slot is drawn, so that kits without slots read as before.
      ...(trace.steps.some((s) => Object.values(s.after.servers).some((v) => v.slots)) ? ["legend_slot"] : []),
    ].map((k) => [k, text(k)]),
  );

  /** Whether a card of timeline `tc` lies past the fork of any timeline that descends from it. */
  const pastFork = (card: number, tc: number, present: Set<number>) => {
    for (const tl of present) {
      let child = tl;
      let branch = branches.get(child);
      while (branch && branch.parent !== tc && branch.parent < child) {
        child = branch.parent;
        branch = branches.get(child);
      }
      if (branch && (position.get(card) ?? 0) > branch.at) return true;
    }
    return false;
  };

  /**
   * The timelines of the servers that are not empty, and the cells made for them so far in the run
   * (by place and object). A cell depends on nothing else within a run (positions and forks are the
   * run's), so each is made once and the same object serves every frame that shows it: frames are
   * read only. Equal cells of other places and runs are that object too (`shared`).
   */
  interface Present {
    timelines: Set<number>;
    cells: Map<Place, Map<string, Cell | null>>;
  }
  let presents = new Map<string, Present>();
  const presentIn = (snapshot: Snapshot): Present => {
    const timelines = new Set<number>();
    for (const s of Object.values(snapshot.servers)) if (s.mode !== "empty") timelines.add(s.timeline);
    const key = [...timelines].sort((a, b) => a - b).join(",");
    let present = presents.get(key);
    if (!present) presents.set(key, (present = { timelines, cells: new Map() }));
    return present;
  };

  const cellsOf = (objects: readonly string[], place: Place, present: Present): Cell[] => {
    let made = present.cells.get(place);
    if (!made) present.cells.set(place, (made = new Map<string, Cell | null>()));
    const cells: Cell[] = [];
    for (const id of objects) {
      let cell = made.get(id);
      if (cell === undefined) {
        const fresh = cellOf(id, place, present.timelines);
        made.set(id, (cell = fresh && shared.cell(fresh)));
      }
      if (cell) cells.push(cell);
    }
    return cells;
  };

  /** An object's cell in a place, or null for an object that is not drawn as a card (a read card, an ack, a token). */
  const cellOf = (id: string, place: Place, present: Set<number>): Cell | null => {
    const owner = ownerOf(place) ? label(ownerOf(place)!) : undefined;
    const area = areaOf(place);
    const common = owner === undefined;
    const o = deck.get(id)!;
    if (o.kind !== "write" && o.kind !== "joker" && o.kind !== "delete") return null;
    const style: CellStyle =
      o.kind === "joker"
        ? o.kind
        : o.kind === "delete"
          ? // A standby's own DELETE in its tray: received, not yet replayed (its rows still there).
            o.mark === owner && area === "wal"
            ? "deleteQueued"
            : "delete"
          : o.mark === "WAL"
            ? "wal"
            : common
              ? "row"
              : o.mark === owner
                ? area === "data"
                  ? "row"
                  : area === "hand"
                    ? "unconfirmed"
                    : "queued"
                : "owed";
    const timeline = o.timeline ?? 1;
    return {
      text: o.kind === "joker" ? `J${o.card}` : o.kind === "delete" ? `D${o.card}` : String(o.card),
      style,
      timeline,
      pastFork: pastFork(o.card!, timeline, present),
    };
  };

  /** "delay 5 minutes": a standby's recovery_min_apply_delay, as its box says it. */
  const delayOf = (id: string) => {
    const seconds = scenario.roles.find((r) => r.id === id)?.applyDelay;
    return seconds ? text("delay", { duration: durationPhrase(seconds) }) : undefined;
  };

  // Steps looked up by number (the first of each number, as a search would find it).
  const stagedOf = new Map<number, StageModel["steps"][number]>();
  for (const s of stage.steps) if (!stagedOf.has(s.step)) stagedOf.set(s.step, s);
  const tracedOf = new Map<number, Trace["steps"]>();
  for (const s of trace.steps) tracedOf.set(s.number, [...(tracedOf.get(s.number) ?? []), s]);
  // What last happened to each server's life (cloned, started, stopped, crashed) in the run's earlier steps.
  let life = new Map<string, string>();
  const live = (lastLife: Map<string, string>, events: TraceEvent[]) => {
    for (const e of events) {
      if (e.kind === "clone" || e.kind === "rewind") lastLife.set(e.to!, "clone");
      if (e.kind === "start" || e.kind === "stop" || e.kind === "crash") lastLife.set(e.actor, e.kind);
    }
  };

  const frames: Frame[] = [];
  for (const step of trace.steps) {
    if (step.run !== currentRun) {
      // Cards, positions and timelines are numbered afresh in every run.
      currentRun = step.run;
      const run = scenario.runs.find((r) => r.number === step.run)!;
      const settings = settingsLine(run.settings, label, true, scenario.roles);
      runLine =
        scenario.runs.length > 1
          ? text("run", { number: run.number, title: run.title, settings: settings ?? "" })
          : undefined;
      const steps = trace.steps.filter((s) => s.run === currentRun);
      branches = forks(steps);
      position = new Map();
      presents = new Map();
      timelineOfCard = new Map();
      life = new Map();
      const tl = new Map<string, number>();
      for (const st of steps) {
        for (const e of st.events) {
          if ((e.kind === "write" || e.kind === "vacuum" || e.kind === "delete") && e.position) {
            position.set(e.card!, e.position);
            timelineOfCard.set(e.card!, tl.get(e.to!) ?? 1);
          }
          if (e.kind === "promote" || e.kind === "timeline-switch") tl.set(e.actor, e.timeline!);
          if (takesHistory(e)) tl.set(e.to!, tl.get(e.from!) ?? 1);
        }
      }
    }
    const staged = stagedOf.get(step.number)!;
    const moments = staged.moments.filter((m) => m.kind !== "reset");
    const doMoment = moments.find((m) => m.kind === "do")!;
    const flowMoment = moments.find((m) => m.kind === "flow")!;
    const doMoves = movesOf(doMoment);
    const flowMoves = movesOf(flowMoment);
    const observable = step.events.slice(0, step.flowFrom).some((e) => OBSERVABLE.has(e.kind));
    const split = observable && doMoves.length > 0 && flowMoves.length > 0;
    const shots = split
      ? [
          {
            places: doMoment.places,
            moves: doMoves,
            events: step.events.slice(0, step.flowFrom),
            snapshot: undefined,
            moment: text("moment_do"),
          },
          {
            places: flowMoment.places,
            moves: flowMoves,
            events: step.events,
            snapshot: step.after,
            moment: text("moment_flow"),
          },
        ]
      : [
          {
            places: flowMoment.places,
            moves: doMoves.concat(flowMoves),
            events: step.events,
            snapshot: step.after,
            moment: undefined,
          },
        ];
    const before = tracedOf.get(step.number - 1)?.find((s) => s.run === step.run)?.after;
    shots.forEach((shot, i) => {
      const snapshot = shot.snapshot ?? snapshotBefore(before, step.after, shot.events);
      // A server cloned and not started since is not down: it has never run.
      const lastLife = new Map(life);
      live(lastLife, shot.events);
      const present = presentIn(snapshot);
      frames.push({
        step: step.number,
        title: text("title", { number: step.number, title: step.title }),
        moment: shot.moment ? text("moment", { index: i + 1, count: shots.length, moment: shot.moment }) : undefined,
        run: runLine,
        servers: Object.entries(snapshot.servers).map(([id, s]): ServerBox => {
          const fork = s.timeline > 1 ? branches.get(s.timeline) : undefined;
          const forkCard = fork ? cardAt(fork.parent, fork.at) : undefined;
          return shared.server({
            id,
            label: label(id),
            heading:
              s.mode === "empty"
                ? text("mode_empty")
                : text(`mode_${s.mode}`, {
                    timeline: s.timeline,
                    // pg_stat_replication.sync_state, when synchronous_standby_names names standbys.
                    sync: s.syncState ? text(`sync_${s.syncState}`) : undefined,
                    delay: delayOf(id),
                  }),
            fork: forkCard !== undefined ? text("forked", { card: forkCard }) : undefined,
            up: s.up,
            badge: s.up ? undefined : lastLife.get(id) === "clone" ? words.not_started : words.down,
            empty: s.mode === "empty",
            row: [
              ...cellsOf(shot.places[`${id}.data`]!, `${id}.data`, present),
              ...cellsOf(
                shot.places[`${id}.hand`]!.filter((o) => deck.get(o)!.kind === "write"),
                `${id}.hand`,
                present,
              ),
            ],
            tray: cellsOf(shot.places[`${id}.wal`]!, `${id}.wal`, present),
            paused: s.replayPaused || s.replayConflict ? words.paused : undefined,
            queries: shot.places[`${id}.hand`]!.filter((o) => deck.get(o)!.kind === "read").map(
              (o) => `R${deck.get(o)!.card}`,
            ),
            slots:
              s.slots &&
              Object.entries(s.slots).map(([name, slot]) => ({
                text: text(
                  slot.walStatus === "lost"
                    ? "slot_lost"
                    : slot.holds === null
                      ? "slot_empty"
                      : slot.walStatus === "unreserved"
                        ? "slot_over"
                        : "slot_holds",
                  { name, card: slot.holds },
                ),
                alarm: slot.walStatus === "lost" || slot.walStatus === "unreserved",
              })),
          });
        }),
        clients: Object.entries(snapshot.clients).map(([id, c]): ClientBox => {
          const lines: string[] = [];
          let alarm = false;
          // The acks it holds of cards it has been told are acked (a client told of none holds none to show).
          const acks: number[] = [];
          if (c.acked.length > 0)
            for (const object of shot.places[`${id}.hand`]!) {
              const o = deck.get(object)!;
              if (o.kind === "ack" && c.acked.includes(o.card!)) acks.push(o.card!);
            }
          if (acks.length) lines.push(text("acks", { cards: numbers(acks) }));
          if (c.waiting !== null) {
            lines.push(text("waiting", { card: c.waiting }));
            alarm = true;
          }
          const read = shot.events
            .filter((e) => (e.kind === "read" || e.kind === "read-failed") && e.actor === id)
            .at(-1);
          const ended = shot.events.find(
            (e) => (e.kind === "query-canceled" && e.to === id) || (e.kind === "query-lost" && e.actor === id),
          );
          if (read) {
            const result =
              read.kind === "read-failed"
                ? "error"
                : read.result === "stale" && deletedOn(step.after, read.from, read.card)
                  ? "gone"
                  : read.result!;
            lines.push(
              text(`read_${result}`, { query: read.query, card: read.wants === undefined ? read.card : undefined }),
            );
            alarm ||= result !== "found";
          } else if (ended) {
            lines.push(text(ended.kind === "query-canceled" ? "read_canceled" : "read_error", { query: ended.query }));
            alarm = true;
          }
          return { id, label: label(id), kind: c.kind, lines, alarm };
        }),
        links: linksOf(snapshot),
        flows: flowsOf(shot.moves),
        floor: cellsOf(shot.places.floor!, "floor", present),
        archive:
          step.after.archive === null && !shot.places.archive!.length
            ? null
            : cellsOf(shot.places.archive!, "archive", present),
        bin: cellsOf(shot.places.bin!, "bin", present),
        lost: snapshot.lost.length ? text("lost", { cards: numbers(snapshot.lost) }) : undefined,
        errors: shot.events
          .filter(
            (e) =>
              e.message &&
              (e.kind === "error" ||
                e.kind.endsWith("-failed") ||
                e.kind === "query-canceled" ||
                e.kind === "cancel-wait" ||
                e.kind === "query-lost"),
          )
          // With its DETAIL line: "The transaction has already committed locally…" is the point of the step.
          .flatMap((e) => [
            { role: label(speakerOf(e)), message: e.message! },
            ...(e.detail ? [{ role: label(speakerOf(e)), message: e.detail }] : []),
          ]),
        footer: text("footer", { scenario: scenario.title, hash, number: step.number, steps: trace.steps.length }),
        words,
      });
    });
    live(life, step.events);
  }
  return frames;

  /** The card at a position of a timeline's history (positions run on across forks). */
  function cardAt(timeline: number, at: number): number | undefined {
    const branch = branches.get(timeline);
    if (branch && branch.parent < timeline && at <= branch.at) return cardAt(branch.parent, at);
    for (const [card, p] of position) if (p === at && (timelineOfCard.get(card) ?? 1) === timeline) return card;
    return undefined;
  }

  function linksOf(s: Snapshot): Frame["links"] {
    const cut = (a: string, b: string) => s.cut.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
    const links: Frame["links"] = Object.entries(s.servers)
      .filter(([, v]) => v.mode === "standby" && v.upstream)
      .map(([id, v]) => {
        const state: LinkState = cut(id, v.upstream!)
          ? "cut"
          : !v.up
            ? "off"
            : (v.replayPaused || v.replayConflict) && v.walreceiver === "streaming"
              ? "streaming"
              : v.walreceiver;
        return { from: id, to: v.upstream!, state, label: state === "off" ? "" : text(`link_${state}`) };
      });
    for (const [a, b] of s.cut)
      if (!links.some((l) => (l.from === a && l.to === b) || (l.from === b && l.to === a)))
        links.push({ from: a, to: b, state: "cut", label: text("link_cut") });
    return links;
  }

  function flowsOf(all: Move[]): Flow[] {
    const box = (place: Place) => ownerOf(place) ?? place;
    // A red card lent and handed back in the same moment is drawn going out only; tokens show in the headings.
    const moves: Move[] = [];
    const firstFrom = new Map<string, Place>(); // where each object's first move in the moment started
    for (const m of all) {
      const from = firstFrom.get(m.object);
      if (from === undefined) firstFrom.set(m.object, m.from);
      if (deck.get(m.object)!.kind !== "token" && !(from !== undefined && m.to === from)) moves.push(m);
    }
    const groups = new Map<string, { from: string; to: string; objects: DeckObject[] }>();
    for (const m of moves) {
      const from = box(m.from);
      const to = box(m.to);
      if (from === to) continue;
      const o = deck.get(m.object)!;
      const key = `${from}>${to}>${o.kind === "joker" ? "write" : o.kind}`;
      const g = groups.get(key) ?? { from, to, objects: [] };
      g.objects.push(o);
      groups.set(key, g);
    }
    return [...groups.values()].map(({ from, to, objects }): Flow => {
      const o = objects[0]!;
      const cards = numbers(objects.map((x) => x.card ?? 0));
      if (o.kind === "read") return { from, to, kind: "read", label: objects.map((x) => `R${x.card}`).join(", ") };
      if (o.kind === "ack") return { from, to, kind: "ack", label: text("flow_ack", { cards }) };
      if (o.kind === "token")
        return { from, to, kind: "token", label: listPhrase([...new Set(objects.map((x) => x.label!))]) };
      if (o.kind === "delete") return { from, to, kind: "delete", label: objects.map((x) => `D${x.card}`).join(", ") };
      const kind = from === "reserve" ? "copy" : objects.every((x) => x.kind === "joker") ? "joker" : "card";
      return { from, to, kind, label: kind === "copy" ? text("flow_copy", { cards }) : cards };
    });
  }
}

/** A moment's moves, act after act. */
function movesOf(moment: Moment): Move[] {
  const moves: Move[] = [];
  for (const act of moment.acts) for (const m of act.moves) moves.push(m);
  return moves;
}

/** A snapshot for the moment before the flow: the step before, with what the step's actions changed. */
function snapshotBefore(before: Snapshot | undefined, after: Snapshot, events: TraceEvent[]): Snapshot {
  const base: Snapshot = structuredClone(before ?? after);
  for (const e of events) {
    const s = base.servers[e.actor];
    if (e.kind === "crash" || e.kind === "stop") if (s) s.up = false;
    if (e.kind === "start" && s) s.up = true;
    if (e.kind === "follow" && s) Object.assign(s, { mode: "standby", upstream: e.to });
    if (e.kind === "timeline-switch" && s) s.timeline = e.timeline!;
    if (e.kind === "promote" && s)
      Object.assign(s, { mode: "primary", timeline: e.timeline, upstream: null, walreceiver: "off" });
    if (e.kind === "cut" && !base.cut.some(([a, b]) => a === e.from && b === e.to)) base.cut.push([e.from!, e.to!]);
    if (e.kind === "heal")
      base.cut = base.cut.filter(([a, b]) => !(a === e.from && b === e.to) && !(a === e.to && b === e.from));
    if (e.kind === "clone" || e.kind === "rewind")
      Object.assign(base.servers[e.to!]!, { mode: "standby", up: false, upstream: e.from });
    if (e.kind === "write" && base.clients[e.actor]) base.clients[e.actor]!.waiting = after.clients[e.actor]!.waiting;
  }
  for (const [id, c] of Object.entries(base.clients)) if (before === undefined) c.waiting = after.clients[id]!.waiting;
  base.lost = after.lost.filter(
    (card) => events.some((e) => e.kind === "lost" && e.cards?.includes(card)) || before?.lost.includes(card),
  );
  return base;
}
