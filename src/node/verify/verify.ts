/** replikit verify: replay scenarios on real PostgreSQL, one line per step, a JSON report. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Scenario } from "../../scenario/model.js";
import type { Trace } from "../../sim/trace.js";
import { findBinaries, ownedDir, serverUser, type PgEnv } from "./pg.js";
import { replay, type StepVerdict } from "./replay.js";

export interface ScenarioReport {
  scenario: string;
  file: string;
  agree: boolean;
  seconds: number;
  steps: StepVerdict[];
  error?: string;
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

export async function verifyScenario(
  scenario: Scenario,
  trace: Trace,
  bin: string,
  root: string,
  user: PgEnv["user"],
  print: (line: string) => void,
  limitMs: number,
): Promise<ScenarioReport> {
  const started = Date.now();
  const env: PgEnv = { bin, root: ownedDir({ bin, root, user }, join(root, scenario.id)), user };
  const report: ScenarioReport = { scenario: scenario.id, file: scenario.file, agree: false, seconds: 0, steps: [] };
  let timer: NodeJS.Timeout | undefined;
  try {
    const limit = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(() => reject(new Error(`time limit of ${limitMs / 1000} s reached`)), limitMs)),
    );
    report.steps = await Promise.race([
      replay(scenario, trace, env, (v) =>
        print(
          `  step ${String(v.step).padStart(2)} ${v.agree ? "agree   " : "DISAGREE"} ${v.title}${v.agree ? "" : `\n${v.differences.map((d) => `           - ${d}`).join("\n")}`}`,
        ),
      ),
      limit,
    ]);
    report.agree = report.steps.every((s) => s.agree);
  } catch (error) {
    report.error = (error as Error).message;
    print(`  stopped: ${report.error}`);
  } finally {
    clearTimeout(timer);
  }
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  return report;
}

export { findBinaries };
