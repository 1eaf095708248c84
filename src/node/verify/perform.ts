/** Each scenario action as the real PostgreSQL operation, on the real stage. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Action } from "../../scenario/schema.js";
import { SQL } from "../../sim/commands.js";
import { clone, MS_PER_SECOND, sleep, type Stage } from "./stage.js";

/** The server a client's statement reaches: its own choice, or the proxy's (writes to the primary, reads to a standby). */
async function target(stage: Stage, direct: string | undefined, via: string | undefined, purpose: "write" | "read"): Promise<string | undefined> {
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

export async function perform(stage: Stage, action: Action): Promise<void> {
  switch (action.name) {
    case "write": {
      const c = stage.client(action.args.by);
      for (let i = 0; i < (action.args.count ?? 1); i++) {
        if (c.session && !c.session.done) return; // its session is still waiting: it cannot send more
        const to = await target(stage, action.args.to, action.args.via, "write");
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
      return;
    }
    case "read": {
      const c = stage.client(action.args.by);
      if (c.session && !c.session.done) return;
      const from = await target(stage, action.args.from, action.args.via, "read");
      if (!from) return;
      if (action.args.hold) {
        const session = stage.cluster(from).session(SQL.hold());
        for (let i = 0; i < 200 && !session.done && session.out.trim() === ""; i++) await sleep(20);
        c.holding = session;
        c.read = session.done ? "error" : "found";
        return;
      }
      const wanted = action.args.wants === "own-last-write" ? c.lastCard : undefined;
      const r = await stage.cluster(from).psql([wanted === undefined ? SQL.readLatest() : SQL.readCard(wanted)]);
      c.said += r.err;
      c.read = r.code !== 0 ? "error" : wanted === undefined || r.out.trim() === String(wanted) ? "found" : "stale";
      return;
    }
    case "release": {
      // Ctrl-C, as a reader would: the backend of a vanished client would go on sleeping, and go
      // on holding its snapshot, until it next talks to the client.
      const c = stage.client(action.args);
      c.holding?.cancel();
      if (!(await c.holding?.finished(5000))) c.holding?.end();
      c.holding = undefined;
      return;
    }
    case "cancel": {
      const c = stage.client(action.args);
      c.session?.cancel();
      await c.session?.finished(5000);
      c.said += c.session?.err ?? "";
      c.waitingCard = undefined;
      return;
    }
    case "vacuum": {
      const r = await stage.cluster(action.args.on).psql(SQL.vacuum());
      stage.client(action.args.by).said += r.err;
      if (r.code === 0) stage.nextCard++;
      return;
    }
    case "clone":
      return clone(stage, action.args.from, action.args.to);
    case "start": {
      const c = stage.cluster(action.args);
      await c.start();
      return;
    }
    case "stop": {
      const c = stage.cluster(action.args);
      if ((await stage.inRecovery(action.args)) === false) {
        // A clean shutdown sends the standbys what they lack first: let them have it.
        const downstream = stage.standbys().filter((s) => stage.upstream.get(s) === action.args && stage.linked(s, action.args) && stage.cluster(s).isUp());
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
        return;
      }
      await c.stop("fast");
      return;
    }
    case "crash":
      await stage.cluster(action.args).stop("immediate");
      return;
    case "promote": {
      await stage.cluster(action.args).psql([SQL.promote()], 60_000);
      rmSync(join(stage.cluster(action.args).dir, "standby.signal"), { force: true });
      stage.upstream.delete(action.args);
      return;
    }
    case "follow": {
      stage.upstream.set(action.args.server, action.args.upstream);
      stage.configureStandby(action.args.server, true);
      await stage.reload(action.args.server);
      return;
    }
    case "failover": {
      let best: { id: string; lsn: string } | undefined;
      for (const id of action.args.candidates) {
        if ((await stage.inRecovery(id)) !== true) continue;
        const r = await stage.cluster(id).psql(["SELECT greatest(coalesce(pg_last_wal_receive_lsn(), '0/0'), coalesce(pg_last_wal_replay_lsn(), '0/0'));"]);
        const lsn = r.out.trim();
        if (!best || (await stage.cluster(id).psql([`SELECT '${lsn}'::pg_lsn > '${best.lsn}'::pg_lsn;`])).out.trim() === "t") best = { id, lsn };
      }
      if (!best) return;
      await perform(stage, { name: "promote", args: best.id, at: action.at });
      for (const id of action.args.candidates) {
        if (id !== best.id && (await stage.inRecovery(id)) === true) await perform(stage, { name: "follow", args: { server: id, upstream: best.id }, at: action.at });
      }
      return;
    }
    case "checkpoint":
      await stage.cluster(action.args).psql(SQL.checkpoint());
      return;
    case "cut":
    case "heal": {
      const key = [...action.args].sort().join("|");
      if (action.name === "cut") stage.cut.add(key);
      else stage.cut.delete(key);
      return;
    }
    case "wait":
      await sleep(action.args * MS_PER_SECOND);
      return;
  }
}
