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
  layoutCached(text: string): Run;
  layoutRun(text: string): Run;
}

const newDocument = () =>
  createDocument(assets.fonts, new Date(0), { title: "", subject: "", keywords: "" }, { width: 200, height: 200 });

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

  it("shapes a run once per face for every document, as pdfkit's layoutRun shapes it", () => {
    const [a, b] = [newDocument(), newDocument()];
    const fontsOf = (doc: PDFKit.PDFDocument) =>
      [FONT.regular, FONT.bold, FONT.mono].map((name) => (doc.font(name) as unknown as { _font: Font })._font);
    const [first, second] = [fontsOf(a), fontsOf(b)];
    const run = fc.oneof(fc.constantFrom("WAL ", "0/3000060", "AV\t", "—", "é "), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(run, fc.constantFrom(0, 1, 2), (text, f) => {
        const cached = first[f]!.layoutCached(text);
        // What pdfkit's own shaping gives for it, afresh.
        const fresh = first[f]!.layoutRun(text);
        expect(cached.advanceWidth).toBe(fresh.advanceWidth);
        expect(cached.glyphs!.map((g) => (g as { id: number }).id)).toEqual(
          fresh.glyphs!.map((g) => (g as { id: number }).id),
        );
        expect(JSON.stringify(cached.positions)).toBe(JSON.stringify(fresh.positions));
        // Asked again, in this document or another, the same run: shaped once.
        expect(first[f]!.layoutCached(text)).toBe(cached);
        expect(second[f]!.layoutCached(text)).toBe(cached);
        // Each face has its own runs.
        if (text.trim()) expect(first[(f + 1) % 3]!.layoutCached(text)).not.toBe(cached);
      }),
      { numRuns: 200 },
    );
  });
});
