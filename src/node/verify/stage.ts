/**
 * The real stage of one run: a cluster per server role, their settings, and the hold that keeps
 * WAL from flowing while a step's actions run (a standby's primary_conninfo pointed at a closed
 * port), as in the model.
 */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Role, Scenario, Settings } from "../../scenario/model.js";
import { syncName, syncNamesText } from "../../sim/syncrep.js";
import type { RealState } from "./compare.js";
import { Cluster, freePort, ownedDir, run, type PgEnv, type Session } from "./pg.js";

/** One scenario second is this many real milliseconds (max_standby_streaming_delay is scaled alike). */
export const MS_PER_SECOND = 100;
const DEAD_PORT = 1;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClientState {
  session?: Session;
  /** What this client's statements printed on stderr in the current step. */
  said: string;
  read?: RealState["clients"][string]["read"];
  waitingCard?: number;
  /** The last card this client wrote (what "own-last-write" asks for). */
  lastCard?: number;
  holding?: Session;
}

export class Stage {
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
      `synchronous_standby_names = '${syncNamesText(s, syncName)}'`,
      `max_standby_streaming_delay = '${s.max_standby_streaming_delay < 0 ? -1 : s.max_standby_streaming_delay * MS_PER_SECOND}'`,
      `hot_standby_feedback = ${s.hot_standby_feedback ? "on" : "off"}`,
      ...(s.archive
        ? ["archive_mode = on", `archive_command = 'cp %p ${archive}/%f'`, `restore_command = 'cp ${archive}/%f %p'`]
        : []),
    ];
  }

  /** Writes a standby's settings: held, its conninfo points nowhere; released, at its upstream. */
  configureStandby(id: string, held: boolean): void {
    const c = this.cluster(id);
    const up = this.upstream.get(id);
    const target = up && !held && this.linked(id, up) ? this.cluster(up) : undefined;
    const conninfo = target
      ? target.conninfo(id)
      : `host=127.0.0.1 port=${DEAD_PORT} user=replikit application_name=${id}`;
    // A standby that cannot stream turns to its restore_command: held, it must not reach the archive either.
    const restore = held ? ["restore_command = ''"] : [];
    c.writeSettings([...this.settingLines(), ...restore, `primary_conninfo = '${conninfo}'`]);
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
export async function setUp(stage: Stage): Promise<void> {
  const { env, scenario } = stage;
  const firstPrimary = scenario.roles.find((r) => r.kind === "primary")!.id;
  for (const role of scenario.roles) {
    if (role.kind !== "primary" && role.kind !== "standby") continue;
    stage.clusters.set(role.id, new Cluster(env, role.id, await freePort()));
    if (role.kind === "standby") stage.upstream.set(role.id, role.upstream ?? firstPrimary);
  }
  for (const role of scenario.roles.filter((r) => r.kind === "primary")) {
    const c = stage.cluster(role.id);
    const init = await run(env, "initdb", [
      "-D",
      c.dir,
      "-U",
      "replikit",
      "--auth=trust",
      "--wal-segsize=1",
      "-E",
      "UTF8",
      "--locale=C",
    ]);
    if (init.code !== 0) throw new Error(`initdb failed for ${role.id}: ${init.err}`);
    writeFileSync(join(c.dir, "postgresql.conf"), "include_if_exists = 'replikit.conf'\n", { flag: "a" });
    c.writeSettings(stage.settingLines());
    await mustStart(c);
    // No standby is there yet to acknowledge a synchronous commit: the setup commits locally.
    const setup = await c.psql([
      "SET synchronous_commit = local;",
      "CREATE TABLE cards (n int PRIMARY KEY);",
      "CREATE TABLE victims (n int);",
      "CHECKPOINT;",
    ]);
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

export async function clone(stage: Stage, from: string, to: string): Promise<void> {
  const target = stage.cluster(to);
  rmSync(target.dir, { recursive: true, force: true });
  ownedDir(stage.env, target.dir);
  const source = stage.cluster(from);
  const r = await run(stage.env, "pg_basebackup", [
    ...source.connection(),
    "-D",
    target.dir,
    "-X",
    "stream",
    "-c",
    "fast",
  ]);
  if (r.code !== 0) throw new Error(`pg_basebackup ${from} → ${to} failed: ${r.err}`);
  stage.upstream.set(to, from);
  stage.configureStandby(to, true);
}
