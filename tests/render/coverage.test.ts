/** The characters the kit can print come from the embedded fonts' own cmaps: the same answer as fontkit's. */
import * as fontkit from "fontkit";
import { describe, expect, it } from "vitest";
import { loadFonts } from "../../src/node/assets.js";
import { cmapCodePoints, printableIn } from "../../src/render/fonts/coverage.js";

const fonts = loadFonts();

describe("font coverage", () => {
  for (const face of ["regular", "bold", "mono"] as const) {
    it(`reads the ${face} face's cmap as fontkit does`, () => {
      const font = fontkit.create(Buffer.from(fonts[face])) as { characterSet: number[] };
      const theirs = font.characterSet.filter((cp) => cp !== 0xffff).sort((a, b) => a - b);
      expect([...cmapCodePoints(fonts[face])].sort((a, b) => a - b)).toEqual(theirs);
    });
  }

  it("prints what every face has, and nothing the fonts lack", () => {
    const printable = printableIn(fonts);
    for (const ch of "AZaz09 éèçñßÆøŁőž–—‘’“”…€") expect(printable.has(ch.codePointAt(0)!), ch).toBe(true);
    for (const ch of "αЖ你ש🙂\u200bế") expect(printable.has(ch.codePointAt(0)!), ch).toBe(false);
    expect(printableIn(fonts)).toBe(printable);
  });
});
