/**
 * The canonical trace: the single source of every product. Same scenario, same bytes:
 * `canonicalJson` sorts keys and the simulator never reads a clock or a random source.
 */

import type { Command } from "./commands.js";

export const TRACE_FORMAT = "replikit-trace/3";

/** What happened, in order. `actor` is the role that acts (or "facilitator" for stage directions). */
export interface TraceEvent {
  kind: EventKind;
  actor: string;
  /** The other party: the server written to, the standby streamed to, the client answered… */
  to?: string;
  from?: string;
  /** The proxy a client's statement went through. */
  via?: string;
  /** For reads: what the client asked for ("own-last-write" asks for its own newest card); for a refused slot command: create or drop; for a slot made by pg_basebackup -C: clone. */
  wants?: string;
  card?: number;
  cards?: number[];
  /** Read cards (the red ones) are numbered apart from WAL cards: R1, R2… */
  query?: number;
  timeline?: number;
  position?: number;
  /** An UPDATE's write: the card it replaces. */
  replaces?: number;
  result?: string;
  seconds?: number;
  /** PostgreSQL's own message, verbatim. */
  message?: string;
  detail?: string;
}

/** Every kind of event the simulator records; each has its cue wording in templates/cues.yaml (or none, on purpose). */
export const EVENT_KINDS = [
  "write",
  "write-failed",
  "write-blocked",
  "delete",
  "delete-failed",
  "commit-wait",
  "standby-ack",
  "commit-ack",
  "cancel-wait",
  "read",
  "read-failed",
  "hold",
  "release",
  "query-canceled",
  "query-lost",
  "route",
  "vacuum",
  "vacuum-failed",
  "vacuum-kept",
  "clone",
  "discard",
  "rewind",
  "rewind-failed",
  "crash-recovery",
  "start",
  "start-failed",
  "stop",
  "crash",
  "promote",
  "choose",
  "follow",
  "connect",
  "connect-failed",
  "disconnect",
  "stream",
  "restore",
  "replay",
  "replay-paused",
  "replay-delayed",
  "pause",
  "resume",
  "timeline-switch",
  "error",
  "archive",
  "checkpoint",
  "recycle",
  "slot-create",
  "slot-drop",
  "slot-failed",
  "slot-invalidated",
  "cut",
  "heal",
  "wait",
  "lost",
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

export interface ServerSnapshot {
  mode: "primary" | "standby" | "empty";
  up: boolean;
  timeline: number;
  /** Data cards (rows) a query sees: replayed, less commits still waiting for their synchronous ack; sorted. */
  cards: number[];
  /**
   * Commits written here that still wait for a synchronous standby's ack: durable locally, but no
   * other session sees them yet (PostgreSQL shows them once the ack comes, the wait is cancelled,
   * or the server restarts).
   */
  unconfirmed: number[];
  /** Cards received but not yet replayed (rows and jokers), in WAL order. */
  unreplayed: number[];
  received: number;
  replayed: number;
  lsn: string;
  upstream: string | null;
  walreceiver: "off" | "streaming" | "waiting" | "error";
  /** pg_is_wal_replay_paused(): replay paused by pg_wal_replay_pause(). */
  replayPaused: boolean;
  /** Replay waits at a vacuum record for a conflicting query (max_standby_streaming_delay); left out when not. */
  replayConflict?: true;
  /** Cards still in pg_wal (a primary's; what a late standby could still fetch). */
  pgWal: number[];
  /** The last walreceiver or start-up error, verbatim. */
  error: string | null;
  /** Cards a replayed DELETE took away here; left out when none. */
  deleted?: number[];
  /**
   * pg_stat_replication.sync_state on its primary, for a standby streaming straight from one, when
   * the run names synchronous standbys (without them every standby is async, and this is left out).
   */
  syncState?: "sync" | "potential" | "quorum" | "async";
  /**
   * Its replication slots (pg_replication_slots), by name; left out when it has none. `holds`: the
   * card of the oldest segment the slot keeps (null when it keeps none: lost, or nothing written yet).
   */
  slots?: Record<string, SlotSnapshot>;
}

export interface SlotSnapshot {
  /** A walsender streams through it now. */
  active: boolean;
  walStatus: "reserved" | "extended" | "unreserved" | "lost";
  holds: number | null;
}

export interface ClientSnapshot {
  kind: string;
  wrote: number[];
  acked: number[];
  waiting: number | null;
  holding: { server: string; query: number; sees: number | null } | null;
  lastRead: { query: number; from: string; result: string; sees: number | null } | null;
}

export interface Snapshot {
  clock: number;
  servers: Record<string, ServerSnapshot>;
  clients: Record<string, ClientSnapshot>;
  archive: number[] | null;
  cut: [string, string][];
  lost: number[];
}

export interface TraceStep {
  number: number;
  run: number;
  title: string;
  events: TraceEvent[];
  /** events[0, flowFrom) are what the volunteers did; events[flowFrom…] flowed when time passed at the step's end. */
  flowFrom: number;
  /** The real commands behind the step's actions, in order: what the script prints and verify runs. */
  commands: Command[];
  after: Snapshot;
}

export interface Trace {
  format: typeof TRACE_FORMAT;
  scenario: { id: string; title: string };
  runs: { number: number; title: string; settings: Record<string, unknown> }[];
  /** Every physical card the trace uses, for the deck. */
  deck: { writes: number[]; jokers: number[]; reads: number[]; acks: number[]; deletes?: number[] };
  steps: TraceStep[];
}

/** JSON with keys sorted at every level and a final newline: the canonical byte form. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) {
        const inner = (v as Record<string, unknown>)[key];
        if (inner !== undefined) out[key] = sort(inner);
      }
      return out;
    }
    return v;
  };
  // Lists of numbers on one line: cards read better as [1, 2, 3] than one per line.
  const text = JSON.stringify(sort(value), null, 2).replace(
    /\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]/g,
    (_, inner: string) => `[${inner.split(/,\s*/).join(", ")}]`,
  );
  return text + "\n";
}
