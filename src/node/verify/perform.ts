/**
 * Each scenario action as the real PostgreSQL operation: verify runs the very command lines the
 * simulator emitted for it (the ones the script prints), with the holes filled in — a host becomes
 * `-h 127.0.0.1 -p PORT` (a client's through the relay of its link), a data folder its real path, a
 * standby's conninfo the relay of its replication link. One table entry per action word says what
 * else the real stage needs around those lines (a session left waiting, a read's result, a link
 * let through for a clone).
 */
import { appendFileSync } from "node:fs";
import { resolveSlot } from "../../scenario/model.js";
import type { Action, ActionArgs, ActionName } from "../../scenario/schema.js";
import { quote, type Command, type Hole } from "../../sim/commands.js";
import { run, Session, spawnAs, type Run } from "./pg.js";
import { MS_PER_SECOND, sleep, sleepUnless, type Stage } from "./stage.js";

/** Who a command's connections come from: a client (maybe through a proxy), or a standby being cloned. */
interface From {
  client?: string;
  via?: string;
  /** A clone: pg_basebackup connects on the standby's replication link, and -R writes that conninfo. */
  clone?: string;
}

/** A shell line split into words as sh would (bare words, "double" and 'single' quotes). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === " " || ch === "\t") {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`internal: unbalanced ${ch} in ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A command line with its holes filled in for the real stage. */
export async function fill(stage: Stage, line: (string | Hole)[], from: From): Promise<string> {
  const parts: string[] = [];
  for (const part of line) {
    if (typeof part === "string") parts.push(part);
    else if ("dir" in part) parts.push(quote(stage.cluster(part.dir).dir));
    else if ("conninfo" in part) {
      const { upstream, standby } = part.conninfo;
      const relay = await stage.relay([standby, upstream]);
      parts.push(`host=127.0.0.1 port=${relay.port} user=replikit application_name=${standby}`);
    } else if (from.clone) {
      const relay = await stage.relay([from.clone, part.host]);
      parts.push(`-d "host=127.0.0.1 port=${relay.port} user=replikit application_name=${from.clone}"`);
    } else {
      // An operator works on the server itself; a client comes over its link (and its proxy's).
      const port = from.client
        ? (await stage.relay([from.client, ...(from.via ? [from.via] : []), part.host])).port
        : stage.cluster(part.host).port;
      parts.push(`-h 127.0.0.1 -p ${port} -U replikit -d postgres`);
    }
  }
  return parts.join("");
}

/** Runs one filled shell line to its end. `echo … >> FILE` appends as the shell would. */
async function shell(stage: Stage, line: string): Promise<Run> {
  const words = shellWords(line);
  if (words.length === 4 && words[0] === "echo" && words[2] === ">>") {
    appendFileSync(words[3]!, words[1]! + "\n");
    return { code: 0, out: "", err: "" };
  }
  return run(stage.env, words[0]!, words.slice(1), 90_000);
}

/** A command the trace has for this action, run; what it printed comes back. */
async function execute(stage: Stage, command: Command, from: From = {}): Promise<Run | undefined> {
  switch (command.kind) {
    case "shell": {
      const line = await fill(stage, command.line, from);
      stage.ran.push(`$ ${line}`);
      if (/^pg_ctl start /.test(line))
        for (const c of stage.clusters.values()) if (line.includes(c.dir)) c.markStarted();
      const r = await shell(stage, line);
      await stage.refresh();
      return r;
    }
    case "interrupt": {
      const c = stage.client(command.client);
      const session = c.holding && !c.holding.done ? c.holding : c.session;
      stage.ran.push(`Ctrl-C  # SIGINT to ${command.client}'s psql${session ? ` (pid ${session.child.pid})` : ""}`);
      session?.cancel();
      return undefined;
    }
    case "network": {
      const key = [...command.between].sort().join("|");
      if (command.cut) stage.cut.add(key);
      else stage.cut.delete(key);
      stage.configureAll();
      await stage.refresh();
      const relays = [...stage.links.values()]
        .filter((l) => l.path.some((p, i) => i > 0 && [p, l.path[i - 1]].sort().join("|") === key))
        .map((l) => `${l.path.join(" → ")} :${l.relay.port}`);
      stage.ran.push(
        `# ${command.cut ? "freeze" : "thaw"} the relays between ${command.between.join(" and ")}${relays.length ? `: ${relays.join(", ")}` : ""}`,
      );
      return undefined;
    }
    case "sleep":
      stage.ran.push(`$ sleep ${(command.seconds * MS_PER_SECOND) / 1000}`);
      await sleepUnless(command.seconds * MS_PER_SECOND, stage.signal);
      return undefined;
  }
}

/** A client's psql left running: a commit that may wait for its ack, a query held open. */
async function session(stage: Stage, command: Command & { kind: "shell" }, from: From): Promise<Session> {
  const line = await fill(stage, command.line, from);
  stage.ran.push(`$ ${line}`);
  const words = shellWords(line);
  return new Session(spawnAs(stage.env, words[0]!, words.slice(1)));
}

/** A command line's literal text, holes left out: enough to see which statement it runs. */
function literal(command: Command): string {
  return command.kind === "shell" ? command.line.filter((p): p is string => typeof p === "string").join("") : "";
}

/** The server a command line's first host hole names. */
function hostOf(command: Command): string | undefined {
  if (command.kind !== "shell") return undefined;
  for (const p of command.line) if (typeof p !== "string" && "host" in p) return p.host;
  return undefined;
}

type Replay<K extends ActionName> = (stage: Stage, args: ActionArgs<K>, commands: Command[]) => Promise<void>;

/** The default: each of the action's commands in turn. */
async function runAll(stage: Stage, commands: Command[], from: From = {}): Promise<void> {
  for (const command of commands) await execute(stage, command, from);
}

/** Each command in turn; a shell line runs as a client's psql session, handed to `withSession`. */
async function eachSession(
  stage: Stage,
  commands: Command[],
  from: From,
  withSession: (s: Session, command: Command & { kind: "shell" }) => Promise<void>,
): Promise<void> {
  for (const command of commands) {
    if (command.kind === "shell") await withSession(await session(stage, command, from), command);
    else await execute(stage, command, from);
  }
}

const write: Replay<"write"> = async (stage, args, commands) => {
  const c = stage.client(args.by);
  await eachSession(stage, commands, { client: args.by, via: args.via }, async (s, command) => {
    c.session = s;
    // A synchronous commit may wait for its standby: give it a moment, then leave it waiting.
    const done = await s.finished(command.session === "waits" ? 1500 : 20_000);
    c.said += s.err;
    if (!done) c.waitingCard = Number(/VALUES \((\d+)\)/.exec(literal(command))?.[1]);
    await stage.refresh();
  });
};

/** A DELETE or an UPDATE runs in its client's psql as a write does: under synchronous commit it may wait for its ack. */
const statement = async (stage: Stage, args: { by: string; via?: string }, commands: Command[]): Promise<void> => {
  const c = stage.client(args.by);
  await eachSession(stage, commands, { client: args.by, via: args.via }, async (s, command) => {
    c.session = s;
    const done = await s.finished(command.session === "waits" ? 1500 : 20_000);
    c.said += s.err;
    // Which record waits does not matter to the comparison, only that one does.
    if (!done) c.waitingCard = 0;
    await stage.refresh();
  });
};

const read: Replay<"read"> = async (stage, args, commands) => {
  const c = stage.client(args.by);
  await eachSession(stage, commands, { client: args.by, via: args.via }, async (s, command) => {
    if (command.session === "holds") {
      for (let i = 0; i < 400 && !s.done && !/\d/.test(s.out); i++) await sleep(20);
      c.holding = s;
      c.read = s.done && s.code !== 0 ? "error" : "found";
      return;
    }
    await s.finished(20_000);
    c.said += s.err;
    const wanted = /WHERE n = (\d+)/.exec(literal(command))?.[1];
    const rows = s.out.split("\n").filter((l) => /^\s*\d+\s*$/.test(l));
    c.read =
      s.code !== 0 || /ERROR|FATAL|error:/.test(s.err)
        ? "error"
        : wanted === undefined || rows.some((r) => r.trim() === wanted)
          ? "found"
          : "stale";
  });
};

/** A clean shutdown of a primary sends its standbys what they lack first: their links are let through for it. */
const stop: Replay<"stop"> = async (stage, id, commands) => {
  const c = stage.cluster(id);
  const primary = (await stage.inRecovery(id)) === false;
  const downstream = primary ? stage.downstreamOf(id) : [];
  if (primary) {
    for (const s of downstream) await stage.letThroughLink(s, id, true);
    const lsn = (await c.psql(["SELECT pg_current_wal_lsn();"])).out.trim();
    for (const s of downstream) {
      for (let i = 0; i < 200; i++) {
        const r = await stage.cluster(s).psql([`SELECT pg_last_wal_receive_lsn() >= '${lsn}'::pg_lsn;`]);
        if (r.out.trim() === "t") break;
        await sleep(25);
      }
    }
  }
  await runAll(stage, commands);
  for (const s of downstream) await stage.letThroughLink(s, id, false);
};

/** pg_basebackup comes over the standby's own link (its conninfo, which -R writes, names that relay). */
const clone: Replay<"clone"> = async (stage, { from, to }, commands) => {
  await stage.letThroughLink(to, from, true);
  for (const command of commands) {
    const isBackup = command.kind === "shell" && command.line[0] === "pg_basebackup ";
    const r = await execute(stage, command, isBackup ? { clone: to } : {});
    if (isBackup && r?.code !== 0) throw new Error(`pg_basebackup ${from} → ${to} failed: ${r?.err}`);
    if (isBackup) {
      stage.upstream.set(to, from);
      stage.cluster(to).includeSettings();
      stage.configure(to);
    }
  }
  await stage.letThroughLink(to, from, false);
};

/**
 * pg_rewind connects over the target's own replication link (its conninfo, which -R writes, names
 * that relay). What it prints is compared with the trace's messages. Rewound, the target has the
 * source's configuration files: our settings file is written again for it (its own port).
 */
const rewind: Replay<"rewind"> = async (stage, { from, to }, commands) => {
  // The model's promotion checkpoints at once; PostgreSQL's takes a moment, and until it is done
  // pg_rewind 15 reads the source's old timeline from pg_control. Wait for it, as the model assumes.
  const source = stage.cluster(from);
  for (let i = 0; i < 200; i++) {
    const r = await source.psql([
      "SELECT pg_is_in_recovery() OR (SELECT timeline_id FROM pg_control_checkpoint()) = " +
        "('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int;",
    ]);
    if (r.code !== 0 || r.out.trim() === "t") break;
    await sleep(50);
  }
  await stage.letThroughLink(to, from, true);
  for (const command of commands) {
    const isRewind = command.kind === "shell" && command.line[0] === "pg_rewind --target-pgdata=";
    const r = await execute(stage, command);
    if (!isRewind || !r) continue;
    stage.toolSaid.set(to, (stage.toolSaid.get(to) ?? "") + r.out + r.err);
    if (r.code === 0) {
      stage.upstream.set(to, from);
      stage.cluster(to).includeSettings();
      stage.configure(to);
    }
  }
  await stage.letThroughLink(to, from, false);
};

const follow: Replay<"follow"> = async (stage, { server, upstream }, commands) => {
  stage.upstream.set(server, upstream);
  stage.configureAll();
  await runAll(stage, commands);
};

/**
 * The trace's failover reads each candidate's positions, promotes the one it found furthest and
 * re-points the others: PostgreSQL's positions must point at the same candidate.
 */
const failover: Replay<"failover"> = async (stage, { candidates }, commands) => {
  const reach = new Map<string, bigint>();
  const promoted = hostOf(commands.find((c) => literal(c).includes("pg_promote")) ?? commands[0]!);
  for (const command of commands) {
    const host = hostOf(command);
    if (host && literal(command).includes("pg_promote") && reach.size > 1) {
      const best = [...reach].reduce((a, b) => (b[1] > a[1] ? b : a));
      if (best[0] !== host)
        stage.notes.push(`failover: trace promotes ${host}, PostgreSQL's positions favour ${best[0]}`);
    }
    const r = await execute(stage, command);
    if (host && literal(command).includes("pg_last_wal_receive_lsn")) reach.set(host, furthest(r?.out ?? ""));
  }
  for (const id of candidates) {
    if (id === promoted || !promoted) continue;
    stage.upstream.set(id, promoted);
  }
  if (promoted) stage.upstream.delete(promoted);
  stage.configureAll();
};

/** The greater of the LSNs psql printed (received, replayed), as a number of bytes. */
export function furthest(output: string): bigint {
  let best = 0n;
  for (const [, hi, lo] of output.matchAll(/([0-9A-F]+)\/([0-9A-F]+)/g)) {
    const n = (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
    if (n > best) best = n;
  }
  return best;
}

/** How verify replays each action word. Adding a word to the language makes the compiler ask for it here. */
const REPLAY: { [K in ActionName]: Replay<K> } = {
  write,
  delete: statement,
  update: statement,
  read,
  // Ctrl-C, as a reader would: psql sends a cancel request and ends.
  release: async (stage, id, commands) => {
    const c = stage.client(id);
    await runAll(stage, commands);
    if (!(await c.holding?.finished(5000))) c.holding?.end();
    c.said += c.holding?.err ?? "";
    c.holding = undefined;
  },
  cancel: async (stage, id, commands) => {
    const c = stage.client(id);
    await runAll(stage, commands);
    await c.session?.finished(5000);
    c.said += c.session?.err ?? "";
    c.waitingCard = undefined;
  },
  vacuum: async (stage, { by }, commands) => {
    for (const command of commands) {
      const r = await execute(stage, command, { client: by });
      stage.client(by).said += r?.err ?? "";
    }
  },
  clone,
  rewind,
  start: (stage, _id, commands) => runAll(stage, commands),
  stop,
  crash: (stage, _id, commands) => runAll(stage, commands),
  promote: async (stage, id, commands) => {
    await runAll(stage, commands);
    stage.upstream.delete(id);
    stage.configureAll();
  },
  follow,
  failover,
  checkpoint: (stage, _id, commands) => runAll(stage, commands),
  cut: (stage, _pair, commands) => runAll(stage, commands),
  heal: (stage, _pair, commands) => runAll(stage, commands),
  wait: (stage, _seconds, commands) => runAll(stage, commands),
  pause: (stage, _id, commands) => runAll(stage, commands),
  resume: (stage, _id, commands) => runAll(stage, commands),
  create_slot: (stage, _args, commands) => runAll(stage, commands),
  drop_slot: async (stage, { on, slot }, commands) => {
    // A standby stopped in this step closed its connection, but behind its held link the primary's
    // walsender does not know yet, and would keep the slot active: let those links through first,
    // until the slot is free (or a walsender of a running standby keeps it, as the trace may say).
    const name = resolveSlot(stage.settings, stage.scenario.roles, slot);
    const gone = [...stage.upstream].filter(([s, u]) => u === on && !stage.cluster(s).running()).map(([s]) => s);
    for (const s of gone) await stage.letThroughLink(s, on, true);
    for (let i = 0; i < 100 && gone.length > 0; i++) {
      const r = await stage.cluster(on).psql([`SELECT active FROM pg_replication_slots WHERE slot_name = '${name}';`]);
      if (r.out.trim() !== "t") break;
      await sleep(50);
    }
    await runAll(stage, commands);
    for (const s of gone) await stage.letThroughLink(s, on, false);
  },
};

/** Replays action number `index` of the step with the commands the trace has for it. */
export function perform(stage: Stage, action: Action, commands: Command[]): Promise<void> {
  return (REPLAY[action.name] as Replay<typeof action.name>)(stage, action.args, commands);
}
