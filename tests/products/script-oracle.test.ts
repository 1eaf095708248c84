/**
 * The script's words are read off the stage with its repeated work taken out (each list of
 * objects read once and kept with the list, the trace and the moves read in one pass): they must
 * be exactly the words deriveScript gave before (tests/products/oracle/script.ts), over every
 * shipped scenario, every variant, random scenarios and long generated ones.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deriveCues } from "../../src/products/cues.js";
import { deriveScript } from "../../src/products/script/derive.js";
import { keyOrder, TableWords } from "../../src/products/script/table.js";
import type { Role, Scenario } from "../../src/scenario/model.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import { deriveStage, placesOf } from "../../src/stage/index.js";
import { loadShipped, options, root, shipped, templates, variantDir, variants } from "../helpers.js";
import { randomScenario } from "../sim/arbitraries.js";
import { deriveScriptBefore } from "./oracle/script.js";

function sameScript(scenario: Scenario, duplex = false) {
  const { trace } = simulateLeniently(scenario);
  const stage = deriveStage(scenario, trace);
  const cues = deriveCues(scenario, trace, stage, templates);
  const o = options("letter", duplex ? { duplex: { edge: "short", offset: { x: 0, y: 0 } } } : {});
  const cards = scenario.roles.length + 1;
  expect(deriveScript(scenario, trace, stage, cues, o, templates, "cafe1234", cards)).toEqual(
    deriveScriptBefore(scenario, trace, stage, cues, o, templates, "cafe1234", cards),
  );
}

/** Writes of three cards streamed to three standbys, in runs of 33 steps (the benchmark's generated load, shorter). */
function generated(steps: number): string {
  const lines = [
    "id: generated",
    "title: Generated load",
    "summary: Many writes streamed to three standbys.",
    "goals: [Measure.]",
    "minutes: 60",
    "roles:",
    "  - { id: primary, label: Primary, kind: primary }",
    ...[1, 2, 3].map((i) => `  - { id: s${i}, label: Standby ${i}, kind: standby }`),
    "  - { id: writer, label: Writer, kind: writer }",
    "runs:",
  ];
  for (let run = 1, left = steps; left > 0; run++, left -= 33) {
    lines.push(`  - title: Run ${run}`, "    steps:");
    for (let i = 0; i < Math.min(left, 33); i++)
      lines.push(
        `      - title: Step ${i + 1}`,
        "        say: Writer, three cards.",
        "        actions:",
        "          - write: { by: writer, to: primary, count: 3 }",
      );
  }
  return `${lines.join("\n")}\n`;
}

/** The random stage with an admin, who then runs the commands on servers, and a pg_basebackup volunteer. */
function withTools(scenario: Scenario): Scenario {
  const tool = (id: string, kind: Role["kind"]): Role => ({ ...scenario.roles[0]!, id, label: id, kind, backends: [] });
  return { ...scenario, roles: [...scenario.roles, tool("ops", "admin"), tool("bb", "basebackup")] };
}

describe("the script's words", () => {
  it.each(shipped)("%s: the words deriveScript gave before", (name) => {
    sameScript(loadShipped(name).scenario);
    sameScript(loadShipped(name).scenario, true);
  });

  it.each(variants)("variant %s: the words deriveScript gave before", (name) => {
    const file = join(variantDir, name);
    sameScript(parseScenario(readFileSync(file, "utf8"), file));
  });

  it("gives the words deriveScript gave before, over random scenarios", () => {
    fc.assert(
      fc.property(randomScenario, fc.boolean(), (scenario, tools) =>
        sameScript(tools ? withTools(scenario) : scenario),
      ),
      { numRuns: 150 },
    );
  });

  it("gives the words deriveScript gave before on long scenarios: several writers, readers, many runs", async () => {
    const { atLimits } = (await import(join(root, "bench", "at-limits.mjs"))) as {
      atLimits: (runs?: number, steps?: number) => string;
    };
    sameScript(parseScenario(generated(80), "generated.yaml"));
    sameScript(parseScenario(atLimits(3, 60), "at-limits.yaml"));
  });
});

describe("a place's objects said one list after another", () => {
  it.each(["accidental-delete.yaml", "rewind-failback.yaml", "quorum-commit.yaml", "load-balancing.yaml"])(
    "%s: each list is said as a fresh reading says it, whatever was said in its place before",
    (name) => {
      const { scenario, trace } = loadShipped(name);
      const stage = deriveStage(scenario, trace);
      const labels = new Map(scenario.roles.map((r) => [r.id, r.label]));
      const ids = stage.deck.map((o) => o.object);
      // Lists in deck order, as the stage keeps them: most grow from the one before (a row), some do not.
      const list = fc.oneof(
        { weight: 3, arbitrary: fc.nat(ids.length).map((n) => ({ grow: n })) },
        { weight: 1, arbitrary: fc.subarray(ids).map((some) => ({ some })) },
      );
      fc.assert(
        fc.property(fc.constantFrom(...placesOf(scenario)), fc.array(list, { maxLength: 12 }), (place, lists) => {
          const words = new TableWords(stage, templates, labels);
          let last: string[] = [];
          for (const l of lists) {
            const objects =
              "some" in l ? l.some : [...last, ...ids.slice(ids.indexOf(last.at(-1)!) + 1).slice(0, l.grow)];
            last = objects;
            expect(words.describe(objects, place)).toBe(
              new TableWords(stage, templates, labels).describe(objects, place),
            );
          }
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe("the order of a place's groups", () => {
  it("is English collation's, as localeCompare gives it, for any two keys", () => {
    const unit = fc.constantFrom(..."aAbBcChjyzZ019 :-_.éÉ·");
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), fc.string({ unit, maxLength: 8 }), (a, b) => {
        expect(Math.sign(keyOrder(`for:${a}0`, `for:${b}0`))).toBe(
          Math.sign(`for:${a}0`.localeCompare(`for:${b}0`, "en")),
        );
        expect(Math.sign(keyOrder(a, b))).toBe(Math.sign(a.localeCompare(b, "en")));
      }),
      { numRuns: 5000 },
    );
    for (const [a, b] of [
      ["own2", "own0"],
      ["for:Standby 10", "for:Primary0"],
      ["archive0", "for:Clone0"],
      ["for:server a0", "for:Standby0"],
    ] as const)
      expect(Math.sign(keyOrder(a, b))).toBe(Math.sign(a.localeCompare(b, "en")));
  });
});
