/** The stage as the simulator holds it between actions. Plain data; the engine mutates one copy per run. */
import { standbySlot, type Role, type Scenario, type Settings } from "../scenario/model.js";
import type { Command } from "./commands.js";
import type { TraceEvent } from "./trace.js";

/** One WAL record: a data card (a committed row), a vacuum joker (dead rows removed) or a DELETE of given rows. */
export interface WalRecord {
  card: number;
  kind: "write" | "vacuum" | "delete";
  /** For a DELETE: the cards (rows) it removes. */
  rows?: number[];
  /** For an UPDATE (a write that replaces a card): the card whose row it takes the place of. */
  replaces?: number;
  timeline: number;
  /** The clock when it was committed on its primary (recovery_min_apply_delay counts from it). */
  at: number;
  /**
   * For a vacuum: the standbys whose oldest snapshot the primary knew when it ran (hot_standby_feedback
   * over a live connection, or kept on a slot). It removed no rows their queries need, so replaying it
   * cancels no query there.
   */
  shielded?: string[];
}

/** A timeline history entry: `timeline` branched off `parent` after position `forkAt`. */
export interface Branch {
  timeline: number;
  parent: number;
  forkAt: number;
}

/** A physical replication slot: the first position its standby still needs (that segment is kept), or lost. */
export interface Slot {
  need: number;
  /** Invalidated by a checkpoint for holding more than max_slot_wal_keep_size: it keeps nothing. */
  lost?: boolean;
}

export type Receiver = "off" | "streaming" | "waiting" | "error";

export interface Server {
  id: string;
  /** False for an empty machine that has never been cloned. */
  exists: boolean;
  up: boolean;
  mode: "primary" | "standby" | "empty";
  timeline: number;
  /** The history files it holds: every branch in its ancestry. */
  branches: Branch[];
  /** WAL it holds, in position order (for a standby: received and flushed). */
  wal: WalRecord[];
  /** Positions replayed (a primary has "replayed" all it wrote). */
  replayed: number;
  /** Positions 1..recycled are gone from pg_wal (the notes' "floor"). */
  recycled: number;
  upstream?: string;
  receiver: Receiver;
  /**
   * True when the last record it has ends a segment (just cloned, or restored from the archive): a
   * walreceiver asks for the start of the segment holding its last record, so a standby in the middle
   * of a segment needs that segment still on its upstream.
   */
  atBoundary: boolean;
  /** The last walreceiver problem logged, so a lasting error is reported once. */
  problem?: string;
  /** A newer timeline learnt from the upstream's history file that this server could not follow. */
  learnt?: Branch;
  /** Clock time at which replay stopped at a conflicting vacuum record. */
  conflictSince?: number;
  /** Replay paused by pg_wal_replay_pause() (until pg_wal_replay_resume() or a restart). */
  paused: boolean;
  /** The card whose recovery_min_apply_delay replay was last said to wait for (said once). */
  delayedAt?: number;
  /** Replication slots on this server, by slot name (see slots.ts). */
  slots: Record<string, Slot>;
  /** Synchronous commits waiting for a standby's ack. */
  /** Commits waiting for their synchronous acks, oldest first, with the standbys that have acked each. */
  /** `level`: the client's own synchronous_commit, when it SETs one. */
  pending: { card: number; client: string; acked?: string[]; level?: string }[];
  /** Positions 1..archived have been copied to the archive. */
  archived: number;
  /**
   * Stopped cleanly (pg_control says "shut down" or "shut down in recovery"): false while it runs,
   * after a crash, and after a clone or a rewind until it has run once. pg_rewind looks at it.
   */
  clean: boolean;
  /** Positions after which its WAL holds a checkpoint record (0: the one made before the first card). */
  checkpoints: number[];
  /**
   * The first position whose segment is still in its pg_wal (0: all of them). Every checkpoint moves
   * it, a shutdown's too, which the tray does not show (nothing can fetch from a stopped server);
   * pg_rewind reads the target's own WAL back to its last checkpoint before the fork from here.
   */
  walFrom: number;
  /** A standby's last restartpoint: the checkpoint position it last made one at. */
  restartpoint: number;
}

export interface Client {
  id: string;
  wrote: number[];
  acked: number[];
  waiting?: { card: number; on: string };
  holding?: { server: string; query: number; sees: number | null };
  lastRead?: { query: number; from: string; result: "found" | "stale" | "canceled" | "error"; sees: number | null };
}

export interface ArchivedSegment {
  timeline: number;
  position: number;
  record: WalRecord;
}

export interface Stage {
  scenario: Scenario;
  roles: Map<string, Role>;
  settings: Settings;
  servers: Map<string, Server>;
  clients: Map<string, Client>;
  /** Links cut, as "a|b" with a < b. */
  cut: Set<string>;
  archive: ArchivedSegment[];
  /** Timelines whose history file reached the archive. */
  archivedTimelines: number[];
  clock: number;
  nextCard: number;
  nextQuery: number;
  /** Round-robin position of each proxy over its standby backends. */
  proxyTurn: Map<string, number>;
  /** Every card written in this run, to tell when one exists nowhere any more. */
  written: Set<number>;
  lost: Set<number>;
  events: TraceEvent[];
  /** The real commands of the step so far, and the index of the action being performed. */
  commands: Command[];
  action: number;
}

export function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

export function linked(stage: Stage, a: string, b: string): boolean {
  return !stage.cut.has(linkKey(a, b));
}

export function server(stage: Stage, id: string): Server {
  const found = stage.servers.get(id);
  if (!found) throw new Error(`internal: no server ${id}`);
  return found;
}

export function client(stage: Stage, id: string): Client {
  const found = stage.clients.get(id);
  if (!found) throw new Error(`internal: no client ${id}`);
  return found;
}

/** The rows these records leave, in the order they were written: each write adds one, each DELETE takes its rows away. */
export function rowsOf(records: WalRecord[], skip: ReadonlySet<number> = new Set()): number[] {
  const rows = new Set<number>();
  for (const r of records) {
    if (skip.has(r.card)) continue;
    if (r.kind === "write" && r.replaces !== undefined) rows.delete(r.replaces);
    if (r.kind === "write") rows.add(r.card);
    if (r.kind === "delete") for (const n of r.rows ?? []) rows.delete(n);
  }
  return [...rows];
}

/**
 * Cards a query on this server can see: replayed rows, less commits still waiting for their ack (a
 * write waiting is not seen yet; a DELETE waiting has not taken its rows away yet).
 */
export function visibleCards(s: Server): number[] {
  const waiting = s.pending.length > 0 ? new Set(s.pending.map((p) => p.card)) : NONE;
  // Mostly the replayed WAL is plain writes and jokers in card order: then its rows are its write
  // cards as they come, less those waiting, with no set to build. Anything else (an UPDATE, a
  // DELETE, a card out of order) is read the general way.
  const cards: number[] = [];
  let last = 0;
  for (let i = 0, upto = Math.min(s.replayed, s.wal.length); i < upto; i++) {
    const r = s.wal[i]!;
    if (r.card <= last || r.kind === "delete" || r.replaces !== undefined)
      return rowsOf(s.wal.slice(0, s.replayed), waiting);
    last = r.card;
    if (r.kind === "write" && !waiting.has(r.card)) cards.push(r.card);
  }
  return cards;
}

const NONE: ReadonlySet<number> = new Set();

/** Cards a replayed DELETE took away here (that the server had when it replayed it), sorted; undefined for none. */
export function deletedCards(s: Server): number[] | undefined {
  // Where no DELETE has been replayed, nothing was taken away (most servers, most steps).
  let some = false;
  for (let i = 0, upto = Math.min(s.replayed, s.wal.length); i < upto && !some; i++) some = s.wal[i]!.kind === "delete";
  if (!some) return undefined;
  const replayed = s.wal.slice(0, s.replayed);
  const rows = new Set<number>();
  const gone = new Set<number>();
  const waiting = new Set(s.pending.map((p) => p.card));
  for (const r of replayed) {
    if (waiting.has(r.card)) continue;
    if (r.kind === "write" && r.replaces !== undefined) rows.delete(r.replaces);
    if (r.kind === "write") rows.add(r.card);
    if (r.kind === "delete") for (const n of r.rows ?? []) if (rows.delete(n)) gone.add(n);
  }
  return gone.size > 0 ? [...gone].sort((a, b) => a - b) : undefined;
}

/** A fresh stage for one run: every role as the scenario says it starts. */
export function freshStage(scenario: Scenario, settings: Settings): Stage {
  const roles = new Map(scenario.roles.map((r) => [r.id, r]));
  const firstPrimary = scenario.roles.find((r) => r.kind === "primary")?.id;
  const servers = new Map<string, Server>();
  const clients = new Map<string, Client>();
  for (const role of scenario.roles) {
    if (role.kind === "primary" || role.kind === "standby") {
      const empty = role.kind === "standby" && role.starts === "empty";
      servers.set(role.id, {
        id: role.id,
        exists: !empty,
        up: !empty,
        mode: empty ? "empty" : role.kind,
        timeline: 1,
        branches: [],
        wal: [],
        replayed: 0,
        recycled: 0,
        upstream: role.kind === "standby" && !empty ? (role.upstream ?? firstPrimary) : undefined,
        receiver: role.kind === "standby" && !empty ? "streaming" : "off",
        atBoundary: true,
        slots: {},
        pending: [],
        archived: 0,
        paused: false,
        clean: false,
        checkpoints: [0],
        walFrom: 0,
        restartpoint: 0,
      });
    } else {
      clients.set(role.id, { id: role.id, wrote: [], acked: [] });
    }
  }
  for (const s of servers.values()) {
    const name = standbySlot(settings, roles.get(s.id));
    if (s.upstream && name !== undefined) servers.get(s.upstream)!.slots[name] = { need: 1 };
  }
  return {
    scenario,
    roles,
    settings,
    servers,
    clients,
    cut: new Set(),
    archive: [],
    archivedTimelines: [],
    clock: 0,
    nextCard: 1,
    nextQuery: 1,
    proxyTurn: new Map(),
    written: new Set(),
    lost: new Set(),
    events: [],
    commands: [],
    action: 0,
  };
}
