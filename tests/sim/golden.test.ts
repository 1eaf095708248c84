/**
 * Golden files: every shipped scenario's canonical trace, and its derived kit (the stage model and
 * every word the products print: script, role cards, data cards, diagram frames), byte for byte. A
 * behaviour or wording change shows up as a diff in review. `UPDATE_GOLDEN=1 npm test` rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/parse.js";
import { simulate } from "../../src/sim/simulate.js";
import { canonicalJson } from "../../src/sim/trace.js";
import { stageJson } from "../../src/stage/index.js";
import { kitOf, root, shipped, source } from "../helpers.js";

const goldenDir = join(root, "tests", "golden");

/** Compares text with a golden file, or rewrites the file under UPDATE_GOLDEN=1. */
function matchGolden(file: string, text: string): void {
  const golden = join(goldenDir, file);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(golden, text);
  }
  expect(existsSync(golden), `${golden} is missing: run UPDATE_GOLDEN=1 npm test and review it`).toBe(true);
  expect(text).toBe(readFileSync(golden, "utf8"));
}

describe("golden traces", () => {
  it("ships the interactives", () => {
    expect(shipped).toEqual([
      "accidental-delete.yaml",
      "archiving.yaml",
      "cascading.yaml",
      "delayed-standby.yaml",
      "failover-failback.yaml",
      "load-balancing.yaml",
      "quorum-commit.yaml",
      "remastering.yaml",
      "remote-apply.yaml",
      "replication-lag.yaml",
      "rewind-failback.yaml",
      "slots.yaml",
      "split-brain.yaml",
      "streaming.yaml",
      "sync-priority.yaml",
      "synchronous.yaml",
    ]);
  });

  for (const name of shipped) {
    it(`${name} gives its golden trace, twice`, () => {
      const run = () => canonicalJson(simulate(parseScenario(source(name), `scenarios/${name}`)));
      const first = run();
      expect(run()).toBe(first);
      matchGolden(name.replace(/\.yaml$/, ".trace.json"), first);
    });

    it(`${name} gives its golden derived kit, twice`, () => {
      const run = () => {
        const kit = kitOf(name);
        const { script, roleCards, deck, frames } = kit;
        return canonicalJson({ stage: stageJson(kit.stage), script, roleCards, deck, frames });
      };
      const first = run();
      expect(run()).toBe(first);
      // A template given the wrong kind of value prints it: never on paper.
      expect(first).not.toMatch(/\[object |undefined|NaN/);
      matchGolden(name.replace(/\.yaml$/, ".kit.json"), first);
    });
  }
});
