/**
 * Cues: what each volunteer does in each step, derived from the trace events in which the role
 * acts or is acted on. The same cues make the backs of the role cards and the script's "Do" lines.
 */
import type { Scenario } from "../scenario/model.js";
import type { Trace, TraceEvent } from "../sim/trace.js";
import { cardsPhrase, type Side, Templates } from "../wording.js";

export interface Cue {
  step: number;
  role: string;
  text: string;
  /** Where the role first acts in the step: the script lists volunteers in that order. */
  order: number;
  /** PostgreSQL's messages this role meets in the step, verbatim. */
  messages: string[];
}

/** Event kinds whose message a volunteer should read out. */
const SPOKEN = new Set([
  "error",
  "start-failed",
  "write-failed",
  "read-failed",
  "vacuum-failed",
  "cancel-wait",
  "query-canceled",
  "promote",
]);

/** Events of a step with the same kind and parties, merged so their cards read as one list. */
function merge(events: TraceEvent[]): { event: TraceEvent; cards: number[] }[] {
  const groups = new Map<string, { event: TraceEvent; cards: number[] }>();
  for (const event of events) {
    const key = [event.kind, event.actor, event.to, event.from, event.via, event.query].join("|");
    const group = groups.get(key) ?? { event, cards: [] };
    if (event.card !== undefined && !group.cards.includes(event.card)) group.cards.push(event.card);
    for (const c of event.cards ?? []) if (!group.cards.includes(c)) group.cards.push(c);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Every role's cues, in step order; roles that do nothing in a step get no cue for it. */
export function deriveCues(scenario: Scenario, trace: Trace, templates: Templates): Map<string, Cue[]> {
  const label = (id: string | undefined) =>
    !id ? "" : id === "facilitator" ? "the facilitator" : (scenario.roles.find((r) => r.id === id)?.label ?? id);
  const cues = new Map<string, Cue[]>(scenario.roles.map((r) => [r.id, []]));
  for (const step of trace.steps) {
    const phrases = new Map<string, { texts: string[]; messages: string[] }>();
    // Cards a standby both receives and replays in this step get one cue ("take … and lay them down").
    const replayed = new Set(step.events.filter((e) => e.kind === "replay").map((e) => `${e.actor}:${e.card}`));
    const covered = new Set<string>();
    for (const { event, cards: all } of merge(step.events)) {
      let cards = all;
      let variant = "";
      if (
        (event.kind === "stream" || event.kind === "restore") &&
        cards.every((c) => replayed.has(`${event.kind === "stream" ? event.to : event.actor}:${c}`))
      ) {
        variant = "_replayed";
        for (const c of cards) covered.add(`${event.kind === "stream" ? event.to : event.actor}:${c}`);
      }
      if (event.kind === "replay") {
        cards = cards.filter((c) => !covered.has(`${event.actor}:${c}`));
        if (cards.length === 0) continue;
      }
      const data = {
        actor: label(event.actor),
        to: label(event.to),
        from: label(event.from),
        via: label(event.via),
        cards: cards.length ? cardsPhrase(cards) : "",
        card: event.card ?? cards[0] ?? "",
        them: cards.length === 1 ? "it" : "them",
        query: event.query ?? "",
        timeline: event.timeline ?? "",
        result: event.result ?? "",
        wants: event.wants ?? "",
        stale: event.result === "stale",
        primary: event.result === "primary",
      };
      for (const side of ["actor", "to", "from"] as Side[]) {
        const role = event[side];
        if (!role || !cues.has(role)) continue;
        const text =
          (variant && templates.cue(event.kind, `${side}${variant}` as Side, data)) ||
          templates.cue(event.kind, side, data);
        if (!text) continue;
        const entry = phrases.get(role) ?? { texts: [], messages: [] };
        if (!entry.texts.includes(text)) entry.texts.push(text);
        if (event.message && SPOKEN.has(event.kind) && !entry.messages.includes(event.message))
          entry.messages.push(event.message);
        phrases.set(role, entry);
      }
    }
    [...phrases.keys()].forEach((role, order) => {
      const entry = phrases.get(role)!;
      cues.get(role)!.push({ step: step.number, role, text: entry.texts.join(" "), messages: entry.messages, order });
    });
  }
  return cues;
}
