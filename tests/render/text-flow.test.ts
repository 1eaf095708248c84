/**
 * The short road for plain wrapped text (src/render/text-flow.ts) gives the page what pdfkit's
 * own wrapper gives it: the same bytes, the same heights and the same cursor, for random texts
 * at random widths, sizes, alignments and places, near a page's bottom too (where pdfkit must
 * turn the page itself), and for texts it must hand to pdfkit (words wider than the line, soft
 * hyphens, newlines, other options).
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDocument, finish, FONT } from "../../src/render/pdf.js";
import { linesFloor, textFlow } from "../../src/render/text-flow.js";
import { assets } from "../helpers.js";

const meta = { title: "t", subject: "s", keywords: "k" };
const page = { width: 400, height: 600 };
const words = ["the", "standby", "replays", "WAL", "0/3000060", "pg_stat_replication", "—", "a-b-c", "x", "→", "·"];

interface Call {
  text: string;
  font: string;
  size: number;
  width: number;
  x: number;
  y: number;
  lineGap?: number;
  align?: "left" | "center" | "right" | "justify";
  lineBreak: boolean;
  baseline?: "alphabetic";
  characterSpacing?: number;
}

const text = fc
  .array(
    fc.oneof(
      { arbitrary: fc.constantFrom(...words), weight: 8 },
      { arbitrary: fc.constantFrom(" ", "  ", "\n", "\n\n", "-", "\t"), weight: 2 },
      { arbitrary: fc.constant("\u00ad"), weight: 1 },
      { arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, "a")), weight: 1 },
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(" "));

const call: fc.Arbitrary<Call> = fc.record(
  {
    text,
    font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
    size: fc.constantFrom(6, 9, 11.5, 20),
    width: fc.constantFrom(1, 30, 80.5, 200, 380, 380),
    x: fc.constantFrom(0, 10, 100),
    y: fc.constantFrom(0, 50, 250, 540, 560, 575, 585, 590),
    lineGap: fc.constantFrom(0, 1, 2),
    align: fc.constantFrom("left", "center", "right", "left", "justify", undefined),
    lineBreak: fc.boolean(),
    baseline: fc.constantFrom("alphabetic" as const, undefined),
    characterSpacing: fc.constantFrom(undefined, undefined, undefined, undefined, 0.5),
  },
  // Most calls plain, as the kit's are; some with options only pdfkit handles.
);

/** Measures and draws every call twice, reading the cursor after each. */
async function draw(calls: Call[]): Promise<{ pdf: Uint8Array; seen: number[] }> {
  const doc = createDocument(assets.fonts, new Date(0), meta, page);
  doc.addPage();
  const seen: number[] = [];
  for (let round = 0; round < 2; round++)
    for (const { text, font, size, x, y, ...options } of calls) {
      doc.font(font).fontSize(size);
      seen.push(doc.heightOfString(text, { width: options.width, lineGap: options.lineGap }));
      doc.text(text, x, y, options);
      seen.push(doc.x, doc.y, pageNumber(doc));
    }
  return { pdf: (await finish(doc)).pdf, seen };
}

const pageNumber = (doc: PDFKit.PDFDocument) => doc.bufferedPageRange().start + doc.bufferedPageRange().count;

describe("plain wrapped text", () => {
  afterEach(() => {
    textFlow.enabled = true;
  });

  it("writes the same bytes, heights and cursor as pdfkit's own wrapper", async () => {
    let laidOut = 0;
    let toPdfkit = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        const before = { ...textFlow };
        textFlow.enabled = true;
        const flowed = await draw(calls);
        laidOut += textFlow.laidOut - before.laidOut;
        toPdfkit += textFlow.toPdfkit - before.toPdfkit;
        textFlow.enabled = false;
        const plain = await draw(calls);
        expect(flowed.seen).toEqual(plain.seen);
        expect(Buffer.from(flowed.pdf).equals(Buffer.from(plain.pdf))).toBe(true);
      }),
      { numRuns: 150 },
    );
    // Both roads were taken: the property says something about each.
    expect(laidOut).toBeGreaterThan(200);
    expect(toPdfkit).toBeGreaterThan(50);
  });

  it("takes the short road for the kit's plain texts and hands the rest to pdfkit", async () => {
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    doc.addPage().font(FONT.regular).fontSize(9);
    const road = (draw: () => void) => {
      const before = textFlow.laidOut;
      draw();
      return textFlow.laidOut > before ? "short" : "pdfkit";
    };
    expect(road(() => doc.text("Server A takes card 3.", 10, 10, { width: 200, lineGap: 2 }))).toBe("short");
    expect(road(() => doc.text("centred", 10, 40, { width: 200, align: "center", lineBreak: false }))).toBe("short");
    expect(road(() => doc.text("pg_stat_replication", 10, 60, { width: 20 }))).toBe("pdfkit");
    expect(road(() => doc.text("soft\u00adhyphen", 10, 80, { width: 200 }))).toBe("pdfkit");
    expect(road(() => doc.text("spaced", 10, 100, { width: 200, characterSpacing: 1 }))).toBe("pdfkit");
    expect(road(() => doc.text("at the bottom", 10, 595, { width: 200 }))).toBe("pdfkit");
    await finish(doc);
  });

  it("claims no more lines at a larger size than pdfkit's own wrapper takes there", () => {
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    doc.addPage();
    // Kerned pairs and hyphens among the words, and widths where a word nearly fills a line.
    const kerned = fc.constantFrom("AV", "To", "WAVE", "Ty.", "r,", "LT", "—", "a-b-c", "0/3000060", "fi");
    const texts = fc
      .array(fc.oneof({ arbitrary: fc.constantFrom(...words), weight: 4 }, { arbitrary: kerned, weight: 3 }), {
        minLength: 1,
        maxLength: 40,
      })
      .chain((parts) =>
        fc
          .array(fc.constantFrom(" ", " ", " ", "-", "\n"), { minLength: parts.length, maxLength: parts.length })
          .map((gaps) => parts.map((p, i) => p + gaps[i]).join("")),
      );
    const lines = (text: string, font: string, size: number, width: number) => {
      doc.font(font).fontSize(size);
      return Math.round(doc.heightOfString(text, { width, lineGap: 2 }) / (doc.currentLineHeight(true) + 2));
    };
    let claimed = 0;
    let more = 0;
    fc.assert(
      fc.property(
        texts,
        fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
        fc.constantFrom(8.8, 11, 14.3),
        fc.double({ min: 1, max: 1.6, noNaN: true }),
        fc.constantFrom(40, 61.5, 120, 250, 470.55),
        (text, font, size, growth, width) => {
          doc.font(font).fontSize(size);
          const floor = linesFloor(doc, text, { width, lineGap: 2 });
          const larger = Math.min(size * growth, floor?.upTo ?? Infinity);
          if (!floor || larger < size) return;
          claimed++;
          textFlow.enabled = false;
          const taken = lines(text, font, larger, width);
          textFlow.enabled = true;
          expect(taken).toBeGreaterThanOrEqual(floor.lines);
          if (taken > floor.lines) more++;
          // At its own size, the floor is the lines themselves.
          expect(lines(text, font, size, width)).toBe(floor.lines);
        },
      ),
      { numRuns: 600 },
    );
    expect(claimed).toBeGreaterThan(300);
    expect(more).toBeGreaterThan(50);
  });

  it("claims nothing for a text pdfkit wraps itself", () => {
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    doc.addPage().font(FONT.regular).fontSize(9);
    expect(linesFloor(doc, "Server A takes card 3.", { width: 200 })).toMatchObject({ lines: 1 });
    expect(linesFloor(doc, "pg_stat_replication", { width: 20 })).toBeUndefined();
    expect(linesFloor(doc, "soft\u00adhyphen", { width: 200 })).toBeUndefined();
    // The widest word ("replication", a little over 40 pt at 9 pt) bounds the sizes claimed for.
    const { upTo } = linesFloor(doc, "the replication", { width: 50 })!;
    expect(upTo).toBeGreaterThan(9);
    doc.fontSize(upTo);
    expect(doc.widthOfString("replication")).toBeLessThanOrEqual(50);
    textFlow.enabled = false;
    expect(linesFloor(doc, "Server A", { width: 200 })).toBeUndefined();
  });
});
