/**
 * The stage as it is made today must be exactly the stage as it was made before it was made
 * faster (tests/stage/oracle): the same deck, start, moments, acts, moves and places, in the same
 * order, over every shipped scenario, every variant and random scenarios of one to three runs.
 */
import { describe, expect } from "vitest";
import type { Scenario } from "../../src/scenario/model.js";
import type { Trace } from "../../src/sim/trace.js";
import { deriveStage } from "../../src/stage/index.js";
import { agreesWithOracle } from "../oracle-cases.js";
import { deriveStageBefore } from "./oracle/index.js";

/** Both stages as JSON, which also tells the order of every list and of every record's keys. */
function same(scenario: Scenario, trace: Trace): void {
  expect(JSON.stringify(deriveStage(scenario, trace))).toBe(JSON.stringify(deriveStageBefore(scenario, trace)));
}

describe("the stage is made as it was", () => agreesWithOracle(same, { random: 200, threeRuns: 100 }));
