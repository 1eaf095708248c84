/**
 * A cue's data are computed per field its template reads (src/products/cue-fields.ts), and a kept
 * render is found by the values of those fields only (Templates' memo). Both must give exactly the
 * words the whole data gave: the cues are compared with deriveCues as it was (tests/products/oracle),
 * over every shipped scenario and random ones, and the fields a template reads are checked against
 * what Handlebars actually looks up.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arrange, deriveCues } from "../../src/products/cues.js";
import { CUE_FIELDS } from "../../src/products/cue-fields.js";
import type { Role, Scenario } from "../../src/scenario/model.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import { deriveStage } from "../../src/stage/index.js";
import { precompileWording, readsOf, Templates, type Precompiled } from "../../src/wording.js";
import { loadShipped, root, shipped, templates, variantDir, variants } from "../helpers.js";
import { randomScenario } from "../sim/arbitraries.js";
import { arrangeBefore, deriveCuesBefore } from "./oracle/cues.js";

const { wording } = templates;

/** The wording precompiled, each template said to read the whole data: the oracle's memo keys renders as before. */
const wholeData: Precompiled = (() => {
  const work = mkdtempSync(join(tmpdir(), "replikit-cue-fields-"));
  try {
    const file = join(work, "precompiled.cjs");
    writeFileSync(file, precompileWording(wording));
    const precompiled = createRequire(import.meta.url)(file) as Precompiled;
    return Object.fromEntries(
      Object.entries(precompiled).map(([source, entry]) => [source, { ...entry, reads: null }]),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
})();
const wholeDataTemplates = () => new Templates(wording, wholeData);

function sameCues(scenario: Scenario) {
  const { trace } = simulateLeniently(scenario);
  const stage = deriveStage(scenario, trace);
  const fresh = new Templates(wording);
  expect(deriveCues(scenario, trace, stage, fresh)).toEqual(
    deriveCuesBefore(scenario, trace, stage, wholeDataTemplates()),
  );
  // The lines of each moment, as the script arranges them.
  const cues = deriveCues(scenario, trace, stage, templates);
  for (const step of trace.steps)
    for (const moment of ["do", "flow"] as const) {
      const acting = [...cues]
        .flatMap(([role, list]) =>
          list.filter((c) => c.step === step.number && c.moment === moment).map((cue) => ({ role, cue })),
        )
        .sort((a, b) => a.cue.order - b.cue.order);
      expect(arrange(acting)).toEqual(arrangeBefore(acting));
    }
  // Twice on one Templates: the second time every render is a kept one.
  expect(deriveCues(scenario, trace, stage, fresh)).toEqual(deriveCues(scenario, trace, stage, templates));
}

/** The random stage with an admin, who then runs the commands on servers, and a pg_basebackup volunteer. */
function withTools(scenario: Scenario): Scenario {
  const tool = (id: string, kind: Role["kind"]): Role => ({ ...scenario.roles[0]!, id, label: id, kind, backends: [] });
  return { ...scenario, roles: [...scenario.roles, tool("ops", "admin"), tool("bb", "basebackup")] };
}

describe("cue fields", () => {
  it.each(shipped)("%s: the cues deriveCues gave before", (name) => {
    sameCues(loadShipped(name).scenario);
  });

  it.each(variants)("variant %s: the cues deriveCues gave before", (name) => {
    const file = join(variantDir, name);
    sameCues(parseScenario(readFileSync(file, "utf8"), file));
  });

  it("gives the cues deriveCues gave before, over random scenarios", () => {
    fc.assert(
      fc.property(randomScenario, fc.boolean(), (scenario, tools) => sameCues(tools ? withTools(scenario) : scenario)),
      { numRuns: 150 },
    );
  });

  it("has a function for every field templates/cues.yaml documents and reads", () => {
    const read = new Set<string>();
    for (const sides of Object.values(wording.cues))
      for (const source of Object.values(sides)) for (const f of readsOf(source) ?? []) read.add(f);
    const helpers = new Set(["if", "unless", "else", "each", "with", "plural"]);
    expect([...read].filter((f) => !helpers.has(f) && !Object.hasOwn(CUE_FIELDS, f))).toEqual([]);
    expect(readFileSync(join(root, "templates", "cues.yaml"), "utf8")).toContain("passOn");
  });
});

describe("the fields a template reads", () => {
  /** The names Handlebars looks up in the data while it renders, through a proxy that notes them. */
  function looked(source: string, data: Record<string, unknown>): Set<string> {
    const names = new Set<string>();
    const note = (name: string | symbol) => {
      if (typeof name === "string") names.add(name);
    };
    const spy = new Proxy(data, {
      get: (target, name, receiver): unknown => (note(name), Reflect.get(target, name, receiver) as unknown),
      has: (target, name) => (note(name), Reflect.has(target, name)),
      getOwnPropertyDescriptor: (target, name) => (note(name), Reflect.getOwnPropertyDescriptor(target, name)),
    });
    const one = new Templates({ cues: {}, script: { t: source }, cards: {}, diagrams: {}, workshop: {} });
    try {
      one.text("script", "t", spy);
    } catch {
      // A strict template stops at an absent field: what it looked up until then still counts.
    }
    return names;
  }

  it("covers every field a shipped template looks up, with all fields true or all empty", () => {
    const sources = [
      ...Object.values(wording.cues).flatMap((sides) => Object.values(sides)),
      ...(["script", "cards", "diagrams", "workshop"] as const).flatMap((f) => Object.values(wording[f])),
    ].filter((s) => s.includes("{{"));
    expect(sources.length).toBeGreaterThan(100);
    for (const source of sources) {
      const reads = readsOf(source);
      if (reads === null) continue;
      // Every name a template reads set to a truthy value, then to empty: both branches of each {{#if}}.
      for (const value of [1, ""]) {
        const data = Object.fromEntries(reads.map((f) => [f, value]));
        for (const name of looked(source, data)) expect(reads, source).toContain(name);
      }
    }
  });

  it("reads the first name of each path, and the whole data for this, @root or a partial", () => {
    expect(readsOf("{{#if a}}{{b.c}}{{else}}{{plural n 'x' 'y'}}{{/if}}")).toEqual(["a", "b", "if", "n", "plural"]);
    expect(readsOf("{{#each list}}{{name}}{{../title}}{{/each}}")).toEqual(["each", "list", "name", "title"]);
    expect(readsOf("{{this}}")).toBeNull();
    expect(readsOf("{{@root.a}}")).toBeNull();
    expect(readsOf("{{> part}}")).toBeNull();
    expect(readsOf("no mustache")).toEqual([]);
  });

  it("gives a kept render only for the same values, whatever the values (a property)", () => {
    const wordingOf = (source: string) => ({ cues: {}, script: { t: source }, cards: {}, diagrams: {}, workshop: {} });
    const source = "{{a}}|{{b}}{{#if c}}+{{c}}{{/if}}";
    const value = fc.oneof(
      // Strings that look like parts of a key, and their joins.
      fc.constantFrom("", "s", "1", "s1", "1s", ":", ";", "1;", "t", "u", "j2:[]"),
      fc.constantFrom(1, -1, true, false, undefined),
      fc.array(fc.constantFrom(1, 2), { maxLength: 2 }),
    );
    const data = fc.record({ a: value, b: value, c: value }, { requiredKeys: ["a", "b"] });
    fc.assert(
      fc.property(fc.array(data, { minLength: 2, maxLength: 20 }), (all) => {
        const kept = new Templates(wordingOf(source));
        for (const d of all)
          expect(kept.text("script", "t", d)).toBe(new Templates(wordingOf(source)).text("script", "t", d));
      }),
      {
        numRuns: 300,
        examples: [
          [
            [
              { a: "1", b: "s1" },
              { a: "1s", b: "1" },
            ],
          ],
          [
            [
              { a: 1, b: "1;" },
              { a: "1", b: ";" },
            ],
          ],
        ],
      },
    );
  });

  it("keeps a render for the values of the fields read, whatever else the data holds", () => {
    const t = new Templates({
      cues: {},
      script: { n: "{{n}} cards", all: "{{#each this}}{{this}}{{/each}}" },
      cards: {},
      diagrams: {},
      workshop: {},
    });
    expect(t.text("script", "n", { n: 3, other: 1 })).toBe("3 cards");
    expect(t.text("script", "n", { n: 3, other: 2 })).toBe("3 cards");
    expect(t.text("script", "n", { n: "3" })).toBe("3 cards");
    expect(t.text("script", "all", { a: 1, b: 2 })).toBe("12");
    expect(t.text("script", "all", { a: 1, b: 3 })).toBe("13");
  });
});
