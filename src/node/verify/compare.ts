/**
 * Comparing a step's trace snapshot with what the real servers show. Pure: the real side is
 * read elsewhere (replay.ts) into plain data, so this is tested without a server.
 *
 * The workshop simplifies on purpose, and verify compares what the simplification keeps: which
 * servers are up, primary or standby, on which timeline, which cards a query sees, whether a
 * standby streams, whether a commit still waits, what a read returned, and the errors PostgreSQL
 * logged — not LSNs or segment names, which the model only illustrates.
 */
import type { Snapshot, TraceEvent, TraceStep } from "../../sim/trace.js";

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
  /** A standby's replay waits: on a recovery conflict, or paused (pg_get_wal_replay_pause_state()). */
  replayPaused?: boolean;
  /** A standby has received WAL it has not replayed yet. */
  lagging?: boolean;
  /** A primary's pg_stat_replication: each walsender's application_name and sync_state. */
  syncStates?: Record<string, string>;
  /** The standbys (application_name) its walsenders stream to: the other end of each connection. */
  walsenders?: string[];
  /** pg_replication_slots: each slot's active and wal_status. */
  slots?: Record<string, { active: boolean; walStatus: string }>;
  /** What the server logged during the step. */
  log: string;
  /** What a tool run on its data folder (pg_rewind) printed during the step. */
  said?: string;
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
      .replace(/port \d+/g, "port \\d+")
      .replace(/PID \d+/g, "PID \\d+")
      // The script's data/ID is a folder elsewhere on the real machine, and so are the binaries.
      .replace(/"data\//g, '"[^"]*data/')
      .replace(/"\/[^"]*\/postgres"/g, '"[^"]*/postgres"'),
  );
}

const KINDS_LOGGED_BY_SERVER = new Set<TraceEvent["kind"]>([
  "error",
  "start-failed",
  "slot-failed",
  "slot-invalidated",
]);
const KINDS_SAID_TO_CLIENT = new Set<TraceEvent["kind"]>([
  "write-failed",
  "delete-failed",
  "cancel-wait",
  "query-canceled",
]);
/** Events whose messages a tool run on the target's data folder prints (pg_rewind). */
const KINDS_SAID_BY_TOOL = new Set<TraceEvent["kind"]>(["rewind", "rewind-failed", "crash-recovery"]);

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
    // The upstream's end of each replication connection: behind a cut it lingers until
    // wal_sender_timeout, and the model's standby stops streaming only when time passes.
    if (r.walsenders) {
      const streaming = Object.entries(snapshot.servers)
        .filter(([, d]) => d.upstream === id && d.up && d.mode === "standby" && d.walreceiver === "streaming")
        .map(([d]) => d)
        .sort();
      const found = [...r.walsenders].sort();
      if (JSON.stringify(streaming) !== JSON.stringify(found)) say("streams to", streaming, found);
    }
    if (r.slots) {
      const traced = s.slots ?? {};
      for (const name of [...new Set([...Object.keys(traced), ...Object.keys(r.slots)])].sort()) {
        const t = traced[name];
        const f = r.slots[name];
        if (!t || !f) say(`slot "${name}"`, t ? "exists" : "none", f ? "exists" : "none");
        else {
          if (t.active !== f.active) say(`slot "${name}" active`, t.active, f.active);
          if (t.walStatus !== f.walStatus) say(`slot "${name}" wal_status`, t.walStatus, f.walStatus);
        }
      }
    }
    if (s.mode === "standby") {
      const streaming = s.walreceiver === "streaming";
      if (streaming !== Boolean(r.streaming)) say("streaming", streaming, Boolean(r.streaming));
      // Received, or (no walreceiver) the one the startup process replays: streaming or not.
      if (r.timeline !== undefined && s.timeline !== r.timeline) say("timeline", s.timeline, r.timeline);
      // PostgreSQL's side reads a pause (pg_get_wal_replay_pause_state()) or a conflict's wait alike.
      const waits = s.replayPaused || s.replayConflict === true;
      if (r.replayPaused !== undefined && waits !== r.replayPaused) say("replay_paused", waits, r.replayPaused);
      const senders = s.upstream ? real.servers[s.upstream]?.syncStates : undefined;
      if (s.syncState && senders && senders[id] !== s.syncState) say("sync_state", s.syncState, senders[id] ?? null);
      const lag = s.unreplayed.length > 0;
      if (r.lagging !== undefined && lag !== r.lagging) say("received but not replayed", lag, r.lagging);
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
    if (KINDS_SAID_BY_TOOL.has(e.kind)) {
      const said = real.servers[e.to!]?.said ?? "";
      for (const m of [e.message, e.detail])
        if (m && !messagePattern(m).test(said))
          out.push(
            `pg_rewind on ${e.to}: trace says ${JSON.stringify(m)}, it printed ${JSON.stringify(said.trim().slice(-300))}`,
          );
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

/** A line of a log or of psql's output that reports an error. */
const ERROR_LINE = /\b(?:PANIC|FATAL|ERROR):|(?:psql|pg_rewind): error:/;

interface Allowed {
  pattern: RegExp;
  why: string;
  /** When it is harmless only in some states: given the server that logged it (if any) and the step. */
  when?: (server: string | undefined, step: TraceStep) => boolean;
}

/**
 * Errors PostgreSQL reports that the trace does not predict and that say nothing the trace
 * contradicts. Anything else that logs FATAL or ERROR, or that a client is told, during a step
 * without the trace predicting it, is a disagreement.
 */
export const HARMLESS: readonly Allowed[] = [
  {
    pattern: /terminating connection due to administrator command/,
    why: "a fast stop ends the server's sessions; the trace says what that does to each client",
  },
  {
    pattern: /terminating walreceiver process due to administrator command/,
    why: "a standby stopped or promoted ends its walreceiver",
  },
  {
    pattern: /canceling statement due to user request/,
    why: "the Ctrl-C of a release or a cancel",
  },
  {
    pattern: /recovery is in progress/,
    why: "the pg_switch_wal() that begins a card or joker sent to a standby, before its INSERT fails as the trace says",
  },
  {
    pattern: /cannot execute (?:INSERT|DELETE) in a read-only transaction/,
    why: "the rows a joker sent to a standby would make, before its VACUUM fails as the trace says",
    when: (_server, step) => step.events.some((e) => e.kind === "vacuum-failed"),
  },
  {
    pattern: /the database system is (?:starting up|shutting down|not yet accepting connections|in recovery mode)/,
    why: "a connection arriving while a server starts or stops",
  },
  {
    pattern:
      /could not connect to the primary server|could not receive data from WAL stream: server closed the connection/,
    why: "a walreceiver whose upstream went down in the step (the trace may re-point it at once), or retrying, every wal_retrieve_retry_interval, one that is down (the trace logs it once)",
    when: (server, step) => {
      if (step.events.some((e) => e.kind === "crash" || e.kind === "stop")) return true;
      const upstream = server ? step.after.servers[server]?.upstream : null;
      return upstream ? step.after.servers[upstream]?.up !== true : true;
    },
  },
  {
    pattern: /requested starting point [0-9A-F]+\/[0-9A-F]+ on timeline \d+ is not in this server's history/,
    why: "the walreceiver's and the walsender's words, at each retry, for the fork the trace reports as 'new timeline … forked off'",
    when: (_server, step) =>
      Object.values(step.after.servers).some((s) => s.error !== null && /forked off/.test(s.error)) ||
      step.events.some((e) => e.message !== undefined && /forked off/.test(e.message)),
  },
  {
    pattern: /terminating connection due to conflict with recovery/,
    why: "a standby signals the session it cancels again until the session lets its snapshot go: one that has already ended the cancelled statement, idle in its transaction, is then ended whole (PostgreSQL says both, ERROR then FATAL, when the machine is slow): the same conflict the trace's cancel reports",
    when: (server, step) =>
      step.events.some((e) => e.kind === "query-canceled" && (server === undefined || e.actor === server)),
  },
  {
    pattern: /could not send end-of-streaming message to primary/,
    why: "a walreceiver whose upstream ended the stream at a timeline switch",
  },
];

/** The FATAL and ERROR lines of a step that neither the trace predicts nor HARMLESS allows. */
export function unexpectedErrors(step: TraceStep, real: RealState): string[] {
  const predicted = step.events.flatMap((e) => [e.message, e.detail]).filter((m): m is string => Boolean(m));
  for (const s of Object.values(step.after.servers)) if (s.error) predicted.push(s.error);
  const patterns = predicted.map(messagePattern);
  const out: string[] = [];
  const check = (who: string, server: string | undefined, text: string, where: string) => {
    for (const line of text.split("\n")) {
      if (!ERROR_LINE.test(line)) continue;
      if (patterns.some((p) => p.test(line))) continue;
      if (HARMLESS.some((a) => a.pattern.test(line) && (!a.when || a.when(server, step)))) continue;
      // Without the log line's time and pid, so that a message repeated at every retry is told once.
      const text = line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, "").trim();
      out.push(`${who} ${where} an error the trace does not predict: ${JSON.stringify(text.slice(0, 240))}`);
    }
  };
  for (const [id, r] of Object.entries(real.servers)) {
    check(id, id, r.log, "logged");
    check(`${id}'s pg_rewind`, id, r.said ?? "", "printed");
  }
  for (const [id, r] of Object.entries(real.clients)) check(id, undefined, r.said, "was told");
  return [...new Set(out)];
}
