/** One diagram frame per step, as plain data: boxes, links, cards in flight, losses and errors. */
import type { Scenario } from "../../scenario/model.js";
import type { Trace, TraceEvent } from "../../sim/trace.js";
import type { Templates } from "../../wording.js";

export type LinkState = "streaming" | "waiting" | "error" | "off" | "cut";

export interface ServerBox {
  id: string;
  label: string;
  heading: string;
  up: boolean;
  empty: boolean;
  cards: number[];
  queued: { card: number; joker: boolean }[];
  /** Replay stopped at a joker while a query needs the rows. */
  paused: boolean;
}

export interface ClientBox {
  id: string;
  label: string;
  kind: string;
  notes: string[];
  /** A note that signals trouble (a stale read, a cancelled query, a commit still waiting). */
  alarm: boolean;
}

export interface Flow {
  from: string;
  to: string;
  label: string;
  kind: "card" | "ack" | "read" | "copy" | "joker" | "refused";
}

export interface Frame {
  number: number;
  title: string;
  servers: ServerBox[];
  clients: ClientBox[];
  links: { standby: string; upstream: string; state: LinkState }[];
  cuts: [string, string][];
  flows: Flow[];
  archive: number[] | null;
  floor: number[];
  lost: number[];
  errors: { role: string; message: string }[];
}

const FLOW_KINDS: Partial<Record<TraceEvent["kind"], Flow["kind"]>> = {
  write: "card",
  stream: "card",
  restore: "card",
  archive: "card",
  recycle: "card",
  vacuum: "joker",
  read: "read",
  "standby-ack": "ack",
  "commit-ack": "ack",
  clone: "copy",
  "write-failed": "refused",
};

/** Where a flow goes: most events go actor → to; a few read the other way. */
function ends(e: TraceEvent): [string, string] | undefined {
  switch (e.kind) {
    case "restore":
      return ["archive", e.actor];
    case "archive":
      return [e.actor, "archive"];
    case "recycle":
      return [e.actor, "floor"];
    case "clone":
      return [e.from!, e.to!];
    case "read":
      return [e.actor, e.via ?? e.from!];
    case "write":
    case "vacuum":
    case "write-failed":
      return e.to ? [e.actor, e.via ?? e.to] : undefined;
    default:
      return e.to ? [e.actor, e.to] : undefined;
  }
}

export function deriveFrames(scenario: Scenario, trace: Trace, t: Templates): Frame[] {
  const label = (id: string) => scenario.roles.find((r) => r.id === id)?.label ?? id;
  const jokers = new Set(trace.deck.jokers);
  return trace.steps.map((step) => {
    const { servers, clients } = step.after;
    const flows = new Map<string, { from: string; to: string; kind: Flow["kind"]; items: number[]; words: string[] }>();
    const add = (from: string, to: string, kind: Flow["kind"], item?: number, word?: string) => {
      const key = `${from}>${to}>${kind}`;
      const f = flows.get(key) ?? { from, to, kind, items: [], words: [] };
      if (item !== undefined && !f.items.includes(item)) f.items.push(item);
      if (word && !f.words.includes(word)) f.words.push(word);
      flows.set(key, f);
    };
    for (const e of step.events) {
      const kind = FLOW_KINDS[e.kind];
      const end = ends(e);
      if (!kind || !end) continue;
      if (e.via && (e.kind === "write" || e.kind === "read"))
        add(e.via, e.kind === "read" ? e.from! : e.to!, kind, e.kind === "read" ? e.query : e.card);
      if (e.kind === "read") add(end[0], end[1], kind, e.query);
      else for (const c of e.cards ?? (e.card !== undefined ? [e.card] : [undefined])) add(end[0], end[1], kind, c);
    }
    const flowList: Flow[] = [...flows.values()].map((f) => ({
      from: f.from,
      to: f.to,
      kind: f.kind,
      label:
        f.kind === "read"
          ? f.items.map((q) => `R${q}`).join(", ")
          : f.kind === "ack"
            ? `ack ${f.items.join(", ")}`
            : f.kind === "refused"
              ? "refused"
              : f.kind === "copy"
                ? `copy: ${f.items.join(", ") || "empty"}`
                : f.items.join(", "),
    }));
    const cuts = step.after.cut;
    const isCut = (a: string, b: string) => cuts.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
    return {
      number: step.number,
      title: t.text("diagrams", "title", { number: step.number, title: step.title }),
      servers: Object.entries(servers).map(([id, s]) => ({
        id,
        label: label(id),
        heading:
          s.mode === "empty"
            ? t.text("diagrams", "mode_empty")
            : t.text("diagrams", `mode_${s.mode}`, { timeline: s.timeline }),
        up: s.up,
        empty: s.mode === "empty",
        cards: s.cards,
        queued: s.unreplayed.map((card) => ({ card, joker: jokers.has(card) })),
        paused: s.replayPaused,
      })),
      clients: Object.entries(clients).map(([id, c]) => {
        const notes: string[] = [];
        let alarm = false;
        if (c.waiting !== null) {
          notes.push(t.text("diagrams", "waiting", { card: c.waiting }));
          alarm = true;
        }
        if (c.holding) notes.push(t.text("diagrams", "holding", { server: label(c.holding.server) }));
        const read = c.lastRead;
        if (read && step.events.some((e) => e.query === read.query)) {
          notes.push(t.text("diagrams", `read_${read.result}`, { query: read.query }));
          alarm ||= read.result !== "found";
        }
        return { id, label: label(id), kind: c.kind, notes, alarm };
      }),
      links: Object.entries(servers)
        .filter(([, s]) => s.mode === "standby" && s.upstream)
        .map(([id, s]) => ({
          standby: id,
          upstream: s.upstream!,
          state: isCut(id, s.upstream!) ? "cut" : !s.up ? "off" : (s.walreceiver as LinkState),
        })),
      cuts,
      flows: flowList,
      archive: step.after.archive,
      floor: step.events.filter((e) => e.kind === "recycle").flatMap((e) => e.cards ?? []),
      lost: step.after.lost,
      errors: step.events
        .filter(
          (e) =>
            e.message &&
            (e.kind === "error" ||
              e.kind.endsWith("-failed") ||
              e.kind === "query-canceled" ||
              e.kind === "cancel-wait"),
        )
        .map((e) => ({ role: label(e.actor), message: e.message! })),
    };
  });
}
