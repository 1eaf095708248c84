/** Reading one scenario file: parsed and simulated, or the positioned problems that stopped it. */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { ScenarioError, formatDiagnostics } from "../scenario/diagnostics.js";
import type { Scenario } from "../scenario/model.js";
import { parseScenario } from "../scenario/parse.js";
import { simulate } from "../sim/simulate.js";
import type { Trace } from "../sim/trace.js";

export type Loaded =
  | { ok: true; file: string; source: string; scenario: Scenario; trace: Trace }
  | { ok: false; file: string; report: string };

export function load(path: string): Loaded {
  const file = relative(process.cwd(), path) || path;
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, file, report: `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  try {
    const scenario = parseScenario(source, file);
    return { ok: true, file, source, scenario, trace: simulate(scenario) };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, file, report: formatDiagnostics(error.diagnostics, source) };
    throw error;
  }
}
