/**
 * Replays a scenario on real PostgreSQL servers, step by step, and compares each step with the
 * trace. Timing never decides an outcome: while a step's actions run, every standby is held (its
 * primary_conninfo points at a closed port), so that, as in the model, nothing flows within a
 * step; at the step's end they are released and the real state is polled against the trace's
 * snapshot until they agree or a deadline passes. Seconds in the scenario pass as tenths.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Role, Scenario, Settings } from "../scenario/model.js";
import type { Action } from "../scenario/schema.js";
import type { Trace, TraceStep } from "../sim/trace.js";
import { SQL } from "./commands.js";
import { differences, type RealState } from "./compare.js";
import { Cluster, freePort, ownedDir, run, type PgEnv, type Session } from "./pg.js";

/** One scenario second is this many real milliseconds (max_standby_streaming_delay is scaled alike). */
export const MS_PER_SECOND = 100;
const SETTLE_DEADLINE_MS = 15_000;
const DEAD_PORT = 1;

export interface StepVerdict {
  step: number;
  title: string;
  agree: boolean;
  differences: string[];
}

interface ClientState {
  session?: Session;
  /** What this client's statements printed on stderr in the current step. */
  said: string;
  read?: RealState["clients"][string]["read"];
  waitingCard?: number;
  /** The last card this client wrote (what "own-last-write" asks for). */
  lastCard?: number;
  holding?: Session;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Stage {
  readonly clusters = new Map<string, Cluster>();
  readonly clients = new Map<string, ClientState>();
  readonly cut = new Set<string>();
  /** Each standby's upstream, as the scenario set it. */
  readonly upstream = new Map<string, string>();
  nextCard = 1;
  proxyTurn = new Map<string, number>();

  constructor(
    readonly env: PgEnv,
    readonly scenario: Scenario,
    readonly settings: Settings,
  ) {}

  role = (id: string): Role => this.scenario.roles.find((r) => r.id === id)!;
  cluster = (id: string): Cluster => this.clusters.get(id)!;
  client = (id: string): ClientState => {
    let c = this.clients.get(id);
    if (!c) this.clients.set(id, (c = { said: "" }));
    return c;
  };
  linked = (a: string, b: string) => !this.cut.has([a, b].sort().join("|"));

  settingLines(): string[] {
    const s = this.settings;
    const archive = join(this.env.root, "archive");
    return [
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${join(this.env.root, "sock")}'`,
      "wal_level = replica",
      "max_wal_senders = 10",
      "hot_standby = on",
      "autovacuum = off",
      "fsync = off",
      "checkpoint_timeout = '1h'",
      "max_wal_size = '1GB'",
      "wal_retrieve_retry_interval = '100ms'",
      `wal_keep_size = '${s.wal_keep_size}MB'`,
      `synchronous_commit = '${s.synchronous_commit}'`,
      `synchronous_standby_names = '${s.synchronous_standby_names.length ? `FIRST 1 (${s.synchronous_standby_names.join(", ")})` : ""}'`,
      `max_standby_streaming_delay = '${s.max_standby_streaming_delay < 0 ? -1 : s.max_standby_streaming_delay * MS_PER_SECOND}'`,
      `hot_standby_feedback = ${s.hot_standby_feedback ? "on" : "off"}`,
      ...(s.archive ? ["archive_mode = on", `archive_command = 'cp %p ${archive}/%f'`, `restore_command = 'cp ${archive}/%f %p'`] : []),
    ];
  }

  /** Writes a standby's settings: held, its conninfo points nowhere; released, at its upstream. */
  configureStandby(id: string, held: boolean): void {
    const c = this.cluster(id);
    const up = this.upstream.get(id);
    const target = up && !held && this.linked(id, up) ? this.cluster(up) : undefined;
    const conninfo = target ? target.conninfo(id) : `host=127.0.0.1 port=${DEAD_PORT} user=replikit application_name=${id}`;
    c.writeSettings([...this.settingLines(), `primary_conninfo = '${conninfo}'`]);
    writeFileSync(join(c.dir, "standby.signal"), "");
  }

  async reload(id: string): Promise<void> {
    if (this.cluster(id).isUp()) await this.cluster(id).psql(["SELECT pg_reload_conf();"]);
  }

  async inRecovery(id: string): Promise<boolean | undefined> {
    const c = this.cluster(id);
    if (!c.isUp()) return undefined;
    const r = await c.psql(["SELECT pg_is_in_recovery();"]);
    return r.code === 0 ? r.out.trim() === "t" : undefined;
  }

  standbys(): string[] {
    return [...this.upstream.keys()].filter((id) => existsSync(join(this.cluster(id).dir, "standby.signal")));
  }

  /** Holds every standby: nothing reaches it until the step ends. */
  async holdAll(): Promise<void> {
    for (const id of this.standbys()) {
      this.configureStandby(id, true);
      await this.reload(id);
    }
    for (const id of this.standbys()) {
      const c = this.cluster(id);
      for (let i = 0; i < 100 && c.isUp(); i++) {
        const r = await c.psql(["SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming';"]);
        if (r.code !== 0 || r.out.trim() === "0") break;
        await sleep(50);
      }
    }
  }

  async releaseAll(): Promise<void> {
    for (const id of this.standbys()) {
      this.configureStandby(id, false);
      await this.reload(id);
    }
  }
}

/** Starts the run's stage: primaries initialised, streaming standbys cloned and started. */
async function setUp(stage: Stage): Promise<void> {
  const { env, scenario } = stage;
  const firstPrimary = scenario.roles.find((r) => r.kind === "primary")!.id;
  for (const role of scenario.roles) {
    if (role.kind !== "primary" && role.kind !== "standby") continue;
    stage.clusters.set(role.id, new Cluster(env, role.id, await freePort()));
    if (role.kind === "standby") stage.upstream.set(role.id, role.upstream ?? firstPrimary);
  }
  for (const role of scenario.roles.filter((r) => r.kind === "primary")) {
    const c = stage.cluster(role.id);
    const init = await run(env, "initdb", ["-D", c.dir, "-U", "replikit", "--auth=trust", "--wal-segsize=1", "-E", "UTF8", "--locale=C"]);
    if (init.code !== 0) throw new Error(`initdb failed for ${role.id}: ${init.err}`);
    writeFileSync(join(c.dir, "postgresql.conf"), "include_if_exists = 'replikit.conf'\n", { flag: "a" });
    c.writeSettings(stage.settingLines());
    await mustStart(c);
    // No standby is there yet to acknowledge a synchronous commit: the setup commits locally.
    const setup = await c.psql(["SET synchronous_commit = local;", "CREATE TABLE cards (n int PRIMARY KEY);", "CREATE TABLE victims (n int);", "CHECKPOINT;"]);
    if (setup.code !== 0) throw new Error(`setting up ${role.id}: ${setup.err}`);
  }
  for (const role of scenario.roles.filter((r) => r.kind === "standby" && r.starts === "streaming")) {
    await clone(stage, stage.upstream.get(role.id)!, role.id);
    stage.configureStandby(role.id, false);
    await mustStart(stage.cluster(role.id));
  }
}

async function mustStart(c: Cluster): Promise<void> {
  const r = await c.start();
  if (r.code !== 0) throw new Error(`${c.id} did not start: ${r.err || r.out}\n${c.logText().slice(-2000)}`);
}

async function clone(stage: Stage, from: string, to: string): Promise<void> {
  const target = stage.cluster(to);
  rmSync(target.dir, { recursive: true, force: true });
  ownedDir(stage.env, target.dir);
  const source = stage.cluster(from);
  const r = await run(stage.env, "pg_basebackup", [...source.connection(), "-D", target.dir, "-X", "stream", "-c", "fast"]);
  if (r.code !== 0) throw new Error(`pg_basebackup ${from} → ${to} failed: ${r.err}`);
  stage.upstream.set(to, from);
  stage.configureStandby(to, true);
}

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

async function perform(stage: Stage, action: Action): Promise<void> {
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

/** Reads what the real servers and clients show now. */
async function observe(stage: Stage): Promise<RealState> {
  const state: RealState = { servers: {}, clients: {} };
  for (const [id, c] of stage.clusters) {
    const exists = existsSync(join(c.dir, "PG_VERSION"));
    const up = exists && c.isUp();
    const server: RealState["servers"][string] = { exists, up, log: c.logText() };
    if (up) {
      const r = await c.psql([
        "SELECT pg_is_in_recovery(), (SELECT coalesce(string_agg(n::text, ',' ORDER BY n), '') FROM cards), " +
          "CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver WHERE status = 'streaming') " +
          "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END, " +
          "EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming');",
      ]);
      if (r.code === 0) {
        const [recovery, cards, timeline, streaming] = r.out.trim().split("|");
        server.inRecovery = recovery === "t";
        server.cards = cards ? cards.split(",").map(Number) : [];
        server.timeline = timeline ? Number(timeline) : undefined;
        server.streaming = streaming === "t";
      } else {
        server.up = false;
      }
    }
    state.servers[id] = server;
  }
  for (const role of stage.scenario.roles) {
    if (role.kind !== "writer" && role.kind !== "reader" && role.kind !== "application") continue;
    const c = stage.client(role.id);
    const holding = Boolean(c.holding && !c.holding.done);
    let read = c.read;
    if (c.holding?.done && /conflict with recovery/.test(c.holding.err)) read = "canceled";
    state.clients[role.id] = {
      waiting: Boolean(c.session && !c.session.done && c.waitingCard !== undefined),
      holding,
      read,
      said: c.said + (c.holding?.err ?? ""),
    };
  }
  return state;
}

/** Replays every run of a scenario; one verdict per step. */
export async function replay(scenario: Scenario, trace: Trace, env: PgEnv, onStep: (v: StepVerdict) => void): Promise<StepVerdict[]> {
  const verdicts: StepVerdict[] = [];
  for (const scenarioRun of scenario.runs) {
    const runRoot = ownedDir(env, join(env.root, `run-${scenarioRun.number}`));
    const runEnv: PgEnv = { ...env, root: runRoot };
    ownedDir(runEnv, join(runRoot, "data"));
    ownedDir(runEnv, join(runRoot, "logs"));
    ownedDir(runEnv, join(runRoot, "sock"));
    ownedDir(runEnv, join(runRoot, "archive"));
    const stage = new Stage(runEnv, scenario, scenarioRun.settings);
    try {
      await setUp(stage);
      for (const step of scenarioRun.steps) {
        const traced = trace.steps.find((s) => s.number === step.number)!;
        verdicts.push(await replayStep(stage, step.actions, traced, onStep));
      }
    } finally {
      for (const c of stage.clients.values()) {
        c.session?.end();
        c.holding?.end();
      }
      for (const c of stage.clusters.values()) if (c.isUp()) await c.stop("immediate");
    }
  }
  return verdicts;
}

async function replayStep(stage: Stage, actions: Action[], traced: TraceStep, onStep: (v: StepVerdict) => void): Promise<StepVerdict> {
  for (const c of stage.clients.values()) {
    c.said = "";
    c.read = undefined;
  }
  await stage.holdAll();
  for (const action of actions) await perform(stage, action);
  await stage.releaseAll();
  let found: string[] = [];
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  do {
    await sleep(100);
    found = differences(traced.after, traced.events, await observe(stage));
  } while (found.length > 0 && Date.now() < deadline);
  const verdict = { step: traced.number, title: traced.title, agree: found.length === 0, differences: found };
  onStep(verdict);
  return verdict;
}
