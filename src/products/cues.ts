/**
 * Cues: what each volunteer does in each step, in words that name the objects and places the
 * stage model moves — "take your copy of card 3 from Primary's tray and lay it in your row". One
 * cue per volunteer per moment: the script's Do lines (what they do) and Then lines (what flows),
 * and the backs of the role cards.
 */
import type { Scenario } from "../scenario/model.js";
import type { Trace, TraceEvent } from "../sim/trace.js";
import type { Move, StageModel } from "../stage/index.js";
import type { Side, Templates } from "../wording.js";
import { CUE_FIELDS, CueScope, type Cast } from "./cue-fields.js";

export { deletedOn, durationPhrase } from "./cue-fields.js";

/** The facilitator's own cues are kept under this name: the script's "You" lines, on no role card. */
export const FACILITATOR = "facilitator";

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
export function speakerOf(event: TraceEvent): string {
  return event.kind === "query-canceled" ? event.to! : event.actor;
}

interface Group {
  event: TraceEvent;
  cards: number[];
  moves: Move[];
  moment: "do" | "flow";
  first: number;
  /** Whether its moves play a joker, and whether it is a DELETE record's (see `merge`). */
  joker: boolean;
  deletes: boolean;
}

/**
 * Events of a moment (the step's events[start, end)) with the same kind and parties, merged so
 * their cards read as one list. A moment holds a few groups, so each event is compared with
 * them field by field (no key is made for it).
 */
function merge(
  events: TraceEvent[],
  movesOf: Map<number, Move[]>,
  moment: "do" | "flow",
  start: number,
  end: number,
): Group[] {
  const groups: Group[] = [];
  for (let index = start; index < end; index++) {
    const event = events[index]!;
    const moves = movesOf.get(index) ?? [];
    const joker = moves.some((m) => m.object.startsWith("joker-"));
    // A DELETE record is told apart from the rows it moves, and its event's cards are the rows it deletes.
    const deletes = moves.some((m) => m.object.startsWith("delete-")) || event.kind === "delete";
    let group = groups.find((g) => g.joker === joker && g.deletes === deletes && alike(g.event, event, deletes));
    if (!group) groups.push((group = { event, cards: [], moves: [], moment, first: index, joker, deletes }));
    const { kind, card } = event;
    if (card !== undefined && !group.cards.includes(card)) group.cards.push(card);
    if (kind !== "delete") for (const c of event.cards ?? []) if (!group.cards.includes(c)) group.cards.push(c);
    group.moves.push(...moves);
  }
  return groups;
}

/** Whether two events have the same kind and parties (and, for a DELETE record, the same card): one group. */
function alike(a: TraceEvent, b: TraceEvent, deletes: boolean): boolean {
  return (
    a.kind === b.kind &&
    a.actor === b.actor &&
    (a.to ?? "") === (b.to ?? "") &&
    (a.from ?? "") === (b.from ?? "") &&
    (a.via ?? "") === (b.via ?? "") &&
    (a.query ?? "") === (b.query ?? "") &&
    (!deletes || a.card === b.card) &&
    a.replaces === b.replaces
  );
}

/** A role's sentences in one moment of a step, as they gather: one cue when the step is done. */
interface Said {
  role: string;
  moment: "do" | "flow";
  texts: string[];
  messages: string[];
  order: number;
  last: number;
  parts: CuePart[];
}

/** Who does what in the cue of a side of an event. */
const SIDES: readonly Side[] = ["operator", "actor", "supplier", "from", "to"];

/** Every role's cues, in step order; roles that do nothing in a moment get no cue for it. */
export function deriveCues(
  scenario: Scenario,
  trace: Trace,
  stage: StageModel,
  templates: Templates,
): Map<string, Cue[]> {
  const labels = new Map<string, string>();
  for (const r of scenario.roles) if (!labels.has(r.id)) labels.set(r.id, r.label);
  const cast: Cast = {
    deck: new Map(stage.deck.map((o) => [o.object, o])),
    label: (id) => (!id ? "" : id === "facilitator" ? "the facilitator" : (labels.get(id) ?? id)),
  };
  const { deck } = cast;
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
    const replays = firstOf(step.events, "replay");
    const acks = firstOf(step.events, "standby-ack");
    const covered = new Map<string | undefined, Set<number>>();
    const said = new Map<string, Said>();
    const flowFrom = Math.min(step.flowFrom, step.events.length);
    const groups = [
      ...merge(step.events, movesOf, "do", 0, flowFrom),
      ...merge(step.events, movesOf, "flow", flowFrom, step.events.length),
    ];
    for (const group of groups) {
      const { event } = group;
      let cards = group.cards;
      let variant = "";
      const receiver = event.kind === "stream" ? event.to : event.actor;
      const replayed = replays.get(receiver);
      // A standby that acks a card before replaying it (synchronous_commit = on) is told the two apart.
      const acksFirst = (c: number) => (acks.get(receiver)?.get(c) ?? Infinity) < replayed!.get(c)!;
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
        cards.every((c) => replayed?.has(c) && !acksFirst(c))
      ) {
        variant = "_replayed";
        if (!covered.has(receiver)) covered.set(receiver, new Set());
        for (const c of cards) covered.get(receiver)!.add(c);
      }
      if (event.kind === "replay") {
        const laid = covered.get(event.actor);
        if (laid) cards = cards.filter((c) => !laid.has(c));
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
      // The admin runs the operations on servers (pg_ctl, pg_promote, primary_conninfo), when there is one.
      // The facilitator supplies a volunteer's pg_basebackup with fresh copies from the reserve.
      const supplied = (event.kind === "clone" || event.kind === "rewind") && event.actor !== FACILITATOR;
      for (let sideIndex = 0; sideIndex < SIDES.length; sideIndex++) {
        const side = SIDES[sideIndex]!;
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
        const scope = new CueScope(cast, step, event, cards, group.moves, group.first, role, operated);
        const cue = (s: string) => templates.cueOf(event.kind, s as Side, CUE_FIELDS, scope);
        const text =
          (role === FACILITATOR && cue(`${side}_facilitator`)) || (variant && cue(`${side}${variant}`)) || cue(side);
        if (!text) continue;
        const at = placeOf(event, group.first, side, sideIndex, supplied);
        const key = `${role}|${group.moment}`;
        const entry = said.get(key) ?? {
          role,
          moment: group.moment,
          texts: [],
          messages: [],
          order: Infinity,
          last: at,
          parts: [],
        };
        // A volunteer's line comes where they first act (as actor or operator); one who is only
        // acted on (takes a bundle, hears of a cut) comes after the last one who acts on them.
        const giver = event.kind === "release" && side === "to";
        entry.last = Math.max(entry.last, at);
        if (side === "actor" || side === "operator" || giver) entry.order = Math.min(entry.order, at);
        if (!entry.texts.includes(text)) {
          entry.texts.push(text);
          entry.parts.push({
            text,
            at,
            event: event.kind === "route" ? group.first + 1 : group.first,
            parties: partiesOf(event, role),
            // The admin who runs a command, the facilitator who hands tokens over, act on the server.
            actor: side === "operator" || side === "supplier" || giver ? role : event.actor,
            own: side === "actor",
          });
        }
        for (const message of [event.message, event.detail]) {
          if (message && SPOKEN.has(event.kind) && role === speakerOf(event) && !entry.messages.includes(message))
            entry.messages.push(message);
        }
        said.set(key, entry);
      }
    }
    for (const entry of said.values()) if (entry.order === Infinity) entry.order = entry.last;
    for (const entry of [...said.values()].sort((a, b) => a.order - b.order)) {
      cues.get(entry.role)!.push({
        step: step.number,
        role: entry.role,
        moment: entry.moment,
        text: entry.texts.join(" "),
        messages: entry.messages,
        order: entry.order,
        parts: entry.parts,
      });
    }
  }
  return cues;
}

/** Where each role first does events of a kind in a step, by card: the index of the event. */
function firstOf(events: TraceEvent[], kind: TraceEvent["kind"]): Map<string | undefined, Map<number, number>> {
  const first = new Map<string | undefined, Map<number, number>>();
  events.forEach((e, index) => {
    if (e.kind !== kind || e.card === undefined) return;
    let byCard = first.get(e.actor);
    if (!byCard) first.set(e.actor, (byCard = new Map<number, number>()));
    if (!byCard.has(e.card)) byCard.set(e.card, index);
  });
  return first;
}

/** Who takes part in an event, each once: its actor, the roles it names, and the one a cue is said to. */
function partiesOf(event: TraceEvent, role: string): string[] {
  const parties: string[] = [];
  for (const p of [event.actor, event.to, event.from, event.via, role]) if (p && !parties.includes(p)) parties.push(p);
  return parties;
}

/**
 * Where in its step a side's sentence about an event falls: five places per event, in the order
 * of SIDES, and some put earlier or later.
 */
function placeOf(event: TraceEvent, first: number, side: Side, sideIndex: number, supplied: boolean): number {
  // A proxy passes a card on just after the client hands it over (its route comes first in the trace).
  if (event.kind === "route") return (first + 1) * 5 + 2;
  // A server hands a released red card back before its reader takes it. The facilitator hands
  // over a promoted server's tokens before it takes them; a cloned server lets its row be copied
  // before the copies are handed on.
  if ((event.kind === "release" && side === "to") || (event.kind === "clone" && side === "from")) return first * 5 - 1;
  // The facilitator hands out what a volunteer's pg_basebackup needs once the source's row is copied.
  if (supplied && side === "operator") return first * 5 - 0.5;
  if (side === "supplier") return first * 5 + 0.5;
  return first * 5 + sideIndex;
}

/**
 * The script's lines for one moment, in the order things happen. A volunteer's sentences share a
 * line unless something they depend on comes between: a part of the same event said to someone
 * else (the writer hands the bundle before the server takes it), or an event that acts on them
 * (their row is copied, their server started).
 */
export function lineUp(acting: { role: string; cue: Cue }[]): { role: string; text: string }[] {
  return arrange(acting).map((l) => ({
    role: l.label,
    text: l.parts.length === 1 ? l.parts[0]!.text : l.parts.map((p) => p.text).join(" "),
  }));
}

/** A part of a cue, with the id and label of whose it is. */
type LinePart = { role: string; label: string; part: CuePart };

/** Whether a part's event acts on a volunteer someone else drives: their row copied, their link cut. */
function actsOn(part: CuePart, role: string): boolean {
  return part.parties.includes(role) && part.actor !== role;
}

/**
 * Whether q's volunteer (`role`) says later, in their own words, what p hands them (a red card
 * handed to a server that first takes a bundle, then reads the card): then p need not wait for q.
 * Not for a command run on q's server (pg_ctl start): that waits until the server is ready.
 */
function voicedLater(p: LinePart, q: CuePart, role: string, parts: readonly LinePart[]): boolean {
  return p.part.own && parts.some((x) => x.role === role && x.part.event === p.part.event && x.part.at > q.at);
}

/**
 * Whether p may be read before q (a part of `role`'s line), joining p's volunteer's earlier line:
 * not if they are parts of one event, nor if q acts on p's volunteer (unless that line has met q's
 * event already), nor if p acts on q's volunteer unvoiced.
 */
function independent(
  p: LinePart,
  q: CuePart,
  role: string,
  met: readonly CuePart[],
  parts: readonly LinePart[],
): boolean {
  return (
    p.part.event !== q.event &&
    !(actsOn(q, p.role) && !met.some((m) => m.event === q.event)) &&
    !(actsOn(p.part, role) && !voicedLater(p, q, role, parts))
  );
}

/**
 * lineUp's lines with their parts: the role's id and label, and the sentences in the order read.
 * The script calls it twice a step, on a few parts each (960 times for gen480): so its helpers are
 * made once, and the lines are built as they are returned.
 */
export function arrange(acting: { role: string; cue: Cue }[]): { role: string; label: string; parts: CuePart[] }[] {
  const parts: LinePart[] = [];
  for (const { role, cue } of acting) for (const part of cue.parts) parts.push({ role: cue.role, label: role, part });
  parts.sort((a, b) => a.part.at - b.part.at);
  const lines: { role: string; label: string; parts: CuePart[] }[] = [];
  // Each volunteer's last line so far, by its index in `lines`.
  const lastLine = new Map<string, number>();
  for (const p of parts) {
    const last = lastLine.get(p.role);
    if (last !== undefined) {
      const met = lines[last]!.parts;
      let joins = true;
      for (let l = last + 1; joins && l < lines.length; l++) {
        const { role, parts: said } = lines[l]!;
        joins = said.every((q) => independent(p, q, role, met, parts));
      }
      if (joins) {
        met.push(p.part);
        continue;
      }
    }
    lastLine.set(p.role, lines.length);
    lines.push({ role: p.role, label: p.label, parts: [p.part] });
  }
  return lines;
}
