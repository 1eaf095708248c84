/**
 * Wording without compiling at run time: text with no `{{` is its own output, and templates
 * precompiled at build time (precompileWording) give every shipped kit exactly the words that
 * compiling them gives, while a template edited since is compiled from its new text.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeAssets } from "../../src/assets.js";
import { deriveKit } from "../../src/kit.js";
import { loadWording } from "../../src/node/assets.js";
import { precompileWording, Templates, type Precompiled, type Wording } from "../../src/wording.js";
import { assets, loadShipped, options, shipped } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "replikit-wording-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;

/** Loads the generated module the way node/assets.ts does: require. */
function evaluate(moduleSource: string): Precompiled {
  const file = join(work, `precompiled-${++count}.cjs`);
  writeFileSync(file, moduleSource);
  return createRequire(import.meta.url)(file) as Precompiled;
}

const wording = loadWording();
const precompiled = evaluate(precompileWording(wording));

describe("precompiled wording", () => {
  it("holds every template with a mustache, and only those", () => {
    const sources = [
      ...Object.values(wording.cues).flatMap((sides) => Object.values(sides)),
      ...(["script", "cards", "diagrams", "workshop"] as const).flatMap((f) => Object.values(wording[f])),
    ];
    const templated = new Set(sources.filter((s) => s.includes("{{")));
    expect(templated.size).toBeGreaterThan(20);
    expect(new Set(Object.keys(precompiled))).toEqual(templated);
  });

  it.each(shipped)("gives %s the words compiling gives", (name) => {
    const { scenario, trace } = loadShipped(name);
    const fast = makeAssets(assets.fonts, wording, precompiled);
    const plain = makeAssets(assets.fonts, wording);
    const strip = (kit: ReturnType<typeof deriveKit>) => ({ ...kit, templates: undefined });
    expect(strip(deriveKit(scenario, trace, "cafe1234", options(), fast))).toEqual(
      strip(deriveKit(scenario, trace, "cafe1234", options(), plain)),
    );
  });

  it("compiles a template whose text is not among the precompiled", () => {
    const edited = { ...wording, script: { ...wording.script, probe: "Now {{n}} cards" } };
    expect(new Templates(edited, precompiled).text("script", "probe", { n: 3 })).toBe("Now 3 cards");
  });

  it("uses the precompiled form where the text matches", () => {
    const source = "Hello {{name}}";
    const wrong = evaluate(
      precompileWording({ cues: {}, script: { x: "Bye {{name}}" }, cards: {}, diagrams: {}, workshop: {} }),
    );
    // The precompiled form of another text, filed under this one's: proof it is what runs.
    const swapped: Precompiled = { [source]: wrong["Bye {{name}}"]! };
    const templates = new Templates(
      { cues: {}, script: { greet: source }, cards: {}, diagrams: {}, workshop: {} },
      swapped,
    );
    expect(templates.text("script", "greet", { name: "Ada" })).toBe("Bye Ada");
  });

  it("keeps Handlebars' precompiled form only for a template the pieces cannot say, and runs it", () => {
    const some: Wording = {
      cues: {},
      script: { each: "{{#each xs}}{{this}}.{{/each}}", n: "{{n}}" },
      cards: {},
      diagrams: {},
      workshop: {},
    };
    const prepared = evaluate(precompileWording(some));
    expect(prepared["{{#each xs}}{{this}}.{{/each}}"]).toMatchObject({ pieces: null, reads: null });
    expect(prepared["{{#each xs}}{{this}}.{{/each}}"]!.spec).toBeDefined();
    expect(prepared["{{n}}"]).toEqual({ reads: ["n"], pieces: [{ field: "n" }] });
    expect(new Templates(some, prepared).text("script", "each", { xs: [1, 2] })).toBe("1.2.");
  });

  it("passes wording without a mustache through, spaces squashed, template syntax never involved", () => {
    const templates = new Templates({
      cues: {},
      script: { plain: "  Two\n  lines \\ and a } brace " },
      cards: {},
      diagrams: {},
      workshop: {},
    });
    expect(templates.text("script", "plain")).toBe("Two lines \\ and a } brace");
  });

  it("gives a kept render only for the same template and the same data", () => {
    const templates = new Templates({
      cues: {},
      script: { n: "{{n}} cards", m: "{{n}} more", strict: "{{#if a}}A{{/if}}{{a}}" },
      cards: {},
      diagrams: {},
      workshop: {},
    });
    expect(templates.text("script", "n", { n: 3 })).toBe("3 cards");
    expect(templates.text("script", "n", { n: 3 })).toBe("3 cards");
    expect(templates.text("script", "n", { n: 4 })).toBe("4 cards");
    expect(templates.text("script", "m", { n: 3 })).toBe("3 more");
    expect(templates.text("script", "n", { n: [1, 2] })).toBe("1,2 cards");
    // A strict template throws on an absent field; a field set to undefined is another input.
    expect(templates.text("script", "strict", { a: undefined })).toBe("");
    expect(() => templates.text("script", "strict", {})).toThrow(/template script.strict/);
    expect(() => templates.text("script", "strict", {})).toThrow(/template script.strict/);
  });

  it("tells values apart by type, not by how they print", () => {
    const templates = new Templates({
      cues: {},
      script: { z: "{{#if n}}yes{{else}}no{{/if}}", m: "{{#if n}}{{n}}{{else}}none{{/if}} and {{k}}" },
      cards: {},
      diagrams: {},
      workshop: {},
    });
    const said = (n: unknown) => templates.text("script", "z", { n });
    expect([0, "0", false, "false", [], "", [0], null, "null"].map(said)).toEqual([
      "no",
      "yes",
      "no",
      "yes",
      "no",
      "no",
      "yes",
      "no",
      "yes",
    ]);
    // Two fields: a value of the first is not taken for one of the second.
    expect(templates.text("script", "m", { n: 1, k: 2 })).toBe("1 and 2");
    expect(templates.text("script", "m", { n: 2, k: 1 })).toBe("2 and 1");
    expect(templates.text("script", "m", { n: [1, 2], k: 1 })).toBe("1,2 and 1");
    expect(templates.text("script", "m", { n: "1,2", k: 1 })).toBe("1,2 and 1");
  });

  it("still gives the right words once it has forgotten its kept renders", () => {
    const templates = new Templates({ cues: {}, script: { n: "{{n}} cards" }, cards: {}, diagrams: {}, workshop: {} });
    for (let n = 0; n < 20_050; n++) expect(templates.text("script", "n", { n })).toBe(`${n} cards`);
    expect(templates.text("script", "n", { n: 7 })).toBe("7 cards");
  });
});
