/** A parsed, validated scenario: what the simulator and the kit receive. Every part knows its line. */
import type { Position } from "./diagnostics.js";
import type { Action, Expectation, RoleKind, SYNC_COMMIT } from "./schema.js";

export interface Role {
  id: string;
  label: string;
  kind: RoleKind;
  starts: "streaming" | "empty";
  upstream?: string;
  backends: string[];
  brief?: string;
  /** Standbys: seconds a commit waits before this standby replays it (recovery_min_apply_delay); 0 for none. */
  applyDelay: number;
  /** Clients: synchronous_commit SET in its session, overriding the run's. */
  synchronousCommit?: (typeof SYNC_COMMIT)[number];
  /** Servers: its slot setting (true: named after it; a name; false: none); absent: the run's replication_slots. */
  slot?: boolean | string;
  /** Servers: its own hot_standby_feedback; absent: the run's. */
  hotStandbyFeedback?: boolean;
  at: Position;
}

/** Settings with PostgreSQL's defaults filled in, one set per run (the same postgresql.conf everywhere). */
export interface Settings {
  archive: boolean;
  wal_keep_size: number;
  replication_slots: boolean;
  /** The standbys named (application_name; "*" matches any), in the order given. */
  synchronous_standby_names: string[];
  /** `FIRST n` or `ANY n`; absent for a plain list, which means FIRST 1. */
  synchronous_rule?: { method: "FIRST" | "ANY"; num: number };
  synchronous_commit: (typeof SYNC_COMMIT)[number];
  max_standby_streaming_delay: number;
  hot_standby_feedback: boolean;
  /** Cards a slot may hold back before a checkpoint invalidates it; absent (or -1): no limit. Absent by default, so traces of runs without it read as before. */
  max_slot_wal_keep_size?: number;
  /** wal_log_hints = on in every server's postgresql.conf (pg_rewind needs it, or data checksums); absent: off. */
  wal_log_hints?: boolean;
  /** initdb --data-checksums on the first primary (a clone inherits them); absent: off. */
  data_checksums?: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  archive: false,
  wal_keep_size: 0,
  replication_slots: false,
  synchronous_standby_names: [],
  synchronous_commit: "on",
  max_standby_streaming_delay: 30,
  hot_standby_feedback: false,
};

/** Whether a commit under these settings (and the client's own synchronous_commit) waits for a standby's ack (synchronous_standby_names set, synchronous_commit above local). */
export function commitWaits(settings: Settings, client?: Role): boolean {
  const level = client?.synchronousCommit ?? settings.synchronous_commit;
  return settings.synchronous_standby_names.length > 0 && level !== "off" && level !== "local";
}

/** A slot name for a role id: slot names allow only [a-z0-9_]. */
export function slotName(id: string): string {
  return id.replace(/-/g, "_");
}

/** The slot a server uses as a standby (its primary_slot_name) in a run, or undefined for none. */
export function standbySlot(settings: Settings, role: Role | undefined): string | undefined {
  if (!role || (role.kind !== "primary" && role.kind !== "standby")) return undefined;
  if (typeof role.slot === "string") return role.slot;
  if (role.slot === false) return undefined;
  return role.slot === true || settings.replication_slots ? slotName(role.id) : undefined;
}

/** Whether a server sends hot_standby_feedback: its own setting, else the run's. */
export function sendsFeedback(settings: Settings, role: Role | undefined): boolean {
  return role?.hotStandbyFeedback ?? settings.hot_standby_feedback;
}

/** A slot as an action or claim names it: a server's role id is that server's slot (or its id as a name). */
export function resolveSlot(settings: Settings, roles: Map<string, Role> | Role[], ref: string): string {
  const role = Array.isArray(roles) ? roles.find((r) => r.id === ref) : roles.get(ref);
  if (role && (role.kind === "primary" || role.kind === "standby")) return standbySlot(settings, role) ?? slotName(ref);
  return ref;
}

export interface Step {
  /** Numbered across the whole scenario, so script, cues and diagrams agree. */
  number: number;
  run: number;
  title: string;
  say: string;
  actions: Action[];
  why?: string;
  watch?: string;
  minutes?: number;
  expect: Expectation[];
  at: Position;
}

export interface Run {
  number: number;
  title: string;
  intro?: string;
  settings: Settings;
  /** Where the run's settings are written (the scenario's, when the run has none of its own). */
  settingsAt: Position;
  steps: Step[];
}

export interface Scenario {
  file: string;
  id: string;
  title: string;
  summary: string;
  goals: string[];
  minutes: number;
  roles: Role[];
  simplifications: string[];
  props: string[];
  runs: Run[];
  debrief: { question: string; answer: string }[];
}
