/**
 * deriveCues as it was before its data were computed per template field (2026-12-02), kept
 * verbatim as an oracle: the tests compare today's cues with these, byte for byte. Its data hold
 * every field, so it also checks that a template is given each field it reads. arrangeBefore is
 * arrange as it was before it kept each volunteer's last line (the same day).
 */
import type { Scenario } from "../../../src/scenario/model.js";
import type { Snapshot, Trace, TraceEvent } from "../../../src/sim/trace.js";
import { areaOf, ownerOf, type DeckObject, type Move, type StageModel } from "../../../src/stage/index.js";
import { ARCHIVE } from "../../../src/stage/plan.js";
import { cardsPhrase, listPhrase, type Side, type Templates } from "../../../src/wording.js";

/** The facilitator's own cues are kept under this name: the script's "You" lines, on no role card. */
const FACILITATOR = "facilitator";

/** What an admin does to a server on the facilitator's word (a crash, a cut or a write is nobody's operation). */
const OPERATED = new Set<TraceEvent["kind"]>([
  "start",
  "start-failed",
  "stop",
  "promote",
  "follow",
  "checkpoint",
  "pause",
  "resume",
  "slot-create",
  "slot-drop",
  "slot-failed",
]);

export interface Cue {
  step: number;
  role: string;
  moment: "do" | "flow";
  text: string;
  /** Where the role first acts in the step: the script lists volunteers in that order. */
  order: number;
  /** PostgreSQL's messages this role meets in the step, verbatim. */
  messages: string[];
  /** The cue's sentences, each with where it falls in the step and the event it belongs to. */
  parts: CuePart[];
}

export interface CuePart {
  text: string;
  /** Where in the step this sentence happens: givers before takers, a proxy after its client. */
  at: number;
  /** The event it belongs to: parts of one event must be read in the order of `at`. */
  event: number;
  /** Who takes part in the event: its actor, the roles it names, and the one this is said to. */
  parties: string[];
  actor: string;
  /** Said to the event's own actor (who hands a card over), not to an operator who runs a command. */
  own: boolean;
}

/** Event kinds whose message a volunteer should read out. */
const SPOKEN = new Set([
  "error",
  "start-failed",
  "write-failed",
  "read-failed",
  "vacuum-failed",
  "delete-failed",
  "cancel-wait",
  "query-canceled",
  "query-lost",
  "promote",
  "slot-failed",
  "slot-invalidated",
  "rewind",
  "rewind-failed",
  "crash-recovery",
]);

/**
 * Who hears PostgreSQL's message of an event: the server that logs it, or the client whose psql
 * prints it (a query cancelled by a recovery conflict is the reader's error).
 */
function speakerOf(event: TraceEvent): string {
  return event.kind === "query-canceled" ? event.to! : event.actor;
}

interface Group {
  event: TraceEvent;
  cards: number[];
  moves: Move[];
  moment: "do" | "flow";
  first: number;
}

/** Events of a moment with the same kind and parties, merged so their cards read as one list. */
function merge(events: { event: TraceEvent; index: number; moves: Move[] }[], moment: "do" | "flow"): Group[] {
  const groups = new Map<string, Group>();
  for (const { event, index, moves } of events) {
    const joker = moves.some((m) => m.object.startsWith("joker-"));
    // A DELETE record is told apart from the rows it moves, and its event's cards are the rows it deletes.
    const deletes = moves.some((m) => m.object.startsWith("delete-"));
    const key = [event.kind, event.actor, event.to, event.from, event.via, event.query, joker]
      .concat(deletes || event.kind === "delete" ? [`delete ${event.card}`] : [])
      .concat(event.replaces !== undefined ? [`replaces ${event.replaces}`] : [])
      .join("|");
    const group = groups.get(key) ?? { event, cards: [], moves: [], moment, first: index };
    if (event.card !== undefined && !group.cards.includes(event.card)) group.cards.push(event.card);
    if (event.kind !== "delete") for (const c of event.cards ?? []) if (!group.cards.includes(c)) group.cards.push(c);
    group.moves.push(...moves);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Whether a server's rows lost this card to a DELETE it has replayed (the trace's `deleted`). */
function deletedOn(after: Snapshot, server: string | undefined, card: number | undefined): boolean {
  return server !== undefined && card !== undefined && (after.servers[server]?.deleted ?? []).includes(card);
}

/** "1 second", "90 seconds", "5 minutes", "1 hour". */
function durationPhrase(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (seconds % 3600 === 0) return unit(seconds / 3600, "hour");
  if (seconds % 60 === 0 && seconds >= 120) return unit(seconds / 60, "minute");
  return unit(seconds, "second");
}

/** "Oslo's, Lima's and Pune's copies of card 1", "Replica 2's copy of card 3": whose copies a volunteer passes on. */
function passOnPhrase(byOwner: Map<string, number[]>): string {
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

/** What a group of moves means for one role: what reaches its row, its tray and its hand, the copies it passes on, its tokens. */
function seenBy(role: string, moves: Move[], deck: Map<string, DeckObject>, own: string, parties: string[]) {
  // One pass over the moves, each list in the moves' order; numbers() sorts each list's cards.
  const numbers = (cards: number[]) => [...new Set(cards)].sort((a, b) => a - b);
  const unique = (labels: string[]) => [...new Set(labels)];
  const others = new Set(["WAL", ARCHIVE, own, ...parties]);
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
  let wal = false;
  let archiveCopy = false;
  let ack = false;
  let bin = false;
  let record = false;
  let binTray = false;
  const rowPlace = `${role}.data`;
  const trayPlace = `${role}.wal`;
  for (const m of moves) {
    const o = deck.get(m.object)!;
    const copy = o.kind === "write" || o.kind === "joker" || o.kind === "delete";
    const toRole = ownerOf(m.to) === role;
    const toArea = areaOf(m.to);
    const fromRole = ownerOf(m.from) === role;
    const fromArea = areaOf(m.from);
    if (copy) {
      if (toRole && toArea === "data") row.push(o.card!);
      if (toRole && toArea === "wal") {
        tray.push(o.card!);
        if (o.mark === "WAL") wal = true;
      }
      if (toRole && toArea === "hand") pending = true;
      // WAL copies that reach a tray from somewhere else: a standby's own WAL, a clone's pg_wal.
      if (o.mark === "WAL" && toArea === "wal" && ownerOf(m.from) !== ownerOf(m.to)) walIn.push(o.card!);
      if (o.mark === ARCHIVE && m.to !== "archive") archiveCopy = true;
      if (!others.has(o.mark!)) {
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
    if (fromRole && fromArea === "data" && m.to === "bin" && o.kind === "write") unrowed.push(o.card!);
    // What leaves this role's row and tray for the bin (a rewind gives up the rows past the fork).
    if (m.to === "bin" && m.from === trayPlace) binTray = true;
    if (o.kind === "token") {
      if (toRole && toArea === "hand") tokensIn.push(o.label!);
      if (fromRole && fromArea === "hand" && m.to === "reserve") tokensOut.push(o.label!);
    }
  }
  return {
    row: numbers(row),
    tray: numbers(tray),
    walIn: numbers(walIn),
    pending,
    passOn: passOnPhrase(byOwner),
    passOnTo: listPhrase([...byOwner.keys()]),
    wal,
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

/** Every role's cues, in step order; roles that do nothing in a moment get no cue for it. */
export function deriveCuesBefore(
  scenario: Scenario,
  trace: Trace,
  stage: StageModel,
  templates: Templates,
): Map<string, Cue[]> {
  const label = (id: string | undefined) =>
    !id ? "" : id === "facilitator" ? "the facilitator" : (scenario.roles.find((r) => r.id === id)?.label ?? id);
  const deck = new Map(stage.deck.map((o) => [o.object, o]));
  const admin = scenario.roles.find((r) => r.kind === "admin")?.id;
  // The facilitator acts too (a clone with no pg_basebackup volunteer, a cut link, time passing).
  const cues = new Map<string, Cue[]>([...scenario.roles.map((r) => [r.id, []] as [string, Cue[]]), [FACILITATOR, []]]);
  // The DELETE records of each run (numbers are dealt afresh in every run).
  const deletes = new Map<number, Set<number>>();
  const deletesOf = (run: number) => {
    let found = deletes.get(run);
    if (!found) {
      found = new Set(
        trace.steps
          .filter((s) => s.run === run)
          .flatMap((s) => s.events.filter((e) => e.kind === "delete").map((e) => e.card!)),
      );
      deletes.set(run, found);
    }
    return found;
  };
  // Each step's stage, by number (the first of each number, as a search would find it).
  const stagedOf = new Map<number, StageModel["steps"][number]>();
  for (const s of stage.steps) if (!stagedOf.has(s.step)) stagedOf.set(s.step, s);
  for (const step of trace.steps) {
    const staged = stagedOf.get(step.number)!;
    const movesOf = new Map<number, Move[]>();
    for (const m of staged.moments) for (const a of m.acts) if (a.event >= 0) movesOf.set(a.event, a.moves);
    // Cards a standby both receives and replays in this step get one cue ("take … and lay them in your row").
    const replayed = new Set(step.events.filter((e) => e.kind === "replay").map((e) => `${e.actor}:${e.card}`));
    const covered = new Set<string>();
    const phrases = new Map<
      string,
      { texts: string[]; messages: string[]; order: number; last: number; parts: CuePart[] }
    >();
    const moments = (["do", "flow"] as const).map((moment) =>
      merge(
        step.events
          .map((event, index) => ({ event, index, moves: movesOf.get(index) ?? [] }))
          .filter(({ index }) => (moment === "do") === index < step.flowFrom),
        moment,
      ),
    );
    for (const group of moments.flat()) {
      const { event } = group;
      let cards = group.cards;
      let variant = "";
      const receiver = event.kind === "stream" ? event.to : event.actor;
      // A standby that acks a card before replaying it (synchronous_commit = on) is told the two apart.
      const index = (kind: string, c: number) =>
        step.events.findIndex((e) => e.kind === kind && e.actor === receiver && e.card === c);
      const acksFirst = (c: number) => index("standby-ack", c) >= 0 && index("standby-ack", c) < index("replay", c);
      // A DELETE card moves, or (its commit confirmed) the rows it deletes leave a row for the bin.
      const deleteRecord =
        group.moves.some((m) => deck.get(m.object)!.kind === "delete") ||
        (["commit-ack", "cancel-wait", "delete-failed"].includes(event.kind) &&
          step.events.length > 0 &&
          deletesOf(step.run).has(event.card ?? -1));
      if (deleteRecord) variant = "_delete";
      // An UPDATE's card replaces another on replay: its replay keeps a cue of its own.
      const updating = group.moves.some((m) => deck.get(m.object)!.replaces !== undefined);
      if (
        !deleteRecord &&
        !updating &&
        (event.kind === "stream" || event.kind === "restore") &&
        cards.every((c) => replayed.has(`${receiver}:${c}`) && !acksFirst(c))
      ) {
        variant = "_replayed";
        for (const c of cards) covered.add(`${receiver}:${c}`);
      }
      if (event.kind === "replay") {
        cards = cards.filter((c) => !covered.has(`${event.actor}:${c}`));
        if (cards.length === 0) continue;
        if (group.moves.some((m) => deck.get(m.object)!.kind === "joker")) variant = "_joker";
        if (deleteRecord) variant = "_delete";
      }
      // The operator (the admin who runs the command) comes first: the server acts on their word.
      const operated = OPERATED.has(event.kind) && admin !== undefined && admin !== event.actor;
      // The facilitator swaps the tokens of a server that is promoted or changes timeline.
      const swapsTokens =
        ["promote", "timeline-switch", "slot-create", "slot-drop"].includes(event.kind) &&
        group.moves.some((m) => (m.from === "reserve" || m.to === "reserve") && deck.get(m.object)!.kind === "token");
      // How many WAL copies of each card go into a tray in this group.
      const walsOf = new Map<number | undefined, number>();
      for (const m of group.moves) {
        const o = deck.get(m.object)!;
        if (o.mark === "WAL" && areaOf(m.to) === "wal") walsOf.set(o.card, (walsOf.get(o.card) ?? 0) + 1);
      }
      for (const [sideIndex, side] of (["operator", "actor", "supplier", "from", "to"] as Side[]).entries()) {
        // The admin runs the operations on servers (pg_ctl, pg_promote, primary_conninfo), when there is one.
        // The facilitator supplies a volunteer's pg_basebackup with fresh copies from the reserve.
        const supplied = (event.kind === "clone" || event.kind === "rewind") && event.actor !== FACILITATOR;
        const role =
          side === "operator"
            ? operated
              ? admin
              : supplied
                ? FACILITATOR
                : undefined
            : side === "supplier"
              ? swapsTokens
                ? FACILITATOR
                : undefined
              : event[side];
        if (!role || !cues.has(role)) continue;
        const parties = [event.actor, event.to, event.from].filter((p): p is string => Boolean(p)).map((p) => label(p));
        const seen = seenBy(role, group.moves, deck, label(role), parties);
        const handedTo = [
          ...new Set(
            step.events
              .slice(0, group.first)
              .filter((h) => h.kind === "stream" && h.actor === event.actor && group.event.kind === "stop")
              .map((h) => label(h.to)),
          ),
        ];
        const data = {
          actor: label(event.actor),
          to: label(event.to),
          from: label(event.from),
          via: label(event.via),
          cards: cards.length ? cardsPhrase(cards) : "",
          card: event.card ?? cards[0] ?? "",
          many: cards.length > 1 || seen.tokensIn.length > 1,
          them: cards.length === 1 ? "it" : "them",
          query: event.query ?? "",
          timeline: event.timeline ?? "",
          result: event.result ?? "",
          wants: event.wants ?? "",
          stale: event.result === "stale",
          // A read that misses a card because it was deleted there: not stale, gone.
          gone: event.result === "stale" && deletedOn(step.after, event.from, event.card),
          primary: event.result === "primary",
          seconds: event.seconds ?? "",
          // "5 minutes", "90 seconds": how long, as a facilitator says it.
          duration: event.seconds === undefined ? "" : durationPhrase(event.seconds),
          // Long enough that the facilitator announces it rather than counts it out.
          announced: (event.seconds ?? 0) > 10,
          // A DELETE: the cards it deletes ("cards 2 and 3"); whether its commit waits for an ack first.
          deletes: event.kind === "delete" || event.kind === "delete-failed" ? cardsPhrase(event.cards ?? []) : "",
          waited: event.card !== undefined,
          // An UPDATE: the card its new card replaces.
          replaces: event.replaces ?? "",
          waits: step.events.some((w) => w.kind === "commit-wait" && w.card === event.card && event.card !== undefined),
          held: step.events.some((h) => h.kind === "hold" && h.query === event.query && event.query !== undefined),
          operated,
          // The server this event acts on is started later in the same step.
          startsNow: step.events.slice(group.first + 1).some((h) => h.kind === "start" && h.actor === event.to),
          // pg_rewind has just finished this server's crash recovery (said in the cue before).
          afterRecovery: step.events
            .slice(0, group.first)
            .some((h) => h.kind === "crash-recovery" && h.to === event.to),
          ...seen,
          handedTo: listPhrase(handedTo),
          handedMany: handedTo.length > 1,
          target: label(event.via ?? event.to),
          row: seen.row.length ? cardsPhrase(seen.row) : "",
          wal: seen.walIn.length ? cardsPhrase(seen.walIn) : "",
          walCopies: seen.walIn.length > 1 ? "copies" : "copy",
          // A bundle with two WAL copies of a card: the primary's own, and one a standby will keep.
          walTwice: cards.some((c) => (walsOf.get(c) ?? 0) > 1),
          unrowed: seen.unrowed.length ? cardsPhrase(seen.unrowed) : "",
          tray: seen.tray.length ? cardsPhrase(seen.tray) : "",
          floor: seen.floor.length ? cardsPhrase(seen.floor) : "",
          binRow: seen.binRow.length ? cardsPhrase(seen.binRow) : "",
          rewound: event.result === "rewound",
          table: seen.table.length ? cardsPhrase(seen.table) : "",
          copies: cards.length > 1 ? "copies" : "copy",
          tokensIn: listPhrase(seen.tokensIn),
          manyFromReserve:
            new Set(
              group.moves
                .filter((m) => m.from === "reserve" && deck.get(m.object)!.kind === "token")
                .map((m) => deck.get(m.object)!.label!),
            ).size > 1,
          toReserve: listPhrase([
            ...new Set(
              group.moves
                .filter((m) => m.to === "reserve" && deck.get(m.object)!.kind === "token")
                .map((m) => deck.get(m.object)!.label!),
            ),
          ]),
          fromReserve: listPhrase([
            ...new Set(
              group.moves
                .filter((m) => m.from === "reserve" && deck.get(m.object)!.kind === "token")
                .map((m) => deck.get(m.object)!.label!),
            ),
          ]),
          tokensOut: listPhrase(seen.tokensOut),
          manyOut: seen.tokensOut.length > 1,
        };
        const text =
          (role === FACILITATOR && templates.cue(event.kind, `${side}_facilitator` as Side, data)) ||
          (variant && templates.cue(event.kind, `${side}${variant}` as Side, data)) ||
          templates.cue(event.kind, side, data);
        if (!text) continue;
        const key = `${role}|${group.moment}`;
        // A volunteer's line comes where they first act (as actor or operator); one who is only
        // acted on (takes a bundle, hears of a cut) comes after the last one who acts on them.
        // A proxy passes a card on just after the client hands it over (its route comes first in the trace).
        // A server hands a released red card back before its reader takes it.
        const giver = event.kind === "release" && side === "to";
        // The facilitator hands out what a volunteer's pg_basebackup needs once the source's row is copied.
        const supply = supplied && side === "operator";
        // The facilitator hands over a promoted server's tokens before it takes them; a cloned
        // server lets its row be copied before the copies are handed on.
        const handsFirst = event.kind === "clone" && side === "from";
        const at =
          event.kind === "route"
            ? (group.first + 1) * 5 + 2
            : giver || handsFirst
              ? group.first * 5 - 1
              : supply
                ? group.first * 5 - 0.5
                : side === "supplier"
                  ? group.first * 5 + 0.5
                  : group.first * 5 + sideIndex;
        const entry = phrases.get(key) ?? { texts: [], messages: [], order: Infinity, last: at, parts: [] };
        entry.last = Math.max(entry.last, at);
        if (side === "actor" || side === "operator" || giver) entry.order = Math.min(entry.order, at);
        if (!entry.texts.includes(text)) {
          entry.texts.push(text);
          entry.parts.push({
            text,
            at,
            event: event.kind === "route" ? group.first + 1 : group.first,
            parties: [...new Set([event.actor, event.to, event.from, event.via, role])].filter((p): p is string =>
              Boolean(p),
            ),
            // The admin who runs a command, the facilitator who hands tokens over, act on the server.
            actor: side === "operator" || side === "supplier" || giver ? role : event.actor,
            own: side === "actor",
          });
        }
        for (const said of [event.message, event.detail]) {
          if (said && SPOKEN.has(event.kind) && role === speakerOf(event) && !entry.messages.includes(said))
            entry.messages.push(said);
        }
        phrases.set(key, entry);
      }
    }
    for (const entry of phrases.values()) if (entry.order === Infinity) entry.order = entry.last;
    for (const [key, entry] of [...phrases].sort((a, b) => a[1].order - b[1].order)) {
      const [role, moment] = key.split("|") as [string, "do" | "flow"];
      cues.get(role)!.push({
        step: step.number,
        role,
        moment,
        text: entry.texts.join(" "),
        messages: entry.messages,
        order: entry.order,
        parts: entry.parts,
      });
    }
  }
  return cues;
}

/** lineUp's lines with their parts: the role's id and label, and the sentences in the order read. */
export function arrangeBefore(
  acting: { role: string; cue: Cue }[],
): { role: string; label: string; parts: CuePart[] }[] {
  const parts = acting
    .flatMap(({ role, cue }) => cue.parts.map((part) => ({ role: cue.role, label: role, part })))
    .sort((a, b) => a.part.at - b.part.at);
  type Said = { role: string; label: string; part: CuePart };
  // Whether an event acts on a volunteer someone else drives: their row copied, their link cut.
  const actsOn = (a: Said, role: string) => a.part.parties.includes(role) && a.part.actor !== role;
  // Whether q's volunteer says later, in their own words, what p hands them (a red card handed to a
  // server that first takes a bundle, then reads the card): then p need not wait for q. Not for a
  // command run on q's server (pg_ctl start): that waits until the server is ready.
  const voicedLater = (p: Said, q: Said) =>
    p.part.own && parts.some((x) => x.role === q.role && x.part.event === p.part.event && x.part.at > q.part.at);
  // Whether p may be read before q, joining p's volunteer's earlier line: not if they are parts of
  // one event, nor if q acts on p's volunteer (unless that line has met q's event already), nor if
  // p acts on q's volunteer unvoiced.
  const independent = (p: Said, q: Said, met: Set<number>) =>
    p.part.event !== q.part.event &&
    !(actsOn(q, p.role) && !met.has(q.part.event)) &&
    !(actsOn(p, q.role) && !voicedLater(p, q));
  const lines: { role: string; label: string; parts: Said[] }[] = [];
  for (const p of parts) {
    const last = lines.map((l) => l.role).lastIndexOf(p.role);
    const met = new Set(last >= 0 ? lines[last]!.parts.map((q) => q.part.event) : []);
    if (last >= 0 && lines.slice(last + 1).every((l) => l.parts.every((q) => independent(p, q, met))))
      lines[last]!.parts.push(p);
    else lines.push({ role: p.role, label: p.label, parts: [p] });
  }
  return lines.map((l) => ({ role: l.role, label: l.label, parts: l.parts.map((p) => p.part) }));
}
