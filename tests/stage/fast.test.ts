/**
 * The stage as it is made today must be exactly the stage as it was made before it was made
 * faster (tests/stage/oracle): the same deck, start, moments, acts, moves and places, in the same
 * order, over every shipped scenario, every variant and random scenarios of one to three runs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type Scenario } from "../../src/scenario/model.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import type { Trace } from "../../src/sim/trace.js";
import { deriveStage } from "../../src/stage/index.js";
import { loadShipped, loadVariant, shipped, variants } from "../helpers.js";
import { deleting, randomScenario, scenarioOfRuns, settings, steps } from "../sim/arbitraries.js";
import { deriveStageBefore } from "./oracle/index.js";

/** Both stages as JSON, which also tells the order of every list and of every record's keys. */
function same(scenario: Scenario, trace: Trace): void {
  expect(JSON.stringify(deriveStage(scenario, trace))).toBe(JSON.stringify(deriveStageBefore(scenario, trace)));
}

describe("the stage is made as it was", () => {
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
      { numRuns: 200 },
    );
  });

  it("for random scenarios of three runs, with DELETEs", () => {
    const run = fc.record({ config: settings, plan: fc.oneof(steps, deleting) });
    fc.assert(
      fc.property(fc.array(run, { minLength: 3, maxLength: 3 }), (runs) => {
        const scenario = scenarioOfRuns(
          runs.map((r) => ({ config: { ...DEFAULT_SETTINGS, ...r.config }, plan: r.plan })),
        );
        same(scenario, simulateLeniently(scenario).trace);
      }),
      { numRuns: 100 },
    );
  });
});
