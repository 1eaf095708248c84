/**
 * What clients do: write cards, read, hold and release a query, cancel a waiting commit, play a
 * vacuum joker — directly or through a proxy that routes writes to the primary and reads to a
 * standby.
 */
import { commitWaits, sendsFeedback } from "../../scenario/model.js";
import type { ActionArgs } from "../../scenario/schema.js";
import { emit, must, run, StepProblem } from "../act.js";
import { psql, SQL } from "../commands.js";
import { messages } from "../messages.js";
import { slotOf } from "../slots.js";
import { client, linked, server, visibleCards, type Server, type Stage } from "../state.js";
import type { ActionTable } from "./table.js";

/**
 * Cards one run may use: a workshop deck numbered 1 to 99, so that every number prints at least
 * 30 mm tall on a poker-size card (three digits would need 84 mm of a 63 mm card).
 */
export const MAX_CARDS = 99;
/** Red read cards one run may use: "R" and one digit, at the same 30 mm. */
export const MAX_READS = 9;

function newCard(stage: Stage): number {
  if (stage.nextCard > MAX_CARDS) {
    throw new StepProblem(
      `this run would need more than ${MAX_CARDS} cards; the deck is numbered 1 to ${MAX_CARDS} (split it into runs)`,
      stage.nextCard++ > MAX_CARDS + 1,
    );
  }
  return stage.nextCard++;
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
function target(
  stage: Stage,
  by: string,
  direct: string | undefined,
  via: string | undefined,
  purpose: "write" | "read",
) {
  if (direct) return { server: server(stage, direct), path: [by, direct] };
  const chosen = route(stage, via!, purpose);
  if (chosen) emit(stage, { kind: "route", actor: via!, from: by, to: chosen.id, result: purpose });
  return { server: chosen, path: chosen ? [by, via!, chosen.id] : [by, via!] };
}

/** What a client SETs in its session before its statements: its own synchronous_commit. */
function ownSettings(stage: Stage, by: string): string[] {
  const level = stage.roles.get(by)?.synchronousCommit;
  return level ? [`SET synchronous_commit = ${level};`] : [];
}

/** Whether this client's commits wait for a standby's ack (the run's synchronous_commit, or its own). */
function synchronous(stage: Stage, by: string): boolean {
  return commitWaits(stage.settings, stage.roles.get(by));
}

/**
 * A client's statements on a server, run whatever comes of them (a refused one is refused by the real
 * server too). On a standby pg_switch_wal() would fail first ("recovery is in progress"): only the
 * last statement, the one PostgreSQL refuses, is tried.
 */
function runStatements(stage: Stage, by: string, s: Server, statements: string[]): void {
  run(stage, {
    kind: "shell",
    line: psql(s.id, [...ownSettings(stage, by), ...(s.mode === "standby" ? statements.slice(-1) : statements)]),
    client: by,
    session: synchronous(stage, by) ? "waits" : undefined,
  });
}

/** A commit on server s: acknowledged at once, or waiting for its synchronous ack. */
function commit(stage: Stage, by: string, s: Server, card: number): void {
  const c = client(stage, by);
  if (synchronous(stage, by)) {
    s.pending.push({ card, client: by, level: stage.roles.get(by)?.synchronousCommit });
    c.waiting = { card, on: s.id };
    emit(stage, { kind: "commit-wait", actor: s.id, to: by, card, message: messages.syncWait() });
  } else {
    c.acked.push(card);
  }
}

/** A client waiting for an ack cannot send another statement: its psql has not returned. */
function notWaiting(stage: Stage, by: string, statement: string): void {
  const c = client(stage, by);
  must(
    !c.waiting,
    `"${by}" is still waiting for the ack of card ${c.waiting?.card}: its psql cannot send ${statement} before that returns`,
  );
}

function write(stage: Stage, { by, to, via, count = 1 }: ActionArgs<"write">): void {
  const c = client(stage, by);
  for (let i = 0; i < count; i++) {
    if (c.waiting) {
      emit(stage, {
        kind: "write-blocked",
        actor: by,
        card: c.waiting.card,
        to: c.waiting.on,
        result: `${count - i} card(s) not sent`,
      });
      return;
    }
    const { server: s, path } = target(stage, by, to, via, "write");
    if (!s) {
      emit(stage, { kind: "write-failed", actor: by, to: via, result: "no primary among the proxy's backends" });
      return;
    }
    runStatements(stage, by, s, SQL.write(stage.nextCard));
    const failure = unreachable(stage, path, s) ?? (s.mode === "standby" ? messages.readOnly("INSERT") : undefined);
    if (failure) {
      emit(stage, { kind: "write-failed", actor: by, to: s.id, via, card: stage.nextCard, message: failure });
      return;
    }
    const card = newCard(stage);
    s.wal.push({ card, kind: "write", timeline: s.timeline, at: stage.clock });
    s.replayed = s.wal.length;
    c.wrote.push(card);
    stage.written.add(card);
    emit(stage, { kind: "write", actor: by, to: s.id, via, card, position: s.wal.length });
    commit(stage, by, s, card);
  }
}

/**
 * DELETE FROM cards WHERE n IN (…): one WAL record, numbered among the cards (its own printed card,
 * "DELETE 2, 3"), that takes the rows away on each server when it replays it. Its commit waits for
 * its ack under synchronous commit, as a write's does; meanwhile other sessions still see the rows.
 */
function deleteCards(stage: Stage, { by, cards, to, via }: ActionArgs<"delete">): void {
  notWaiting(stage, by, "a DELETE");
  const { server: s, path } = target(stage, by, to, via, "write");
  if (!s) {
    emit(stage, { kind: "delete-failed", actor: by, to: via, cards, result: "no primary among the proxy's backends" });
    return;
  }
  const failure = unreachable(stage, path, s) ?? (s.mode === "standby" ? messages.readOnly("DELETE") : undefined);
  const visible = visibleCards(s);
  const absent = failure ? [] : cards.filter((n) => !visible.includes(n));
  must(
    absent.length === 0,
    `${absent.length > 1 ? `cards ${absent.join(", ")} are` : `card ${absent[0]} is`} not on "${s.id}" at this point (${
      visible.length > 0 ? `it has ${[...visible].sort((a, b) => a - b).join(", ")}` : "it has no cards"
    }): a DELETE of a card that is not there removes nothing`,
    "cards",
  );
  runStatements(stage, by, s, SQL.delete(cards));
  if (failure) {
    emit(stage, { kind: "delete-failed", actor: by, to: s.id, via, cards, message: failure });
    return;
  }
  const card = newCard(stage);
  s.wal.push({ card, kind: "delete", rows: [...cards], timeline: s.timeline, at: stage.clock });
  s.replayed = s.wal.length;
  emit(stage, { kind: "delete", actor: by, to: s.id, via, card, cards: [...cards], position: s.wal.length });
  commit(stage, by, s, card);
}

/**
 * UPDATE cards SET n = <new> WHERE n = <card>: a new card, written as any card is, that replaces the
 * old one's row on each server when it replays it. Under synchronous commit it waits for its ack like
 * a write; meanwhile other sessions still see the old row.
 */
function update(stage: Stage, { by, card: old, to, via }: ActionArgs<"update">): void {
  notWaiting(stage, by, "an UPDATE");
  const c = client(stage, by);
  const { server: s, path } = target(stage, by, to, via, "write");
  if (!s) {
    emit(stage, {
      kind: "write-failed",
      actor: by,
      to: via,
      replaces: old,
      result: "no primary among the proxy's backends",
    });
    return;
  }
  const failure = unreachable(stage, path, s) ?? (s.mode === "standby" ? messages.readOnly("UPDATE") : undefined);
  const visible = visibleCards(s);
  must(
    failure !== undefined || visible.includes(old),
    `card ${old} is not on "${s.id}" at this point (${
      visible.length > 0 ? `it has ${[...visible].sort((a, b) => a - b).join(", ")}` : "it has no cards"
    }): an UPDATE of a card that is not there changes nothing`,
    "card",
  );
  runStatements(stage, by, s, SQL.update(old, stage.nextCard));
  if (failure) {
    emit(stage, { kind: "write-failed", actor: by, to: s.id, via, replaces: old, message: failure });
    return;
  }
  const card = newCard(stage);
  s.wal.push({ card, kind: "write", replaces: old, timeline: s.timeline, at: stage.clock });
  s.replayed = s.wal.length;
  c.wrote.push(card);
  stage.written.add(card);
  emit(stage, { kind: "write", actor: by, to: s.id, via, card, replaces: old, position: s.wal.length });
  commit(stage, by, s, card);
}

function read(stage: Stage, { by, from, via, wants = "latest", hold = false }: ActionArgs<"read">): void {
  const c = client(stage, by);
  must(!(hold && c.holding), `"${by}" already holds a query open on "${c.holding?.server}"; release it first`);
  // R10 would not print 30 mm tall on a poker-size card: red cards are R1 to R9.
  must(stage.nextQuery <= MAX_READS, `this run would need more than ${MAX_READS} red read cards (R1 to R${MAX_READS})`);
  const query = stage.nextQuery++;
  if (c.waiting) {
    emit(stage, {
      kind: "read-failed",
      actor: by,
      query,
      result: `still waiting for the ack of card ${c.waiting.card}`,
    });
    return;
  }
  let wanted: number | undefined;
  if (wants === "own-last-write") {
    wanted = c.wrote[c.wrote.length - 1];
    must(wanted !== undefined, `"${by}" has written nothing yet, so it has no write of its own to ask for`);
  }
  const { server: s, path } = target(stage, by, from, via, "read");
  if (s) {
    const sql = hold ? SQL.hold() : wanted === undefined ? SQL.readLatest() : SQL.readCard(wanted);
    run(stage, { kind: "shell", line: psql(s.id, sql), client: by, session: hold ? "holds" : undefined });
  }
  const failure = s ? unreachable(stage, path, s) : "no server among the proxy's backends is up";
  if (!s || failure) {
    emit(stage, {
      kind: "read-failed",
      actor: by,
      to: s?.id ?? via,
      via,
      query,
      message: s ? failure : undefined,
      result: s ? undefined : failure,
    });
    c.lastRead = { query, from: s?.id ?? via!, result: "error", sees: null };
    return;
  }
  const visible = visibleCards(s);
  const newest = visible.length > 0 ? Math.max(...visible) : null;
  const result: "found" | "stale" = wanted === undefined || visible.includes(wanted) ? "found" : "stale";
  emit(stage, {
    kind: "read",
    actor: by,
    from: s.id,
    via,
    wants: wanted === undefined ? undefined : wants,
    query,
    card: wanted ?? newest ?? undefined,
    result,
  });
  c.lastRead = { query, from: s.id, result, sees: newest };
  if (hold) {
    c.holding = { server: s.id, query, sees: newest };
    emit(stage, { kind: "hold", actor: by, to: s.id, query });
  }
}

function release(stage: Stage, id: string): void {
  const c = client(stage, id);
  must(c.holding, `"${id}" holds no query open at this point`);
  run(stage, { kind: "interrupt", client: id });
  emit(stage, { kind: "release", actor: id, to: c.holding.server, query: c.holding.query });
  c.holding = undefined;
}

function cancel(stage: Stage, id: string): void {
  const c = client(stage, id);
  must(c.waiting, `"${id}" is not waiting for a commit at this point`);
  run(stage, { kind: "interrupt", client: id });
  const s = server(stage, c.waiting.on);
  s.pending = s.pending.filter((p) => p.card !== c.waiting!.card);
  emit(stage, {
    kind: "cancel-wait",
    actor: id,
    to: s.id,
    card: c.waiting.card,
    message: messages.syncCancel(),
    detail: messages.syncCancelDetail(),
  });
  c.waiting = undefined;
}

function vacuum(stage: Stage, { by, on }: ActionArgs<"vacuum">): void {
  const s = server(stage, on);
  run(stage, { kind: "shell", line: psql(on, SQL.vacuum()), client: by });
  const failure = unreachable(stage, [by, on], s) ?? (s.mode === "standby" ? messages.vacuumInRecovery() : undefined);
  if (failure) {
    emit(stage, { kind: "vacuum-failed", actor: by, to: on, message: failure });
    return;
  }
  const card = newCard(stage);
  // The primary's horizon is the oldest xmin it knows, its own or a standby's feedback: one known
  // feedback xmin (older than this joker's rows, as any is) keeps the dead rows for every standby.
  // Seen on PostgreSQL 15: a standby without hot_standby_feedback held no conflict while another had it.
  const servers = [...stage.servers.values()];
  const shielded = servers.some((d) => xminKnown(stage, d, s))
    ? servers.filter((d) => d.id !== s.id).map((d) => d.id)
    : [];
  s.wal.push({ card, kind: "vacuum", timeline: s.timeline, shielded, at: stage.clock });
  s.replayed = s.wal.length;
  emit(stage, { kind: "vacuum", actor: by, to: on, card, position: s.wal.length });
  const kept = [...stage.clients.values()]
    .filter((c) => c.holding && shielded.includes(c.holding.server))
    .map((c) => c.holding!.server);
  if (kept.length > 0) {
    emit(stage, {
      kind: "vacuum-kept",
      actor: on,
      card,
      result: `hot_standby_feedback: dead rows kept for the queries on ${[...new Set(kept)].join(", ")}`,
    });
  }
}

/**
 * Whether primary `p` knows standby `d`'s oldest snapshot (hot_standby_feedback): over a live
 * replication connection — up the chain, for a cascaded standby — or kept on a slot when the
 * connection is gone. Without either, the primary forgets it when its walsender goes: at once when
 * the standby stops, after wal_sender_timeout behind a cut (a partition is not a crash).
 */
function xminKnown(stage: Stage, d: Server, p: Server, seen = new Set<string>()): boolean {
  // Standbys can be told to follow each other in a circle; that chain reaches no primary. Each
  // standby of the chain passes an xmin up only with its own hot_standby_feedback on.
  if (d.mode !== "standby" || !d.upstream || d.id === p.id || seen.has(d.id)) return false;
  if (!sendsFeedback(stage.settings, stage.roles.get(d.id))) return false;
  seen.add(d.id);
  const u = server(stage, d.upstream);
  // Behind a cut the walsender, and the xmin it holds, lives on until wal_sender_timeout; the
  // model's standby stops streaming when time passes at the step's end, which stands for that.
  const connected = d.up && d.receiver === "streaming" && u.up;
  if (!connected && !u.slots[slotOf(stage, d.id) ?? ""]) return false;
  return u.id === p.id || (u.mode === "standby" && xminKnown(stage, u, p, seen));
}

export const clientActions = {
  write: { perform: write },
  read: { perform: read },
  delete: { perform: deleteCards },
  update: { perform: update },
  release: { perform: release },
  cancel: { perform: cancel },
  vacuum: { perform: vacuum },
} satisfies Partial<ActionTable>;
