/**
 * What servers, their operators and the facilitator do: clone, start, stop, crash, promote,
 * follow, fail over, checkpoint, cut, heal and wait. Each does what the real operation does and
 * records it; consequences that depend on timing (streaming, acks, replay) are left to flow.ts.
 */
import type { ActionArgs } from "../../scenario/schema.js";
import { emit, must, run } from "../act.js";
import { resolveSlot } from "../../scenario/model.js";
import { psql, quote, SQL, type Hole } from "../commands.js";
import { activeUser, heldCard, restartOf, slotOf, walStatus } from "../slots.js";
import { messages, lsn } from "../messages.js";
import { archiveSegments, receive } from "../flow.js";
import { linkKey, rowsOf, server, type Server, type Stage } from "../state.js";
import { rewind } from "./rewind.js";
import type { ActionTable } from "./table.js";

/** Who runs an action when the scenario does not say: its base-backup tool, else its admin. */
export function operator(stage: Stage, kinds: string[]): string {
  return stage.scenario.roles.find((r) => kinds.includes(r.kind))?.id ?? "facilitator";
}

function clone(stage: Stage, { from, to, by }: ActionArgs<"clone">): void {
  const f = server(stage, from);
  const t = server(stage, to);
  must(f.exists && f.up, `cannot clone from "${from}": it is not running at this point`);
  must(!t.up, `cannot clone onto "${to}": it is running; stop or crash it first`);
  const records = f.wal.slice(0, f.mode === "primary" ? f.wal.length : f.replayed);
  // The standby's slot is dropped wherever it was (a new one is made on its new upstream).
  const name = slotOf(stage, to);
  if (name !== undefined)
    for (const s of stage.servers.values()) if (s.slots[name] && s.up) dropSlot(stage, s, name, to);
  if (t.exists) run(stage, { kind: "shell", line: ["rm -rf ", { dir: to }] });
  const slot = name !== undefined ? ` -C -S ${name}` : "";
  run(stage, {
    kind: "shell",
    line: ["pg_basebackup ", { host: from }, " -D ", { dir: to }, ` -R -X stream -c fast${slot}`],
  });
  const kept = new Set(records.map((r) => r.card));
  const discarded = t.exists ? t.wal.filter((r) => r.kind === "write" && !kept.has(r.card)).map((r) => r.card) : [];
  Object.assign(t, {
    exists: true,
    up: false,
    mode: "standby",
    timeline: f.timeline,
    branches: f.branches.map((b) => ({ ...b })),
    wal: [...records],
    replayed: records.length,
    recycled: 0,
    upstream: from,
    receiver: "off",
    atBoundary: true,
    problem: undefined,
    learnt: undefined,
    conflictSince: undefined,
    slots: {},
    pending: [],
    archived: 0,
    paused: false,
    clean: false,
    checkpoints: [records.length],
    walFrom: records.length,
    restartpoint: records.length,
  } satisfies Partial<Server>);
  // pg_basebackup -c fast: a checkpoint on a primary source (a standby makes a restartpoint).
  if (f.mode === "primary") noteCheckpoint(stage, f);
  const actor = by ?? operator(stage, ["basebackup", "admin"]);
  emit(stage, {
    kind: "clone",
    actor,
    from,
    to,
    // A clone copies the rows, not the history: a card a DELETE took away is not among them.
    cards: rowsOf(records),
    position: records.length,
  });
  // pg_basebackup -C makes the slot on the source as the backup starts.
  if (name !== undefined) makeSlot(stage, f, name, records.length + 1, to, "clone");
  if (discarded.length > 0) emit(stage, { kind: "discard", actor: to, cards: discarded });
}

function start(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.exists, `"${id}" has no data yet: clone onto it before starting it`);
  must(!s.up, `"${id}" is already running at this point`);
  run(stage, { kind: "shell", line: ["pg_ctl start -D ", { dir: id }, " -l ", { dir: id }, ".log"] });
  const learnt = s.learnt;
  if (s.mode === "standby" && learnt && learnt.parent === s.timeline && s.wal.length > learnt.forkAt) {
    // It fetched the new timeline's history last time; now it targets that timeline and cannot reach it.
    s.problem = messages.notContainMinRecovery(learnt.timeline, s.wal.length, s.timeline);
    emit(stage, { kind: "start-failed", actor: id, timeline: learnt.timeline, message: s.problem });
    return;
  }
  // A primary that crashed ends its crash recovery with a checkpoint.
  if (s.mode === "primary" && !s.clean) noteCheckpoint(stage, s);
  s.up = true;
  s.clean = false;
  s.receiver = "off";
  s.problem = undefined;
  // A pause lives in shared memory: a restarted standby replays again.
  s.paused = false;
  emit(stage, { kind: "start", actor: id, result: s.mode });
}

/** Ends sessions on a server going down: waiting commits lose their connection, held queries end. */
function dropSessions(stage: Stage, s: Server): void {
  for (const c of stage.clients.values()) {
    if (c.waiting?.on === s.id) {
      const card = c.waiting.card;
      emit(stage, {
        kind: s.wal.find((r) => r.card === card)?.kind === "delete" ? "delete-failed" : "write-failed",
        actor: c.id,
        to: s.id,
        card: c.waiting.card,
        message: messages.closedUnexpectedly(),
      });
      c.waiting = undefined;
    }
    if (c.holding?.server === s.id) {
      emit(stage, {
        kind: "query-lost",
        actor: c.id,
        to: s.id,
        query: c.holding.query,
        message: messages.closedUnexpectedly(),
      });
      c.lastRead = { query: c.holding.query, from: s.id, result: "error", sees: c.holding.sees };
      c.holding = undefined;
    }
  }
  s.pending = [];
}

function stop(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `"${id}" is not running at this point`);
  run(stage, { kind: "shell", line: ["pg_ctl stop -m fast -D ", { dir: id }] });
  // A clean shutdown of a primary waits until its walsenders have sent everything.
  if (s.mode === "primary") {
    for (const d of stage.servers.values()) if (d.up && d.mode === "standby" && d.upstream === id) receive(stage, d);
  }
  dropSessions(stage, s);
  s.up = false;
  s.receiver = "off";
  s.clean = true;
  if (s.mode === "primary") noteCheckpoint(stage, s);
  else {
    // A shutdown restartpoint, when it replayed a checkpoint record since its last one.
    const last = Math.max(...s.checkpoints.filter((c) => c <= s.replayed));
    if (last > s.restartpoint) {
      s.restartpoint = last;
      s.walFrom = Math.max(s.walFrom, last - stage.settings.wal_keep_size);
    }
  }
  emit(stage, { kind: "stop", actor: id, result: s.mode });
}

function crash(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `"${id}" is not running at this point`);
  run(stage, { kind: "shell", line: ["pg_ctl stop -m immediate -D ", { dir: id }] });
  const elsewhere = new Set<number>();
  for (const o of stage.servers.values()) if (o.id !== id && o.exists) for (const r of o.wal) elsewhere.add(r.card);
  const unsent = s.wal.filter((r) => r.kind === "write" && !elsewhere.has(r.card)).map((r) => r.card);
  dropSessions(stage, s);
  s.up = false;
  s.receiver = "off";
  s.clean = false;
  emit(stage, { kind: "crash", actor: id, cards: unsent });
}

function promote(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `cannot promote "${id}": it is not running at this point`);
  must(s.mode === "standby", `cannot promote "${id}": it is already a primary`);
  run(stage, { kind: "shell", line: psql(id, SQL.promote()) });
  // Promotion first replays everything already received; queries in the way are cancelled.
  for (const c of stage.clients.values()) {
    if (
      c.holding?.server === id &&
      s.wal.slice(s.replayed).some((r) => r.kind === "vacuum" && !r.shielded?.includes(id))
    ) {
      emit(stage, {
        kind: "query-canceled",
        actor: id,
        to: c.id,
        query: c.holding.query,
        message: messages.conflictCancel(),
        detail: messages.conflictDetail(),
      });
      c.lastRead = { query: c.holding.query, from: id, result: "canceled", sees: c.holding.sees };
      c.holding = undefined;
    }
  }
  while (s.replayed < s.wal.length) emit(stage, { kind: "replay", actor: id, card: s.wal[s.replayed++]!.card });
  const known = [s.timeline, ...s.branches.map((b) => b.timeline), ...stage.archivedTimelines];
  const timeline = Math.max(...known) + 1;
  s.branches.push({ timeline, parent: s.timeline, forkAt: s.wal.length });
  Object.assign(s, {
    timeline,
    mode: "primary",
    upstream: undefined,
    receiver: "off",
    problem: undefined,
    conflictSince: undefined,
    // Its own slots (a cascaded standby's) stay: pg_replslot survives a promotion.
    paused: false,
  });
  s.archived = Math.max(s.archived, s.wal.length);
  if (stage.settings.archive) stage.archivedTimelines.push(timeline);
  emit(stage, {
    kind: "promote",
    actor: id,
    timeline,
    position: s.wal.length,
    message: messages.newTimeline(timeline),
  });
  // A promotion is followed at once by a checkpoint (PostgreSQL 15 logs "checkpoint starting: force"
  // right after "selected new timeline ID"; seen recycling four segments 0.3 s later): WAL nothing
  // keeps leaves pg_wal, so a standby re-pointed to the new primary needs its segment kept.
  recycle(stage, s);
}

function follow(stage: Stage, { server: id, upstream }: ActionArgs<"follow">): void {
  const s = server(stage, id);
  must(s.exists, `"${id}" has no data yet: clone it instead`);
  must(!(s.up && s.mode === "primary"), `"${id}" is a running primary; stop or crash it before making it a standby`);
  followCommands(stage, s, upstream);
  s.mode = "standby";
  s.upstream = upstream;
  if (s.up) s.receiver = "off";
  s.problem = undefined;
  emit(stage, { kind: "follow", actor: id, to: upstream });
}

/**
 * With slots, standby `s`'s slot moves to its new upstream: dropped on the running servers that
 * have it, made on the upstream (when it runs). Returns the slot's name, if it has one.
 */
export function moveSlot(stage: Stage, s: Server, upstream: string): string | undefined {
  const name = slotOf(stage, s.id);
  const u = server(stage, upstream);
  if (name !== undefined) {
    for (const o of stage.servers.values()) {
      if (!o.slots[name] || o.id === upstream) continue;
      // A stopped server keeps its slot on disk (it holds WAL there until dropped).
      if (o.up) dropSlot(stage, o, name, s.id);
    }
    // A stopped upstream gets none: the standby is told the slot does not exist until one is made.
    if (u.up && !u.slots[name]) {
      run(stage, { kind: "shell", line: psql(upstream, [SQL.createSlot(name)]) });
      makeSlot(stage, u, name, s.atBoundary ? s.wal.length + 1 : s.wal.length, s.id);
    }
  }
  return name;
}

/**
 * A new primary_conninfo (and primary_slot_name): set with ALTER SYSTEM and a reload on a running
 * standby; on a stopped server, written into postgresql.auto.conf beside a standby.signal, which
 * makes an old primary start as a standby. With slots, the new upstream gets one for it.
 */
function followCommands(stage: Stage, s: Server, upstream: string): void {
  const name = moveSlot(stage, s, upstream);
  const slots = name !== undefined;
  const conninfo = { conninfo: { upstream, standby: s.id } };
  if (s.up) {
    const line: (string | Hole)[] = [
      "psql ",
      { host: s.id },
      ` -c "ALTER SYSTEM SET primary_conninfo = '`,
      conninfo,
      `';"`,
    ];
    if (name !== undefined) line.push(` -c "ALTER SYSTEM SET primary_slot_name = '${name}';"`);
    line.push(" -c ", quote(SQL.reload()[0]!));
    run(stage, { kind: "shell", line });
    return;
  }
  run(stage, { kind: "shell", line: ["touch ", { dir: s.id }, "/standby.signal"] });
  run(stage, {
    kind: "shell",
    line: [`echo "primary_conninfo = '`, conninfo, `'" >> `, { dir: s.id }, "/postgresql.auto.conf"],
  });
  if (slots)
    run(stage, {
      kind: "shell",
      line: [`echo "primary_slot_name = '${name}'" >> `, { dir: s.id }, "/postgresql.auto.conf"],
    });
}

function failover(stage: Stage, { candidates, by }: ActionArgs<"failover">): void {
  const usable = candidates.map((id) => server(stage, id)).filter((s) => s.up && s.mode === "standby");
  must(usable.length > 0, `failover: none of ${candidates.map((c) => `"${c}"`).join(", ")} is a running standby`);
  for (const s of usable) run(stage, { kind: "shell", line: psql(s.id, SQL.positions()) });
  // Received or replayed, whichever is further: after a restart the receive position can read lower.
  const reach = (s: Server) => Math.max(s.wal.length, s.replayed);
  const chosen = usable.reduce((best, s) => (reach(s) > reach(best) ? s : best));
  const label = (id: string) => stage.roles.get(id)?.label ?? id;
  const result = usable.map((s) => `${label(s.id)} at ${lsn(reach(s))}`).join(", ");
  emit(stage, {
    kind: "choose",
    actor: by ?? operator(stage, ["admin"]),
    to: chosen.id,
    position: reach(chosen),
    result,
  });
  promote(stage, chosen.id);
  for (const s of usable) if (s !== chosen) follow(stage, { server: s.id, upstream: chosen.id });
}

function checkpoint(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `"${id}" is not running at this point`);
  must(s.mode === "primary", `checkpoint acts on a primary: "${id}" is a standby at this point`);
  run(stage, { kind: "shell", line: psql(id, SQL.checkpoint()) });
  archiveSegments(stage, s);
  emit(stage, { kind: "checkpoint", actor: id });
  recycle(stage, s);
}

/** The last position a checkpoint on `s` now may remove from pg_wal (-1: none); invalidated slots keep nothing. */
function removableUpTo(stage: Stage, s: Server): number {
  const kept = Object.values(s.slots).filter((slot) => !slot.lost);
  const limits = [s.wal.length - 1 - stage.settings.wal_keep_size, ...kept.map((slot) => slot.need - 1)];
  if (stage.settings.archive) limits.push(s.archived);
  return Math.min(...limits);
}

/**
 * What a checkpoint on primary `s` removes from pg_wal. The newest card's segment is still being
 * written; wal_keep_size keeps that many segments before it; a slot keeps the segment its standby
 * needs next, from its start; with an archive, only archived segments go.
 */
export function recycle(stage: Stage, s: Server): void {
  // First the slots holding more than max_slot_wal_keep_size allows are invalidated (a walsender
  // still holding one is ended first), then what no one keeps goes (xlog.c, CreateCheckPoint).
  for (const [name, slot] of Object.entries(s.slots)) {
    if (walStatus(stage, s, slot) !== "unreserved") continue;
    const user = activeUser(stage, s, name);
    if (user) {
      user.receiver = "waiting";
      emit(stage, { kind: "disconnect", actor: user.id, from: s.id, message: messages.streamEnded() });
    }
    emit(stage, {
      kind: "slot-invalidated",
      actor: s.id,
      to: user?.id ?? standbyOfSlot(stage, name),
      card: heldCard(s, slot) ?? undefined,
      result: name,
      message: messages.slotInvalidated(name, restartOf(s, slot)),
    });
    slot.lost = true;
  }
  const upto = Math.max(s.recycled, removableUpTo(stage, s));
  const cards = s.wal.slice(s.recycled, upto).map((r) => r.card);
  s.recycled = upto;
  noteCheckpoint(stage, s);
  if (cards.length > 0) emit(stage, { kind: "recycle", actor: s.id, cards });
}

/**
 * A checkpoint record at the end of `s`'s WAL: segments before what it keeps leave pg_wal (the
 * position-0 segment too, which holds no card). A shutdown checkpoint, a backup's, or the one that
 * ends crash recovery does this too, unseen on stage: only pg_rewind reads a stopped server's WAL.
 */
export function noteCheckpoint(stage: Stage, s: Server): void {
  const at = s.wal.length;
  if (!s.checkpoints.includes(at)) s.checkpoints.push(at);
  s.walFrom = Math.max(s.walFrom, removableUpTo(stage, s) + 1);
}

function cut(stage: Stage, [a, b]: [string, string], healing: boolean): void {
  const key = linkKey(a, b);
  must(
    stage.cut.has(key) === healing,
    healing ? `the link between "${a}" and "${b}" is not cut` : `the link between "${a}" and "${b}" is already cut`,
  );
  run(stage, { kind: "network", cut: !healing, between: [a, b] });
  if (healing) stage.cut.delete(key);
  else stage.cut.add(key);
  emit(stage, { kind: healing ? "heal" : "cut", actor: "facilitator", from: a, to: b });
}

/** pg_wal_replay_pause() / pg_wal_replay_resume() on a running standby: replay stops (receipt goes on) or goes on. */
function pauseReplay(stage: Stage, id: string, pause: boolean): void {
  const s = server(stage, id);
  const word = pause ? "pause" : "resume";
  must(s.up, `cannot ${word} replay on "${id}": it is not running at this point`);
  must(s.mode === "standby", `cannot ${word} replay on "${id}": it is a primary, it replays nothing`);
  run(stage, {
    kind: "shell",
    line: psql(id, [pause ? "SELECT pg_wal_replay_pause();" : "SELECT pg_wal_replay_resume();"]),
  });
  s.paused = pause;
  emit(stage, { kind: pause ? "pause" : "resume", actor: id });
}

/** The standby whose slot this is (by its settings), if any. */
function standbyOfSlot(stage: Stage, name: string): string | undefined {
  return stage.scenario.roles.find((r) => slotOf(stage, r.id) === name)?.id;
}

/** A slot made on server `s` (a clone's -C, a follow's or an admin's pg_create_physical_replication_slot). */
function makeSlot(stage: Stage, s: Server, name: string, need: number, standby?: string, by?: "clone"): void {
  s.slots[name] = { need };
  // `wants: "clone"`: made by pg_basebackup -C, the clone's own command, not by a command of its own.
  emit(stage, { kind: "slot-create", actor: s.id, to: standby ?? standbyOfSlot(stage, name), result: name, wants: by });
}

/** pg_drop_replication_slot on a running server, for a standby re-cloned or re-pointed. */
function dropSlot(stage: Stage, s: Server, name: string, standby?: string): void {
  run(stage, { kind: "shell", line: psql(s.id, [SQL.dropSlot(name)]) });
  delete s.slots[name];
  emit(stage, { kind: "slot-drop", actor: s.id, to: standby ?? standbyOfSlot(stage, name), result: name });
}

/** An admin's slot function on a server: refused as PostgreSQL refuses it (the server logs the ERROR). */
function slotAction(stage: Stage, args: ActionArgs<"create_slot">, create: boolean): void {
  const s = server(stage, args.on);
  const word = create ? "create" : "drop";
  must(s.up, `cannot ${word} a slot on "${args.on}": it is not running at this point`);
  must(!create || s.mode === "primary", `create_slot acts on a primary: "${args.on}" is a standby at this point`);
  const name = resolveSlot(stage.settings, stage.roles, args.slot);
  run(stage, { kind: "shell", line: psql(s.id, [create ? SQL.createSlot(name) : SQL.dropSlot(name)]) });
  const actor = args.by ?? operator(stage, ["admin"]);
  const standby = standbyOfSlot(stage, name);
  const failed = (message: string) =>
    emit(stage, { kind: "slot-failed", actor: s.id, from: actor, to: standby, wants: word, result: name, message });
  if (create) {
    if (s.slots[name]) return failed(messages.slotExists(name));
    // Reserved at once (the second argument): from the segment being written now.
    return makeSlot(stage, s, name, Math.max(1, s.wal.length), standby);
  }
  if (!s.slots[name]) return failed(messages.slotDoesNotExist(name));
  if (activeUser(stage, s, name)) return failed(messages.slotInUse(name));
  delete s.slots[name];
  emit(stage, { kind: "slot-drop", actor: s.id, from: actor, to: standby, result: name });
}

function wait(stage: Stage, seconds: number): void {
  stage.clock += seconds;
  run(stage, { kind: "sleep", seconds });
  emit(stage, { kind: "wait", actor: "facilitator", seconds });
}

export const serverActions = {
  clone: { perform: clone },
  rewind: { perform: rewind },
  start: { perform: start },
  stop: { perform: stop },
  crash: { perform: crash },
  promote: { perform: promote },
  follow: { perform: follow },
  failover: { perform: failover },
  checkpoint: { perform: checkpoint },
  cut: { perform: (stage, pair) => cut(stage, pair, false) },
  heal: { perform: (stage, pair) => cut(stage, pair, true) },
  wait: { perform: wait },
  pause: { perform: (stage, id) => pauseReplay(stage, id, true) },
  resume: { perform: (stage, id) => pauseReplay(stage, id, false) },
  create_slot: { perform: (stage, args) => slotAction(stage, args, true) },
  drop_slot: { perform: (stage, args) => slotAction(stage, args, false) },
} satisfies Partial<ActionTable>;
