/**
 * What happens when time passes at the end of a step: primaries archive finished segments,
 * standbys restore from the archive, connect, stream and replay, synchronous commits get their
 * acks. Within a step actions are instantaneous, so a read right after a write (same step)
 * reaches a standby before the card does — the workshop's "at once".
 */
import { emit } from "./act.js";
import { messages } from "./messages.js";
import { activeUser, slotOf } from "./slots.js";
import { numSync, syncStates } from "./syncrep.js";
import { client, linked, type Server, type Stage, type WalRecord } from "./state.js";

/** Copies a primary's finished segments to the archive. The newest card's segment is still open. */
export function archiveSegments(stage: Stage, s: Server): void {
  if (!stage.settings.archive || s.mode !== "primary" || !s.up) return;
  const upto = s.wal.length - 1;
  if (upto <= s.archived) return;
  const records = s.wal.slice(s.archived, upto);
  records.forEach((record, i) =>
    stage.archive.push({ timeline: record.timeline, position: s.archived + i + 1, record }),
  );
  s.archived = upto;
  emit(stage, { kind: "archive", actor: s.id, cards: records.map((r) => r.card) });
}

/** Sets a walreceiver problem, logging it only when it is new (PostgreSQL repeats it every 5 s). */
function problem(stage: Stage, s: Server, message: string): boolean {
  if (s.receiver === "error" && s.problem === message) return false;
  s.receiver = "error";
  s.problem = message;
  emit(stage, { kind: "error", actor: s.id, to: s.upstream, message });
  return true;
}

function commonPrefix(a: WalRecord[], b: WalRecord[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i]!.card === b[i]!.card) i++;
  return i;
}

/** The branch of `upstream`'s history that left `timeline` (what the history file tells a standby). */
function branchFrom(upstream: Server, timeline: number) {
  return upstream.branches.find((b) => b.parent === timeline);
}

/**
 * restore_command: fetch the next segments from the archive while it has them. A standby that is
 * streaming stays on streaming; it turns to the archive only when it is not (PostgreSQL's loop).
 */
function restoreFromArchive(stage: Stage, s: Server): boolean {
  if (!stage.settings.archive || s.receiver === "streaming" || s.paused) return false;
  let progress = false;
  for (;;) {
    const next = s.wal.length + 1;
    const found = stage.archive.find((a) => a.position === next && a.timeline === s.timeline);
    if (!found) return progress;
    s.wal.push(found.record);
    // A restored segment is whole: the standby now stands at a segment boundary.
    s.atBoundary = true;
    emit(stage, {
      kind: "restore",
      actor: s.id,
      from: "archive",
      card: found.record.card,
      message: messages.restored(s.timeline, next),
    });
    progress = true;
  }
}

/** The walreceiver of standby `s`: connect to its upstream and receive what it lacks. */
export function receive(stage: Stage, s: Server): boolean {
  const u = s.upstream ? stage.servers.get(s.upstream) : undefined;
  const reachable = u && u.exists && u.up && u.mode !== "empty" && linked(stage, s.id, u.id);
  if (!u || !reachable) {
    // A cut network is noticed by wal_receiver_timeout; a stopped upstream closes the connection.
    const partitioned = u !== undefined && u.up && !linked(stage, s.id, u.id);
    if (s.receiver === "streaming") {
      s.receiver = "waiting";
      const message = partitioned ? messages.walReceiverTimeout() : messages.streamEnded();
      emit(stage, { kind: "disconnect", actor: s.id, from: u?.id, message });
      return true;
    }
    if (s.receiver === "off") {
      s.receiver = "waiting";
      // Behind a partition the walreceiver's connection attempt just hangs (it ignores connect_timeout)
      // and logs nothing; a stopped upstream refuses at once.
      emit(stage, {
        kind: "connect-failed",
        actor: s.id,
        to: u?.id,
        message: partitioned ? undefined : messages.couldNotConnect(),
      });
      return true;
    }
    return false;
  }
  // The startup process starts the walreceiver; paused, it starts none: a paused standby that lost
  // its connection stays away until it is resumed.
  if (s.paused && s.receiver !== "streaming") return false;
  const source = u.wal;
  const common = commonPrefix(s.wal, source);
  if (common < s.wal.length) {
    // This standby holds WAL its upstream never had: it cannot follow.
    if (u.timeline > s.timeline) {
      const branch = branchFrom(u, s.timeline);
      if (branch) s.learnt = branch;
      return problem(stage, s, messages.forkedOff(u.timeline, s.timeline, s.replayed));
    }
    if (u.timeline < s.timeline) return problem(stage, s, messages.primaryBehind(u.timeline, s.timeline));
    return problem(stage, s, messages.aheadOfFlush(s.wal.length, source.length));
  }
  if (s.receiver !== "streaming") {
    // A walreceiver asks for the start of the segment holding its last record (the next segment,
    // when it stands at a boundary). A standby already streaming got what was written in flight.
    const need = s.atBoundary ? s.wal.length + 1 : Math.max(1, s.wal.length);
    const removed = need <= source.length && need <= u.recycled;
    const record = removed ? source[need - 1]! : undefined;
    const archived =
      record !== undefined &&
      stage.settings.archive &&
      stage.archive.some((a) => a.position === need && a.timeline === record.timeline);
    // restore_command reads that segment again from the archive; then it stands at a boundary.
    if (archived && !s.atBoundary) {
      s.atBoundary = true;
      return true;
    }
    // START_REPLICATION SLOT name: the walsender takes the slot before it looks for the WAL asked for.
    const name = slotOf(stage, s.id);
    if (name !== undefined && u.slots[name] === undefined) return problem(stage, s, messages.slotMissing(name));
    if (name !== undefined && activeUser(stage, u, name)) return problem(stage, s, messages.slotActive(name));
    if (record && !archived) return problem(stage, s, messages.segmentRemoved(record.timeline, need));
  }
  let progress = false;
  if (s.receiver !== "streaming") {
    s.receiver = "streaming";
    s.problem = undefined;
    emit(stage, {
      kind: "connect",
      actor: s.id,
      to: u.id,
      position: s.wal.length,
      message: messages.startedStreaming(s.wal.length, u.timeline),
    });
    progress = true;
  }
  if (u.timeline !== s.timeline) {
    s.timeline = u.timeline;
    s.branches = u.branches.map((b) => ({ ...b }));
    s.learnt = undefined;
    emit(stage, {
      kind: "timeline-switch",
      actor: s.id,
      from: u.id,
      timeline: u.timeline,
      message: messages.newTarget(u.timeline),
    });
    progress = true;
  }
  while (s.wal.length < source.length) {
    const record = source[s.wal.length]!;
    s.wal.push(record);
    s.atBoundary = false;
    emit(stage, { kind: "stream", actor: u.id, to: s.id, card: record.card });
    progress = true;
  }
  // The walsender moves the slot to what the standby has flushed. PostgreSQL 15 does so even for a
  // slot a checkpoint invalidated (it has no check there until 16): streaming again revives it.
  const slot = u.slots[slotOf(stage, s.id) ?? ""];
  if (slot) {
    slot.need = s.atBoundary ? s.wal.length + 1 : s.wal.length;
    delete slot.lost;
  }
  // The checkpoint records streamed with the cards (a restartpoint, or pg_rewind, may look for them).
  for (const c of u.checkpoints) if (c <= s.wal.length && !s.checkpoints.includes(c)) s.checkpoints.push(c);
  s.checkpoints.sort((a, b) => a - b);
  return progress;
}

/** The startup process: replay received WAL, pausing at a vacuum joker while a query needs the rows. */
export function replay(stage: Stage, s: Server): boolean {
  let progress = false;
  const delay = stage.roles.get(s.id)?.applyDelay ?? 0;
  while (s.replayed < s.wal.length) {
    const record = s.wal[s.replayed]!;
    if (s.paused) return progress;
    // recovery_min_apply_delay: a commit is replayed only that long after it was committed.
    if (delay > 0 && stage.clock - record.at < delay) {
      if (s.delayedAt !== record.card) {
        s.delayedAt = record.card;
        emit(stage, { kind: "replay-delayed", actor: s.id, card: record.card, seconds: delay });
        progress = true;
      }
      return progress;
    }
    const holders = [...stage.clients.values()].filter((c) => c.holding?.server === s.id);
    if (record.kind === "vacuum" && holders.length > 0 && !record.shielded?.includes(s.id)) {
      if (s.conflictSince === undefined) {
        s.conflictSince = stage.clock;
        emit(stage, { kind: "replay-paused", actor: s.id, card: record.card, to: holders[0]!.id });
        progress = true;
      }
      const delay = stage.settings.max_standby_streaming_delay;
      if (delay < 0 || stage.clock - s.conflictSince < delay) return progress;
      for (const holder of holders) {
        emit(stage, {
          kind: "query-canceled",
          actor: s.id,
          to: holder.id,
          query: holder.holding!.query,
          message: messages.conflictCancel(),
          detail: messages.conflictDetail(),
        });
        holder.lastRead = { query: holder.holding!.query, from: s.id, result: "canceled", sees: holder.holding!.sees };
        holder.holding = undefined;
      }
    }
    s.conflictSince = undefined;
    s.replayed++;
    emit(stage, { kind: "replay", actor: s.id, card: record.card });
    progress = true;
  }
  return progress;
}

/** The standbys streaming straight from primary `p`, in role order: its walsenders. */
export function walsenders(stage: Stage, p: Server): Server[] {
  return [...stage.servers.values()].filter(
    (s) => s.up && s.mode === "standby" && s.upstream === p.id && s.receiver === "streaming",
  );
}

/**
 * The standbys whose acks release a commit at `position`, or undefined while it must wait:
 * under FIRST n every sync standby (and n of them), under ANY n the first n of the quorum that have it.
 */
function ackers(stage: Stage, p: Server, position: number, level?: string): Server[] | undefined {
  const senders = walsenders(stage, p);
  const states = syncStates(
    stage.settings,
    senders.map((s) => s.id),
  );
  const voters = senders.filter((s) => ["sync", "quorum"].includes(states.get(s.id)!));
  const applied = (level ?? stage.settings.synchronous_commit) === "remote_apply";
  const reached = voters.filter((s) => (applied ? s.replayed : s.wal.length) >= position);
  const need = numSync(stage.settings);
  if (stage.settings.synchronous_rule?.method === "ANY")
    return reached.length >= need ? reached.slice(0, need) : undefined;
  return voters.length >= need && reached.length === voters.length ? voters : undefined;
}

/**
 * Each synchronous standby reports as soon as it has flushed (or, for remote_apply, replayed) a
 * waiting commit — its ack travels back at once, whether or not the commit may return yet; the
 * commit returns once the acks it needs are in (ANY n: n of the quorum; FIRST n: every sync standby).
 */
function acknowledge(stage: Stage, p: Server): void {
  if (p.pending.length === 0 || !p.up) return;
  const senders = walsenders(stage, p);
  const states = syncStates(
    stage.settings,
    senders.map((s) => s.id),
  );
  const voters = senders.filter((s) => ["sync", "quorum"].includes(states.get(s.id)!));
  for (const entry of p.pending) {
    const position = p.wal.findIndex((r) => r.card === entry.card) + 1;
    entry.acked ??= [];
    const applied = (entry.level ?? stage.settings.synchronous_commit) === "remote_apply";
    for (const s of voters) {
      if ((applied ? s.replayed : s.wal.length) < position || entry.acked.includes(s.id)) continue;
      entry.acked.push(s.id);
      emit(stage, { kind: "standby-ack", actor: s.id, to: p.id, card: entry.card });
    }
  }
  while (p.pending.length > 0) {
    const { card, client: who, level } = p.pending[0]!;
    const position = p.wal.findIndex((r) => r.card === card) + 1;
    const acks = ackers(stage, p, position, level);
    if (!acks) return;
    p.pending.shift();
    emit(stage, { kind: "commit-ack", actor: p.id, to: who, card });
    const c = client(stage, who);
    c.acked.push(card);
    c.waiting = undefined;
  }
}

/** Lets everything that can flow, flow, until nothing changes. */
export function settle(stage: Stage): void {
  const servers = [...stage.servers.values()];
  for (const s of servers) archiveSegments(stage, s);
  for (let round = 0; ; round++) {
    if (round > 4 * servers.length + 8) throw new Error("internal: replication did not settle");
    let progress = false;
    for (const s of servers) {
      if (!s.up || s.mode !== "standby") continue;
      if (restoreFromArchive(stage, s)) progress = true;
      if (receive(stage, s)) progress = true;
      // A flush is enough for synchronous_commit = on (and remote_write): the ack goes back before
      // the standby replays, as the walreceiver reports its flush position independently of replay.
      const upstream = s.upstream === undefined ? undefined : stage.servers.get(s.upstream);
      if (upstream?.mode === "primary") acknowledge(stage, upstream);
      if (replay(stage, s)) progress = true;
    }
    for (const s of servers) if (s.mode === "primary") acknowledge(stage, s);
    if (!progress) break;
  }
}
