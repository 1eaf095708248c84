/**
 * The diagrams' frames as they are derived today must be exactly the frames as they were derived
 * before they were made faster (tests/products/oracle/frames.ts): every box, cell, flow and word,
 * in the same order, over every shipped scenario, every variant and random scenarios.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveFrames } from "../../src/products/diagrams/derive.js";
import { DEFAULT_SETTINGS, type Scenario } from "../../src/scenario/model.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import type { Trace } from "../../src/sim/trace.js";
import { deriveStage } from "../../src/stage/index.js";
import { loadShipped, loadVariant, shipped, templates, variants } from "../helpers.js";
import { deleting, randomScenario, scenarioOfRuns, settings, steps } from "../sim/arbitraries.js";
import { deriveFramesBefore } from "./oracle/frames.js";

/** Both lists of frames, strictly equal (a field left undefined too) and the same as JSON (the order of every record's keys). */
function same(scenario: Scenario, trace: Trace): void {
  const stage = deriveStage(scenario, trace);
  const now = deriveFrames(scenario, trace, stage, templates, "cafe1234");
  const before = deriveFramesBefore(scenario, trace, stage, templates, "cafe1234");
  expect(now).toStrictEqual(before);
  expect(JSON.stringify(now)).toBe(JSON.stringify(before));
}

describe("the frames are derived as they were", () => {
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
      { numRuns: 150 },
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
      { numRuns: 60 },
    );
  });
});
