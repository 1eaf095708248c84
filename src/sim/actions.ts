/**
 * One function per scenario action. Each does what the real operation does and records it;
 * consequences that depend on timing (streaming, acks, replay) are left to flow.ts.
 *
 * An action that cannot be done at this moment (cloning from a server that is down, promoting
 * a primary) is the scenario's mistake: it throws StepProblem, which becomes a positioned error.
 */
import type { Action, ActionArgs } from "../scenario/schema.js";
import { messages, lsn } from "./messages.js";
import { archiveSegments, receive } from "./flow.js";
import { client, linkKey, linked, server, visibleCards, type Server, type Stage } from "./state.js";
import type { TraceEvent } from "./trace.js";

export class StepProblem extends Error {
  /** An echo of a problem already reported in this run (the deck ran out): not reported again. */
  constructor(message: string, readonly echo = false) {
    super(message);
  }
}

/**
 * Cards one run may use: a workshop deck numbered 1 to 99, so that every number prints at least
 * 30 mm tall on a poker-size card (three digits would need 84 mm of a 63 mm card).
 */
export const MAX_CARDS = 99;

function newCard(stage: Stage): number {
  if (stage.nextCard > MAX_CARDS) {
    throw new StepProblem(`this run would need more than ${MAX_CARDS} cards; the deck is numbered 1 to ${MAX_CARDS} (split it into runs)`, stage.nextCard++ > MAX_CARDS + 1);
  }
  return stage.nextCard++;
}

function emit(stage: Stage, event: TraceEvent): void {
  stage.events.push(event);
}

function must(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepProblem(message);
}

/** Why a client cannot reach a server right now, in libpq's words (or nothing when it can). */
function unreachable(stage: Stage, path: string[], target: Server): string | undefined {
  for (let i = 0; i + 1 < path.length; i++) if (!linked(stage, path[i]!, path[i + 1]!)) return messages.timedOut();
  return target.up ? undefined : messages.refused();
}

/** A proxy's choice: writes go to the primary; reads take turns over the standbys, else the primary. */
function route(stage: Stage, proxy: string, purpose: "write" | "read"): Server | undefined {
  const backends = stage.roles.get(proxy)!.backends.map((id) => server(stage, id));
  const usable = backends.filter((s) => s.up && linked(stage, proxy, s.id));
  const primary = usable.find((s) => s.mode === "primary");
  if (purpose === "write") return primary;
  const standbys = usable.filter((s) => s.mode === "standby");
  if (standbys.length === 0) return primary;
  const turn = stage.proxyTurn.get(proxy) ?? 0;
  stage.proxyTurn.set(proxy, turn + 1);
  return standbys[turn % standbys.length];
}

/** Resolves `to`/`from` or `via` into the server a client's statement reaches, recording the routing. */
function target(stage: Stage, by: string, direct: string | undefined, via: string | undefined, purpose: "write" | "read") {
  if (direct) return { server: server(stage, direct), path: [by, direct] };
  const chosen = route(stage, via!, purpose);
  if (chosen) emit(stage, { kind: "route", actor: via!, from: by, to: chosen.id, result: purpose });
  return { server: chosen, path: chosen ? [by, via!, chosen.id] : [by, via!] };
}

function synchronous(stage: Stage): boolean {
  const { synchronous_standby_names: names, synchronous_commit: level } = stage.settings;
  return names.length > 0 && level !== "off" && level !== "local";
}

function write(stage: Stage, { by, to, via, count = 1 }: ActionArgs<"write">): void {
  const c = client(stage, by);
  for (let i = 0; i < count; i++) {
    if (c.waiting) {
      emit(stage, { kind: "write-blocked", actor: by, card: c.waiting.card, to: c.waiting.on, result: `${count - i} card(s) not sent` });
      return;
    }
    const { server: s, path } = target(stage, by, to, via, "write");
    if (!s) {
      emit(stage, { kind: "write-failed", actor: by, to: via, result: "no primary among the proxy's backends" });
      return;
    }
    const failure = unreachable(stage, path, s) ?? (s.mode === "standby" ? messages.readOnly("INSERT") : undefined);
    if (failure) {
      emit(stage, { kind: "write-failed", actor: by, to: s.id, via, message: failure });
      return;
    }
    const card = newCard(stage);
    s.wal.push({ card, kind: "write", timeline: s.timeline });
    s.replayed = s.wal.length;
    c.wrote.push(card);
    stage.written.add(card);
    emit(stage, { kind: "write", actor: by, to: s.id, via, card });
    if (synchronous(stage)) {
      s.pending.push({ card, client: by });
      c.waiting = { card, on: s.id };
      emit(stage, { kind: "commit-wait", actor: s.id, to: by, card, message: messages.syncWait() });
    } else {
      c.acked.push(card);
    }
  }
}

function read(stage: Stage, { by, from, via, wants = "latest", hold = false }: ActionArgs<"read">): void {
  const c = client(stage, by);
  must(!(hold && c.holding), `"${by}" already holds a query open on "${c.holding?.server}"; release it first`);
  must(stage.nextQuery <= MAX_CARDS, `this run would need more than ${MAX_CARDS} read cards`);
  const query = stage.nextQuery++;
  if (c.waiting) {
    emit(stage, { kind: "read-failed", actor: by, query, result: `still waiting for the ack of card ${c.waiting.card}` });
    return;
  }
  const { server: s, path } = target(stage, by, from, via, "read");
  const failure = s ? unreachable(stage, path, s) : "no server among the proxy's backends is up";
  if (!s || failure) {
    emit(stage, { kind: "read-failed", actor: by, to: s?.id ?? via, via, query, message: s ? failure : undefined, result: s ? undefined : failure });
    c.lastRead = { query, from: s?.id ?? via!, result: "error", sees: null };
    return;
  }
  const visible = visibleCards(s);
  const newest = visible.length > 0 ? Math.max(...visible) : null;
  let result: "found" | "stale" = "found";
  let wanted: number | undefined;
  if (wants === "own-last-write") {
    wanted = c.wrote[c.wrote.length - 1];
    must(wanted !== undefined, `"${by}" has written nothing yet, so it has no write of its own to ask for`);
    result = visible.includes(wanted) ? "found" : "stale";
  }
  emit(stage, { kind: "read", actor: by, from: s.id, via, wants: wanted === undefined ? undefined : wants, query, card: wanted ?? newest ?? undefined, result });
  c.lastRead = { query, from: s.id, result, sees: newest };
  if (hold) {
    c.holding = { server: s.id, query, sees: newest };
    emit(stage, { kind: "hold", actor: by, to: s.id, query });
  }
}

function release(stage: Stage, id: string): void {
  const c = client(stage, id);
  must(c.holding, `"${id}" holds no query open at this point`);
  emit(stage, { kind: "release", actor: id, to: c.holding.server, query: c.holding.query });
  c.holding = undefined;
}

function cancel(stage: Stage, id: string): void {
  const c = client(stage, id);
  must(c.waiting, `"${id}" is not waiting for a commit at this point`);
  const s = server(stage, c.waiting.on);
  s.pending = s.pending.filter((p) => p.card !== c.waiting!.card);
  emit(stage, { kind: "cancel-wait", actor: id, to: s.id, card: c.waiting.card, message: messages.syncCancel(), detail: messages.syncCancelDetail() });
  c.waiting = undefined;
}

function vacuum(stage: Stage, { by, on }: ActionArgs<"vacuum">): void {
  const s = server(stage, on);
  const failure = unreachable(stage, [by, on], s) ?? (s.mode === "standby" ? messages.vacuumInRecovery() : undefined);
  if (failure) {
    emit(stage, { kind: "vacuum-failed", actor: by, to: on, message: failure });
    return;
  }
  const card = newCard(stage);
  s.wal.push({ card, kind: "vacuum", timeline: s.timeline });
  s.replayed = s.wal.length;
  emit(stage, { kind: "vacuum", actor: by, to: on, card });
  const held = [...stage.clients.values()].some((c) => c.holding && c.holding.server !== on);
  if (held && stage.settings.hot_standby_feedback) {
    emit(stage, { kind: "vacuum-kept", actor: on, card, result: "hot_standby_feedback: dead rows kept for the standby's query" });
  }
}

/** Who runs an action when the scenario does not say: its base-backup tool, else its admin. */
function operator(stage: Stage, kinds: string[]): string {
  return stage.scenario.roles.find((r) => kinds.includes(r.kind))?.id ?? "facilitator";
}

function clone(stage: Stage, { from, to, by }: ActionArgs<"clone">): void {
  const f = server(stage, from);
  const t = server(stage, to);
  must(f.exists && f.up, `cannot clone from "${from}": it is not running at this point`);
  must(!t.up, `cannot clone onto "${to}": it is running; stop or crash it first`);
  const records = f.wal.slice(0, f.mode === "primary" ? f.wal.length : f.replayed);
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
    problem: undefined,
    learnt: undefined,
    conflictSince: undefined,
    slots: {},
    pending: [],
    archived: 0,
  } satisfies Partial<Server>);
  for (const s of stage.servers.values()) delete s.slots[to];
  if (stage.settings.replication_slots) f.slots[to] = records.length;
  const actor = by ?? operator(stage, ["basebackup", "admin"]);
  emit(stage, { kind: "clone", actor, from, to, cards: records.filter((r) => r.kind === "write").map((r) => r.card), position: records.length });
  if (discarded.length > 0) emit(stage, { kind: "discard", actor: to, cards: discarded });
}

function start(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.exists, `"${id}" has no data yet: clone onto it before starting it`);
  must(!s.up, `"${id}" is already running at this point`);
  const learnt = s.learnt;
  if (s.mode === "standby" && learnt && learnt.parent === s.timeline && s.wal.length > learnt.forkAt) {
    // It fetched the new timeline's history last time; now it targets that timeline and cannot reach it.
    s.problem = messages.notContainMinRecovery(learnt.timeline, s.wal.length, s.timeline);
    emit(stage, { kind: "start-failed", actor: id, timeline: learnt.timeline, message: s.problem });
    return;
  }
  s.up = true;
  s.receiver = "off";
  s.problem = undefined;
  emit(stage, { kind: "start", actor: id, result: s.mode });
}

/** Ends sessions on a server going down: waiting commits lose their connection, held queries end. */
function dropSessions(stage: Stage, s: Server): void {
  for (const c of stage.clients.values()) {
    if (c.waiting?.on === s.id) {
      emit(stage, { kind: "write-failed", actor: c.id, to: s.id, card: c.waiting.card, message: messages.closedUnexpectedly() });
      c.waiting = undefined;
    }
    if (c.holding?.server === s.id) {
      c.lastRead = { query: c.holding.query, from: s.id, result: "error", sees: c.holding.sees };
      c.holding = undefined;
    }
  }
  s.pending = [];
}

function stop(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `"${id}" is not running at this point`);
  // A clean shutdown of a primary waits until its walsenders have sent everything.
  if (s.mode === "primary") {
    for (const d of stage.servers.values()) if (d.up && d.mode === "standby" && d.upstream === id) receive(stage, d);
  }
  dropSessions(stage, s);
  s.up = false;
  s.receiver = "off";
  emit(stage, { kind: "stop", actor: id, result: s.mode });
}

function crash(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `"${id}" is not running at this point`);
  const elsewhere = new Set<number>();
  for (const o of stage.servers.values()) if (o.id !== id && o.exists) for (const r of o.wal) elsewhere.add(r.card);
  const unsent = s.wal.filter((r) => r.kind === "write" && !elsewhere.has(r.card)).map((r) => r.card);
  dropSessions(stage, s);
  s.up = false;
  s.receiver = "off";
  emit(stage, { kind: "crash", actor: id, cards: unsent });
}

function promote(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `cannot promote "${id}": it is not running at this point`);
  must(s.mode === "standby", `cannot promote "${id}": it is already a primary`);
  // Promotion first replays everything already received; queries in the way are cancelled.
  for (const c of stage.clients.values()) {
    if (c.holding?.server === id && s.wal.slice(s.replayed).some((r) => r.kind === "vacuum")) {
      emit(stage, { kind: "query-canceled", actor: id, to: c.id, query: c.holding.query, message: messages.conflictCancel(), detail: messages.conflictDetail() });
      c.lastRead = { query: c.holding.query, from: id, result: "canceled", sees: c.holding.sees };
      c.holding = undefined;
    }
  }
  while (s.replayed < s.wal.length) emit(stage, { kind: "replay", actor: id, card: s.wal[s.replayed++]!.card });
  const known = [s.timeline, ...s.branches.map((b) => b.timeline), ...stage.archivedTimelines];
  const timeline = Math.max(...known) + 1;
  s.branches.push({ timeline, parent: s.timeline, forkAt: s.wal.length });
  Object.assign(s, { timeline, mode: "primary", upstream: undefined, receiver: "off", problem: undefined, conflictSince: undefined, slots: {} });
  s.archived = Math.max(s.archived, s.wal.length);
  if (stage.settings.archive) stage.archivedTimelines.push(timeline);
  emit(stage, { kind: "promote", actor: id, timeline, position: s.wal.length, message: messages.newTimeline(timeline) });
}

function follow(stage: Stage, { server: id, upstream }: ActionArgs<"follow">): void {
  const s = server(stage, id);
  must(s.exists, `"${id}" has no data yet: clone it instead`);
  must(!(s.up && s.mode === "primary"), `"${id}" is a running primary; stop or crash it before making it a standby`);
  s.mode = "standby";
  s.upstream = upstream;
  if (s.up) s.receiver = "off";
  s.problem = undefined;
  for (const o of stage.servers.values()) delete o.slots[id];
  if (stage.settings.replication_slots) server(stage, upstream).slots[id] = s.wal.length;
  emit(stage, { kind: "follow", actor: id, to: upstream });
}

function failover(stage: Stage, { candidates, by }: ActionArgs<"failover">): void {
  const usable = candidates.map((id) => server(stage, id)).filter((s) => s.up && s.mode === "standby");
  must(usable.length > 0, `failover: none of ${candidates.map((c) => `"${c}"`).join(", ")} is a running standby`);
  // Received or replayed, whichever is further: after a restart the receive position can read lower.
  const reach = (s: Server) => Math.max(s.wal.length, s.replayed);
  const chosen = usable.reduce((best, s) => (reach(s) > reach(best) ? s : best));
  const result = usable.map((s) => `${s.id} at ${lsn(reach(s))}`).join(", ");
  emit(stage, { kind: "choose", actor: by ?? operator(stage, ["admin"]), to: chosen.id, position: reach(chosen), result });
  promote(stage, chosen.id);
  for (const s of usable) if (s !== chosen) follow(stage, { server: s.id, upstream: chosen.id });
}

function checkpoint(stage: Stage, id: string): void {
  const s = server(stage, id);
  must(s.up, `"${id}" is not running at this point`);
  must(s.mode === "primary", `checkpoint acts on a primary: "${id}" is a standby at this point`);
  archiveSegments(stage, s);
  const limits = [s.wal.length - 1, s.wal.length - stage.settings.wal_keep_size, ...Object.values(s.slots)];
  if (stage.settings.archive) limits.push(s.archived);
  const upto = Math.max(s.recycled, Math.min(...limits));
  const cards = s.wal.slice(s.recycled, upto).map((r) => r.card);
  s.recycled = upto;
  emit(stage, { kind: "checkpoint", actor: id });
  if (cards.length > 0) emit(stage, { kind: "recycle", actor: id, cards });
}

function cut(stage: Stage, [a, b]: [string, string], healing: boolean): void {
  const key = linkKey(a, b);
  must(stage.cut.has(key) === healing, healing ? `the link between "${a}" and "${b}" is not cut` : `the link between "${a}" and "${b}" is already cut`);
  if (healing) stage.cut.delete(key);
  else stage.cut.add(key);
  emit(stage, { kind: healing ? "heal" : "cut", actor: "facilitator", from: a, to: b });
}

/** Carries out one action on the stage. */
export function perform(stage: Stage, action: Action): void {
  switch (action.name) {
    case "write": return write(stage, action.args);
    case "read": return read(stage, action.args);
    case "release": return release(stage, action.args);
    case "cancel": return cancel(stage, action.args);
    case "vacuum": return vacuum(stage, action.args);
    case "clone": return clone(stage, action.args);
    case "start": return start(stage, action.args);
    case "stop": return stop(stage, action.args);
    case "crash": return crash(stage, action.args);
    case "promote": return promote(stage, action.args);
    case "follow": return follow(stage, action.args);
    case "failover": return failover(stage, action.args);
    case "checkpoint": return checkpoint(stage, action.args);
    case "cut": return cut(stage, action.args, false);
    case "heal": return cut(stage, action.args, true);
    case "wait":
      stage.clock += action.args;
      return emit(stage, { kind: "wait", actor: "facilitator", seconds: action.args });
  }
}
