/**
 * The cases an oracle test runs: a derivation made faster must give what the old one (kept in an
 * oracle/ folder) gives on every shipped scenario, every variant, random scenarios of one or two
 * runs and random scenarios of three runs with DELETEs.
 */
import fc from "fast-check";
import { it } from "vitest";
import { DEFAULT_SETTINGS, type Scenario } from "../src/scenario/model.js";
import { simulateLeniently } from "../src/sim/simulate.js";
import type { Trace } from "../src/sim/trace.js";
import { loadShipped, loadVariant, shipped, variants } from "./helpers.js";
import { deleting, randomScenario, scenarioOfRuns, settings, steps } from "./sim/arbitraries.js";

/** Declares the cases (inside a describe): `same` fails when the two derivations differ for a scenario and its trace. */
export function agreesWithOracle(
  same: (scenario: Scenario, trace: Trace) => void,
  runs: { random: number; threeRuns: number },
): void {
  it.each(shipped)("for %s", (name) => {
    const { scenario, trace } = loadShipped(name);
    same(scenario, trace);
  });

  it.each(variants)("for the variant %s", (name) => {
    const { scenario, trace } = loadVariant(name);
    same(scenario, trace);
  });

  it("for random scenarios", () => {
    fc.assert(
      fc.property(randomScenario, (scenario) => same(scenario, simulateLeniently(scenario).trace)),
      { numRuns: runs.random },
    );
  });

  it("for random scenarios of three runs, with DELETEs", () => {
    const run = fc.record({ config: settings, plan: fc.oneof(steps, deleting) });
    fc.assert(
      fc.property(fc.array(run, { minLength: 3, maxLength: 3 }), (plans) => {
        const scenario = scenarioOfRuns(
          plans.map((r) => ({ config: { ...DEFAULT_SETTINGS, ...r.config }, plan: r.plan })),
        );
        same(scenario, simulateLeniently(scenario).trace);
      }),
      { numRuns: runs.threeRuns },
    );
  });
}
