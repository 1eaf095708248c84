/**
 * The diagrams' frames as they are derived today must be exactly the frames as they were derived
 * before they were made faster (tests/products/oracle/frames.ts): every box, cell, flow and word,
 * in the same order, over every shipped scenario, every variant and random scenarios.
 */
import { describe, expect } from "vitest";
import { deriveFrames } from "../../src/products/diagrams/derive.js";
import type { Scenario } from "../../src/scenario/model.js";
import type { Trace } from "../../src/sim/trace.js";
import { deriveStage } from "../../src/stage/index.js";
import { templates } from "../helpers.js";
import { agreesWithOracle } from "../oracle-cases.js";
import { deriveFramesBefore } from "./oracle/frames.js";

/** Both lists of frames, strictly equal (a field left undefined too) and the same as JSON (the order of every record's keys). */
function same(scenario: Scenario, trace: Trace): void {
  const stage = deriveStage(scenario, trace);
  const now = deriveFrames(scenario, trace, stage, templates, "cafe1234");
  const before = deriveFramesBefore(scenario, trace, stage, templates, "cafe1234");
  expect(now).toStrictEqual(before);
  expect(JSON.stringify(now)).toBe(JSON.stringify(before));
}

describe("the frames are derived as they were", () => agreesWithOracle(same, { random: 150, threeRuns: 60 }));
