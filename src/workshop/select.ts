/**
 * An interactive as a workshop plays it: the scenario cut to the runs chosen, renumbered so that
 * run and step numbers start at 1 again (each run starts from a fresh stage, so a run played alone
 * simulates exactly as it does in the whole scenario), with the workshop's length for it.
 */
import type { Diagnostic, Position } from "../scenario/diagnostics.js";
import type { Scenario } from "../scenario/model.js";

export function selectRuns(
  scenario: Scenario,
  runs: number[] | undefined,
  minutes: number | undefined,
  file: string,
  at: Position,
): { ok: true; scenario: Scenario } | { ok: false; diagnostic: Diagnostic } {
  const chosen = runs ?? scenario.runs.map((r) => r.number);
  const missing = chosen.find((n) => !scenario.runs.some((r) => r.number === n));
  if (missing !== undefined)
    return {
      ok: false,
      diagnostic: {
        file,
        position: at,
        message: `"${scenario.id}" has ${scenario.runs.length === 1 ? "one run" : `runs 1 to ${scenario.runs.length}`}; there is no run ${missing}`,
      },
    };
  let step = 0;
  const picked = chosen.map((n, i) => {
    const run = scenario.runs.find((r) => r.number === n)!;
    return { ...run, number: i + 1, steps: run.steps.map((s) => ({ ...s, number: ++step, run: i + 1 })) };
  });
  const total = scenario.runs.reduce((sum, r) => sum + r.steps.length, 0);
  const share = Math.max(1, Math.round((2 * scenario.minutes * step) / total) / 2);
  return {
    ok: true,
    scenario: { ...scenario, runs: picked, minutes: minutes ?? (runs ? share : scenario.minutes) },
  };
}
