/**
 * deriveFrames as it was before its cells were kept per run and object (2026-12-02), kept
 * verbatim as an oracle: tests/products/frames-fast.test.ts compares today's frames with these.
 */
import { deletedOn, durationPhrase, speakerOf } from "../../../src/products/cues.js";
import type { Scenario } from "../../../src/scenario/model.js";
import type { Snapshot, Trace, TraceEvent } from "../../../src/sim/trace.js";
import { areaOf, ownerOf, type DeckObject, type Move, type Place, type StageModel } from "../../../src/stage/index.js";
import { takesHistory } from "../../../src/stage/plan.js";
import { listPhrase, type Templates } from "../../../src/wording.js";
import { numbers } from "../../../src/products/script/table.js";
import { settingsLine } from "../../../src/products/settings.js";
import type {
  Cell,
  CellStyle,
  ClientBox,
  Flow,
  Frame,
  LinkState,
  ServerBox,
} from "../../../src/products/diagrams/derive.js";

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

export function deriveFramesBefore(
  scenario: Scenario,
  trace: Trace,
  stage: StageModel,
  t: Templates,
  hash: string,
): Frame[] {
  const label = (id: string) => scenario.roles.find((r) => r.id === id)?.label ?? id;
  const text = (key: string, data: object = {}) => t.text("diagrams", key, data);
  const deck = new Map(stage.deck.map((o) => [o.object, o]));
  let branches = new Map<number, { parent: number; at: number }>();
  let position = new Map<number, number>();
  let timelineOfCard = new Map<number, number>();
  let currentRun = 0;
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

  const cellsOf = (objects: readonly string[], place: Place, present: Set<number>): Cell[] => {
    const owner = ownerOf(place) ? label(ownerOf(place)!) : undefined;
    const area = areaOf(place);
    const common = owner === undefined;
    const cells: Cell[] = [];
    for (const id of objects) {
      const o = deck.get(id)!;
      if (o.kind !== "write" && o.kind !== "joker" && o.kind !== "delete") continue;
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
      cells.push({
        text: o.kind === "joker" ? `J${o.card}` : o.kind === "delete" ? `D${o.card}` : String(o.card),
        style,
        timeline,
        pastFork: pastFork(o.card!, timeline, present),
      });
    }
    return cells;
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
      const steps = trace.steps.filter((s) => s.run === currentRun);
      branches = forks(steps);
      position = new Map();
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
    const movesOf = (m: typeof doMoment) => m.acts.flatMap((a) => a.moves);
    const observable = step.events.slice(0, step.flowFrom).some((e) => OBSERVABLE.has(e.kind));
    const split = observable && movesOf(doMoment).length > 0 && movesOf(flowMoment).length > 0;
    const run = scenario.runs.find((r) => r.number === step.run)!;
    const settings = settingsLine(run.settings, label, true, scenario.roles);
    const runLine =
      scenario.runs.length > 1
        ? text("run", { number: run.number, title: run.title, settings: settings ?? "" })
        : undefined;
    const shots = split
      ? [
          {
            places: doMoment.places,
            moves: movesOf(doMoment),
            events: step.events.slice(0, step.flowFrom),
            snapshot: undefined,
            moment: text("moment_do"),
          },
          {
            places: flowMoment.places,
            moves: movesOf(flowMoment),
            events: step.events,
            snapshot: step.after,
            moment: text("moment_flow"),
          },
        ]
      : [
          {
            places: flowMoment.places,
            moves: [...movesOf(doMoment), ...movesOf(flowMoment)],
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
      const present = new Set(
        Object.values(snapshot.servers)
          .filter((s) => s.mode !== "empty")
          .map((s) => s.timeline),
      );
      frames.push({
        step: step.number,
        title: text("title", { number: step.number, title: step.title }),
        moment: shot.moment ? text("moment", { index: i + 1, count: shots.length, moment: shot.moment }) : undefined,
        run: runLine,
        servers: Object.entries(snapshot.servers).map(([id, s]): ServerBox => {
          const fork = s.timeline > 1 ? branches.get(s.timeline) : undefined;
          const forkCard = fork ? cardAt(fork.parent, fork.at) : undefined;
          return {
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
          };
        }),
        clients: Object.entries(snapshot.clients).map(([id, c]): ClientBox => {
          const lines: string[] = [];
          let alarm = false;
          const acks = shot.places[`${id}.hand`]!.map((o) => deck.get(o)!).filter(
            (o) => o.kind === "ack" && c.acked.includes(o.card!),
          );
          if (acks.length) lines.push(text("acks", { cards: numbers(acks.map((o) => o.card!)) }));
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
