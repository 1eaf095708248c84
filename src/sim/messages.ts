/**
 * PostgreSQL's own wording for what the simulator reports, one function per message, so that
 * the trace, the script and `verify` all say exactly what a real server says.
 *
 * Positions: the model stores one card per WAL segment (the real replay switches segments after
 * each card), so card position p lives in segment p + 1 and its LSNs follow from that.
 */

/** An LSN in PostgreSQL's X/X form for the end of position p (16 MB segments). */
export function lsn(position: number): string {
  const bytes = (position + 1) * 0x1000000 + (position > 0 ? 0x60 : 0x28);
  return `0/${bytes.toString(16).toUpperCase()}`;
}

/** The WAL segment file name holding position p on a timeline (24 hex digits). */
export function segment(timeline: number, position: number): string {
  const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, "0");
  return `${hex8(timeline)}${hex8(0)}${hex8(position + 1)}`;
}

/** A walsender's process id in messages that name one: the model has no processes, so this one illustrates. */
export const ILLUSTRATIVE_PID = 4242;

export const messages = {
  readOnly: (statement: string) => `ERROR:  cannot execute ${statement} in a read-only transaction`,
  vacuumInRecovery: () => "ERROR:  cannot execute VACUUM during recovery",
  refused: () => 'connection to server at "127.0.0.1", port 5432 failed: Connection refused',
  /** A client with connect_timeout set, behind a partition (libpq gives up; without a timeout it would hang). */
  timedOut: () => 'connection to server at "127.0.0.1", port 5432 failed: timeout expired',
  closedUnexpectedly: () => "server closed the connection unexpectedly",
  segmentRemoved: (timeline: number, position: number) =>
    `FATAL:  could not receive data from WAL stream: ERROR:  requested WAL segment ${segment(timeline, position)} has already been removed`,
  forkedOff: (newTimeline: number, oldTimeline: number, position: number) =>
    `LOG:  new timeline ${newTimeline} forked off current database system timeline ${oldTimeline} before current recovery point ${lsn(position)}`,
  notContainMinRecovery: (target: number, position: number, timeline: number) =>
    `FATAL:  requested timeline ${target} does not contain minimum recovery point ${lsn(position)} on timeline ${timeline}`,
  primaryBehind: (primaryTimeline: number, ownTimeline: number) =>
    `FATAL:  could not receive data from WAL stream: ERROR:  highest timeline ${primaryTimeline} of the primary is behind recovery timeline ${ownTimeline}`,
  aheadOfFlush: (requested: number, flush: number) =>
    `FATAL:  could not receive data from WAL stream: ERROR:  requested starting point ${lsn(requested)} is ahead of the WAL flush position of this server ${lsn(flush)}`,
  couldNotConnect: () =>
    'FATAL:  could not connect to the primary server: connection to server at "127.0.0.1", port 5432 failed: Connection refused',
  walReceiverTimeout: () => "FATAL:  terminating walreceiver due to timeout",
  streamEnded: () => "FATAL:  could not receive data from WAL stream: server closed the connection unexpectedly",
  startedStreaming: (position: number, timeline: number) =>
    `LOG:  started streaming WAL from primary at ${lsn(position)} on timeline ${timeline}`,
  newTarget: (timeline: number) => `LOG:  new target timeline is ${timeline}`,
  restored: (timeline: number, position: number) =>
    `LOG:  restored log file "${segment(timeline, position)}" from archive`,
  newTimeline: (timeline: number) => `LOG:  selected new timeline ID: ${timeline}`,
  /** pg_rewind's lines (it prints them on stderr, prefixed "pg_rewind: "). */
  rewindCrashRecovery: () =>
    'pg_rewind: executing "/usr/lib/postgresql/15/bin/postgres" for target server to complete crash recovery',
  rewindSingleUserFailed: () => "pg_rewind: error: postgres single-user mode in target cluster failed",
  lockFileExists: () => 'FATAL:  lock file "postmaster.pid" already exists',
  singleUserStandby: () => "FATAL:  standby mode is not supported by single-user servers",
  rewindNeedsHints: () => 'pg_rewind: error: target server needs to use either data checksums or "wal_log_hints = on"',
  rewindSameTimeline: () => "pg_rewind: source and target cluster are on the same timeline",
  rewindDiverged: (position: number, timeline: number) =>
    `pg_rewind: servers diverged at WAL location ${lsn(position)} on timeline ${timeline}`,
  rewindNotRequired: () => "pg_rewind: no rewind required",
  rewindFrom: (position: number, timeline: number) =>
    `pg_rewind: rewinding from last common checkpoint at ${lsn(position)} on timeline ${timeline}`,
  rewindDone: () => "pg_rewind: Done!",
  rewindNoSegment: (server: string, timeline: number, position: number) =>
    `pg_rewind: error: could not open file "data/${server}/pg_wal/${segment(timeline, position)}": No such file or directory`,
  rewindNoRecord: (position: number) => `pg_rewind: error: could not find previous WAL record at ${lsn(position)}`,
  syncWait: () => "the commit waits for the synchronous standby (wait event SyncRep)",
  syncCancel: () => "WARNING:  canceling wait for synchronous replication due to user request",
  syncCancelDetail: () =>
    "DETAIL:  The transaction has already committed locally, but might not have been replicated to the standby.",
  /** What the walreceiver logs when its upstream has no slot of its primary_slot_name. */
  slotMissing: (name: string) =>
    `FATAL:  could not start WAL streaming: ERROR:  replication slot "${name}" does not exist`,
  slotActive: (name: string) =>
    `FATAL:  could not start WAL streaming: ERROR:  replication slot "${name}" is active for PID ${ILLUSTRATIVE_PID}`,
  slotExists: (name: string) => `ERROR:  replication slot "${name}" already exists`,
  slotDoesNotExist: (name: string) => `ERROR:  replication slot "${name}" does not exist`,
  /** pg_drop_replication_slot() on a slot a walsender holds (the PID is the walsender's; illustrated). */
  slotInUse: (name: string) => `ERROR:  replication slot "${name}" is active for PID ${ILLUSTRATIVE_PID}`,
  /** A checkpoint's log line as it invalidates a slot holding more than max_slot_wal_keep_size (PostgreSQL 15). */
  slotInvalidated: (name: string, position: number) =>
    `LOG:  invalidating slot "${name}" because its restart_lsn ${lsn(position)} exceeds max_slot_wal_keep_size`,
  conflictCancel: () => "ERROR:  canceling statement due to conflict with recovery",
  conflictDetail: () => "DETAIL:  User query might have needed to see row versions that must be removed.",
};
