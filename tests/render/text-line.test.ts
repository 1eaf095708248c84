/**
 * Lines written from what the document kept (src/render/text-line.ts) are the bytes pdfkit's own
 * `_fragment` writes: random lines in the kit's faces (kerned pairs, marks, symbols, spaces at
 * the end), at random sizes, places, alignments and baselines, drawn and drawn again in one
 * document, with and without a width, and lines with options only pdfkit handles.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDocument, finish, FONT } from "../../src/render/pdf.js";
import { textLine } from "../../src/render/text-line.js";
import { assets } from "../helpers.js";

const meta = { title: "t", subject: "s", keywords: "k" };
const pieces = ["AV", "To", "WAL", "card 3", "→", "·", "é", "ﬁ", "LSN 0/3000060", " ", "  ", "\n", "Ty.", "—"];

const line = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom(...pieces), weight: 4 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x")), weight: 1 },
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(""));

const call = fc.record({
  text: line,
  font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
  size: fc.constantFrom(6, 9, 11.5, 20, 48),
  x: fc.constantFrom(0, 12.345678, 100),
  y: fc.constantFrom(0, 50.5, 250),
  options: fc.oneof(
    fc.constant({ lineBreak: false, baseline: "alphabetic" as const }),
    fc.constant({ lineBreak: false }),
    fc.record({
      width: fc.constantFrom(300, 120.25),
      align: fc.constantFrom("left", "center", "right", undefined),
      lineBreak: fc.constant(false),
    }),
    fc.record({ width: fc.constant(300), align: fc.constant("justify") }),
    fc.constant({ lineBreak: false, characterSpacing: 1 }),
    fc.constant({ lineBreak: false, underline: true }),
    fc.constant({ lineBreak: false, baseline: 3 }),
    fc.constant({ lineBreak: false, baseline: "middle" as const }),
  ),
});

type Call = typeof call extends fc.Arbitrary<infer T> ? T : never;

async function draw(calls: Call[]): Promise<Buffer> {
  const doc = createDocument(assets.fonts, new Date(0), meta, { width: 400, height: 300 });
  doc.addPage();
  for (let round = 0; round < 2; round++)
    for (const c of calls)
      doc
        .font(c.font)
        .fontSize(c.size)
        .text(c.text, c.x, c.y, c.options as PDFKit.Mixins.TextOptions);
  return Buffer.from((await finish(doc)).pdf);
}

describe("lines kept per document", () => {
  afterEach(() => {
    textLine.enabled = true;
  });

  it("write the bytes pdfkit's _fragment writes", async () => {
    let written = 0;
    let toPdfkit = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 10 }), async (calls) => {
        const before = { ...textLine };
        textLine.enabled = true;
        const kept = await draw(calls);
        written += textLine.written - before.written;
        toPdfkit += textLine.toPdfkit - before.toPdfkit;
        textLine.enabled = false;
        const plain = await draw(calls);
        expect(kept.equals(plain)).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(written).toBeGreaterThan(300);
    expect(toPdfkit).toBeGreaterThan(100);
  });
});
