/**
 * Physical replication slots, as PostgreSQL 15 keeps them: a slot on a server holds back the WAL
 * from its restart position on (a standby streaming through it moves that position to what it
 * has flushed); `max_slot_wal_keep_size` caps how much it may hold; a checkpoint invalidates a
 * slot that holds more (wal_status `lost`), and then removes that WAL.
 *
 * Positions: card p is in WAL segment p (plus a base), the newest card's segment still being
 * written. A slot's restart position is the segment it holds from; it holds `len - restart`
 * finished segments. PostgreSQL 15 (xlog.c, KeepLogSeg and GetWALAvailability) keeps, for slots,
 * the segments from `current - max(max_slot_wal_keep_size, wal_keep_size)` on; a slot older than
 * that is `unreserved` until the next checkpoint invalidates it. `extended` (past max_wal_size but
 * within the cap) needs more WAL than the model ever holds.
 */
import { standbySlot } from "../scenario/model.js";
import type { Server, Slot, Stage } from "./state.js";

export type WalStatus = "reserved" | "extended" | "unreserved" | "lost";

/** The slot standby `id` streams through (its primary_slot_name), or undefined. */
export function slotOf(stage: Stage, id: string): string | undefined {
  return standbySlot(stage.settings, stage.roles.get(id));
}

/** The position a slot holds WAL from: its standby's next need, at most the newest card's (still open) segment. */
export function restartOf(s: Server, slot: Slot): number {
  return Math.min(slot.need, s.wal.length);
}

/** How many finished segments a slot may hold, or Infinity. */
function allowance(stage: Stage): number {
  const cap = stage.settings.max_slot_wal_keep_size ?? -1;
  return cap < 0 ? Infinity : Math.max(cap, stage.settings.wal_keep_size);
}

export function walStatus(stage: Stage, s: Server, slot: Slot): WalStatus {
  if (slot.lost) return "lost";
  return s.wal.length - restartOf(s, slot) > allowance(stage) ? "unreserved" : "reserved";
}

/** The standby streaming from `s` through slot `name` now (its walsender holds the slot), if any. */
export function activeUser(stage: Stage, s: Server, name: string): Server | undefined {
  return [...stage.servers.values()].find(
    (d) =>
      d.up && d.mode === "standby" && d.upstream === s.id && d.receiver === "streaming" && slotOf(stage, d.id) === name,
  );
}

/** The card a slot holds back from (the oldest card of its first kept segment), or null when it holds none. */
export function heldCard(s: Server, slot: Slot): number | null {
  if (slot.lost) return null;
  const r = restartOf(s, slot);
  return r >= 1 ? (s.wal[r - 1]?.card ?? null) : null;
}
