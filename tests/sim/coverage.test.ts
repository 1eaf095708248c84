/** Every action word and every event kind is handled everywhere it must be: generators, commands, cue wording. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ACTION_NAMES, type Action } from "../../src/scenario/schema.js";
import { commandsFor } from "../../src/sim/commands.js";
import { EVENT_KINDS } from "../../src/sim/trace.js";
import { root } from "../helpers.js";
import { ARBITRARIES, ROLES } from "./arbitraries.js";

const scenario = { roles: ROLES } as Parameters<typeof commandsFor>[1];

describe("coverage of the action words and event kinds", () => {
  it("every action word has a random generator", () => {
    expect(Object.keys(ARBITRARIES).sort()).toEqual([...ACTION_NAMES].sort());
  });

  it("every action word has a command to print", () => {
    for (const name of ACTION_NAMES) {
      const [args] = fc.sample<unknown>(ARBITRARIES[name].args, { numRuns: 1, seed: 1 });
      const action = { name, args, at: { line: 1, column: 1 } } as Action;
      expect(commandsFor(action, scenario).length, name).toBeGreaterThan(0);
    }
  });

  it("every event kind has its cue wording in templates/cues.yaml, or says it has none", () => {
    const cues = parse(readFileSync(join(root, "templates", "cues.yaml"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(cues).sort()).toEqual([...EVENT_KINDS].sort());
  });
});
