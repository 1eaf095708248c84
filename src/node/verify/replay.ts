/**
 * Replays a scenario on real PostgreSQL servers, step by step, and compares each step with the
 * trace. Each action runs the command lines the trace has for it (see perform.ts). Timing never
 * decides an outcome: while a step's actions run, every replication link is held (its relay
 * frozen, the replication timeouts off), so that, as in the model, nothing flows within a step; at
 * the step's end the links are thawed (unless cut) and the real state is polled against the
 * trace's snapshot until they agree or a deadline passes. Seconds in the scenario pass as tenths.
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Scenario } from "../../scenario/model.js";
import { printCommand } from "../../sim/commands.js";
import type { Trace, TraceStep } from "../../sim/trace.js";
import { differences, unexpectedErrors, type RealState } from "./compare.js";
import { perform } from "./perform.js";
import { ownedDir, type PgEnv } from "./pg.js";
import { setUp, sleep, Stage } from "./stage.js";

const SETTLE_DEADLINE_MS = 15_000;

export interface StepVerdict {
  step: number;
  title: string;
  agree: boolean;
  differences: string[];
  /** The step's command lines as the script prints them. */
  printed: string[];
  /** The same lines as verify ran them: ports, folders and relays filled in. */
  ran: string[];
}

/** A time limit reached: the replay stops at the step it was in. */
export class TimeLimit extends Error {
  constructor(
    readonly seconds: number,
    readonly step: number | undefined,
  ) {
    super(`time limit of ${seconds} s reached${step === undefined ? " while setting up" : ` in step ${step}`}`);
  }
}

export interface ReplayControl {
  /** Aborted once the time limit has passed: checked between actions and while polling; a wait ends early. */
  signal: AbortSignal;
  limitSeconds: number;
}

/** The timeline in a startup process's title ("recovering 000000020000000000000005"). */
function startupTimeline(pid: string | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const title = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    const segment = /([0-9A-F]{24})/.exec(title)?.[1];
    return segment ? parseInt(segment.slice(0, 8), 16) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads what the real servers and clients show now; `logFrom` is where each server's log stood when the step began. */
async function observe(stage: Stage, logFrom: Map<string, number>): Promise<RealState> {
  const state: RealState = { servers: {}, clients: {} };
  for (const [id, c] of stage.clusters) {
    const exists = existsSync(join(c.dir, "PG_VERSION"));
    const up = exists && c.running();
    const log = c.logText();
    const server: RealState["servers"][string] = {
      exists,
      up,
      log: log.slice(logFrom.get(id) ?? 0),
      said: stage.toolSaid.get(id),
    };
    if (up) {
      const r = await c.psql([
        "SELECT pg_is_in_recovery(), (SELECT coalesce(string_agg(n::text, ',' ORDER BY n), '') FROM cards), " +
          "CASE WHEN pg_is_in_recovery() THEN (SELECT received_tli FROM pg_stat_wal_receiver) " +
          "ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END, " +
          "EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'), " +
          "CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state() <> 'not paused' OR EXISTS " +
          "(SELECT 1 FROM pg_stat_activity WHERE backend_type = 'startup' AND wait_event LIKE 'RecoveryConflict%') END, " +
          "CASE WHEN pg_is_in_recovery() THEN coalesce(pg_last_wal_receive_lsn() > pg_last_wal_replay_lsn(), false) END, " +
          "(SELECT pid FROM pg_stat_activity WHERE backend_type = 'startup'), " +
          "(SELECT coalesce(string_agg(application_name, ','), '') FROM pg_stat_replication WHERE state IN ('streaming', 'catchup'));",
      ]);
      if (r.code === 0) {
        const [recovery, cards, timeline, streaming, paused, lag, startup, senders] = r.out.trim().split("|");
        server.walsenders = senders ? senders.split(",") : [];
        server.inRecovery = recovery === "t";
        server.cards = cards ? cards.split(",").map(Number) : [];
        server.timeline = timeline ? Number(timeline) : server.inRecovery ? startupTimeline(startup) : undefined;
        server.streaming = streaming === "t";
        const slots = await c.psql([
          "SELECT slot_name || '=' || CASE WHEN active THEN 't' ELSE 'f' END || '=' || coalesce(wal_status, '') FROM pg_replication_slots;",
        ]);
        if (slots.code === 0)
          server.slots = Object.fromEntries(
            slots.out
              .trim()
              .split("\n")
              .filter(Boolean)
              .map((line) => {
                const [name, active, walStatus] = line.split("=");
                return [name!, { active: active === "t", walStatus: walStatus ?? "" }];
              }),
          );
        if (!server.inRecovery) {
          const w = await c.psql(["SELECT application_name || '=' || sync_state FROM pg_stat_replication;"]);
          server.syncStates = Object.fromEntries(
            w.out
              .trim()
              .split("\n")
              .filter(Boolean)
              .map((line) => line.split("=") as [string, string]),
          );
        }
        if (server.inRecovery) {
          server.replayPaused = paused === "t";
          server.lagging = lag === "t";
        }
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
      // What a still-running session printed since the step began counts too: a waiting commit
      // ended by a crash prints its error only then.
      said: c.said + sessionSaid(c.holding) + sessionSaid(c.session),
    };
  }
  return state;
}

/** Stderr of a long-running session not yet taken into `said`. */
function sessionSaid(session: { err: string; seen?: number } | undefined): string {
  if (!session) return "";
  return session.err.slice(session.seen ?? 0);
}

/** Replays every run of a scenario; one verdict per step. */
export async function replay(
  scenario: Scenario,
  trace: Trace,
  env: PgEnv,
  onStep: (v: StepVerdict) => void,
  control: ReplayControl = { signal: new AbortController().signal, limitSeconds: Infinity },
): Promise<StepVerdict[]> {
  const verdicts: StepVerdict[] = [];
  for (const scenarioRun of scenario.runs) {
    const runRoot = ownedDir(env, join(env.root, `run-${scenarioRun.number}`));
    const runEnv: PgEnv = { ...env, root: runRoot };
    ownedDir(runEnv, join(runRoot, "data"));
    ownedDir(runEnv, join(runRoot, "sock"));
    ownedDir(runEnv, join(runRoot, "archive"));
    const stage = new Stage(runEnv, scenario, scenarioRun.settings, control.signal);
    try {
      await setUp(stage);
      if (control.signal.aborted) throw new TimeLimit(control.limitSeconds, undefined);
      for (const step of scenarioRun.steps) {
        const traced = trace.steps.find((s) => s.number === step.number)!;
        verdicts.push(await replayStep(stage, scenario, step.actions, traced, onStep, control));
      }
    } finally {
      for (const c of stage.clients.values()) {
        c.session?.end();
        c.holding?.end();
      }
      for (const c of stage.clusters.values()) if (c.running()) await c.stop("immediate");
      await stage.close();
      const keep = process.env.REPLIKIT_DEBUG_LOGS;
      if (keep)
        for (const c of stage.clusters.values())
          if (existsSync(c.log)) cpSync(c.log, join(keep, `${scenario.id}-${scenarioRun.number}-${c.id}.log`));
    }
  }
  return verdicts;
}

async function replayStep(
  stage: Stage,
  scenario: Scenario,
  actions: Scenario["runs"][number]["steps"][number]["actions"],
  traced: TraceStep,
  onStep: (v: StepVerdict) => void,
  control: ReplayControl,
): Promise<StepVerdict> {
  for (const c of stage.clients.values()) {
    c.said = "";
    c.read = undefined;
    for (const s of [c.session, c.holding]) if (s) s.seen = s.err.length;
  }
  stage.notes = [];
  stage.ran = [];
  stage.toolSaid.clear();
  const logFrom = new Map([...stage.clusters].map(([id, c]) => [id, c.logText().length]));
  await stage.holdAll();
  for (const [index, action] of actions.entries()) {
    if (control.signal.aborted) throw new TimeLimit(control.limitSeconds, traced.number);
    await perform(
      stage,
      action,
      traced.commands.filter((c) => c.action === index),
    );
  }
  await stage.releaseAll();
  let found: string[];
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  do {
    if (control.signal.aborted) throw new TimeLimit(control.limitSeconds, traced.number);
    await sleep(100);
    const real = await observe(stage, logFrom);
    found = [...stage.notes, ...differences(traced.after, traced.events, real)];
    // Errors nobody predicted are looked for once the rest agrees: some appear only as things settle.
    if (found.length === 0) found = unexpectedErrors(traced, real);
  } while (found.length > 0 && Date.now() < deadline);
  const labels = new Map(scenario.roles.map((r) => [r.id, r.label]));
  const verdict: StepVerdict = {
    step: traced.number,
    title: traced.title,
    agree: found.length === 0,
    differences: found,
    printed: traced.commands.map((c) => printCommand(c, (id) => labels.get(id) ?? id)),
    ran: [...stage.ran],
  };
  onStep(verdict);
  return verdict;
}
