/**
 * synchronous_standby_names as PostgreSQL reads it: which walsenders are synchronous, and when a
 * commit has the acks it waits for. Names are the standbys' application_name (their role ids).
 *
 *  - `FIRST n (a, b, c)` (a plain list is `FIRST 1`): priority is the place in the list; the n
 *    streaming standbys of highest priority are `sync`, the other listed ones `potential`; a commit
 *    waits until every sync standby has it, and for n of them.
 *  - `ANY n (a, b, c)`: every listed streaming standby is `quorum`; a commit waits for any n.
 *  - `*` matches every standby. Unlisted standbys, and cascaded ones, are `async`.
 */
import type { Settings } from "../scenario/model.js";

export type SyncState = "sync" | "potential" | "quorum" | "async";
export const SYNC_STATES = ["sync", "potential", "quorum", "async"] as const;

/** A standby's priority (its place in the list, from 1), or 0 when it is not listed. */
function priority(settings: Settings, id: string): number {
  return settings.synchronous_standby_names.findIndex((n) => n === id || n === "*") + 1;
}

/** How many acks a commit needs. */
export function numSync(settings: Settings): number {
  return settings.synchronous_rule?.num ?? 1;
}

/**
 * pg_stat_replication.sync_state of each standby streaming straight from a primary, given in
 * walsender order (the stage's role order, which also breaks ties of priority as PostgreSQL's
 * walsender slots do).
 */
export function syncStates(settings: Settings, streaming: string[]): Map<string, SyncState> {
  const states = new Map<string, SyncState>(streaming.map((id) => [id, "async"]));
  const listed = streaming.filter((id) => priority(settings, id) > 0);
  if (settings.synchronous_rule?.method === "ANY") {
    for (const id of listed) states.set(id, "quorum");
    return states;
  }
  const ranked = [...listed].sort((a, b) => priority(settings, a) - priority(settings, b));
  ranked.forEach((id, i) => states.set(id, i < numSync(settings) ? "sync" : "potential"));
  return states;
}

/** The PostgreSQL text of the setting: `FIRST 1 (alpha, "beta-2")`, or '' when empty. */
export function syncNamesText(settings: Settings, name: (id: string) => string = (id) => id): string {
  const names = settings.synchronous_standby_names;
  if (names.length === 0) return "";
  const rule = settings.synchronous_rule ?? { method: "FIRST", num: 1 };
  const list = names.map((n) => (n === "*" ? "*" : name(n))).join(", ");
  return `${rule.method} ${rule.num} (${list})`;
}

/** A name as synchronous_standby_names must spell it: an identifier, or double-quoted. */
export function syncName(id: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(id) ? id : `"${id}"`;
}
