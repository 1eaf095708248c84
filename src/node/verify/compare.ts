/**
 * Comparing a step's trace snapshot with what the real servers show. Pure: the real side is
 * read elsewhere (replay.ts) into plain data, so this is tested without a server.
 *
 * The workshop simplifies on purpose, and verify compares what the simplification keeps: which
 * servers are up, primary or standby, on which timeline, which cards a query sees, whether a
 * standby streams, whether a commit still waits, what a read returned, and the errors PostgreSQL
 * logged — not LSNs or segment names, which the model only illustrates.
 */
import type { Snapshot, TraceEvent } from "../../sim/trace.js";

export interface RealServer {
  /** False when the role has no data folder yet (an empty machine). */
  exists: boolean;
  up: boolean;
  /** Only when up. */
  inRecovery?: boolean;
  cards?: number[];
  /** The primary's current timeline, or the timeline a standby receives. */
  timeline?: number;
  streaming?: boolean;
  /** A primary's pg_stat_replication: each walsender's application_name and sync_state. */
  syncStates?: Record<string, string>;
  log: string;
}

export interface RealClient {
  waiting: boolean;
  holding: boolean;
  /** The result of the read made in this step, if any. */
  read?: "found" | "stale" | "canceled" | "error";
  /** What psql printed on stderr for this client's statements in this step. */
  said: string;
}

export interface RealState {
  servers: Record<string, RealServer>;
  clients: Record<string, RealClient>;
}

/** A PostgreSQL message as a pattern: LSNs and segment names vary between the model and a real server. */
export function messagePattern(message: string): RegExp {
  const core = message.replace(/^.*?(FATAL|ERROR|LOG|WARNING|DETAIL):\s+/s, "").replace(/^.*ERROR:\s+/s, "");
  const escaped = core.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    escaped
      .replace(/[0-9A-F]{24}/g, "[0-9A-F]{24}")
      .replace(/[0-9A-F]+\/[0-9A-F]+/g, "[0-9A-F]+/[0-9A-F]+")
      .replace(/port \d+/g, "port \\d+"),
  );
}

const KINDS_LOGGED_BY_SERVER = new Set<TraceEvent["kind"]>(["error", "start-failed"]);
const KINDS_SAID_TO_CLIENT = new Set<TraceEvent["kind"]>(["write-failed", "cancel-wait", "query-canceled"]);

/** Every way the real servers differ from the trace after a step; empty when they agree. */
export function differences(snapshot: Snapshot, events: TraceEvent[], real: RealState): string[] {
  const out: string[] = [];
  for (const [id, s] of Object.entries(snapshot.servers)) {
    const r = real.servers[id];
    if (!r) continue;
    const say = (what: string, trace: unknown, found: unknown) =>
      out.push(`${id} ${what}: trace ${JSON.stringify(trace)}, PostgreSQL ${JSON.stringify(found)}`);
    if ((s.mode !== "empty") !== r.exists) say("has data", s.mode !== "empty", r.exists);
    if (s.mode === "empty") continue;
    if (s.up !== r.up) say("up", s.up, r.up);
    if (!s.up || !r.up) continue;
    const mode = r.inRecovery ? "standby" : "primary";
    if (s.mode !== mode) say("mode", s.mode, mode);
    if (r.cards && JSON.stringify(s.cards) !== JSON.stringify(r.cards)) say("cards", s.cards, r.cards);
    if (s.mode === "primary" && r.timeline !== undefined && s.timeline !== r.timeline)
      say("timeline", s.timeline, r.timeline);
    if (s.mode === "standby") {
      const streaming = s.walreceiver === "streaming";
      if (streaming !== Boolean(r.streaming)) say("streaming", streaming, Boolean(r.streaming));
      if (streaming && r.timeline !== undefined && s.timeline !== r.timeline) say("timeline", s.timeline, r.timeline);
      const senders = s.upstream ? real.servers[s.upstream]?.syncStates : undefined;
      if (s.syncState && senders && senders[id] !== s.syncState) say("sync_state", s.syncState, senders[id] ?? null);
    }
  }
  for (const [id, c] of Object.entries(snapshot.clients)) {
    const r = real.clients[id];
    if (!r) continue;
    if ((c.waiting !== null) !== r.waiting)
      out.push(`${id} waiting: trace ${c.waiting !== null}, PostgreSQL ${r.waiting}`);
    if ((c.holding !== null) !== r.holding)
      out.push(`${id} holding a query: trace ${c.holding !== null}, PostgreSQL ${r.holding}`);
  }
  for (const e of events) {
    if (e.kind === "read" && real.clients[e.actor]?.read !== undefined && real.clients[e.actor]!.read !== e.result) {
      out.push(`${e.actor} read R${e.query}: trace ${e.result}, PostgreSQL ${real.clients[e.actor]!.read}`);
    }
    if (!e.message) continue;
    if (KINDS_LOGGED_BY_SERVER.has(e.kind)) {
      const log = real.servers[e.actor]?.log ?? "";
      if (!messagePattern(e.message).test(log))
        out.push(`${e.actor} log: trace says ${JSON.stringify(e.message)}, not in PostgreSQL's log`);
    }
    if (KINDS_SAID_TO_CLIENT.has(e.kind)) {
      const client = e.kind === "query-canceled" ? e.to! : e.actor;
      const said = real.clients[client]?.said ?? "";
      if (!messagePattern(e.message).test(said))
        out.push(
          `${client} was told: trace ${JSON.stringify(e.message)}, psql said ${JSON.stringify(said.trim().slice(0, 200))}`,
        );
    }
  }
  return out;
}
