/**
 * The kit's documents lay text out with a faster copy of pdfkit's EmbeddedFont.layout
 * (src/render/pdf.ts): for any text, in each face, it returns what pdfkit's own returns.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createDocument, FONT, pdfkitLayout } from "../../src/render/pdf.js";
import { assets } from "../helpers.js";

interface Run {
  glyphs: object[] | null;
  positions: object[] | null;
  advanceWidth: number;
}
interface Font {
  layout(text: string, features?: unknown, onlyWidth?: boolean): unknown;
}

describe("text layout", () => {
  it("gives pdfkit's glyphs, positions and widths", () => {
    const doc = createDocument(
      assets.fonts,
      new Date(0),
      { title: "", subject: "", keywords: "" },
      { width: 200, height: 200 },
    );
    const fonts = [FONT.regular, FONT.bold, FONT.mono].map(
      (name) => (doc.font(name) as unknown as { _font: Font })._font,
    );
    const original = pdfkitLayout.layout!;
    const text = fc
      .array(fc.oneof(fc.constantFrom(" ", "\t", "  ", "WAL", "0/3000060", "fi", "AV", "—", "é"), fc.string()), {
        maxLength: 20,
      })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(text, fc.constantFrom(0, 1, 2), fc.boolean(), (t, f, onlyWidth) => {
        const font = fonts[f]!;
        const ours = font.layout(t, undefined, onlyWidth) as Run;
        const theirs: Run = original.call(font as never, t, undefined, onlyWidth);
        expect(ours.advanceWidth).toBe(theirs.advanceWidth);
        expect(ours.glyphs === null).toBe(theirs.glyphs === null);
        // The same glyph objects (both come from the face's run cache) at the same positions.
        expect(ours.glyphs?.length).toBe(theirs.glyphs?.length);
        ours.glyphs?.forEach((g, i) => expect(g).toBe(theirs.glyphs![i]));
        expect(JSON.stringify(ours.positions)).toBe(JSON.stringify(theirs.positions));
      }),
      { numRuns: 300 },
    );
  });
});
