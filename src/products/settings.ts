/** A run's settings as the postgresql.conf lines they stand for, for the script and the diagrams. */
import { DEFAULT_SETTINGS, standbySlot, type Role, type Settings } from "../scenario/model.js";
import { syncName, syncNamesText } from "../sim/syncrep.js";

/** Non-default settings, as the postgresql.conf lines they stand for. */
export function settingsLine(
  s: Settings,
  label: (id: string) => string,
  short = false,
  roles: Role[] = [],
): string | undefined {
  const lines: string[] = [];
  if (s.archive)
    lines.push(short ? "archive_mode = on" : "archive_mode = on, with archive_command and restore_command");
  if (s.wal_keep_size !== DEFAULT_SETTINGS.wal_keep_size)
    lines.push(
      `wal_keep_size = ${s.wal_keep_size * 16}MB (${s.wal_keep_size} ${s.wal_keep_size === 1 ? "card" : "cards"})`,
    );
  if (s.replication_slots) lines.push("a replication slot per standby");
  // Standbys are named by their application_name (the role id), as postgresql.conf names them.
  if (s.synchronous_standby_names.length) lines.push(`synchronous_standby_names = '${syncNamesText(s, syncName)}'`);
  if (s.synchronous_commit !== DEFAULT_SETTINGS.synchronous_commit)
    lines.push(`synchronous_commit = ${s.synchronous_commit}`);
  if (s.max_standby_streaming_delay !== DEFAULT_SETTINGS.max_standby_streaming_delay)
    lines.push(
      `max_standby_streaming_delay = ${s.max_standby_streaming_delay < 0 ? "-1" : `${s.max_standby_streaming_delay}s`}`,
    );
  if (s.hot_standby_feedback) lines.push("hot_standby_feedback = on");
  if (s.max_slot_wal_keep_size !== undefined && s.max_slot_wal_keep_size >= 0)
    lines.push(
      `max_slot_wal_keep_size = ${s.max_slot_wal_keep_size * 16}MB (${s.max_slot_wal_keep_size} ${s.max_slot_wal_keep_size === 1 ? "card" : "cards"})`,
    );
  if (s.wal_log_hints !== undefined) lines.push(`wal_log_hints = ${s.wal_log_hints ? "on" : "off"}`);
  if (s.data_checksums) lines.push(short ? "data checksums" : "data checksums (initdb --data-checksums)");
  // A server's own slot and feedback settings (its primary_slot_name, its hot_standby_feedback).
  for (const r of roles) {
    if (r.slot !== undefined) {
      const name = standbySlot(s, r);
      lines.push(name === undefined ? `${label(r.id)}: no slot` : `${label(r.id)}: primary_slot_name = '${name}'`);
    }
    if (r.hotStandbyFeedback !== undefined)
      lines.push(`${label(r.id)}: hot_standby_feedback = ${r.hotStandbyFeedback ? "on" : "off"}`);
  }
  return lines.length ? lines.join("; ") : undefined;
}
