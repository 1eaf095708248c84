/**
 * Whatever a facilitator types, replikit answers with a positioned error or a trace — never a
 * crash. Random text, and random edits of the shipped scenarios, through parse and simulate.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ScenarioError } from "../../src/scenario/diagnostics.js";
import { parseScenario } from "../../src/scenario/parse.js";
import { checkExpectations } from "../../src/sim/expect.js";
import { simulate } from "../../src/sim/simulate.js";
import { deriveKit } from "../../src/kit.js";
import { assets, options, shipped, source } from "../helpers.js";

/** Parses and simulates; returns the problems, and fails the test on anything but a ScenarioError. */
function outcome(text: string): "ok" | "problems" {
  try {
    const scenario = parseScenario(text, "fuzz.yaml");
    const trace = simulate(scenario);
    checkExpectations(scenario, trace);
    deriveKit(scenario, trace, "00000000", options(), assets);
    return "ok";
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    const lines = text.split(/\r?\n/).length;
    expect(error.diagnostics.length).toBeGreaterThan(0);
    for (const d of error.diagnostics) {
      expect(d.message.length).toBeGreaterThan(0);
      if (d.position) {
        expect(d.position.line).toBeGreaterThanOrEqual(1);
        expect(d.position.line).toBeLessThanOrEqual(lines + 1);
        expect(d.position.column).toBeGreaterThanOrEqual(1);
      }
    }
    return "problems";
  }
}

const WORDS = [
  "write",
  "crash",
  "promote",
  "primary",
  "standby",
  "writer",
  "-1",
  "0",
  "99",
  "true",
  "null",
  "~",
  "[]",
  "{}",
  "&a",
  "*a",
  "'",
  '"',
  ":",
  "- ",
  "  ",
  "\t",
  "__proto__",
  "constructor",
  "{{x}}",
  "é",
  "\u0000",
];

/** One random edit of a text, at a random line. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swap" as const), at: fc.nat(), other: fc.nat() }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })),
  }),
  fc.record({ kind: fc.constant("replace-word" as const), at: fc.nat(), text: fc.constantFrom(...WORDS) }),
  fc.record({ kind: fc.constant("indent" as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
);

type Edit = { kind: string; at: number; other?: number; text?: string; by?: number };

function apply(text: string, edits: Edit[]): string {
  const lines = text.split("\n");
  for (const e of edits) {
    const i = e.at % lines.length;
    switch (e.kind) {
      case "delete":
        lines.splice(i, 1);
        break;
      case "duplicate":
        lines.splice(i, 0, lines[i]!);
        break;
      case "swap": {
        const j = e.other! % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
        break;
      }
      case "insert": {
        const col = (e.at >> 4) % (lines[i]!.length + 1);
        lines[i] = lines[i]!.slice(0, col) + e.text + lines[i]!.slice(col);
        break;
      }
      case "replace-word":
        lines[i] = lines[i]!.replace(/[A-Za-z_]+|\d+/, e.text!);
        break;
      case "indent":
        lines[i] = e.by! >= 0 ? " ".repeat(e.by!) + lines[i] : lines[i]!.replace(new RegExp(`^ {0,${-e.by!}}`), "");
        break;
    }
    if (lines.length === 0) lines.push("");
  }
  return lines.join("\n");
}

describe("robustness", () => {
  it("random text never crashes the parser or the simulator", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: "binary" }), (text) => {
        outcome(text);
      }),
      { numRuns: 500 },
    );
  });

  it("random YAML-ish text never crashes them either", () => {
    const token = fc.oneof(
      fc.constantFrom(
        ...WORDS,
        "id: x",
        "roles:",
        "steps:",
        "- title: t",
        "say: s",
        "actions:",
        "kind: standby",
        "\n",
        "\n  ",
      ),
      fc.string({ maxLength: 5 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
        outcome(tokens.join(" "));
      }),
      { numRuns: 500 },
    );
  });

  for (const name of shipped) {
    it(`random edits of ${name} give a trace or a positioned error`, () => {
      const text = source(name);
      let built = 0;
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
          if (outcome(apply(text, edits)) === "ok") built++;
        }),
        { numRuns: 120 },
      );
      // Some edits are harmless (a duplicated comment line): the property saw both outcomes.
      expect(built).toBeGreaterThan(0);
    });
  }
});
