/**
 * The kit's documents: written out page by page to a sink (a page leaves memory once the next
 * begins), the same bytes as in memory, no default font (pdfkit's Helvetica never loaded), and
 * streams deflated at zlib's fast level 1.
 */
import fc from "fast-check";
import { deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  colourMemo,
  createDocument,
  finish,
  FONT,
  pageCount,
  straightOut,
  type PdfSink,
} from "../../src/render/pdf.js";
import { measurer } from "../../src/render/measure.js";
import { PRODUCTS } from "../../src/products/index.js";
import { assets, kitOf, options } from "../helpers.js";

const meta = { title: "t", subject: "s", keywords: "k" };
const page = { width: 300, height: 200 };

function collector(): PdfSink & { bytes: () => Uint8Array; length: number } {
  const chunks: Uint8Array[] = [];
  return {
    write(chunk) {
      chunks.push(chunk);
      this.length += chunk.length;
    },
    length: 0,
    bytes: () => new Uint8Array(Buffer.concat(chunks)),
  };
}

describe("documents", () => {
  it("write each page to the sink once the next page begins", async () => {
    const sink = collector();
    const doc = createDocument(assets.fonts, new Date(0), meta, page, sink);
    doc.addPage().font(FONT.regular).fontSize(12).text("first page", 10, 10);
    await new Promise((r) => setImmediate(r));
    const beforeSecond = sink.length;
    doc.addPage().font(FONT.bold).fontSize(12).text("second page", 10, 10);
    await new Promise((r) => setImmediate(r));
    expect(sink.length).toBeGreaterThan(beforeSecond + 50);
    expect(pageCount(doc)).toBe(2);
    const done = await finish(doc);
    expect(done.pages).toBe(2);
    expect(done.pdf.length).toBe(0);
    expect(Buffer.from(sink.bytes()).toString("latin1")).toMatch(/%%EOF\s*$/);
  });

  it("never load or write pdfkit's default font", async () => {
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    expect((doc as unknown as { _font: unknown })._font).toBeNull();
    doc.addPage().font(FONT.mono).fontSize(12).text("mono", 10, 10);
    const { pdf } = await finish(doc);
    expect(Buffer.from(pdf).toString("latin1")).not.toContain("Helvetica");
  });

  it("deflate every stream at level 1", async () => {
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    doc.addPage().font(FONT.regular).fontSize(12).text("a page of text ".repeat(40), 10, 10, { width: 280 });
    const text = Buffer.from((await finish(doc)).pdf).toString("latin1");
    const streams = [...text.matchAll(/\/Length (\d+)[^>]*>>\nstream\n/g)].map((m) =>
      Buffer.from(text.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1])), "latin1"),
    );
    expect(streams.length).toBeGreaterThanOrEqual(3); // the page, and each font's program and maps
    for (const stream of streams) {
      const data = inflateSync(stream);
      expect(deflateSync(data, { level: 1 }).equals(stream)).toBe(true);
      if (data.length > 500) expect(deflateSync(data).equals(stream)).toBe(false);
    }
  });

  it.each(PRODUCTS.filter((p) => p.file.endsWith(".pdf")).map((p) => [p.file, p] as const))(
    "%s: the same bytes streamed as in memory",
    async (_f, product) => {
      const kit = kitOf("failover-failback.yaml");
      const sink = collector();
      const streamed = await product.render(kit, options(), assets, sink);
      const held = await product.render(kit, options(), assets);
      if (!("pdf" in streamed) || !("pdf" in held)) throw new Error(`${product.file} is not a PDF`);
      expect(streamed.pages).toBe(held.pages);
      expect(sink.bytes()).toEqual(held.pdf);
    },
  );

  it("measure widths as pdfkit does, remembered per font set", () => {
    const measure = measurer(assets.fonts);
    expect(measurer(assets.fonts)).toBe(measure);
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    for (const [text, font, size] of [
      ["Standby 2", FONT.bold, 14],
      ["Standby 2", FONT.bold, 15],
      ["Standby 2", FONT.regular, 14],
      ["pg_ctl promote", FONT.mono, 11.5],
    ] as const) {
      const width = doc.font(font).fontSize(size).widthOfString(text);
      expect(measure(text, font, size)).toBe(width);
      expect(measure(text, font, size)).toBe(width);
    }
  });

  it("remembers each width under its own text, font and size, asked in any order", () => {
    const measure = measurer(assets.fonts);
    const doc = createDocument(assets.fonts, new Date(0), meta, page);
    const ask = fc.record({
      text: fc.constantFrom("", "1", "11", "1 1", "Standby 2", "WAL tray", "0", "-0"),
      font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
      size: fc.constantFrom(17, 17.5, 19, 12, 22),
    });
    fc.assert(
      fc.property(fc.array(ask, { maxLength: 30 }), (asks) => {
        for (const { text, font, size } of [...asks, ...asks.reverse()])
          expect(measure(text, font, size)).toBe(doc.font(font).fontSize(size).widthOfString(text));
      }),
    );
  });

  it("write a colour's operators as pdfkit writes them, kept once per colour", async () => {
    const colour = fc.oneof(
      fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, "0")}`),
      fc.constantFrom("#ABCDEF", "#abc", "red", "#12345", [10, 20, 30], [0, 50, 100, 0]),
    );
    const write = async (colours: { colour: string | number[]; stroke: boolean }[]) => {
      const doc = createDocument(assets.fonts, new Date(0), meta, page);
      doc.addPage();
      for (const { colour, stroke } of colours) {
        if (stroke)
          doc
            .strokeColor(colour as string)
            .moveTo(1, 1)
            .lineTo(20, 20)
            .stroke();
        else
          doc
            .fillColor(colour as string)
            .rect(5, 5, 10, 10)
            .fill();
      }
      return Buffer.from((await finish(doc)).pdf);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ colour, stroke: fc.boolean() }), { maxLength: 30 }), async (colours) => {
        try {
          colourMemo.enabled = false;
          const plain = await write(colours);
          colourMemo.enabled = true;
          expect((await write(colours)).equals(plain)).toBe(true);
        } finally {
          colourMemo.enabled = true;
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each(PRODUCTS.filter((p) => p.file.endsWith(".pdf")).map((p) => [p.file, p] as const))(
    "%s: the same bytes written straight out as through pdfkit's stream, in memory and to a sink",
    async (_f, product) => {
      const kit = kitOf("split-brain.yaml");
      try {
        straightOut.enabled = false;
        const streamed = await product.render(kit, options(), assets);
        straightOut.enabled = true;
        const straight = await product.render(kit, options(), assets);
        const sink = collector();
        await product.render(kit, options(), assets, sink);
        if (!("pdf" in streamed) || !("pdf" in straight)) throw new Error(`${product.file} is not a PDF`);
        expect(Buffer.from(straight.pdf).equals(Buffer.from(streamed.pdf))).toBe(true);
        expect(Buffer.from(sink.bytes()).equals(Buffer.from(streamed.pdf))).toBe(true);
      } finally {
        straightOut.enabled = true;
      }
    },
  );
});
