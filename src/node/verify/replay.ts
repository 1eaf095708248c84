/**
 * Replays a scenario on real PostgreSQL servers, step by step, and compares each step with the
 * trace. Timing never decides an outcome: while a step's actions run, every standby is held (its
 * primary_conninfo points at a closed port), so that, as in the model, nothing flows within a
 * step; at the step's end they are released and the real state is polled against the trace's
 * snapshot until they agree or a deadline passes. Seconds in the scenario pass as tenths.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Scenario } from "../../scenario/model.js";
import type { Action } from "../../scenario/schema.js";
import type { Trace, TraceStep } from "../../sim/trace.js";
import { differences, type RealState } from "./compare.js";
import { perform } from "./perform.js";
import { ownedDir, type PgEnv } from "./pg.js";
import { setUp, sleep, Stage } from "./stage.js";

const SETTLE_DEADLINE_MS = 15_000;

export interface StepVerdict {
  step: number;
  title: string;
  agree: boolean;
  differences: string[];
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
export async function replay(
  scenario: Scenario,
  trace: Trace,
  env: PgEnv,
  onStep: (v: StepVerdict) => void,
): Promise<StepVerdict[]> {
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

async function replayStep(
  stage: Stage,
  actions: Action[],
  traced: TraceStep,
  onStep: (v: StepVerdict) => void,
): Promise<StepVerdict> {
  for (const c of stage.clients.values()) {
    c.said = "";
    c.read = undefined;
  }
  await stage.holdAll();
  for (const action of actions) await perform(stage, action);
  await stage.releaseAll();
  let found: string[];
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  do {
    await sleep(100);
    found = differences(traced.after, traced.events, await observe(stage));
  } while (found.length > 0 && Date.now() < deadline);
  const verdict = { step: traced.number, title: traced.title, agree: found.length === 0, differences: found };
  onStep(verdict);
  return verdict;
}
