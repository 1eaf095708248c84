/**
 * The second pass over a run: every trace event as moves of printed objects between places. A
 * move always starts where the object is, so the moves replayed from the run's start give every
 * moment's places. The run's copies carry their printed objects already (deckOfCopies); tokens are
 * taken as they are needed, so that the replay also tells how many of each the deck must print.
 */
import { standbySlot, type Scenario } from "../scenario/model.js";
import type { TraceEvent, TraceStep } from "../sim/trace.js";
import { ackId, readId, tokenId } from "./deck.js";
import { bundle, eventKey, Timelines, type Node, type RunPlan } from "./plan.js";
import { data as dataOf, hand as handOf, wal as walOf, type Act, type Move, type Place } from "./types.js";

export interface RunReplay {
  /** Every object's place at the run's start. */
  start: Map<string, Place>;
  /**
   * Per step: the acts of its "do" moment and of its "flow" moment. Objects move only by the moves
   * of these acts, so the start and the moves give every moment's places (deriveStage follows them).
   */
  steps: { step: number; moments: { kind: "do" | "flow"; acts: Act[] }[] }[];
  reads: number[];
  acks: Map<number, number>;
  /** The most tokens of each label out of the reserve at once. */
  tokens: Map<string, number>;
}

/** A place-naming function that names each role's place once: every move names two places, and the stage keeps every move. */
function once(name: (role: string) => Place): (role: string) => Place {
  const made = new Map<string, Place>();
  return (role) => {
    let place = made.get(role);
    if (place === undefined) made.set(role, (place = name(role)));
    return place;
  };
}

/** The cards of a step whose commits wait for a synchronous ack (mostly none). */
function waitingIn(step: TraceStep): ReadonlySet<number> {
  let cards: Set<number> | undefined;
  for (const e of step.events) if (e.kind === "commit-wait") (cards ??= new Set()).add(e.card!);
  return cards ?? NONE;
}

const NONE: ReadonlySet<number> = new Set();

export function replayRun(scenario: Scenario, steps: TraceStep[], plan: RunPlan): RunReplay {
  const hand = once(handOf);
  const data = once(dataOf);
  const wal = once(walOf);
  const where = new Map<string, Place>();
  const current = new Map<string, Map<number, Node>>();
  const held = (server: string) => current.get(server) ?? current.set(server, new Map()).get(server)!;
  const timelines = new Timelines();
  const servers = scenario.roles.filter((r) => r.kind === "primary" || r.kind === "standby");

  // What the run uses: its bundles where they start, its acks with their writers, its read cards.
  for (const { node, from } of plan.roots)
    for (const c of bundle(node)) where.set(c.object!, from === "reserve" ? "reserve" : hand(from));
  const writerOf = new Map<number, string>();
  // Every synchronous write carries an ack, whether or not it ever comes back; a card acked by
  // several standbys (a quorum) carries one for each.
  const ackers = new Map<number, { object: string; acker?: string; done: boolean }[]>();
  const ackList = (card: number) => ackers.get(card) ?? ackers.set(card, []).get(card)!;
  const reads = new Map<number, string>();
  for (const step of steps) {
    for (const e of step.events) {
      if (e.kind === "write" || e.kind === "delete") writerOf.set(e.card!, e.actor);
      if (e.kind === "commit-wait" && ackList(e.card!).length === 0)
        ackList(e.card!).push({ object: ackId(e.card!, 1), done: false });
      if (e.kind === "standby-ack") {
        const list = ackList(e.card!);
        const free = list.find((a) => a.acker === undefined);
        if (free) free.acker = e.actor;
        else list.push({ object: ackId(e.card!, list.length + 1), acker: e.actor, done: false });
      }
      if ((e.kind === "read" || e.kind === "read-failed") && e.query !== undefined && !reads.has(e.query))
        reads.set(e.query, e.actor);
    }
  }
  for (const [card, list] of ackers) for (const a of list) where.set(a.object, hand(writerOf.get(card) ?? "reserve"));
  for (const [query, reader] of reads) where.set(readId(query), hand(reader));

  // Tokens: a TIMELINE token on every server that exists, a PRIMARY token on every primary. Each
  // is the lowest-numbered copy of its label in the reserve, or one more copy, printed for it.
  const tokenLabel = new Map<string, string>();
  const tokensHeld = new Map<string, string[]>();
  const peak = new Map<string, number>();
  const give = (server: string, label: string, moves?: Move[], via?: string) => {
    const mine = tokensHeld.get(server) ?? [];
    if (mine.some((t) => tokenLabel.get(t) === label)) return;
    let copy = 1;
    while (where.has(tokenId(label, copy)) && where.get(tokenId(label, copy)) !== "reserve") copy++;
    const token = tokenId(label, copy);
    if (!where.has(token)) {
      tokenLabel.set(token, label);
      where.set(token, "reserve");
    }
    mine.push(token);
    tokensHeld.set(server, mine);
    if (moves) {
      if (via) move(moves, token, hand(via));
      move(moves, token, hand(server));
    } else where.set(token, hand(server));
    const inUse = [...tokenLabel].filter(([id, l]) => l === label && where.get(id) !== "reserve").length;
    peak.set(label, Math.max(inUse, peak.get(label) ?? 0));
  };
  const takeBack = (server: string, prefix: string, moves: Move[]) => {
    const mine = tokensHeld.get(server) ?? [];
    for (const t of mine.filter((t) => tokenLabel.get(t)!.startsWith(prefix))) move(moves, t, "reserve");
    tokensHeld.set(
      server,
      mine.filter((t) => !tokenLabel.get(t)!.startsWith(prefix)),
    );
  };
  for (const r of servers) {
    if (r.kind === "standby" && r.starts === "empty") continue;
    give(r.id, "TIMELINE 1");
    if (r.kind === "primary") give(r.id, "PRIMARY");
  }
  // A standby streaming from the start through a slot: its upstream holds the SLOT token already.
  const settings = scenario.runs.find((r) => r.number === steps[0]?.run)?.settings;
  const firstPrimary = servers.find((r) => r.kind === "primary")?.id;
  for (const r of servers) {
    const name = settings ? standbySlot(settings, r) : undefined;
    const upstream = r.upstream ?? firstPrimary;
    if (r.kind === "standby" && r.starts === "streaming" && name !== undefined && upstream)
      give(upstream, `SLOT ${name}`);
  }
  /** A slot dropped: its token goes back to the reserve. */
  const takeSlot = (server: string, label: string, moves: Move[]) => {
    const mine = tokensHeld.get(server) ?? [];
    const token = mine.find((t) => tokenLabel.get(t) === label);
    if (!token) return;
    move(moves, token, "reserve");
    tokensHeld.set(
      server,
      mine.filter((t) => t !== token),
    );
  };
  const start = new Map(where);

  function move(moves: Move[], object: string, to: Place): void {
    const from = where.get(object);
    if (from === undefined) throw new Error(`internal: stage object ${object} has no place`);
    if (from === to) return;
    moves.push({ object, from, to });
    where.set(object, to);
  }

  /** A node's bundle arrives at its server: its own write card in the row (when already replayed), the rest in the tray. */
  const arrive = (moves: Move[], node: Node, replayed: boolean, via?: string) => {
    for (const c of bundle(node)) {
      if (via) move(moves, c.object!, hand(via));
      move(moves, c.object!, c === node.own && c.kind === "write" && replayed ? data(node.server) : wal(node.server));
    }
    held(node.server).set(node.card, node);
  };

  const result: RunReplay["steps"] = [];
  for (const step of steps) {
    const moments: RunReplay["steps"][number]["moments"] = [];
    let acts: Act[] = [];
    const close = (kind: "do" | "flow") => {
      moments.push({ kind, acts });
      acts = [];
    };
    const waiting = waitingIn(step);
    // An event's list of moves is new only once the one before was used (most events move nothing).
    let moves: Move[] = [];
    step.events.forEach((e, i) => {
      if (i === step.flowFrom) close("do");
      const node = (card?: number) => plan.nodes.get(eventKey(step.number, i, card ?? e.card));
      handle(e, i, moves, node, step, waiting);
      timelines.follow(e);
      if (moves.length) {
        acts.push({ event: i, moves });
        moves = [];
      }
    });
    if (step.flowFrom >= step.events.length) close("do");
    close("flow");
    result.push({ step: step.number, moments });
  }

  /** A waiting commit completes: the primary's own copy goes from its hand into its row; a DELETE's rows leave it. */
  function committed(server: string, card: number, moves: Move[]): void {
    const n = held(server).get(card);
    if (n?.kind === "delete") return removeRows(server, n, moves);
    const own = n?.own;
    if (own && where.get(own.object!) === hand(server)) {
      move(moves, own.object!, data(server));
      // An UPDATE: the card it replaces leaves the row as the new one comes in.
      if (n) removeRows(server, n, moves);
    }
  }

  /** A DELETE done on a server: its copies of the rows it names leave its row for the bin. */
  function removeRows(server: string, n: Node, moves: Move[]): void {
    for (const row of n.own?.rows ?? (n.own?.replaces !== undefined ? [n.own.replaces] : [])) {
      const holder = held(server).get(row);
      const copy = holder?.own ?? holder?.kept;
      if (copy && where.get(copy.object!) === data(server)) move(moves, copy.object!, "bin");
    }
  }

  function handle(
    e: TraceEvent,
    i: number,
    moves: Move[],
    node: (card?: number) => Node | undefined,
    step: TraceStep,
    waiting: ReadonlySet<number>,
  ): void {
    switch (e.kind) {
      case "write":
      case "vacuum":
      case "delete": {
        const n = node();
        if (n) arrive(moves, n, true, e.via);
        // A DELETE takes its rows out of the primary's row at once, unless its commit waits for an ack:
        // until then other sessions still see them.
        // So does an UPDATE the card it replaces.
        if (n && n.kind !== "joker" && !waiting.has(e.card!)) removeRows(e.to!, n, moves);
        // A commit waiting for its synchronous standby is invisible to other sessions: the primary
        // keeps its own copy in hand, out of its row, until the commit completes.
        if (n?.own && n.kind === "write" && waiting.has(e.card!)) move(moves, n.own.object!, hand(e.to!));
        for (const a of ackers.get(e.card!) ?? []) {
          if (e.via) move(moves, a.object, hand(e.via));
          move(moves, a.object, wal(e.to!));
        }
        return;
      }
      case "stream":
      case "restore": {
        const n = node();
        if (n) arrive(moves, n, false);
        const to = e.kind === "stream" ? e.to! : e.actor;
        for (const a of ackers.get(e.card!) ?? []) if (!a.done && a.acker === to) move(moves, a.object, hand(to));
        return;
      }
      case "replay": {
        const n = held(e.actor).get(e.card!);
        if (n?.own && where.get(n.own.object!) === wal(e.actor))
          move(moves, n.own.object!, n.kind === "write" ? data(e.actor) : "bin");
        // Replaying a DELETE takes this server's copies of its rows out of its row.
        if (n && n.kind !== "joker") removeRows(e.actor, n, moves);
        return;
      }
      case "clone": {
        const target = e.to!;
        for (const [object, place] of [...where])
          if (place === data(target) || place === wal(target)) move(moves, object, "bin");
        held(target).clear();
        // The copies (and the token) pass through the hands of whoever runs pg_basebackup.
        const via = e.actor === "facilitator" ? undefined : e.actor;
        for (const card of e.cards ?? []) {
          const n = node(card);
          if (n) arrive(moves, n, true, via);
        }
        takeBack(target, "TIMELINE", moves);
        takeBack(target, "PRIMARY", moves);
        give(target, `TIMELINE ${timelines.at(e.from!)}`, moves, via);
        return;
      }
      case "rewind": {
        const target = e.to!;
        takeBack(target, "PRIMARY", moves);
        if (e.result !== "rewound") return;
        // pg_rewind: the rows past the fork go in the bin, and the whole tray (its pg_wal is the
        // source's now); the rows before the fork stay. Copies of what the source wrote since come
        // from the reserve through the hands of whoever runs it, as a clone's do.
        const gone = new Set(
          step.events.filter((d) => d.kind === "discard" && d.actor === target).flatMap((d) => d.cards ?? []),
        );
        const copied = new Set(e.cards ?? []);
        for (const [object, place] of [...where]) {
          if (place === wal(target)) move(moves, object, "bin");
          if (place === data(target)) {
            const card = plan.copies.find((c) => c.object === object)?.card;
            if (card === undefined || gone.has(card) || copied.has(card)) move(moves, object, "bin");
          }
        }
        held(target).clear();
        const via = e.actor === "facilitator" ? undefined : e.actor;
        for (const [key, n] of plan.nodes)
          if (key.startsWith(`${step.number}/${i}/`) && n.server === target) arrive(moves, n, true, via);
        takeBack(target, "TIMELINE", moves);
        give(target, `TIMELINE ${timelines.at(e.from!)}`, moves, via);
        return;
      }
      case "archive":
        // The archive copy goes on the table, with the copies of standbys that will restore it clipped on.
        for (const card of e.cards ?? []) {
          const table = node(card);
          if (table) for (const c of bundle(table)) move(moves, c.object!, "archive");
        }
        return;
      case "recycle":
        for (const card of e.cards ?? []) {
          const segment = held(e.actor).get(card)?.segment;
          if (segment && where.get(segment.object!) === wal(e.actor)) move(moves, segment.object!, "floor");
        }
        return;
      case "standby-ack": {
        const a = (ackers.get(e.card!) ?? []).find((x) => !x.done && x.acker === e.actor);
        if (!a) return;
        a.done = true;
        move(moves, a.object, hand(e.to!));
        return;
      }
      case "commit-ack": {
        // Every ack that came back for this card goes to the writer (a quorum brings several).
        for (const a of ackers.get(e.card!) ?? [])
          if (where.get(a.object) === hand(e.actor)) move(moves, a.object, hand(e.to!));
        committed(e.actor, e.card!, moves);
        return;
      }
      case "cancel-wait":
        committed(e.to!, e.card!, moves);
        return;
      case "write-failed":
      case "delete-failed":
        // A waiting commit whose server went down: committed there all the same.
        if (e.message && e.card !== undefined && e.to) committed(e.to, e.card, moves);
        return;
      case "read": {
        const card = readId(e.query!);
        if (e.via) move(moves, card, hand(e.via));
        move(moves, card, hand(e.from!));
        const held = step.events.some((h, j) => j > i && h.kind === "hold" && h.query === e.query);
        if (!held) move(moves, card, hand(e.actor));
        return;
      }
      case "release":
      case "query-lost":
        move(moves, readId(e.query!), hand(e.actor));
        return;
      case "query-canceled":
        move(moves, readId(e.query!), hand(e.to!));
        return;
      case "promote":
        takeBack(e.actor, "TIMELINE", moves);
        give(e.actor, `TIMELINE ${e.timeline}`, moves);
        give(e.actor, "PRIMARY", moves);
        return;
      case "timeline-switch":
        takeBack(e.actor, "TIMELINE", moves);
        give(e.actor, `TIMELINE ${e.timeline}`, moves);
        return;
      case "follow":
        takeBack(e.actor, "PRIMARY", moves);
        return;
      case "slot-create":
        give(e.actor, `SLOT ${e.result}`, moves);
        return;
      case "slot-drop":
        takeSlot(e.actor, `SLOT ${e.result}`, moves);
        return;
    }
  }

  const ackCounts = new Map([...ackers].map(([card, list]) => [card, list.length] as const));
  return { start, steps: result, reads: [...reads.keys()].sort((a, b) => a - b), acks: ackCounts, tokens: peak };
}
