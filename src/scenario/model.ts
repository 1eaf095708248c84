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
