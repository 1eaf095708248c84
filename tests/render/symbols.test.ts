/** Card symbols: written from recorded operators, the same bytes as pdfkit's own `path` on every call. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CardKind } from "../../src/products/data-cards/derive.js";
import { createDocument, finish } from "../../src/render/pdf.js";
import { drawSymbol, SYMBOLS } from "../../src/render/symbols.js";
import { assets } from "../helpers.js";

/** drawSymbol as it was: pdfkit parses the SVG path every time. */
function drawByPath(doc: PDFKit.PDFDocument, kind: CardKind, x: number, y: number, size: number): void {
  const { path, colour } = SYMBOLS[kind];
  doc
    .save()
    .translate(x, y)
    .scale(size / 100)
    .path(path)
    .fill(colour, "even-odd")
    .restore();
}

async function pdfOf(draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = createDocument(
    assets.fonts,
    new Date(0),
    { title: "", subject: "", keywords: "" },
    { width: 612, height: 792 },
  );
  doc.addPage();
  draw(doc);
  return Buffer.from((await finish(doc)).pdf);
}

describe("card symbols", () => {
  it("write the same bytes as pdfkit's path, in any order, at any place and size", async () => {
    const kinds = Object.keys(SYMBOLS) as CardKind[];
    const symbol = fc.record({
      kind: fc.constantFrom(...kinds),
      x: fc.double({ min: -50, max: 600, noNaN: true }),
      y: fc.double({ min: -50, max: 800, noNaN: true }),
      size: fc.double({ min: 1, max: 60, noNaN: true }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(symbol, { minLength: 1, maxLength: 12 }), async (symbols) => {
        const recorded = await pdfOf((doc) => symbols.forEach((s) => drawSymbol(doc, s.kind, s.x, s.y, s.size)));
        const parsed = await pdfOf((doc) => symbols.forEach((s) => drawByPath(doc, s.kind, s.x, s.y, s.size)));
        expect(recorded.equals(parsed)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
