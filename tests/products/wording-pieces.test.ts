/**
 * Templates run as pieces give exactly what Handlebars gives: for every shipped kit and variant,
 * for each form they know, and for the data they leave to Handlebars (absent fields, lists,
 * functions), which Handlebars then decides, strict errors included.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { makeAssets } from "../../src/assets.js";
import { deriveKit } from "../../src/kit.js";
import { loadWording } from "../../src/node/assets.js";
import { piecesOf, plural, runPieces } from "../../src/wording-pieces.js";
import { precompileWording, Templates, type Precompiled, type Wording } from "../../src/wording.js";
import { assets, loadShipped, loadVariant, options, shipped, variants } from "../helpers.js";

const wording = loadWording();

/** The wording precompiled as the build does, its entries without pieces: every template run by Handlebars. */
const handlebarsOnly: Precompiled = (() => {
  const work = mkdtempSync(join(tmpdir(), "replikit-pieces-"));
  try {
    const file = join(work, "precompiled.cjs");
    writeFileSync(file, precompileWording(wording));
    const precompiled = createRequire(import.meta.url)(file) as Precompiled;
    return Object.fromEntries(
      Object.entries(precompiled).map(([source, entry]) => [source, { ...entry, pieces: null }]),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
})();

/** What Handlebars, compiled as Templates compiles, gives for a source and data (or the error it throws). */
function handlebars(source: string, data: object): string {
  const env = Handlebars.create();
  env.registerHelper("plural", plural);
  try {
    return env.compile(source, { noEscape: true, strict: true })(data);
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

const piecesOrHandlebars = (source: string, data: object) =>
  runPieces(piecesOf(source)!, data) ?? handlebars(source, data);

describe("wording pieces", () => {
  it("cover every shipped template with a mustache", () => {
    const sources = [
      ...Object.values(wording.cues).flatMap((sides) => Object.values(sides)),
      ...(["script", "cards", "diagrams", "workshop"] as const).flatMap((f) => Object.values(wording[f])),
    ].filter((s) => s.includes("{{"));
    expect(sources.filter((s) => piecesOf(s) === null)).toEqual([]);
  });

  it.each([...shipped.map((n) => ["scenario", n]), ...variants.map((n) => ["variant", n])])(
    "give the %s %s the words Handlebars gives",
    (from, name) => {
      const { scenario, trace } = from === "scenario" ? loadShipped(name) : loadVariant(name);
      const derive = (templates: Templates) => ({
        ...deriveKit(scenario, trace, "cafe1234", options(), { fonts: assets.fonts, wording: templates }),
        templates: undefined,
      });
      expect(derive(makeAssets(assets.fonts, wording).wording)).toEqual(derive(new Templates(wording, handlebarsOnly)));
    },
  );

  it.each([
    ["{{a}} and {{b}}", { a: "x", b: 3 }],
    ["{{a}}|{{b}}|{{c}}|{{d}}", { a: null, b: undefined, c: true, d: 0 }],
    ["{{#if a}}yes{{else if b}}b{{else}}no{{/if}}", { a: 0, b: "" }],
    ["{{#if a}}yes{{else if b}}b{{else}}no{{/if}}", { a: "", b: "0" }],
    ["{{#unless a}}not{{else}}so{{/unless}} {{#unless b}}B{{/unless}}", { a: false, b: NaN }],
    ["{{plural n 'chair' 'chairs'}}, {{plural m \"a\" \"b\"}}", { n: 1, m: "1" }],
    ["  Two\n  {{#if a}}\n  lines\n  {{/if}}\n", { a: true }],
  ])("run %j as Handlebars does", (source, data) => {
    expect(piecesOf(source)).not.toBeNull();
    expect(runPieces(piecesOf(source)!, data)).toBe(handlebars(source, data));
  });

  it.each([
    ["{{a}}", {}],
    ["{{#if a}}A{{/if}}", {}],
    ["{{a}}", { a: [1, 2] }],
    ["{{#if a}}A{{else}}none{{/if}}", { a: [] }],
    ["{{a}}", { a: () => "called" }],
    ["{{a}}", Object.create({ a: "inherited" }) as object],
  ])("leave %j on %j to Handlebars", (source, data) => {
    expect(runPieces(piecesOf(source)!, data)).toBeUndefined();
    expect(piecesOrHandlebars(source, data)).toBe(handlebars(source, data));
  });

  it.each([
    "{{a.b}}",
    "{{this}}",
    "{{@index}}",
    "{{#each a}}x{{/each}}",
    "{{> part}}",
    "{{!note}}{{a}}",
    "{{{a}}}",
    "{{if}}",
  ])("know no other form: %s", (source) => expect(piecesOf(source)).toBeNull());

  it("run a template of a file the build did not precompile as pieces too", () => {
    const edited: Wording = {
      ...wording,
      script: { ...wording.script, probe: "{{#if n}}{{plural n 'card' 'cards'}}{{/if}}" },
    };
    expect(new Templates(edited).text("script", "probe", { n: 2 })).toBe("2 cards");
    expect(() => new Templates(edited).text("script", "probe", {})).not.toThrow();
    expect(new Templates(edited).text("script", "probe", {})).toBe("");
  });
});
