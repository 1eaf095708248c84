/**
 * Lines written from what the document kept (src/render/text-line.ts) paint what pdfkit's own
 * `_fragment` paints: random lines in the kit's faces (kerned pairs, marks, symbols, spaces at
 * the end), at random sizes, places, alignments and baselines, drawn and drawn again in one
 * document, with and without a width, and lines with options only pdfkit handles. The page's
 * operators are read as a renderer reads them (./content.ts: the same glyphs, adjustments, font,
 * size and place, and every other operator the same); the rest of the file (the fonts' subsets,
 * widths and character maps, the page's resources) is the same, byte for byte.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDocument, finish, FONT } from "../../src/render/pdf.js";
import { textLine } from "../../src/render/text-line.js";
import { assets } from "../helpers.js";
import { readPdf } from "../pdf.js";
import { painted } from "./content.js";

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

/** One text() call. */
interface Call {
  text: string;
  font: string;
  size: number;
  x: number;
  y: number;
  options: object;
}

interface Drawn {
  /** Each page's operators, as written (a long text turns the page). */
  content: string[];
  /** The file's objects but the pages' content streams, by number. */
  objects: Map<string, string>;
  pdf: Uint8Array;
}

async function draw(calls: Call[]): Promise<Drawn> {
  const doc = createDocument(assets.fonts, new Date(0), meta, { width: 400, height: 300 });
  const content: string[] = [];
  const watch = () => {
    const page = doc.page as unknown as { write(chunk: string): unknown };
    const write = page.write.bind(page);
    const at = content.push("") - 1;
    page.write = (chunk: string) => {
      content[at] += `${chunk}\n`;
      return write(chunk);
    };
  };
  doc.on("pageAdded", watch);
  doc.addPage();
  for (let round = 0; round < 2; round++)
    for (const c of calls)
      doc
        .font(c.font)
        .fontSize(c.size)
        .text(c.text, c.x, c.y, c.options as PDFKit.Mixins.TextOptions);
  const { pdf } = await finish(doc);
  const file = Buffer.from(pdf).toString("latin1");
  const objects = new Map([...file.matchAll(/(\d+) 0 obj\n([^]*?)\nendobj/g)].map((m) => [m[1]!, m[2]!]));
  const contents = [...file.matchAll(/\/Contents (\d+) 0 R/g)];
  expect(contents).toHaveLength(content.length);
  for (const [, number] of contents) objects.delete(number!);
  return { content, objects, pdf };
}

/** Draws `calls` with the lines kept and through pdfkit's own road, and expects both to paint the same. */
async function samePainting(calls: Call[]): Promise<{ kept: Drawn; plain: Drawn }> {
  textLine.enabled = true;
  const kept = await draw(calls);
  textLine.enabled = false;
  const plain = await draw(calls);
  textLine.enabled = true;
  expect(kept.content.map(painted)).toEqual(plain.content.map(painted));
  expect(kept.objects).toEqual(plain.objects);
  return { kept, plain };
}

describe("lines kept per document", () => {
  afterEach(() => {
    textLine.enabled = true;
  });

  it("paint what pdfkit's _fragment paints", async () => {
    let written = 0;
    let toPdfkit = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 10 }), async (calls) => {
        const before = { ...textLine };
        await samePainting(calls);
        written += textLine.written - before.written;
        toPdfkit += textLine.toPdfkit - before.toPdfkit;
      }),
      { numRuns: 150 },
    );
    expect(written).toBeGreaterThan(300);
    expect(toPdfkit).toBeGreaterThan(100);
  });

  it("escape the glyph ids a literal string cannot hold as they are, and read back as the text", async () => {
    // Every printable ASCII character, one a line: the subset's ids pass 10 (LF), 13 (CR),
    // 40 and 41 (the parentheses) and 92 (the backslash).
    const texts = Array.from({ length: 95 }, (_, i) => `${String.fromCharCode(32 + i)}${"AV"[i % 2]}`);
    const calls = texts.map((text, i) => ({
      text,
      font: FONT.regular,
      size: 9,
      x: 10 + (i % 10) * 35,
      y: 10 + Math.floor(i / 10) * 25,
      options: { lineBreak: false, baseline: "alphabetic" },
    }));
    const { kept, plain } = await samePainting(calls);
    const [content] = kept.content as [string];
    for (const escaped of ["\\n", "\\r", "\\(", "\\)", "\\\\"]) expect(content).toContain(escaped);
    expect(content).not.toContain("\r");
    expect(content.length).toBeLessThan(plain.content[0]!.length);
    const [read] = await readPdf(kept.pdf);
    expect(read!.items.map((item) => item.str)).toEqual((await readPdf(plain.pdf))[0]!.items.map((item) => item.str));
    expect(read!.text).toContain("'V (A )V *A");
    expect(read!.text).toContain("[V \\A ]V");
  });
});
