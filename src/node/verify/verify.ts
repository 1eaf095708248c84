/** replikit verify: replay scenarios on real PostgreSQL, one line per step, a JSON report. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Scenario } from "../../scenario/model.js";
import type { Trace } from "../../sim/trace.js";
import { findBinaries, ownedDir, serverUser, type PgEnv } from "./pg.js";
import { replay, TimeLimit, type StepVerdict } from "./replay.js";

export interface ScenarioReport {
  scenario: string;
  file: string;
  agree: boolean;
  seconds: number;
  steps: StepVerdict[];
  error?: string;
  /** The step the replay was in when the time limit stopped it. */
  reached?: number;
}

export const INSTALL_HINT =
  "no PostgreSQL server binaries found (pg_ctl, initdb, pg_basebackup). Install them — on Debian or Ubuntu: apt-get install postgresql — or point --pg-bin at their folder";

/** The folder every cluster of one verify run lives in; removed on exit, also after a failure. */
export function makeRoot(): { env: Omit<PgEnv, "bin">; remove: () => void } {
  const user = serverUser();
  const root = mkdtempSync(join(tmpdir(), "replikit-verify-"));
  const env = { root, user };
  ownedDir(env as PgEnv, root);
  return { env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** --time-limit: a positive number of seconds, else undefined. */
export function parseTimeLimit(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds > 0 && Number.isFinite(seconds) ? seconds : undefined;
}

export async function verifyScenario(
  scenario: Scenario,
  trace: Trace,
  bin: string,
  root: string,
  user: PgEnv["user"],
  print: (line: string) => void,
  limitSeconds: number,
): Promise<ScenarioReport> {
  const started = Date.now();
  const env: PgEnv = { bin, root: ownedDir({ bin, root, user }, join(root, scenario.id)), user };
  const report: ScenarioReport = { scenario: scenario.id, file: scenario.file, agree: false, seconds: 0, steps: [] };
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), limitSeconds * 1000);
  const control = { signal: limit.signal, limitSeconds };
  try {
    report.steps = await replay(
      scenario,
      trace,
      env,
      (v) => {
        report.steps.push(v);
        print(
          `  step ${String(v.step).padStart(2)} ${v.agree ? "agree   " : "DISAGREE"} ${v.title}${v.agree ? "" : `\n${v.differences.map((d) => `           - ${d}`).join("\n")}`}`,
        );
      },
      control,
    );
    report.agree = report.steps.every((s) => s.agree);
  } catch (error) {
    if (error instanceof TimeLimit) {
      report.error = error.message;
      report.reached = error.step;
    } else {
      report.error = (error as Error).message;
    }
    print(`  stopped: ${report.error}`);
  } finally {
    clearTimeout(timer);
    // The servers of a run that was stopped are stopped by replay; its folder goes here.
    rmSync(env.root, { recursive: true, force: true });
  }
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  return report;
}

export { findBinaries };
