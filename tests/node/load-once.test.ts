/**
 * A scenario read and simulated once per process (load in src/index.ts): the same file and text
 * give the very same scenario and trace, another text is read anew, and a load checked against
 * the fonts is never answered by one that was not.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { load } from "../../src/index.js";
import { ScenarioError } from "../../src/scenario/diagnostics.js";
import { assets } from "../helpers.js";

const source = readFileSync(new URL("../../scenarios/streaming.yaml", import.meta.url), "utf8");

describe("load", () => {
  it("gives the same scenario and trace for the same file and text, and reads another text anew", () => {
    const first = load(source, "streaming.yaml", assets.fonts);
    expect(load(source, "streaming.yaml", assets.fonts)).toBe(first);
    expect(load(source, "streaming.yaml")).toBe(first); // a workshop's load, without the fonts check
    const edited = load(source.replace(/minutes: \d+/, "minutes: 17"), "streaming.yaml", assets.fonts);
    expect(edited).not.toBe(first);
    expect(edited.scenario.minutes).toBe(17);
    expect(load(source, "other.yaml", assets.fonts)).not.toBe(first);
  });

  it("still checks the fonts when only a load without them was kept", () => {
    const cyrillic = readFileSync(new URL("../bad/text-cyrillic.yaml", import.meta.url), "utf8");
    expect(() => load(cyrillic, "text-cyrillic.yaml")).not.toThrow();
    expect(() => load(cyrillic, "text-cyrillic.yaml", assets.fonts)).toThrow(ScenarioError);
  });
});
