/** Each scenario action as the real PostgreSQL operation, on the real stage: one table entry per action word. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Action, ActionArgs, ActionName } from "../../scenario/schema.js";
import { SQL } from "../../sim/commands.js";
import { clone, MS_PER_SECOND, sleep, type Stage } from "./stage.js";

type Replay<K extends ActionName> = (stage: Stage, args: ActionArgs<K>) => Promise<void>;

/** The server a client's statement reaches: its own choice, or the proxy's (writes to the primary, reads to a standby). */
async function target(
  stage: Stage,
  direct: string | undefined,
  via: string | undefined,
  purpose: "write" | "read",
): Promise<string | undefined> {
  if (direct) return direct;
  const usable: { id: string; primary: boolean }[] = [];
  for (const id of stage.role(via!).backends) {
    const recovery = await stage.inRecovery(id);
    if (recovery !== undefined && stage.linked(via!, id)) usable.push({ id, primary: !recovery });
  }
  const primary = usable.find((s) => s.primary)?.id;
  if (purpose === "write") return primary;
  const standbys = usable.filter((s) => !s.primary);
  if (standbys.length === 0) return primary;
  const turn = stage.proxyTurn.get(via!) ?? 0;
  stage.proxyTurn.set(via!, turn + 1);
  return standbys[turn % standbys.length]!.id;
}

const write: Replay<"write"> = async (stage, args) => {
  const c = stage.client(args.by);
  for (let i = 0; i < (args.count ?? 1); i++) {
    if (c.session && !c.session.done) return; // its session is still waiting: it cannot send more
    const to = await target(stage, args.to, args.via, "write");
    if (!to) return;
    const card = stage.nextCard;
    const session = stage.cluster(to).session(SQL.write(card));
    c.session = session;
    // A synchronous commit may wait for its standby: give it a moment, then leave it waiting.
    await session.finished(stage.settings.synchronous_standby_names.length ? 1500 : 20_000);
    c.said += session.err;
    if (!session.done) {
      stage.nextCard++;
      c.waitingCard = c.lastCard = card;
      return;
    }
    if (session.code !== 0 || /ERROR|FATAL|failed/.test(session.err)) return;
    stage.nextCard++;
    c.lastCard = card;
  }
};

const read: Replay<"read"> = async (stage, args) => {
  const c = stage.client(args.by);
  if (c.session && !c.session.done) return;
  const from = await target(stage, args.from, args.via, "read");
  if (!from) return;
  if (args.hold) {
    const session = stage.cluster(from).session(SQL.hold());
    for (let i = 0; i < 200 && !session.done && session.out.trim() === ""; i++) await sleep(20);
    c.holding = session;
    c.read = session.done ? "error" : "found";
    return;
  }
  const wanted = args.wants === "own-last-write" ? c.lastCard : undefined;
  const r = await stage.cluster(from).psql(wanted === undefined ? SQL.readLatest() : SQL.readCard(wanted));
  c.said += r.err;
  c.read = r.code !== 0 ? "error" : wanted === undefined || r.out.trim() === String(wanted) ? "found" : "stale";
};

/** A clean shutdown of a primary sends its standbys what they lack first: let them have it. */
const stop: Replay<"stop"> = async (stage, id) => {
  const c = stage.cluster(id);
  if ((await stage.inRecovery(id)) !== false) {
    await c.stop("fast");
    return;
  }
  const downstream = stage
    .standbys()
    .filter((s) => stage.upstream.get(s) === id && stage.linked(s, id) && stage.cluster(s).isUp());
  for (const s of downstream) {
    stage.configureStandby(s, false);
    await stage.reload(s);
  }
  const lsn = (await c.psql(["SELECT pg_current_wal_lsn();"])).out.trim();
  for (const s of downstream) {
    for (let i = 0; i < 200; i++) {
      const r = await stage.cluster(s).psql([`SELECT pg_last_wal_receive_lsn() >= '${lsn}'::pg_lsn;`]);
      if (r.out.trim() === "t") break;
      await sleep(25);
    }
  }
  await c.stop("fast");
  for (const s of downstream) {
    stage.configureStandby(s, true);
    await stage.reload(s);
  }
};

const promote: Replay<"promote"> = async (stage, id) => {
  await stage.cluster(id).psql(SQL.promote(), 60_000);
  rmSync(join(stage.cluster(id).dir, "standby.signal"), { force: true });
  stage.upstream.delete(id);
};

const follow: Replay<"follow"> = async (stage, { server, upstream }) => {
  stage.upstream.set(server, upstream);
  stage.configureStandby(server, true);
  await stage.reload(server);
};

const failover: Replay<"failover"> = async (stage, { candidates }) => {
  let best: { id: string; lsn: string } | undefined;
  for (const id of candidates) {
    if ((await stage.inRecovery(id)) !== true) continue;
    const r = await stage
      .cluster(id)
      .psql([
        "SELECT greatest(coalesce(pg_last_wal_receive_lsn(), '0/0'), coalesce(pg_last_wal_replay_lsn(), '0/0'));",
      ]);
    const lsn = r.out.trim();
    if (
      !best ||
      (await stage.cluster(id).psql([`SELECT '${lsn}'::pg_lsn > '${best.lsn}'::pg_lsn;`])).out.trim() === "t"
    )
      best = { id, lsn };
  }
  if (!best) return;
  await promote(stage, best.id);
  for (const id of candidates) {
    if (id !== best.id && (await stage.inRecovery(id)) === true) await follow(stage, { server: id, upstream: best.id });
  }
};

const network =
  (cut: boolean) =>
  (stage: Stage, pair: [string, string]): Promise<void> => {
    const key = [...pair].sort().join("|");
    if (cut) stage.cut.add(key);
    else stage.cut.delete(key);
    return Promise.resolve();
  };

/** How verify replays each action word. Adding a word to the language makes the compiler ask for it here. */
const REPLAY: { [K in ActionName]: Replay<K> } = {
  write,
  read,
  // Ctrl-C, as a reader would: the backend of a vanished client would go on sleeping, and go on
  // holding its snapshot, until it next talks to the client.
  release: async (stage, id) => {
    const c = stage.client(id);
    c.holding?.cancel();
    if (!(await c.holding?.finished(5000))) c.holding?.end();
    c.holding = undefined;
  },
  cancel: async (stage, id) => {
    const c = stage.client(id);
    c.session?.cancel();
    await c.session?.finished(5000);
    c.said += c.session?.err ?? "";
    c.waitingCard = undefined;
  },
  vacuum: async (stage, { by, on }) => {
    const r = await stage.cluster(on).psql(SQL.vacuum());
    stage.client(by).said += r.err;
    if (r.code === 0) stage.nextCard++;
  },
  clone: (stage, { from, to }) => clone(stage, from, to),
  start: async (stage, id) => {
    await stage.cluster(id).start();
  },
  stop,
  crash: async (stage, id) => {
    await stage.cluster(id).stop("immediate");
  },
  promote,
  follow,
  failover,
  checkpoint: async (stage, id) => {
    await stage.cluster(id).psql(SQL.checkpoint());
  },
  cut: network(true),
  heal: network(false),
  wait: async (_stage, seconds) => {
    await sleep(seconds * MS_PER_SECOND);
  },
};

export function perform(stage: Stage, action: Action): Promise<void> {
  return (REPLAY[action.name] as Replay<typeof action.name>)(stage, action.args);
}
