/**
 * The scenario language, as zod schemas. One source serves both validation (with positions,
 * see parse.ts) and `replikit schema` (JSON Schema for YAML editors).
 *
 * A scenario states who is on stage and what the facilitator asks them to do. It never states
 * consequences: those come from the simulator.
 */
import { z } from "zod";

import { describeSchema } from "./descriptions.js";
import { ID_PATTERN } from "./ids.js";

export { ID_PATTERN };
const id = z
  .string()
  .regex(ID_PATTERN, "an id: lower-case letters, digits and '-', starting with a letter, at most 32");
const text = (max: number) => z.string().min(1).max(max);
const ids = z.array(id).min(1);
const pair = z.tuple([id, id]);
const cards = z.array(z.int().min(1).max(9999));
/** A replication slot's name, as PostgreSQL allows it (lower-case letters, digits and '_', at most 63). */
export const SLOT_NAME_PATTERN = /^[a-z0-9_]{1,63}$/;
const SLOT_NAME_WORDS = "a slot name: lower case letters, numbers and the underscore character, at most 63";
/** A slot as an action or claim names it: a server's role id (that server's slot) or a slot name. */
const slotRef = z
  .string()
  .regex(/^[a-z0-9_-]{1,63}$/, "a server's role id (its slot) or a slot name: lower case letters, numbers and '_'");

export const ROLE_KINDS = [
  "primary",
  "standby",
  "writer",
  "reader",
  "application",
  "proxy",
  "basebackup",
  "admin",
] as const;
export type RoleKind = (typeof ROLE_KINDS)[number];

export const roleSchema = z.strictObject({
  id,
  label: text(24),
  kind: z.enum(ROLE_KINDS),
  /** Standbys only: `streaming` (already cloned and following, the default) or `empty` (a machine still to be cloned). */
  starts: z.enum(["streaming", "empty"]).optional(),
  /** Standbys only: the server it follows (default: the first primary). */
  upstream: id.optional(),
  /** Proxies only: the servers it routes to. */
  backends: ids.optional(),
  /** A line for the role card, in the facilitator's words. */
  brief: text(200).optional(),
  /** This server's own settings, beside the run's (see roleSettingsSchema). */
  settings: z.lazy(() => roleSettingsSchema).optional(),
});

/** Settings of one role: a server's, in its own postgresql.conf; a client's, SET in its session. */
export const roleSettingsSchema = z.strictObject({
  /** Standbys only: seconds each commit waits before this standby replays it (replay, not receipt, is delayed). */
  recovery_min_apply_delay: z.int().min(0).max(86400).optional(),
  /** Clients only: SET synchronous_commit in its session, instead of the run's (e.g. local: this client never waits). */
  synchronous_commit: z.enum(["off", "local", "remote_write", "on", "remote_apply"]).optional(),
  /**
   * Servers only: a physical replication slot on its upstream, used as its primary_slot_name — `true` (named
   * after the role id, '-' as '_'), a slot name, or `false` (none, whatever the run's replication_slots say).
   */
  slot: z.union([z.boolean(), z.string().regex(SLOT_NAME_PATTERN, SLOT_NAME_WORDS)]).optional(),
  /** Servers only: hot_standby_feedback in this server's own postgresql.conf, instead of the run's. */
  hot_standby_feedback: z.boolean().optional(),
});

const NAME = "(?:[a-z][a-z0-9-]{0,31}|\\*)";
const NAME_LIST = `${NAME}(?:\\s*,\\s*${NAME})*`;
/** synchronous_standby_names as written: `FIRST n (…)`, `ANY n (…)`, `n (…)` (FIRST), a plain list, `*`. */
export const SYNC_NAMES_PATTERN = new RegExp(
  `^\\s*(?:(?:(?:FIRST|ANY|first|any)\\s+)?[1-9][0-9]?\\s*\\(\\s*${NAME_LIST}\\s*\\)|${NAME_LIST})\\s*$`,
);

/** synchronous_standby_names, as written (a list or PostgreSQL's text), into its names and rule. */
export function parseSyncNames(value: string | string[]): {
  names: string[];
  rule?: { method: "FIRST" | "ANY"; num: number };
} {
  if (Array.isArray(value)) return { names: value };
  const m = /^\s*(?:(FIRST|ANY|first|any)\s+)?([0-9]+)\s*\((.*)\)\s*$/.exec(value);
  const list = (m ? m[3]! : value).split(",").map((n) => n.trim());
  if (!m) return { names: list };
  return { names: list, rule: { method: (m[1]?.toUpperCase() ?? "FIRST") as "FIRST" | "ANY", num: Number(m[2]) } };
}

export const SYNC_COMMIT = ["off", "local", "remote_write", "on", "remote_apply"] as const;

export const settingsSchema = z.strictObject({
  /** archive_mode = on with an archive_command on primaries, a restore_command on standbys. */
  archive: z.boolean().optional(),
  /** How many cards (one card stands for one 16 MB segment) pg_wal keeps after a checkpoint. */
  wal_keep_size: z.int().min(0).max(1000).optional(),
  /** Each standby has a replication slot on its upstream, which keeps the WAL it still needs. */
  replication_slots: z.boolean().optional(),
  /**
   * The synchronous standbys, by role id (their application_name): a list means FIRST 1 (…), the first
   * of them streaming is synchronous; or PostgreSQL's own text: "FIRST 2 (a, b, c)" (the first two
   * streaming, in list order), "ANY 2 (a, b, c)" (a quorum: any two), "*" (any standby).
   */
  synchronous_standby_names: z
    .union([
      ids,
      z
        .string()
        .regex(
          SYNC_NAMES_PATTERN,
          'PostgreSQL\'s form: "FIRST n (a, b)", "ANY n (a, b)", "a, b" or "*", naming standbys by role id',
        ),
    ])
    .optional(),
  synchronous_commit: z.enum(SYNC_COMMIT).optional(),
  /** Seconds a standby delays replay for a conflicting query before cancelling it; -1 waits forever. */
  max_standby_streaming_delay: z.int().min(-1).max(86400).optional(),
  hot_standby_feedback: z.boolean().optional(),
  /**
   * How many cards (16 MB segments) a replication slot may hold back at most; a checkpoint invalidates a slot
   * that holds more (wal_status lost). -1, the default, is no limit.
   */
  max_slot_wal_keep_size: z.int().min(-1).max(1000).optional(),
  /** wal_log_hints = on on every server (default off): a hint-bit change is WAL-logged, which pg_rewind needs unless data checksums are on. */
  wal_log_hints: z.boolean().optional(),
  /** initdb --data-checksums (default off): decided when the primary is made, and a clone inherits it; pg_rewind accepts either this or wal_log_hints. */
  data_checksums: z.boolean().optional(),
});

/** Every action, keyed by the word the scenario uses. Each maps onto one real PostgreSQL operation. */
export const actionSchemas = {
  /** A client commits new cards (INSERT), to a server or through a proxy. */
  write: z.strictObject({ by: id, to: id.optional(), via: id.optional(), count: z.int().min(1).max(50).optional() }),
  /**
   * A client deletes given cards (DELETE FROM cards WHERE n IN (…)), on a server or through a proxy:
   * one DELETE record in the WAL, which takes the rows away on each server that replays it.
   */
  delete: z.strictObject({
    by: id,
    cards: z.array(z.int().min(1).max(99)).min(1).max(4),
    to: id.optional(),
    via: id.optional(),
  }),
  /**
   * A client updates a card (UPDATE cards SET n = <new> WHERE n = <card>): a new card that replaces
   * it, taking the old row away on each server that replays it.
   */
  update: z.strictObject({ by: id, card: z.int().min(1).max(99), to: id.optional(), via: id.optional() }),
  /** A client reads: the newest card it can see, or checks for its own last write; `hold` keeps the snapshot open. */
  read: z.strictObject({
    by: id,
    from: id.optional(),
    via: id.optional(),
    wants: z.enum(["latest", "own-last-write"]).optional(),
    hold: z.boolean().optional(),
  }),
  /** A reader ends its query and gives back what it held. */
  release: id,
  /** A client runs VACUUM on a primary: a joker card that removes dead rows. */
  vacuum: z.strictObject({ by: id, on: id }),
  /** pg_basebackup -R: copy a running server onto a stopped or empty one, configured to follow the source. */
  clone: z.strictObject({ from: id, to: id, by: id.optional() }),
  start: id,
  /** A clean shutdown (pg_ctl stop -m fast): a primary first sends its standbys all they lack. */
  stop: id,
  /** An immediate stop (pg_ctl stop -m immediate): nothing more leaves the server. */
  crash: id,
  /** pg_promote(): the standby becomes a primary on a new timeline. */
  promote: id,
  /** A new primary_conninfo (and standby.signal for a stopped primary): follow another upstream. */
  follow: z.strictObject({ server: id, upstream: id }),
  /** Promote the candidate holding the most WAL, then re-point the others to it. */
  failover: z.strictObject({ candidates: z.array(id).min(2), by: id.optional() }),
  /** CHECKPOINT: the primary recycles WAL nothing still needs (the notes' "floor"). */
  checkpoint: id,
  /**
   * pg_rewind -R: make a stopped old primary (or a standby that ran ahead) follow `from` again by
   * discarding what it wrote past the fork and copying what `from` wrote since; it needs
   * wal_log_hints or data checksums and its own WAL back to its last checkpoint before the fork.
   */
  rewind: z.strictObject({ from: id, to: id, by: id.optional() }),
  /** The network link between two roles is cut, or healed. */
  cut: pair,
  heal: pair,
  /** Time passes (seconds). */
  wait: z.int().min(1).max(3600),
  /** A client waiting for a synchronous commit gives up waiting (Ctrl-C). */
  cancel: id,
  /** pg_wal_replay_pause(): the standby stops replaying (it still receives). */
  pause: id,
  /** pg_wal_replay_resume(): the standby replays again. */
  resume: id,
  /** pg_create_physical_replication_slot(name, true): a slot on a primary, keeping WAL from now on. */
  create_slot: z.strictObject({ on: id, slot: slotRef, by: id.optional() }),
  /** pg_drop_replication_slot(name): the slot and the WAL it kept are let go (refused while a standby uses it). */
  drop_slot: z.strictObject({ on: id, slot: slotRef, by: id.optional() }),
} as const;

export type ActionName = keyof typeof actionSchemas;
export const ACTION_NAMES = Object.keys(actionSchemas) as ActionName[];
export type ActionArgs<K extends ActionName> = z.infer<(typeof actionSchemas)[K]>;
/** One action as the simulator receives it: its word, its arguments and where it was written. */
export type Action = {
  [K in ActionName]: {
    name: K;
    args: ActionArgs<K>;
    at: import("./diagnostics.js").Position;
    /** Where each key of the arguments is written, for errors about one of them (a write's `count`). */
    keysAt?: Partial<Record<string, import("./diagnostics.js").Position>>;
  };
}[ActionName];

/** Claims about the outcome of a step, checked by `replikit check`. Keyed by their first word. */
export const expectationSchemas = {
  server: z.strictObject({
    server: id,
    mode: z.enum(["primary", "standby", "empty"]).optional(),
    up: z.boolean().optional(),
    timeline: z.int().min(1).optional(),
    cards: cards.optional(),
    has: cards.optional(),
    lacks: cards.optional(),
    /** Cards a DELETE took away here: it had them, and has replayed the DELETE (lacks also holds for cards never received). */
    deleted: cards.optional(),
    streaming: z.boolean().optional(),
    upstream: id.optional(),
    /** pg_is_wal_replay_paused(): replay paused by pg_wal_replay_pause() (not a conflict's wait, nor a delay). */
    replay_paused: z.boolean().optional(),
    /** Replay waits at a vacuum record for a query it would disturb (max_standby_streaming_delay). */
    replay_conflict: z.boolean().optional(),
    lag: z.int().min(0).optional(),
    /** pg_stat_replication.sync_state on the primary it streams from. */
    sync_state: z.enum(["sync", "potential", "quorum", "async"]).optional(),
  }),
  client: z.strictObject({
    client: id,
    waiting: z.boolean().optional(),
    acked: cards.optional(),
    read: z.enum(["found", "stale", "canceled", "error"]).optional(),
    holding: z.boolean().optional(),
  }),
  error: z.strictObject({ error: text(300), on: id }),
  streamed: z.strictObject({ streamed: cards, to: id, from: z.union([id, z.literal("archive")]).optional() }),
  lost: z.strictObject({ lost: cards }),
  diverged: z.strictObject({ diverged: pair }),
  promoted: z.strictObject({ promoted: id }),
  /** A replication slot on a server, as pg_replication_slots shows it. */
  slot: z.strictObject({
    slot: slotRef,
    on: id,
    /** Whether the slot exists there. */
    exists: z.boolean().optional(),
    /** Whether a standby streams through it now. */
    active: z.boolean().optional(),
    /** pg_replication_slots.wal_status (extended needs more WAL than max_wal_size, which the model never holds). */
    wal_status: z.enum(["reserved", "extended", "unreserved", "lost"]).optional(),
  }),
} as const;

export type ExpectationName = keyof typeof expectationSchemas;
export const EXPECTATION_NAMES = Object.keys(expectationSchemas) as ExpectationName[];
export type Expectation = {
  [K in ExpectationName]: {
    name: K;
    claim: z.infer<(typeof expectationSchemas)[K]>;
    at: import("./diagnostics.js").Position;
  };
}[ExpectationName];

const anyAction = z.union(ACTION_NAMES.map((k) => z.strictObject({ [k]: actionSchemas[k] })));
const anyExpectation = z.union(EXPECTATION_NAMES.map((k) => expectationSchemas[k]));

/** The shape of a step. `actions` and `expect` are validated one by one (see parse.ts) for clearer errors. */
export function stepSchema(actions: z.ZodType, expectations: z.ZodType) {
  return z.strictObject({
    title: text(80),
    say: text(1200),
    actions: z.array(actions).max(60).optional(),
    why: text(800).optional(),
    watch: text(400).optional(),
    minutes: z.number().min(0).max(60).optional(),
    expect: z.array(expectations).max(60).optional(),
  });
}

export function runSchema(step: z.ZodType) {
  return z.strictObject({
    title: text(80),
    intro: text(800).optional(),
    settings: settingsSchema.optional(),
    steps: z.array(step).min(1).max(200),
  });
}

export function scenarioSchema(actions: z.ZodType, expectations: z.ZodType) {
  const step = stepSchema(actions, expectations);
  return z.strictObject({
    id,
    title: text(80),
    summary: text(800),
    goals: z.array(text(200)).min(1).max(10),
    minutes: z.number().min(1).max(240),
    roles: z.array(roleSchema).min(1).max(12),
    settings: settingsSchema.optional(),
    /** What the workshop simplifies on purpose, said once in the script. */
    simplifications: z.array(text(300)).max(10).optional(),
    props: z.array(text(120)).max(10).optional(),
    steps: z.array(step).min(1).max(200).optional(),
    runs: z.array(runSchema(step)).min(1).max(20).optional(),
    debrief: z
      .array(z.strictObject({ question: text(300), answer: text(800) }))
      .max(12)
      .optional(),
  });
}

/** The complete schema, for editors (`replikit schema`). */
export const fullScenarioSchema = scenarioSchema(anyAction, anyExpectation);

/** JSON Schema for YAML editors (yaml-language-server reads the modeline in each scenario). */
export function scenarioJsonSchema(): object {
  const schema = {
    $id: "https://replikit.invalid/scenario.schema.json",
    title: "replikit scenario",
    ...z.toJSONSchema(fullScenarioSchema, { target: "draft-7" }),
  };
  describeSchema(schema);
  return schema;
}
