/**
 * The first pass over a run: which physical copies of each card the run needs, and the route each
 * one takes. A copy is needed for every server that ever holds a card (its own copy: the row it
 * keeps, or the joker it replays) and for every WAL segment a primary writes (kept in its tray,
 * pg_wal, until a checkpoint drops it on the floor or archiving puts it on the archive table). Copies travel as a clipped bundle: the writer hands the
 * primary card N's bundle; the primary keeps its own copy and puts the rest in its WAL tray; a
 * standby that streams card N takes its own copy and those it will pass on, and so on. So each
 * acquisition of a card (a write, a stream, a restore from the archive, a clone) is a node of a
 * tree, and a node's bundle is its copies and those of every node below it.
 */
import type { Scenario } from "../scenario/model.js";
import type { TraceEvent, TraceStep } from "../sim/trace.js";

/** A black write card, a joker (VACUUM) or a DELETE card: the three kinds of WAL record a card stands for. */
export type CardKind = "write" | "joker" | "delete";

/** The mark of a segment's copy on the archive table. */
export const ARCHIVE = "ARCHIVE";

/** One copy a run needs. `object` is filled in when the run's copies are matched to the printed deck. */
export interface Copy {
  kind: CardKind;
  card: number;
  timeline: number;
  /** A server's label (its own copy) or "WAL" (a segment). */
  mark: string;
  /** A DELETE card's rows (printed on it). */
  rows?: number[];
  /** An UPDATE's card: the card whose row it replaces (printed on it). */
  replaces?: number;
  object?: string;
}

/** How a server (or the archive table) came to hold a card. */
export interface Node {
  server: string;
  card: number;
  kind: CardKind;
  via: "write" | "stream" | "restore" | "clone" | "archive" | "reserve" | "rewind";
  children: Node[];
  /** A card's timeline when the node has no own copy (a card a rewound server kept in its row). */
  timeline?: number;
  /** The row copy a rewound server kept from before the fork (it is in an earlier node's bundle, not this one's). */
  kept?: Copy;
  /** The server's own copy: a write card goes to its row, a joker to its tray. The archive table has none. */
  own?: Copy;
  /** The copy that leaves the tray for the floor or the archive table (a primary's joker is its own copy). */
  segment?: Copy;
  archived?: boolean;
  recycled?: boolean;
}

/** A key for an event: the step it is in and its index there. */
export const eventKey = (step: number, index: number, card?: number) => `${step}/${index}/${card ?? ""}`;

/** Whether an event gives its target the source's whole history (and its timeline): a clone, or a rewind that rewound. */
export function takesHistory(e: TraceEvent): boolean {
  return e.kind === "clone" || (e.kind === "rewind" && e.result === "rewound");
}

/** The timeline each server is on, followed through the events (every server starts on timeline 1). */
export class Timelines {
  private readonly of = new Map<string, number>();
  at(server: string): number {
    return this.of.get(server) ?? 1;
  }
  follow(e: TraceEvent): void {
    if ((e.kind === "promote" || e.kind === "timeline-switch") && e.timeline !== undefined)
      this.of.set(e.actor, e.timeline);
    if (takesHistory(e)) this.of.set(e.to!, this.at(e.from!));
  }
}

export interface RunPlan {
  copies: Copy[];
  /** The node each acquisition event makes, by eventKey(step, index, card). */
  nodes: Map<string, Node>;
  /** Roots of the bundles, with where each starts: a client's hand or the facilitator's reserve. */
  roots: { node: Node; from: string }[];
}

/** Every copy in a node's bundle: its own, its segment, and those of every node below it (added to `out`). */
export function bundle(node: Node, out: Copy[] = []): Copy[] {
  if (node.own) out.push(node.own);
  if (node.segment && node.segment !== node.own) out.push(node.segment);
  for (const child of node.children) bundle(child, out);
  return out;
}

/** The WAL records of a run that are not rows: jokers, and DELETE records with the rows each takes away. */
export interface Records {
  jokers: ReadonlySet<number>;
  deletes: ReadonlyMap<number, number[]>;
  /** Cards written by an UPDATE, with the card each replaces. */
  updates: ReadonlyMap<number, number>;
}

/** The records of a run's steps: its jokers and its DELETEs. */
export function recordsOf(steps: TraceStep[]): Records {
  const jokers = new Set<number>();
  const deletes = new Map<number, number[]>();
  const updates = new Map<number, number>();
  for (const step of steps)
    for (const e of step.events) {
      if (e.kind === "vacuum") jokers.add(e.card!);
      if (e.kind === "delete") deletes.set(e.card!, e.cards ?? []);
      if (e.kind === "write" && e.replaces !== undefined) updates.set(e.card!, e.replaces);
    }
  return { jokers, deletes, updates };
}

export function planRun(scenario: Scenario, steps: TraceStep[], { jokers, deletes, updates }: Records): RunPlan {
  const labels = new Map<string, string>();
  for (const r of [...scenario.roles].reverse()) labels.set(r.id, r.label);
  const label = (id: string) => labels.get(id) ?? id;
  const timelines = new Timelines();
  const cardTimeline = new Map<number, number>();
  const current = new Map<string, Map<number, Node>>();
  const archived = new Map<number, Node>();
  const nodes = new Map<string, Node>();
  const roots: RunPlan["roots"] = [];
  const held = (server: string) => current.get(server) ?? current.set(server, new Map()).get(server)!;
  const kindOf = (card: number): CardKind => (jokers.has(card) ? "joker" : deletes.has(card) ? "delete" : "write");
  // What a copy prints besides its number: a DELETE's rows, the card an UPDATE replaces.
  const rowsOf = (card: number) =>
    deletes.has(card) ? { rows: deletes.get(card) } : updates.has(card) ? { replaces: updates.get(card) } : {};

  const acquire = (
    key: string,
    server: string,
    card: number,
    via: Node["via"],
    parent: Node | undefined,
    from?: string,
  ) => {
    const kind = kindOf(card);
    const node: Node = { server, card, kind, via, children: [] };
    if (via === "clone" && kind !== "write") return; // a clone copies rows; a record already done leaves nothing
    // A primary's joker or DELETE is its WAL record: it stays in the tray, never in a row.
    const mark = kind !== "write" && via === "write" ? "WAL" : label(server);
    node.own = { kind, card, timeline: cardTimeline.get(card) ?? 1, mark, ...rowsOf(card) };
    if (parent) parent.children.push(node);
    else roots.push({ node, from: from ?? "reserve" });
    held(server).set(card, node);
    nodes.set(key, node);
  };

  for (const step of steps) {
    // The cards a rewind gives up: its discard event, right after it.
    const discarded = (card: number) => step.events.some((d) => d.kind === "discard" && d.cards?.includes(card));
    step.events.forEach((e, i) => {
      switch (e.kind) {
        case "write":
        case "vacuum":
        case "delete": {
          const key = eventKey(step.number, i, e.card);
          cardTimeline.set(e.card!, timelines.at(e.to!));
          acquire(key, e.to!, e.card!, "write", undefined, e.actor);
          // A primary keeps every segment it writes in its tray (pg_wal) until a checkpoint lets it go.
          const written = nodes.get(key);
          if (written) segmentOf(written);
          break;
        }
        case "stream": {
          const parent = held(e.actor).get(e.card!);
          acquire(eventKey(step.number, i, e.card), e.to!, e.card!, parent ? "stream" : "reserve", parent);
          break;
        }
        case "restore": {
          const parent = archived.get(e.card!);
          acquire(eventKey(step.number, i, e.card), e.actor, e.card!, parent ? "restore" : "reserve", parent);
          break;
        }
        case "clone":
          held(e.to!).clear();
          for (const card of e.cards ?? []) acquire(eventKey(step.number, i, card), e.to!, card, "clone", undefined);
          break;
        case "rewind": {
          if (e.result !== "rewound") break;
          // It keeps the rows it had before the fork (their WAL copies go with its tray to the bin):
          // a node without a copy of its own stands for each, for anything it passes on later. It
          // takes copies of what the source wrote since, from the reserve, as a clone does.
          const copied = new Set(e.cards ?? []);
          const before = held(e.to!);
          const kept = [...before].filter(([card, n]) => n.kind === "write" && !copied.has(card) && !discarded(card));
          before.clear();
          for (const [card, old] of kept) {
            const node: Node = { server: e.to!, card, kind: "write", via: "rewind", children: [] };
            node.timeline = old.own?.timeline ?? old.timeline ?? 1;
            node.kept = old.own ?? old.kept;
            roots.push({ node, from: "reserve" });
            before.set(card, node);
            nodes.set(eventKey(step.number, i, card), node);
          }
          for (const card of e.cards ?? []) acquire(eventKey(step.number, i, card), e.to!, card, "clone", undefined);
          break;
        }
        case "archive":
          for (const card of e.cards ?? []) {
            const source = held(e.actor).get(card);
            if (!source || source.archived) continue;
            source.archived = true;
            // archive_command copies a finished segment: a copy of its own goes on the table, and the
            // segment stays in the tray until a checkpoint recycles it.
            const table: Node = { server: "archive", card, kind: source.kind, via: "archive", children: [] };
            table.own = {
              kind: source.kind,
              card,
              timeline: source.own?.timeline ?? source.timeline ?? 1,
              mark: ARCHIVE,
              ...rowsOf(card),
            };
            source.children.push(table);
            archived.set(card, table);
            nodes.set(eventKey(step.number, i, card), table);
          }
          break;
        case "recycle":
          for (const card of e.cards ?? []) {
            const source = held(e.actor).get(card);
            if (!source || source.recycled) continue;
            segmentOf(source);
            source.recycled = true;
          }
          break;
      }
      timelines.follow(e);
    });
  }

  /** The copy that goes to the floor or the archive: a separate WAL copy, or a primary's joker itself. */
  function segmentOf(node: Node): Copy {
    if (!node.segment) {
      node.segment =
        node.kind !== "write" && node.via === "write"
          ? node.own!
          : {
              kind: node.kind,
              card: node.card,
              timeline: node.own?.timeline ?? node.timeline ?? 1,
              mark: "WAL",
              ...rowsOf(node.card),
            };
    }
    return node.segment;
  }

  const copies: Copy[] = [];
  for (const r of roots) bundle(r.node, copies);
  return { copies, nodes, roots };
}
