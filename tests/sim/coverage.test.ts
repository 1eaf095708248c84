/** Every action word and every event kind is handled everywhere it must be: generators, commands, cue wording. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "../../src/scenario/model.js";
import { ACTION_NAMES, type Action, type ActionName } from "../../src/scenario/schema.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import { EVENT_KINDS } from "../../src/sim/trace.js";
import { root } from "../helpers.js";
import { ARBITRARIES, scenarioOf } from "./arbitraries.js";

/** For each action word, steps that make it possible, then the action itself (on the ROLES stage). */
const SAMPLES: { [K in ActionName]: Omit<Action, "at">[][] } = {
  write: [[{ name: "write", args: { by: "w", to: "p" } }]],
  read: [[{ name: "read", args: { by: "r", from: "s1" } }]],
  release: [[{ name: "read", args: { by: "r", from: "s1", hold: true } }], [{ name: "release", args: "r" }]],
  cancel: [
    [{ name: "crash", args: "s1" }],
    [{ name: "write", args: { by: "w", to: "p" } }],
    [{ name: "cancel", args: "w" }],
  ],
  vacuum: [[{ name: "vacuum", args: { by: "w", on: "p" } }]],
  clone: [[{ name: "clone", args: { from: "p", to: "s3" } }]],
  start: [[{ name: "stop", args: "s1" }], [{ name: "start", args: "s1" }]],
  stop: [[{ name: "stop", args: "s1" }]],
  crash: [[{ name: "crash", args: "s1" }]],
  promote: [[{ name: "promote", args: "s1" }]],
  follow: [[{ name: "follow", args: { server: "s2", upstream: "p" } }]],
  failover: [[{ name: "crash", args: "p" }], [{ name: "failover", args: { candidates: ["s1", "s2"] } }]],
  checkpoint: [[{ name: "checkpoint", args: "p" }]],
  cut: [[{ name: "cut", args: ["p", "s1"] }]],
  heal: [[{ name: "cut", args: ["p", "s1"] }], [{ name: "heal", args: ["p", "s1"] }]],
  wait: [[{ name: "wait", args: 5 }]],
};

describe("coverage of the action words and event kinds", () => {
  it("every action word has a random generator", () => {
    expect(Object.keys(ARBITRARIES).sort()).toEqual([...ACTION_NAMES].sort());
  });

  it.each(ACTION_NAMES)("%s emits the real commands the script prints and verify runs", (name) => {
    const settings = name === "cancel" ? { ...DEFAULT_SETTINGS, synchronous_standby_names: ["s1"] } : DEFAULT_SETTINGS;
    const { trace, problems } = simulateLeniently(scenarioOf(settings, SAMPLES[name]));
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
