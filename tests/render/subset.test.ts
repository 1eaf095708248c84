/**
 * Our TrueType subsetter against fontkit's TTFSubset, the one pdfkit would use: the same font
 * program, byte for byte, for random glyph sets of the kit's three faces, for every composite
 * glyph, for nested composites and for the long loca format; fontkit reads our subsets back with
 * the same outlines and advances; and every document of every shipped kit embeds exactly the
 * bytes fontkit would have written.
 */
import fc from "fast-check";
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDocument, FONT, finish, type FontSet } from "../../src/render/pdf.js";
import { PRODUCTS } from "../../src/products/index.js";
import { TrueTypeFace, TrueTypeSubset } from "../../src/render/subset.js";
import { assets, kitOf, options, shipped } from "../helpers.js";
import { readPdf } from "../pdf.js";

interface FontkitGlyph {
  id: number;
  advanceWidth: number;
  path: { toSVG(): string };
  codePoints: number[];
}
interface FontkitSubset {
  glyphs: number[];
  includeGlyph(gid: number): number;
  encode(): Uint8Array;
}
interface FontkitFont {
  numGlyphs: number;
  getGlyph(gid: number): FontkitGlyph;
  glyphForCodePoint(codePoint: number): FontkitGlyph;
  createSubset(): FontkitSubset;
}

/** The face as pdfkit's own fontkit parses it, fresh (fontkit's subset caches glyphs on the face). */
function fontkitFace(bytes: Uint8Array): FontkitFont {
  const doc = new PDFDocument({ autoFirstPage: false }) as unknown as PDFKit.PDFDocument & {
    _font: { font: FontkitFont };
  };
  doc.registerFont("face", Buffer.from(bytes));
  doc.font("face");
  return doc._font.font;
}

const fonts: FontSet = assets.fonts;
const faces = [
  ["regular", fonts.regular],
  ["bold", fonts.bold],
  ["mono", fonts.mono],
] as const;

/** Both subsets of the same glyphs, included in the same order. */
function bothSubsets(bytes: Uint8Array, glyphs: readonly number[], fontkit = fontkitFace(bytes)) {
  const ours = TrueTypeFace.parse(bytes)!.createSubset();
  const theirs = fontkit.createSubset();
  for (const gid of glyphs) expect(ours.includeGlyph(gid)).toBe(theirs.includeGlyph(gid));
  return { ours: ours.encode(), theirs: theirs.encode(), subset: ours };
}

const composites = (face: TrueTypeFace) =>
  Array.from({ length: face.numGlyphs }, (_, gid) => gid).filter((gid) => face.componentsOf(gid).length > 0);

describe.each(faces)("subsetting the %s face", (_name, bytes) => {
  const face = TrueTypeFace.parse(bytes)!;
  const fontkit = fontkitFace(bytes);

  it("is a face our subsetter takes, with composite glyphs in it", () => {
    expect(face).toBeDefined();
    expect(face.numGlyphs).toBe(fontkit.numGlyphs);
    expect(composites(face).length).toBeGreaterThan(100);
  });

  it("writes fontkit's bytes for random glyph sets, in random order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: face.numGlyphs - 1 }), { maxLength: 120 }), (glyphs) => {
        const { ours, theirs } = bothSubsets(bytes, glyphs, fontkit);
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("writes fontkit's bytes for every composite glyph, alone and all together, and for the whole font", () => {
    for (const gid of composites(face)) {
      const { ours, theirs, subset } = bothSubsets(bytes, [gid], fontkit);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      expect(subset.glyphs.length).toBeGreaterThan(2); // its components came along
    }
    for (const glyphs of [
      composites(face),
      Array.from({ length: face.numGlyphs }, (_, gid) => face.numGlyphs - 1 - gid),
    ]) {
      const { ours, theirs } = bothSubsets(bytes, glyphs, fontkit);
      expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    }
  });

  it("is read back by fontkit with the same outlines and advances, composites resolved through new ids", () => {
    const picked = [...composites(face).slice(0, 40), 36, 68, 100, 200];
    const subset = face.createSubset();
    for (const gid of picked) subset.includeGlyph(gid);
    const back = fontkitFace(subset.encode());
    expect(back.numGlyphs).toBe(subset.glyphs.length);
    subset.glyphs.forEach((gid, id) => {
      expect(back.getGlyph(id).path.toSVG()).toBe(fontkit.getGlyph(gid).path.toSVG());
      expect(back.getGlyph(id).advanceWidth).toBe(fontkit.getGlyph(gid).advanceWidth);
    });
  });
});

/** A font rebuilt from its tables (4-byte aligned), some of them replaced. */
function rebuild(bytes: Uint8Array, replace: Record<string, Uint8Array>): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const numTables = view.getUint16(4);
  const tables: [string, Uint8Array][] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
    tables.push([
      tag,
      replace[tag] ?? bytes.subarray(view.getUint32(at + 8), view.getUint32(at + 8) + view.getUint32(at + 12)),
    ]);
  }
  const pad = (n: number) => (n + 3) & ~3;
  const out = new Uint8Array(12 + 16 * numTables + tables.reduce((sum, [, data]) => sum + pad(data.length), 0));
  const w = new DataView(out.buffer);
  out.set(bytes.subarray(0, 12));
  let at = 12 + 16 * numTables;
  tables.forEach(([tag, data], i) => {
    for (let k = 0; k < 4; k++) out[12 + 16 * i + k] = tag.charCodeAt(k);
    w.setUint32(12 + 16 * i + 8, at);
    w.setUint32(12 + 16 * i + 12, data.length);
    out.set(data, at);
    at += pad(data.length);
  });
  return out;
}

function table(bytes: Uint8Array, tag: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < view.getUint16(4); i++) {
    const at = 12 + 16 * i;
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) === tag)
      return bytes.subarray(view.getUint32(at + 8), view.getUint32(at + 8) + view.getUint32(at + 12));
  }
  throw new Error(`no ${tag} table`);
}

describe("fonts the shipped faces do not exercise", () => {
  it("long loca format: the same bytes as fontkit", () => {
    const head = new Uint8Array(table(fonts.regular, "head")); // a copy (Buffer#slice is a view)
    new DataView(head.buffer).setInt16(50, 1);
    const shortLoca = table(fonts.regular, "loca");
    const longLoca = new Uint8Array(shortLoca.length * 2);
    for (let i = 0; i < shortLoca.length / 2; i++)
      new DataView(longLoca.buffer).setUint32(
        4 * i,
        new DataView(shortLoca.buffer, shortLoca.byteOffset).getUint16(2 * i) * 2,
      );
    const font = rebuild(fonts.regular, { head, loca: longLoca });
    expect(TrueTypeFace.parse(font)!.locaFormat).toBe(1);
    const composite = composites(TrueTypeFace.parse(font)!);
    const { ours, theirs } = bothSubsets(font, [36, ...composite.slice(0, 20), 68]);
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  });

  it("nested composites: a component that is itself a composite is included, and its components after it", () => {
    // In the mono face, colon is made of two periods; point semicolon's first component at colon.
    const face = TrueTypeFace.parse(fonts.mono)!;
    const fontkit = fontkitFace(fonts.mono);
    const colon = fontkit.glyphForCodePoint(0x3a).id;
    const semicolon = fontkit.glyphForCodePoint(0x3b).id;
    const [pos] = face.componentsOf(semicolon);
    const font = new Uint8Array(fonts.mono);
    const record = face.glyphRecord(semicolon);
    new DataView(font.buffer).setUint16(record.byteOffset - face.bytes.byteOffset + pos!, colon);
    const nested = TrueTypeFace.parse(font)!.createSubset();
    nested.includeGlyph(semicolon);
    const { ours, theirs } = bothSubsets(font, [36, semicolon, 37]);
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
    nested.encode();
    expect(nested.glyphs.slice(0, 3)).toEqual([0, semicolon, colon]);
    expect(nested.glyphs).toContain(fontkit.glyphForCodePoint(0x2e).id);
  });

  it("refuses what it does not copy faithfully, so fontkit's subset stays in use", () => {
    expect(TrueTypeFace.parse(new Uint8Array(64))).toBeUndefined();
    const otto = new Uint8Array(fonts.regular);
    new DataView(otto.buffer).setUint32(0, 0x4f54544f); // 'OTTO': CFF outlines
    expect(TrueTypeFace.parse(otto)).toBeUndefined();
    expect(() => TrueTypeFace.parse(fonts.regular)!.createSubset().includeGlyph(100_000)).toThrow(RangeError);
  });
});

describe("every document of every shipped kit", () => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with call(this)
  const encode = TrueTypeSubset.prototype.encode;
  const reference = new Map<TrueTypeFace, FontkitFont>();
  let checked = 0;
  let mismatches: string[] = [];
  beforeAll(() => {
    // Each subset a document encodes is also encoded by fontkit, from the same glyph list.
    vi.spyOn(TrueTypeSubset.prototype, "encode").mockImplementation(function (this: TrueTypeSubset) {
      const glyphs = [...this.glyphs];
      const ours = encode.call(this);
      const face = (this as unknown as { face: TrueTypeFace }).face;
      if (!reference.has(face)) reference.set(face, fontkitFace(face.bytes));
      const theirs = reference.get(face)!.createSubset();
      for (const gid of glyphs) theirs.includeGlyph(gid);
      if (!Buffer.from(theirs.encode()).equals(Buffer.from(ours))) mismatches.push(glyphs.join(","));
      checked++;
      return ours;
    });
  });
  afterAll(() => vi.restoreAllMocks());

  it("embeds the font program fontkit would have written", async () => {
    mismatches = [];
    for (const name of shipped) {
      const kit = kitOf(name);
      for (const product of PRODUCTS) await product.render(kit, options(), assets);
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(100);
  });
});

describe("text extraction", () => {
  it("a glyph met first as a component (the mono period, in colon) keeps its character in later documents", async () => {
    // fontkit's subset created such glyphs on the shared face without code points, so a later
    // document's ToUnicode mapped them to nothing: "1.5" was extracted without its period.

    const first = createDocument(
      fonts,
      options().date,
      { title: "a", subject: "a", keywords: "a" },
      { width: 300, height: 100 },
    );
    first.addPage().font(FONT.mono).text("a:b", 10, 10);
    await finish(first);
    const second = createDocument(
      fonts,
      options().date,
      { title: "b", subject: "b", keywords: "b" },
      { width: 300, height: 100 },
    );
    second.addPage().font(FONT.mono).text("1.5", 10, 10);
    const [page] = await readPdf((await finish(second)).pdf);
    expect(page!.text).toBe("1.5");
  });
});
