/**
 * The fields a cue's template reads (templates/cues.yaml), each computed from the cue's scope only
 * when its template names it: most templates read a handful of the sixty.
 */
import type { Snapshot, TraceEvent, TraceStep } from "../sim/trace.js";
import { areaOf, data, hand, ownerOf, wal, type DeckObject, type Move } from "../stage/index.js";
import { ARCHIVE } from "../stage/plan.js";
import { cardsPhrase, listPhrase, type Fields } from "../wording.js";

/** The deck by object id and the roles' labels: the same for every cue of a kit. */
export interface Cast {
  deck: Map<string, DeckObject>;
  label: (id: string | undefined) => string;
}

/** One cue's inputs: a group of merged events of a step, and the role the cue is for. */
export class CueScope {
  private seenOnce: Seen | undefined;
  constructor(
    readonly cast: Cast,
    readonly step: TraceStep,
    readonly event: TraceEvent,
    /** The cards the cue speaks of: the group's (a replay's, less those its stream already lays). */
    readonly cards: number[],
    readonly moves: Move[],
    /** The index of the group's first event in the step. */
    readonly first: number,
    readonly role: string,
    readonly operated: boolean,
  ) {}

  /** What the group's moves mean for the role, worked out once for the fields that need it. */
  get seen(): Seen {
    if (!this.seenOnce) {
      const { event, cast } = this;
      const parties = [event.actor, event.to, event.from].filter((p): p is string => Boolean(p)).map(cast.label);
      this.seenOnce = seenBy(this.role, this.moves, cast.deck, cast.label(this.role), parties);
    }
    return this.seenOnce;
  }

  /** The labels of the tokens moved where `moved` says, each once, in the moves' order. */
  tokens(moved: (m: Move) => boolean): string[] {
    const { deck } = this.cast;
    return unique(
      this.moves.filter((m) => moved(m) && deck.get(m.object)!.kind === "token").map((m) => deck.get(m.object)!.label!),
    );
  }
}

/** "card 3", "cards 1 and 2", or empty for none. */
const phrase = (cards: number[]) => (cards.length ? cardsPhrase(cards) : "");
/** The items, each once, in their order (most lists here hold none or one: those are kept as they are). */
const unique = <T>(items: T[]) => (items.length < 2 ? items : [...new Set(items)]);

/** Every field a cue's template may read (templates/cues.yaml lists them), by name. */
export const CUE_FIELDS: Fields<CueScope> = {
  actor: (s) => s.cast.label(s.event.actor),
  to: (s) => s.cast.label(s.event.to),
  from: (s) => s.cast.label(s.event.from),
  via: (s) => s.cast.label(s.event.via),
  cards: (s) => phrase(s.cards),
  card: (s) => s.event.card ?? s.cards[0] ?? "",
  many: (s) => s.cards.length > 1 || s.seen.tokensIn.length > 1,
  them: (s) => (s.cards.length === 1 ? "it" : "them"),
  query: (s) => s.event.query ?? "",
  timeline: (s) => s.event.timeline ?? "",
  result: (s) => s.event.result ?? "",
  wants: (s) => s.event.wants ?? "",
  stale: (s) => s.event.result === "stale",
  // A read that misses a card because it was deleted there: not stale, gone.
  gone: (s) => s.event.result === "stale" && deletedOn(s.step.after, s.event.from, s.event.card),
  primary: (s) => s.event.result === "primary",
  seconds: (s) => s.event.seconds ?? "",
  // "5 minutes", "90 seconds": how long, as a facilitator says it.
  duration: (s) => (s.event.seconds === undefined ? "" : durationPhrase(s.event.seconds)),
  // Long enough that the facilitator announces it rather than counts it out.
  announced: (s) => (s.event.seconds ?? 0) > 10,
  // A DELETE: the cards it deletes ("cards 2 and 3"); whether its commit waits for an ack first.
  deletes: (s) =>
    s.event.kind === "delete" || s.event.kind === "delete-failed" ? cardsPhrase(s.event.cards ?? []) : "",
  waited: (s) => s.event.card !== undefined,
  // An UPDATE: the card its new card replaces.
  replaces: (s) => s.event.replaces ?? "",
  waits: (s) =>
    s.event.card !== undefined && s.step.events.some((w) => w.kind === "commit-wait" && w.card === s.event.card),
  held: (s) => s.event.query !== undefined && s.step.events.some((h) => h.kind === "hold" && h.query === s.event.query),
  operated: (s) => s.operated,
  // The server this event acts on is started later in the same step.
  startsNow: (s) => s.step.events.slice(s.first + 1).some((h) => h.kind === "start" && h.actor === s.event.to),
  // pg_rewind has just finished this server's crash recovery (said in the cue before).
  afterRecovery: (s) => s.step.events.slice(0, s.first).some((h) => h.kind === "crash-recovery" && h.to === s.event.to),
  // What the moves bring the role, as lists of cards ("cards 1 and 2") or flags.
  row: (s) => phrase(s.seen.row),
  tray: (s) => phrase(s.seen.tray),
  walIn: (s) => s.seen.walIn,
  wal: (s) => phrase(s.seen.walIn),
  walCopies: (s) => (s.seen.walIn.length > 1 ? "copies" : "copy"),
  pending: (s) => s.seen.pending,
  passOn: (s) => s.seen.passOn,
  passOnTo: (s) => s.seen.passOnTo,
  archiveCopy: (s) => s.seen.archiveCopy,
  ack: (s) => s.seen.ack,
  manyAcks: (s) => s.seen.manyAcks,
  floor: (s) => phrase(s.seen.floor),
  table: (s) => phrase(s.seen.table),
  bin: (s) => s.seen.bin,
  unrowed: (s) => phrase(s.seen.unrowed),
  record: (s) => s.seen.record,
  binRow: (s) => phrase(s.seen.binRow),
  binTray: (s) => s.seen.binTray,
  tokensIn: (s) => listPhrase(s.seen.tokensIn),
  tokensOut: (s) => listPhrase(s.seen.tokensOut),
  manyOut: (s) => s.seen.tokensOut.length > 1,
  // Whom a stopping server had handed cards to earlier in the step.
  handedTo: (s) => listPhrase(handedTo(s)),
  handedMany: (s) => handedTo(s).length > 1,
  target: (s) => s.cast.label(s.event.via ?? s.event.to),
  // A bundle with two WAL copies of a card: the primary's own, and one a standby will keep.
  walTwice: (s) => {
    const wals = new Map<number | undefined, number>();
    for (const m of s.moves) {
      const o = s.cast.deck.get(m.object)!;
      if (o.mark === "WAL" && areaOf(m.to) === "wal") wals.set(o.card, (wals.get(o.card) ?? 0) + 1);
    }
    return s.cards.some((c) => (wals.get(c) ?? 0) > 1);
  },
  rewound: (s) => s.event.result === "rewound",
  copies: (s) => (s.cards.length > 1 ? "copies" : "copy"),
  manyFromReserve: (s) => s.tokens((m) => m.from === "reserve").length > 1,
  toReserve: (s) => listPhrase(s.tokens((m) => m.to === "reserve")),
  fromReserve: (s) => listPhrase(s.tokens((m) => m.from === "reserve")),
};

function handedTo(s: CueScope): string[] {
  if (s.event.kind !== "stop") return [];
  const { actor } = s.event;
  return unique(
    s.step.events
      .slice(0, s.first)
      .filter((h) => h.kind === "stream" && h.actor === actor)
      .map((h) => s.cast.label(h.to)),
  );
}

/** Whether a server's rows lost this card to a DELETE it has replayed (the trace's `deleted`). */
export function deletedOn(after: Snapshot, server: string | undefined, card: number | undefined): boolean {
  return server !== undefined && card !== undefined && (after.servers[server]?.deleted ?? []).includes(card);
}

/** "1 second", "90 seconds", "5 minutes", "1 hour". */
export function durationPhrase(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, "hour");
  if (seconds % 60 === 0 && seconds >= 120) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}

/** "Oslo's, Lima's and Pune's copies of card 1", "Replica 2's copy of card 3": whose copies a volunteer passes on. */
function passOnPhrase(byOwner: Map<string, number[]>): string {
  if (byOwner.size === 0) return "";
  const byCards = new Map<string, { owners: string[]; cards: number[] }>();
  for (const [owner, cards] of byOwner) {
    const sorted = [...cards].sort((a, b) => a - b);
    const key = sorted.join(",");
    const g = byCards.get(key) ?? { owners: [], cards: sorted };
    g.owners.push(owner);
    byCards.set(key, g);
  }
  return listPhrase(
    [...byCards.values()].map(
      ({ owners, cards }) =>
        `${listPhrase(owners.map((o) => `${o}'s`))} ${
          owners.length > 1 || cards.length > 1 ? "copies" : "copy"
        } of ${cardsPhrase(cards)}`,
    ),
  );
}

type Seen = ReturnType<typeof seenBy>;

/** What a group of moves means for one role: what reaches its row, its tray and its hand, the copies it passes on, its tokens. */
function seenBy(role: string, moves: Move[], deck: Map<string, DeckObject>, own: string, parties: string[]) {
  // One pass over the moves, each list in the moves' order; numbers() sorts each list's cards.
  const numbers = (cards: number[]) => (cards.length < 2 ? cards : [...new Set(cards)].sort((a, b) => a - b));
  // Whether a copy's mark names someone else than the parties of the event (checked for every copy: no Set is made).
  const passedOn = (mark: string) => mark !== "WAL" && mark !== ARCHIVE && mark !== own && !parties.includes(mark);
  const row: number[] = [];
  const tray: number[] = [];
  const walIn: number[] = [];
  const floor: number[] = [];
  const table: number[] = [];
  const unrowed: number[] = [];
  const binRow: number[] = [];
  const tokensIn: string[] = [];
  const tokensOut: string[] = [];
  // Copies for someone else than the parties of the event: passed on down a chain, or clipped to an archive copy.
  const byOwner = new Map<string, number[]>();
  const acksPerCard = new Map<number, Set<string>>();
  let pending = false;
  let archiveCopy = false;
  let ack = false;
  let bin = false;
  let record = false;
  let binTray = false;
  // The role's own places, compared whole: no place is cut into owner and area for each move.
  const rowPlace = data(role);
  const trayPlace = wal(role);
  const handPlace = hand(role);
  for (const m of moves) {
    const o = deck.get(m.object)!;
    const copy = o.kind === "write" || o.kind === "joker" || o.kind === "delete";
    if (copy) {
      if (m.to === rowPlace) row.push(o.card!);
      if (m.to === trayPlace) tray.push(o.card!);
      if (m.to === handPlace) pending = true;
      // WAL copies that reach a tray from somewhere else: a standby's own WAL, a clone's pg_wal.
      if (o.mark === "WAL" && areaOf(m.to) === "wal" && ownerOf(m.from) !== ownerOf(m.to)) walIn.push(o.card!);
      if (o.mark === ARCHIVE && m.to !== "archive") archiveCopy = true;
      if (passedOn(o.mark!)) {
        const cards = byOwner.get(o.mark!) ?? [];
        if (!cards.includes(o.card!)) cards.push(o.card!);
        byOwner.set(o.mark!, cards);
      }
      if (m.to === "bin" && m.from === rowPlace) binRow.push(o.card!);
    }
    if (o.kind === "ack") {
      ack = true;
      // Acks per card: a quorum commit carries one for each standby whose ack it waits for.
      acksPerCard.set(o.card!, (acksPerCard.get(o.card!) ?? new Set()).add(o.object));
    }
    if (o.kind === "delete") record = true;
    if (m.to === "floor" && o.kind !== "token") floor.push(o.card!);
    if (m.to === "archive" && o.mark === ARCHIVE) table.push(o.card!);
    if (m.to === "bin") bin = true;
    // The rows a DELETE takes out of your row (when you run or replay it).
    if (m.from === rowPlace && m.to === "bin" && o.kind === "write") unrowed.push(o.card!);
    // What leaves this role's row and tray for the bin (a rewind gives up the rows past the fork).
    if (m.to === "bin" && m.from === trayPlace) binTray = true;
    if (o.kind === "token") {
      if (m.to === handPlace) tokensIn.push(o.label!);
      if (m.from === handPlace && m.to === "reserve") tokensOut.push(o.label!);
    }
  }
  return {
    row: numbers(row),
    tray: numbers(tray),
    walIn: numbers(walIn),
    pending,
    passOn: passOnPhrase(byOwner),
    passOnTo: byOwner.size === 0 ? "" : listPhrase([...byOwner.keys()]),
    archiveCopy,
    ack,
    manyAcks: [...acksPerCard.values()].some((set) => set.size > 1),
    floor: numbers(floor),
    table: numbers(table),
    bin,
    unrowed: numbers(unrowed),
    record,
    binRow: numbers(binRow),
    binTray,
    tokensIn: unique(tokensIn),
    tokensOut: unique(tokensOut),
  };
}
