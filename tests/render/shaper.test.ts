/**
 * The ASCII shaper (src/render/shaper.ts) gives the runs fontkit's layout gives, as pdfkit's
 * layoutRun scales them: the same glyphs, positions and width, for every printable ASCII
 * character and pair (and the few others the kit's wording sets: dashes, bullets, ×, …) in each of the kit's faces (pair kerning is all it models, so every pair
 * covers every word) and for random words; and it takes the kit's faces, so the speed is real.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDocument, FONT, pdfkitLayout } from "../../src/render/pdf.js";
import { asciiShaper, type FontkitFont, type Run } from "../../src/render/shaper.js";
import { assets } from "../helpers.js";

interface Embedded {
  font: FontkitFont;
  scale: number;
}

const doc = createDocument(
  assets.fonts,
  new Date(0),
  { title: "t", subject: "s", keywords: "k" },
  { width: 100, height: 100 },
);
const faces = [FONT.regular, FONT.bold, FONT.mono].map((name) => {
  doc.font(name);
  return { name, embedded: (doc as unknown as { _font: Embedded })._font };
});

/** fontkit's run, through pdfkit's own layoutRun (the one the shaper stands in for). */
const fontkitRun = (embedded: Embedded, text: string) =>
  pdfkitLayout.layoutRun!.call(embedded as never, text) as unknown as Run;

function same(embedded: Embedded, text: string): boolean {
  const ours = asciiShaper(embedded.font)!.run(text, embedded.scale);
  if (!ours) return false;
  const theirs = fontkitRun(embedded, text);
  expect(ours.glyphs).toEqual(theirs.glyphs.map((g) => g)); // the very glyph objects, by id
  ours.glyphs.forEach((g, i) => expect(g).toBe(theirs.glyphs[i]));
  expect(ours.positions.map((p) => ({ ...p }))).toEqual(theirs.positions.map((p) => ({ ...p })));
  expect(ours.advanceWidth).toBe(theirs.advanceWidth);
  return true;
}

const printable = [
  ...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)),
  // The characters the kit's wording sets beyond ASCII (OTHERS in shaper.ts).
  ..."–—·•×…",
];

describe("the ASCII shaper", () => {
  it.each(faces)("takes $name and shapes every printable character and pair as fontkit does", ({ embedded }) => {
    expect(asciiShaper(embedded.font)).not.toBeNull();
    let shaped = 0;
    let toFontkit = 0;
    for (const a of printable) {
      if (same(embedded, a)) shaped++;
      else toFontkit++;
      for (const b of printable) {
        if (same(embedded, a + b)) shaped++;
        else toFontkit++;
      }
    }
    // Every one is shaped here (the ccmp rule for "i" needs a combining accent after it).
    expect(toFontkit).toBe(0);
    expect(shaped).toBe(printable.length * (printable.length + 1));
  });

  it("shapes random words as fontkit does, and leaves the rest of Unicode to it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...faces),
        fc.string({ unit: fc.constantFrom(...printable, "é", "→", "\n", "\t", "ﬁ"), maxLength: 24 }),
        ({ embedded }, text) => {
          const ascii = /^[\x20-\x7e–—·•×…]+$/.test(text);
          if (same(embedded, text)) expect(ascii).toBe(true);
          else if (ascii) expect(asciiShaper(embedded.font)!.run(text, embedded.scale)).toBeUndefined();
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("refuses a face whose features depend on the script", () => {
    const font = faces[0]!.embedded.font;
    const gsub = font.GSUB!;
    const latin = gsub.scriptList!.find((s) => s.tag === "latn");
    const changed = {
      ...gsub,
      scriptList: gsub.scriptList!.map((s) =>
        s === latin ? { ...s, script: { defaultLangSys: { featureIndexes: [] } } } : s,
      ),
    };
    const face = Object.create(font) as FontkitFont;
    Object.defineProperty(face, "GSUB", { value: changed });
    expect(latin).toBeDefined();
    expect(asciiShaper(face)).toBeNull();
  });
});
