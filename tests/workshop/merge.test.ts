/**
 * kit.pdf's merge: pages copied byte for byte from the parts pdfkit wrote, with the outline and
 * page labels asked for, read back by two other readers (pdf-lib for the objects, pdfjs for what
 * a reader sees), over random parts, outlines and labels.
 */
import fc from "fast-check";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { PDFArray, PDFDocument, PDFName, PDFRawStream, PDFRef, type PDFDict } from "pdf-lib";
import { describe, expect, it } from "vitest";
import { createDocument, finish, FONT } from "../../src/render/pdf.js";
import { mergePdfs, type Bookmark, type PageLabel } from "../../src/workshop/merge.js";
import { readPdf } from "../pdf.js";
import { assets } from "../helpers.js";

const faces = [FONT.regular, FONT.bold, FONT.mono];

/** A part as a product makes one: pdfkit pages of text in the kit's faces, some shapes. */
async function part(pages: { words: string[]; face: number; box: boolean }[], title: string): Promise<Uint8Array> {
  const doc = createDocument(
    assets.fonts,
    new Date(0),
    { title, subject: "s", keywords: "k" },
    { width: 300, height: 400 },
  );
  for (const page of pages) {
    doc.addPage();
    if (page.box) doc.rect(20, 20, 100, 50).fillAndStroke("#ffcc00", "#000000");
    doc.font(faces[page.face]!).fontSize(11).fillColor("#000000");
    doc.text(page.words.join(" ") || "-", 30, 100, { width: 240 });
  }
  return (await finish(doc)).pdf;
}

const word = fc.stringMatching(/^[A-Za-z0-9(),.:;'"\\-]{1,12}$/);
const pageArb = fc.record({
  words: fc.array(word, { maxLength: 30 }),
  face: fc.integer({ min: 0, max: 2 }),
  box: fc.boolean(),
});
const title = fc.string({
  minLength: 1,
  maxLength: 20,
  unit: fc.constantFrom("a", "Z", " ", "é", "(", ")", "\\", "Ж", "→", "1"),
});

/** The stream bytes of a page's contents, and of every font program it uses, read by pdf-lib. */
function pageBytes(doc: PDFDocument, index: number): string[] {
  const page = doc.getPage(index).node;
  const streamOf = (ref: unknown) => (doc.context.lookup(ref as PDFRef) as PDFRawStream).contents;
  const out = [Buffer.from(streamOf(page.get(PDFName.of("Contents")))).toString("hex")];
  const fonts = (page.Resources()!.lookup(PDFName.of("Font")) as PDFDict | undefined)?.entries() ?? [];
  for (const [name, ref] of fonts) {
    const font = doc.context.lookup(ref) as PDFDict;
    const descendant = doc.context.lookup((font.lookup(PDFName.of("DescendantFonts")) as PDFArray).get(0)) as PDFDict;
    const descriptor = descendant.lookup(PDFName.of("FontDescriptor")) as PDFDict;
    out.push(`${name.toString()} ${Buffer.from(streamOf(descriptor.get(PDFName.of("FontFile2")))).toString("hex")}`);
  }
  return out.sort();
}

async function outlineOf(bytes: Uint8Array) {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  interface Item {
    title: string;
    dest: unknown;
    items: Item[];
  }
  const flat: { title: string; depth: number; page: number }[] = [];
  const walk = async (items: Item[] | null, depth: number) => {
    for (const item of items ?? []) {
      flat.push({
        title: item.title,
        depth,
        page: await pdf.getPageIndex((item.dest as [{ num: number; gen: number }])[0]),
      });
      await walk(item.items, depth + 1);
    }
  };
  await walk(await pdf.getOutline(), 0);
  const labels = await pdf.getPageLabels();
  const metadata = (await pdf.getMetadata()).info as Record<string, string>;
  await pdf.destroy();
  return { flat, labels, metadata };
}

describe("mergePdfs", () => {
  it("copies every part's pages byte for byte, in order, with the outline, labels and metadata asked for", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(pageArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ title, children: fc.array(title, { maxLength: 3 }), open: fc.boolean() }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.record({ roman: fc.boolean(), prefix: fc.option(title, { nil: undefined }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        title,
        async (partPages, outlineSpec, labelSpec, docTitle) => {
          const parts = await Promise.all(partPages.map((pages, i) => part(pages, `part ${i}`)));
          const total = partPages.flat().length;
          const outline: Bookmark[] = outlineSpec.map((o, i) => ({
            title: o.title,
            page: i % total,
            open: o.open,
            children: o.children.length ? o.children.map((c, j) => ({ title: c, page: (i + j) % total })) : undefined,
          }));
          const labels: PageLabel[] = labelSpec.map((l, i) => ({
            page: Math.min(i * 2, total - 1),
            style: l.roman ? "roman" : "decimal",
            prefix: l.prefix,
          }));
          const meta = {
            title: docTitle,
            subject: "subject é",
            keywords: "abc123",
            date: new Date(Date.UTC(2020, 0, 2, 3, 4, 5)),
          };
          const merged = mergePdfs(parts, outline, labels, meta);
          expect(merged.pages).toBe(total);
          // The same inputs, the same bytes.
          expect(Buffer.from(mergePdfs(parts, outline, labels, meta).pdf).equals(Buffer.from(merged.pdf))).toBe(true);

          // Objects: each page's contents and fonts are the part's bytes.
          const out = await PDFDocument.load(merged.pdf, { updateMetadata: false });
          expect(out.getPageCount()).toBe(total);
          let at = 0;
          for (const bytes of parts) {
            const source = await PDFDocument.load(bytes, { updateMetadata: false });
            for (let i = 0; i < source.getPageCount(); i++, at++) {
              expect(pageBytes(out, at)).toEqual(pageBytes(source, i));
              expect(out.getPage(at).getSize()).toEqual(source.getPage(i).getSize());
            }
          }
          // What a reader sees: the text of every page, the outline, the labels, the metadata.
          const read = await readPdf(merged.pdf);
          const expected = (await Promise.all(parts.map(readPdf))).flat();
          expect(read.map((p) => p.text)).toEqual(expected.map((p) => p.text));
          const { flat, labels: readLabels, metadata } = await outlineOf(merged.pdf);
          const wanted: { title: string; depth: number; page: number }[] = [];
          for (const o of outline) {
            wanted.push({ title: o.title, depth: 0, page: o.page });
            for (const c of o.children ?? []) wanted.push({ title: c.title, depth: 1, page: c.page });
          }
          expect(flat).toEqual(wanted);
          expect(readLabels).toHaveLength(total);
          for (const [i, l] of labels.entries()) {
            const first = l.style === "roman" ? "i" : "1";
            // A later label starting on the same page wins, as in any reader.
            if (labels.slice(i + 1).some((m) => m.page === l.page)) continue;
            expect(readLabels![l.page]).toBe(`${l.prefix ?? ""}${first}`);
          }
          expect(metadata.Title).toBe(docTitle);
          expect(metadata.Subject).toBe("subject é");
          expect(metadata.Producer).toBe("replikit");
          expect(metadata.CreationDate).toBe("D:20200102030405Z");
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it("refuses a part that is not a PDF as pdfkit writes it", async () => {
    const other = await PDFDocument.create();
    other.addPage();
    const foreign = await other.save();
    expect(() =>
      mergePdfs([foreign], [{ title: "x", page: 0 }], [], {
        title: "t",
        subject: "s",
        keywords: "k",
        date: new Date(0),
      }),
    ).toThrow(/not a PDF as pdfkit writes it/);
  });
});
