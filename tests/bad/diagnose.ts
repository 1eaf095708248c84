/** What replikit reports for one scenario text, as "LINE:COLUMN: message" lines (or "FILE: message"). */
import { loadFonts } from "../../src/node/assets.js";
import { printableIn } from "../../src/render/fonts/coverage.js";
import { ScenarioError } from "../../src/scenario/diagnostics.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { checkExpectations } from "../../src/sim/expect.js";
import { simulate } from "../../src/sim/simulate.js";

/** What the shipped fonts can print: the corpus is checked as `replikit check` checks. */
const printable = printableIn(loadFonts());

export function diagnose(source: string, file = "bad.yaml"): string[] {
  try {
    const scenario = parseScenario(source, file, printable);
    const report = checkExpectations(scenario, simulate(scenario));
    return [...report.problems, ...report.failures].map(
      (d) => `${d.position!.line}:${d.position!.column}: ${d.message}`,
    );
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.diagnostics.map((d) =>
      d.position ? `${d.position.line}:${d.position.column}: ${d.message}` : `${d.file}: ${d.message}`,
    );
  }
}
