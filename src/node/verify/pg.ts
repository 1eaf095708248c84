/**
 * Real PostgreSQL clusters for `replikit verify`: found binaries, one cluster per server role on a
 * free 127.0.0.1 port inside one temporary folder, run as an unprivileged user when we are root.
 * Every server started here is stopped here, by its own data folder, and nothing else is touched.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export interface PgEnv {
  bin: string;
  /** The folder holding every cluster, the archive and the logs. */
  root: string;
  /** The unprivileged account servers run as, when replikit runs as root. */
  user?: { uid: number; gid: number; name: string };
}

/** PostgreSQL's server binaries: --pg-bin, else pg_config --bindir, else the newest /usr/lib/postgresql/N/bin. */
export function findBinaries(given?: string): string | undefined {
  const has = (dir: string) =>
    existsSync(join(dir, "pg_ctl")) && existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_basebackup"));
  if (given) return has(given) ? given : undefined;
  const config = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (config.status === 0 && has(config.stdout.trim())) return config.stdout.trim();
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => join(base, v, "bin")).find(has);
}

/** The account to run servers as: PostgreSQL refuses to run as root. */
export function serverUser(): PgEnv["user"] {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const r = spawnSync("id", ["-u", name], { encoding: "utf8" });
    const g = spawnSync("id", ["-g", name], { encoding: "utf8" });
    if (r.status === 0 && g.status === 0) return { uid: Number(r.stdout), gid: Number(g.stdout), name };
  }
  throw new Error(
    "replikit verify runs as root, and neither a postgres nor a nobody account exists to run the servers as",
  );
}

/** Binds a port on 127.0.0.1 and lets it go: the port it got (0: any), or undefined if it is taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const { port: got } = server.address() as { port: number };
      server.close(() => resolve(got));
    });
  });
}

/** The first port the kernel hands out for outgoing connections (Linux; 32768 elsewhere). */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 1024 ? low : 32768;
  } catch {
    return 32768;
  }
}

/** Ports this process has handed out: a server or relay keeps its port even while it is down. */
const handedOut = new Set<number>();

/**
 * A port for a server or a relay, free now. Taken below the kernel's range for outgoing connections:
 * a port from that range can be taken, between this check and the server's start, by any of the
 * connections verify itself makes (psql, relays, walreceivers), which failed a start with "could
 * not bind … Address already in use".
 */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  const low = Math.max(1025, high - 12000);
  for (let tries = 0; tries < 200 && high > low; tries++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    if ((await tryPort(port)) !== undefined) {
      handedOut.add(port);
      return port;
    }
  }
  const port = await tryPort(0);
  if (port === undefined) throw new Error("no free port on 127.0.0.1");
  handedOut.add(port);
  return port;
}

export function ownedDir(env: PgEnv, path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  if (env.user) chownSync(path, env.user.uid, env.user.gid);
  return path;
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** libpq's connect_timeout for every client verify runs: behind a cut link a client gives up after it. */
export const CONNECT_TIMEOUT_SECONDS = 3;

/** Runs a PostgreSQL program to completion, as the server account, with a time limit. */
export function run(env: PgEnv, program: string, args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawnAs(env, program, args);
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** A PostgreSQL program from env.bin, or any other program (rm, touch, sh) from PATH, as the server account. */
export function spawnAs(env: PgEnv, program: string, args: string[]): ChildProcess {
  const path = program.includes("/") || !existsSync(join(env.bin, program)) ? program : join(env.bin, program);
  return spawn(path, args, {
    uid: env.user?.uid,
    gid: env.user?.gid,
    cwd: env.root,
    env: {
      PATH: `${env.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      LANG: "C",
      LC_ALL: "C",
      HOME: env.root,
      PGCONNECT_TIMEOUT: String(CONNECT_TIMEOUT_SECONDS),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Every cluster started by this process, so that all are stopped whatever happens. */
const started = new Set<Cluster>();
let stopOnExit = false;

/** Stops every server this process started (immediate), by its own data folder; synchronous for exit paths. */
export function stopAllServers(): void {
  for (const c of started) {
    if (existsSync(join(c.dir, "postmaster.pid"))) {
      spawnSync(join(c.env.bin, "pg_ctl"), ["stop", "-m", "immediate", "-w", "-D", c.dir], {
        uid: c.env.user?.uid,
        gid: c.env.user?.gid,
        cwd: c.env.root,
        stdio: "ignore",
      });
    }
  }
  started.clear();
}

/** One server role's cluster. */
export class Cluster {
  readonly dir: string;
  readonly log: string;
  constructor(
    readonly env: PgEnv,
    readonly id: string,
    readonly port: number,
  ) {
    this.dir = join(env.root, "data", id);
    // Where the script's `pg_ctl start -D data/ID -l data/ID.log` puts it.
    this.log = `${this.dir}.log`;
  }

  /** Every server started here is stopped however the process ends. */
  markStarted(): void {
    started.add(this);
    // pg_ctl's servers outlive us: however this process ends (short of SIGKILL), stop them.
    if (!stopOnExit) {
      stopOnExit = true;
      process.once("exit", stopAllServers);
    }
  }

  /** The postmaster's pid, while it runs. */
  pid(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(join(this.dir, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    try {
      process.kill(pid, 0);
      return pid;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : undefined;
    }
  }

  /** Cheaper than isUp (no pg_ctl): a postmaster.pid whose process lives. */
  running(): boolean {
    return this.pid() !== undefined;
  }

  /** pg_reload_conf() without a connection: SIGHUP to the postmaster. */
  reloadSignal(): void {
    const pid = this.pid();
    if (pid !== undefined) process.kill(pid, "SIGHUP");
  }

  /** postgresql.conf includes our settings file (after a clone it already does: the primary's was copied). */
  includeSettings(): void {
    const conf = join(this.dir, "postgresql.conf");
    if (!readFileSync(conf, "utf8").includes("include_if_exists = 'replikit.conf'"))
      writeFileSync(conf, "include_if_exists = 'replikit.conf'\n", { flag: "a" });
  }

  /** Connection options for psql and pg_basebackup. */
  connection(): string[] {
    return ["-h", "127.0.0.1", "-p", String(this.port), "-U", "replikit"];
  }

  conninfo(application: string): string {
    return `host=127.0.0.1 port=${this.port} user=replikit application_name=${application}`;
  }

  /** Our settings for this cluster, in a file of its own that postgresql.conf includes; true when they changed. */
  writeSettings(lines: string[]): boolean {
    const path = join(this.dir, "replikit.conf");
    const text = [`port = ${this.port}`, ...lines].join("\n") + "\n";
    if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
    writeFileSync(path, text);
    if (this.env.user) chownSync(path, this.env.user.uid, this.env.user.gid);
    return true;
  }

  readSettings(): string[] {
    return readFileSync(join(this.dir, "replikit.conf"), "utf8").trim().split("\n").slice(1);
  }

  async start(): Promise<Run> {
    this.markStarted();
    return run(this.env, "pg_ctl", ["start", "-w", "-t", "30", "-D", this.dir, "-l", this.log]);
  }

  async stop(mode: "fast" | "immediate"): Promise<Run> {
    return run(this.env, "pg_ctl", ["stop", "-w", "-t", "30", "-m", mode, "-D", this.dir]);
  }

  isUp(): boolean {
    if (!existsSync(join(this.dir, "postmaster.pid"))) return false;
    return (
      spawnSync(join(this.env.bin, "pg_ctl"), ["status", "-D", this.dir], {
        uid: this.env.user?.uid,
        gid: this.env.user?.gid,
        cwd: this.env.root,
      }).status === 0
    );
  }

  /** Runs SQL statements, each in its own transaction (psql -c each); returns the last one's rows. */
  async psql(statements: string[], timeoutMs = 20_000): Promise<Run> {
    const args = ["-X", "-A", "-t", "-q", ...this.connection(), "-d", "postgres", "-v", "ON_ERROR_STOP=1"];
    for (const s of statements) args.push("-c", s);
    return run(this.env, "psql", args, timeoutMs);
  }

  /** A psql session that keeps running: a waiting commit, or a reader holding its snapshot. */
  session(statements: string[]): Session {
    const args = ["-X", "-A", "-t", "-q", ...this.connection(), "-d", "postgres"];
    for (const s of statements) args.push("-c", s);
    return new Session(spawnAs(this.env, "psql", args));
  }

  logText(): string {
    try {
      return readFileSync(this.log, "utf8");
    } catch {
      return "";
    }
  }
}

export class Session {
  out = "";
  err = "";
  /** How much of err was already looked at, in an earlier step. */
  seen?: number;
  done = false;
  code: number | null = null;
  constructor(readonly child: ChildProcess) {
    child.stdout!.on("data", (d: Buffer) => (this.out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (this.err += d.toString()));
    child.on("close", (code) => {
      this.done = true;
      this.code = code;
    });
  }

  /** Ctrl-C: psql sends a cancel request for the running statement. */
  cancel(): void {
    this.child.kill("SIGINT");
  }

  end(): void {
    this.child.kill("SIGTERM");
  }

  async finished(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.done && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.done;
  }
}
