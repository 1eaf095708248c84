/**
 * Golden traces: every shipped scenario's canonical trace, byte for byte. A behaviour change shows
 * up as a diff in review. `UPDATE_GOLDEN=1 npm test` rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/parse.js";
import { simulate } from "../../src/sim/simulate.js";
import { canonicalJson } from "../../src/sim/trace.js";
import { root, shipped, source } from "../helpers.js";

const goldenDir = join(root, "tests", "golden");

describe("golden traces", () => {
  it("ships the nine interactives", () => {
    expect(shipped).toEqual([
      "archiving.yaml",
      "cascading.yaml",
      "failover-failback.yaml",
      "load-balancing.yaml",
      "remastering.yaml",
      "replication-lag.yaml",
      "split-brain.yaml",
      "streaming.yaml",
      "synchronous.yaml",
    ]);
  });

  for (const name of shipped) {
    it(`${name} gives its golden trace, twice`, () => {
      const run = () => canonicalJson(simulate(parseScenario(source(name), `scenarios/${name}`)));
      const first = run();
      expect(run()).toBe(first);
      const golden = join(goldenDir, name.replace(/\.yaml$/, ".trace.json"));
      if (process.env.UPDATE_GOLDEN === "1") {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(golden, first);
      }
      expect(existsSync(golden), `${golden} is missing: run UPDATE_GOLDEN=1 npm test and review it`).toBe(true);
      expect(first).toBe(readFileSync(golden, "utf8"));
    });
  }
});
