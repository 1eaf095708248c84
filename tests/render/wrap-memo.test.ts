/**
 * The remembered line wrapper (src/render/wrap-memo.ts) gives the page what pdfkit's own wrapping
 * gives it: the same measured heights and the same document bytes, for texts drawn again and
 * again at many widths, sizes and places, near a page's bottom too (where it must wrap anew).
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { createDocument, finish, FONT } from "../../src/render/pdf.js";
import { wrapMemo } from "../../src/render/wrap-memo.js";
import { assets } from "../helpers.js";

const meta = { title: "t", subject: "s", keywords: "k" };
const page = { width: 400, height: 300 };
const words = ["the", "standby", "replays", "WAL", "0/3000060", "pg_stat_replication", "—", "a-b-c", "x"];

interface Call {
  text: string;
  font: string;
  size: number;
  width: number;
  x: number;
  y: number;
  lineGap: number;
  align: "left" | "center" | "right";
  lineBreak: boolean;
}

const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...words),
      fc.constantFrom(" ", "  ", "\n", "\u00ad", "-"),
      fc.string({ minLength: 1, maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, "a")),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(" "));

const call: fc.Arbitrary<Call> = fc.record({
  text,
  font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
  size: fc.constantFrom(6, 9, 11.5, 20),
  width: fc.constantFrom(1, 30, 80.5, 200, 380),
  x: fc.constantFrom(0, 10, 100),
  y: fc.constantFrom(0, 50, 250, 290),
  lineGap: fc.constantFrom(0, 1, 2),
  align: fc.constantFrom("left", "center", "right"),
  lineBreak: fc.boolean(),
});

/** Draws and measures every call twice (the second time the memo replays what it recorded). */
async function draw(calls: Call[]): Promise<{ pdf: Uint8Array; heights: number[] }> {
  const doc = createDocument(assets.fonts, new Date(0), meta, page);
  doc.addPage();
  const heights: number[] = [];
  for (let round = 0; round < 2; round++)
    for (const c of calls) {
      doc.font(c.font).fontSize(c.size);
      heights.push(doc.heightOfString(c.text, { width: c.width, lineGap: c.lineGap }));
      doc.text(c.text, c.x, c.y, { width: c.width, lineGap: c.lineGap, align: c.align, lineBreak: c.lineBreak });
    }
  return { pdf: (await finish(doc)).pdf, heights };
}

describe("the remembered line wrapper", () => {
  afterEach(() => {
    wrapMemo.enabled = true;
  });

  it("writes the same bytes and measures the same heights as pdfkit's wrapping", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), async (calls) => {
        wrapMemo.enabled = true;
        const replayedBefore = wrapMemo.replayed;
        const remembered = await draw(calls);
        const replayed = wrapMemo.replayed - replayedBefore;
        wrapMemo.enabled = false;
        const plain = await draw(calls);
        expect(remembered.heights).toEqual(plain.heights);
        expect(Buffer.from(remembered.pdf).equals(Buffer.from(plain.pdf))).toBe(true);
        expect(replayed).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  it("wraps anew a text whose lines would pass the page's bottom (pdfkit turns the page)", async () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const run = async () => {
      const doc = createDocument(assets.fonts, new Date(0), meta, page);
      doc.addPage().font(FONT.regular).fontSize(12);
      doc.text(long, 10, 10, { width: 100 }); // recorded: it fits
      doc.text(long, 10, 200, { width: 100 }); // the same text, too low: pdfkit breaks the page
      const pages = doc.bufferedPageRange();
      return { pdf: (await finish(doc)).pdf, pages: pages.start + pages.count };
    };
    const remembered = await run();
    wrapMemo.enabled = false;
    const plain = await run();
    expect(plain.pages).toBeGreaterThan(1);
    expect(remembered.pages).toBe(plain.pages);
    expect(Buffer.from(remembered.pdf).equals(Buffer.from(plain.pdf))).toBe(true);
  });
});
