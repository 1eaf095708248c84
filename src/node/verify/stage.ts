/**
 * The real stage of one run: a cluster per server role, their settings, and a TCP relay on every
 * link verify opens (a standby to its upstream, a client to a server). A cut freezes the link's
 * relays, as a network partition does; a heal thaws them. While a step's actions run every
 * replication link is held — frozen too, so that, as in the model, nothing flows within a step —
 * and the replication timeouts are off, so that a hold never ends a connection; at the step's end
 * the links are thawed (unless cut) and the timeouts come back, scaled like every second.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { standbySlot, type Role, type Scenario, type Settings } from "../../scenario/model.js";
import { syncName, syncNamesText } from "../../sim/syncrep.js";
import type { RealState } from "./compare.js";
import { Cluster, freePort, run, type PgEnv, type Session } from "./pg.js";
import { Relay } from "./relay.js";

/** One scenario second is this many real milliseconds (every duration setting is scaled alike). */
export const MS_PER_SECOND = 100;
/** PostgreSQL's defaults for wal_receiver_timeout and wal_sender_timeout, in seconds. */
export const REPLICATION_TIMEOUT_SECONDS = 60;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sleep that ends early when `signal` aborts (the time limit). */
export function sleepUnless(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface ClientState {
  session?: Session;
  /** What this client's statements printed on stderr in the current step. */
  said: string;
  read?: RealState["clients"][string]["read"];
  waitingCard?: number;
  holding?: Session;
}

/** A relay and the path it carries: [standby, upstream] for replication, [client, (proxy,) server] for a client. */
interface Link {
  path: string[];
  relay: Relay;
  replication: boolean;
  /** The target's postmaster pid when the link froze: if it went down or restarted since, its old connections are gone. */
  frozenWith?: number;
}

export class Stage {
  readonly clusters = new Map<string, Cluster>();
  readonly clients = new Map<string, ClientState>();
  /** What a tool run on a server's data folder (pg_rewind) printed in the current step, by server. */
  readonly toolSaid = new Map<string, string>();
  readonly cut = new Set<string>();
  /** Each standby's upstream, as the scenario set it. */
  readonly upstream = new Map<string, string>();
  readonly links = new Map<string, Link>();
  /** True while a step's actions run: replication links are frozen. */
  held = false;
  /** Replication links let through during a hold (a clone's pg_basebackup, a primary's clean stop). */
  readonly letThrough = new Set<string>();
  /** Disagreements an action found on its own (a failover that would choose differently). */
  notes: string[] = [];
  /** The command lines run in the current step, holes filled in. */
  ran: string[] = [];

  constructor(
    readonly env: PgEnv,
    readonly scenario: Scenario,
    readonly settings: Settings,
    /** Aborts when the time limit is reached: a scenario's wait ends early. */
    readonly signal?: AbortSignal,
  ) {}

  role = (id: string): Role => this.scenario.roles.find((r) => r.id === id)!;
  cluster = (id: string): Cluster => this.clusters.get(id)!;
  client = (id: string): ClientState => {
    let c = this.clients.get(id);
    if (!c) this.clients.set(id, (c = { said: "" }));
    return c;
  };
  linked = (a: string, b: string) => !this.cut.has([a, b].sort().join("|"));

  /** The relay carrying a path, made (and opened) the first time it is asked for. */
  async relay(path: string[]): Promise<Relay> {
    const key = path.join(">");
    let link = this.links.get(key);
    if (!link) {
      const target = this.cluster(path[path.length - 1]!);
      const replication = path.length === 2 && this.clusters.has(path[0]!);
      link = { path, relay: new Relay(target.port, await freePort()), replication };
      this.links.set(key, link);
      await this.refreshLink(link);
    }
    return link.relay;
  }

  /** Frozen when a link of its path is cut, or held; listening while its server runs. */
  private async refreshLink(link: Link): Promise<void> {
    const key = link.path.join(">");
    let cut = false;
    for (let i = 0; i + 1 < link.path.length; i++) if (!this.linked(link.path[i]!, link.path[i + 1]!)) cut = true;
    const held = link.replication && this.held && !this.letThrough.has(key);
    const target = this.cluster(link.path[link.path.length - 1]!);
    if (cut || held) {
      if (!link.relay.frozen) link.frozenWith = target.pid();
      link.relay.freeze();
    } else if (link.relay.frozen) {
      link.relay.thaw(link.frozenWith !== target.pid());
    }
    if (target.running()) await link.relay.open();
    else await link.relay.close();
  }

  async refresh(): Promise<void> {
    for (const link of this.links.values()) await this.refreshLink(link);
  }

  /** Lets one standby's replication link through during the hold (or holds it again). */
  async letThroughLink(standby: string, upstream: string, through: boolean): Promise<void> {
    const key = `${standby}>${upstream}`;
    if (through) this.letThrough.add(key);
    else this.letThrough.delete(key);
    await this.refresh();
  }

  /** Standbys whose replication link to `upstream` is open and whose upstream it is now. */
  downstreamOf(upstream: string): string[] {
    return [...this.upstream.entries()]
      .filter(([s, u]) => u === upstream && this.linked(s, u) && this.cluster(s).running())
      .map(([s]) => s);
  }

  /**
   * The replication timeouts matter only behind a cut link (a crash or a stop closes the
   * connection): they are on, scaled, for a server at either end of a cut replication link, and off
   * elsewhere, so that a link merely held during a step is never ended by a timeout, however long
   * the step's actions take.
   */
  timeoutsOn(id: string): boolean {
    for (const [standby, upstream] of this.upstream)
      if ((standby === id || upstream === id) && !this.linked(standby, upstream)) return true;
    return false;
  }

  settingLines(timeoutsOn: boolean): string[] {
    const s = this.settings;
    const archive = join(this.env.root, "archive");
    const seconds = (n: number) => (n < 0 ? "-1" : `${Math.round(n * MS_PER_SECOND)}ms`);
    const timeout = timeoutsOn ? seconds(REPLICATION_TIMEOUT_SECONDS) : "0";
    return [
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${join(this.env.root, "sock")}'`,
      "wal_level = replica",
      "max_wal_senders = 10",
      "max_replication_slots = 10",
      "hot_standby = on",
      "autovacuum = off",
      "fsync = off",
      "checkpoint_timeout = '1h'",
      "max_wal_size = '1GB'",
      // PostgreSQL's 5 s retry, scaled.
      `wal_retrieve_retry_interval = '${seconds(5)}'`,
      `wal_receiver_timeout = '${timeout}'`,
      `wal_sender_timeout = '${timeout}'`,
      `wal_keep_size = '${s.wal_keep_size}MB'`,
      `synchronous_commit = '${s.synchronous_commit}'`,
      `synchronous_standby_names = '${syncNamesText(s, syncName)}'`,
      `max_standby_streaming_delay = '${seconds(s.max_standby_streaming_delay)}'`,
      `hot_standby_feedback = ${s.hot_standby_feedback ? "on" : "off"}`,
      // One card is one segment: 1 MB on verify's clusters (initdb --wal-segsize=1), as wal_keep_size.
      ...(s.max_slot_wal_keep_size !== undefined
        ? [`max_slot_wal_keep_size = '${s.max_slot_wal_keep_size < 0 ? -1 : `${s.max_slot_wal_keep_size}MB`}'`]
        : []),
      `wal_log_hints = ${s.wal_log_hints ? "on" : "off"}`,
      ...(s.archive
        ? [
            "archive_mode = on",
            `archive_command = 'cp %p ${archive}/%f'`,
            // Not emptied while held: a standby starting up reads the archive first, and only then
            // streams; with the stream held it would go straight to streaming once thawed.
            `restore_command = 'cp ${archive}/%f %p'`,
          ]
        : []),
    ];
  }

  /** Writes a cluster's settings; a running one reloads them (a SIGHUP to the postmaster) when they changed. */
  configure(id: string): void {
    const c = this.cluster(id);
    if (!existsSync(join(c.dir, "PG_VERSION"))) return;
    // A server's own settings (its role's settings:), after the run's.
    const role = this.scenario.roles.find((r) => r.id === id);
    const delay = role?.applyDelay ?? 0;
    const own = delay > 0 ? [`recovery_min_apply_delay = '${delay * MS_PER_SECOND}ms'`] : [];
    if (role?.hotStandbyFeedback !== undefined)
      own.push(`hot_standby_feedback = ${role.hotStandbyFeedback ? "on" : "off"}`);
    const lines = [...this.settingLines(this.timeoutsOn(id)), ...own];
    if (c.writeSettings(lines)) c.reloadSignal();
  }

  configureAll(): void {
    for (const id of this.clusters.keys()) this.configure(id);
  }

  /** Holds every replication link: nothing reaches a standby until the step ends. */
  async holdAll(): Promise<void> {
    this.held = true;
    this.letThrough.clear();
    await this.refresh();
  }

  async releaseAll(): Promise<void> {
    this.held = false;
    this.letThrough.clear();
    await this.refresh();
  }

  async inRecovery(id: string): Promise<boolean | undefined> {
    const c = this.cluster(id);
    if (!c.running()) return undefined;
    const r = await c.psql(["SELECT pg_is_in_recovery();"]);
    return r.code === 0 ? r.out.trim() === "t" : undefined;
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) await link.relay.destroy();
    this.links.clear();
  }
}

/** Starts the run's stage: primaries initialised, streaming standbys cloned (through their relays) and started. */
export async function setUp(stage: Stage): Promise<void> {
  const { env, scenario } = stage;
  const firstPrimary = scenario.roles.find((r) => r.kind === "primary")!.id;
  for (const role of scenario.roles) {
    if (role.kind !== "primary" && role.kind !== "standby") continue;
    stage.clusters.set(role.id, new Cluster(env, role.id, await freePort()));
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
      ...(stage.settings.data_checksums ? ["--data-checksums"] : []),
    ]);
    if (init.code !== 0) throw new Error(`initdb failed for ${role.id}: ${init.err}`);
    c.includeSettings();
    stage.configure(role.id);
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
    const from = role.upstream ?? firstPrimary;
    const c = stage.cluster(role.id);
    const relay = await stage.relay([role.id, from]);
    const name = standbySlot(stage.settings, role);
    const slot = name !== undefined ? ["-C", "-S", name] : [];
    const r = await run(env, "pg_basebackup", [
      "-d",
      `host=127.0.0.1 port=${relay.port} user=replikit application_name=${role.id}`,
      "-D",
      c.dir,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
      ...slot,
    ]);
    if (r.code !== 0) throw new Error(`pg_basebackup ${from} → ${role.id} failed: ${r.err}`);
    stage.upstream.set(role.id, from);
    stage.configure(role.id);
    await mustStart(c);
  }
  await stage.refresh();
}

async function mustStart(c: Cluster): Promise<void> {
  const r = await c.start();
  if (r.code !== 0) throw new Error(`${c.id} did not start: ${r.err || r.out}\n${c.logText().slice(-2000)}`);
}
