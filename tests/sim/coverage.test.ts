/** Every action word and every event kind is handled everywhere it must be: generators, commands, cue wording. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/scenario/model.js";
import { ACTION_NAMES } from "../../src/scenario/schema.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import { EVENT_KINDS } from "../../src/sim/trace.js";
import { root } from "../helpers.js";
import { ARBITRARIES, scenarioOf } from "./arbitraries.js";

/** For each action word, steps that make it possible, then the action itself (on the ROLES stage). */

describe("coverage of the action words and event kinds", () => {
  it("every action word has a random generator", () => {
    expect(Object.keys(ARBITRARIES).sort()).toEqual([...ACTION_NAMES].sort());
  });

  it.each(ACTION_NAMES)("%s emits the real commands the script prints and verify runs", (name) => {
    const settings = name === "cancel" ? { ...DEFAULT_SETTINGS, synchronous_standby_names: ["s1"] } : DEFAULT_SETTINGS;
    const { trace, problems } = simulateLeniently(scenarioOf(settings, ARBITRARIES[name].sample));
    expect(problems).toEqual([]);
    const last = trace.steps.at(-1)!;
    expect(last.commands.length, name).toBeGreaterThan(0);
    expect(last.commands.every((c) => c.action === 0)).toBe(true);
  });

  it("every event kind has its cue wording in templates/cues.yaml, or says it has none", () => {
    const cues = parse(readFileSync(join(root, "templates", "cues.yaml"), "utf8")) as Record<string, unknown>;
    expect(Object.keys(cues).sort()).toEqual([...EVENT_KINDS].sort());
  });
});
