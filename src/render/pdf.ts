/**
 * A pdfkit document set up for reproducible bytes: fixed dates (SOURCE_DATE_EPOCH or a fixed
 * one), fonts registered in a fixed order (subset tags follow registration order), metadata.
 */
import { deflateSync } from "node:zlib";
import PDFDocument from "pdfkit";

/**
 * Page contents and font programs are deflated at zlib's level 1, not pdfkit's default 6: about
 * half the time (a cold build of the shipped kits spent 6–7% of its CPU in deflate) for files
 * about 8% larger, which neither a printer nor a projector notices.
 */
const ZLIB_LEVEL = 1;
import { TrueTypeFace } from "./subset.js";
import { asciiShaper, type FontkitFont } from "./shaper.js";
import { flowText } from "./text-flow.js";
import { eachRun, keepTextLines } from "./text-line.js";

/** The three faces the kit uses, as TTF bytes. Registered under these names in every document and SVG. */
export interface FontSet {
  regular: Uint8Array;
  bold: Uint8Array;
  mono: Uint8Array;
}

export const FONT = { regular: "Atkinson", bold: "Atkinson-Bold", mono: "Mono" } as const;

type Face = object;
type EmbeddedFontClass = new (doc: PDFKit.PDFDocument, font: Face, id: string) => object;
interface FontInternals {
  _font: { font: Face; constructor: EmbeddedFontClass };
  _fontFamilies: Record<string, object>;
  _fontCount: number;
}

interface Shared {
  embed: EmbeddedFontClass;
  faces: Map<string, Face>;
  /** Each face's shaped runs, by text, shared by every document (see fasterLayout's layoutCached). */
  layouts: Map<string, Map<string, Run>>;
  /** Our subsetter's reading of each face; absent for a face it does not take (fontkit's is kept). */
  subsetters: Map<string, TrueTypeFace>;
}

const parsed = new WeakMap<FontSet, Shared>();

/**
 * pdfkit parses a TTF anew in every document, which made font decoding the largest cost of a
 * build (36 documents × 3 faces). We parse each face once, in a probe document, and give every
 * document an embedded font built on that shared parse. The parsed font is read-only; each
 * document keeps its own subset. Shaped words are cached per face too (pdfkit keeps that cache
 * on each document's font): a word shapes the same in every document. Relies on pdfkit 0.20
 * internals (_font, _fontFamilies, _fontCount, layoutCache), pinned in package.json and covered
 * by the byte-reproducibility tests.
 *
 * Each document's subset is ours too (subset.ts): fontkit's TTFSubset decodes every used glyph
 * and re-encodes the tables through restructure, which cost about 8% of a build; ours copies
 * the glyph records and writes the same font program, byte for byte (tests/render/subset.test.ts
 * compares the two). It replaces `font.subset`, the object EmbeddedFont made in its constructor
 * and uses only through `includeGlyph`, `encode` and `cff` (pdfkit 0.20, pinned). It also leaves
 * the shared face alone: fontkit's subset cached the components of composite glyphs on the face
 * without their characters, and a later document that used such a glyph (the mono period, a
 * component of the colon) wrote it to ToUnicode as no text, and text extraction lost it.
 */
function sharedFaces(fonts: FontSet): Shared {
  let entry = parsed.get(fonts);
  if (!entry) {
    const probe = new PDFDocument({
      autoFirstPage: false,
      font: null as unknown as string,
    }) as unknown as PDFKit.PDFDocument & FontInternals;
    batchStringWrites(Object.getPrototypeOf(probe.ref({})) as StreamObject);
    flowText(Object.getPrototypeOf(probe) as Parameters<typeof flowText>[0]);
    keepTextLines(Object.getPrototypeOf(probe) as Parameters<typeof keepTextLines>[0]);
    colourOperatorsOnce(Object.getPrototypeOf(probe) as ColourProto);
    writeStraightOut(Object.getPrototypeOf(probe) as WriterProto);
    const faces = new Map<string, Face>();
    let embed: EmbeddedFontClass | undefined;
    for (const [name, bytes] of faceList(fonts)) {
      probe.registerFont(name, Buffer.from(bytes));
      probe.font(name);
      faces.set(name, probe._font.font);
      embed = probe._font.constructor;
    }
    fasterLayout(embed!.prototype as LayoutProto);
    const subsetters = new Map<string, TrueTypeFace>();
    for (const [name, bytes] of faceList(fonts)) {
      const face = TrueTypeFace.parse(bytes);
      if (face) subsetters.set(name, face);
    }
    entry = {
      embed: embed!,
      faces,
      layouts: new Map(faceList(fonts).map(([name]) => [name, new Map<string, Run>()])),
      subsetters,
    };
    parsed.set(fonts, entry);
  }
  return entry;
}

interface Run {
  glyphs: object[];
  positions: object[];
  advanceWidth: number;
}
interface LayoutProto {
  layout: (
    this: LayoutProto,
    text: string,
    features?: unknown,
    onlyWidth?: boolean,
  ) => { glyphs: object[] | null; positions: object[] | null; advanceWidth: number };
  layoutRun: (this: LayoutProto, text: string, features?: unknown) => Run;
  layoutCached: (this: LayoutProto, text: string) => Run;
  layoutCache?: object;
  font: FontkitFont;
  scale: number;
}
const fastLayouts = new WeakSet<object>();

/** pdfkit's own EmbeddedFont.layout and layoutRun, as they were before fasterLayout replaced them (for the tests). */
export const pdfkitLayout: { layout?: LayoutProto["layout"]; layoutRun?: LayoutProto["layoutRun"] } = {};

/** A switch for the ASCII shaper (for the tests). */
export const shaping = { enabled: true };

/**
 * pdfkit 0.20's EmbeddedFont.layout, which every width and every drawn line goes through, cuts
 * the text after each space or tab and joins the cached runs: it made an array for every
 * character it looked at (`[' ', '\\t'].includes(c)`) and a new glyph array for every run
 * (`concat`). This is the same walk over the same runs, returning the same glyphs, positions
 * and width, without those arrays. Patched once, on the class (pinned pdfkit 0.20; the page
 * bytes are covered by the reproducibility and text tests).
 */
function fasterLayout(proto: LayoutProto): void {
  if (fastLayouts.has(proto)) return;
  fastLayouts.add(proto);
  pdfkitLayout.layout = proto.layout;
  pdfkitLayout.layoutRun = proto.layoutRun;
  const { layoutRun, layoutCached } = proto;
  // A run of printable ASCII is shaped from the face's tables where that is all fontkit would do (shaper.ts).
  proto.layoutRun = function (text, features) {
    if (!features && shaping.enabled) {
      const run = asciiShaper(this.font)?.run(text, this.scale);
      if (run) return run;
    }
    return layoutRun.call(this, text, features);
  };
  // The kit's documents share one cache per face, a Map (see sharedFaces): pdfkit's is an object
  // indexed by the text, slower to look up by the run just cut from a line (twice, measured).
  proto.layoutCached = function (text) {
    const cache = this.layoutCache;
    if (!(cache instanceof Map)) return layoutCached.call(this, text);
    const runs = cache as Map<string, Run>;
    let run = runs.get(text);
    if (!run) runs.set(text, (run = this.layoutRun(text)));
    return run;
  };
  proto.layout = function (text, features, onlyWidth) {
    if (features) return this.layoutRun(text, features);
    const glyphs: object[] | null = onlyWidth ? null : [];
    const positions: object[] | null = onlyWidth ? null : [];
    let advanceWidth = 0;
    eachRun(text, (text) => {
      const run = this.layoutCached(text);
      if (glyphs && positions) {
        for (const g of run.glyphs) glyphs.push(g);
        for (const p of run.positions) positions.push(p);
      }
      advanceWidth += run.advanceWidth;
      return true;
    });
    return { glyphs, positions, advanceWidth };
  };
}

interface ColourProto {
  _setColorCore: (this: ColourProto, color: unknown, stroke: boolean) => boolean;
  addContent: (this: ColourProto, operator: string) => unknown;
}
const colourPatched = new WeakSet<object>();
/** A "#rrggbb" colour's two operators (colour space, then colour), for fills and for strokes; a kit has a few dozen. */
const colourOperators = [new Map<string, [string, string]>(), new Map<string, [string, string]>()];

/** A switch for the colour operators kept once (for the tests). */
export const colourMemo = { enabled: true };

/**
 * pdfkit 0.20's `_setColorCore` parses a colour string into numbers, divides them, picks the
 * colour space and joins the numbers again at every fillColor and strokeColor: a kit sets a
 * colour before nearly every text. For a "#rrggbb" string the two operators it writes depend on
 * the string alone; they are made once, here, by pdfkit's own code, and written again. Any
 * other colour (a name, a spot colour, an array) takes pdfkit's road. Patched once, on the class.
 */
function colourOperatorsOnce(proto: ColourProto): void {
  if (colourPatched.has(proto)) return;
  colourPatched.add(proto);
  const setColorCore = proto._setColorCore;
  proto._setColorCore = function (color, stroke) {
    if (!colourMemo.enabled || typeof color !== "string" || !/^#[0-9a-fA-F]{6}$/.test(color))
      return setColorCore.call(this, color, stroke);
    const known = colourOperators[stroke ? 1 : 0]!;
    if (known.size >= 1000) known.clear();
    let operators = known.get(color);
    if (!operators) {
      // pdfkit's own operators, caught as it writes them.
      const written: string[] = [];
      const recorder = Object.assign(Object.create(this) as ColourProto, {
        addContent: (operator: string) => written.push(operator),
      });
      setColorCore.call(recorder, color, stroke);
      if (written.length !== 2) return setColorCore.call(this, color, stroke);
      known.set(color, (operators = [written[0]!, written[1]!]));
    }
    this.addContent(operators[0]);
    this.addContent(operators[1]);
    return true;
  };
}

interface WriterProto {
  _write: (this: WriterProto & { _offset: number }, data: string | Uint8Array) => void;
}
const writerPatched = new WeakSet<object>();

/** A switch for writing straight out (for the tests). */
export const straightOut = { enabled: true };

/**
 * pdfkit 0.20 writes a file's every piece (an object's header, its dictionary, its stream, its
 * end) through its Readable stream: the piece turned into bytes a character at a time, pushed,
 * and handed to a "data" listener, some twenty thousand times in a cold build. A document made
 * by createDocument takes the same bytes (each string with its newline, the low byte of each
 * character: latin1) straight to its sink or its chunks, and counts the file's offset as pdfkit
 * does; its stream only carries the end. Patched once, on the class (pinned pdfkit 0.20).
 */
function writeStraightOut(proto: WriterProto): void {
  if (writerPatched.has(proto)) return;
  writerPatched.add(proto);
  const write = proto._write;
  proto._write = function (data) {
    const output = straightOut.enabled ? outputs.get(this as unknown as PDFKit.PDFDocument) : undefined;
    if (!output) return write.call(this, data);
    const bytes = data instanceof Uint8Array ? data : Buffer.from(`${data}\n`, "latin1");
    if (output.sink) output.sink.write(bytes);
    else output.chunks.push(bytes);
    this._offset += bytes.length;
  };
}

/** pdfkit 0.20's PDFReference: an object with a stream (a page's content, a font's tables). */
interface StreamObject {
  compress: boolean;
  buffer: Uint8Array[];
  write: (this: StreamObject, chunk: string | Uint8Array) => void;
  finalize: (this: StreamObject) => void;
}
const pending = new WeakMap<StreamObject, string[]>();
/** Node's Buffer method behind `write(s, at, "latin1")`, without its argument handling (it has no type declaration). */
interface Latin1Write {
  latin1Write(text: string, offset: number): number;
}
const batched = new WeakSet<StreamObject>();

/**
 * pdfkit writes every drawing operator into a page's content stream as its own small byte array
 * (a loop over the string's characters, then one allocation per operator), and joins them when
 * the page ends: thousands of tiny arrays per diagram page, and much of a build's garbage. Here
 * operator strings are kept as strings and turned into bytes once, when anything else is written
 * or the stream is finalized. The bytes are the same: pdfkit writes each string followed by a
 * newline, keeping the low byte of each character, which is what Buffer's latin1 encoding does.
 * Patched once, on the class (pinned pdfkit 0.20; the byte-identity tests cover it).
 */
function batchStringWrites(proto: StreamObject): void {
  if (batched.has(proto)) return;
  batched.add(proto);
  const { write, finalize } = proto;
  const flush = (ref: StreamObject) => {
    const strings = pending.get(ref);
    if (!strings?.length) return;
    pending.delete(ref);
    // Each string and its newline straight into one buffer (a joined string first would be a copy).
    let length = 0;
    for (const s of strings) length += s.length + 1;
    const bytes = Buffer.allocUnsafeSlow(length) as Buffer & Latin1Write;
    let at = 0;
    for (const s of strings) {
      at += bytes.latin1Write(s, at);
      bytes[at++] = 10;
    }
    write.call(ref, bytes);
  };
  proto.write = function (chunk) {
    if (!(chunk instanceof Uint8Array)) {
      const strings = pending.get(this);
      if (strings) strings.push(String(chunk));
      else pending.set(this, [String(chunk)]);
      return;
    }
    flush(this);
    write.call(this, chunk);
  };
  proto.finalize = function () {
    flush(this);
    if (this.compress && this.buffer.length) {
      this.buffer = [deflateSync(Buffer.concat(this.buffer), { level: ZLIB_LEVEL })];
      this.compress = false;
    }
    finalize.call(this);
  };
}

const faceList = (fonts: FontSet): [string, Uint8Array][] => [
  [FONT.regular, fonts.regular],
  [FONT.bold, fonts.bold],
  [FONT.mono, fonts.mono],
];

const fontSets = new WeakMap<PDFKit.PDFDocument, FontSet>();

/** The font set registered on a document by registerFonts (undefined for any other document). */
export function fontSetOf(doc: PDFKit.PDFDocument): FontSet | undefined {
  return fontSets.get(doc);
}

/** Registers the kit's three faces on a document, in a fixed order (subset tags follow it). */
export function registerFonts(doc: PDFKit.PDFDocument, fonts: FontSet): void {
  fontSets.set(doc, fonts);
  const { embed, faces, layouts, subsetters } = sharedFaces(fonts);
  const internals = doc as unknown as FontInternals;
  for (const [name, bytes] of faceList(fonts)) {
    doc.registerFont(name, Buffer.from(bytes));
    const font = new embed(doc, faces.get(name)!, `F${++internals._fontCount}`) as {
      layoutCache: object;
      subset: object;
    };
    font.layoutCache = layouts.get(name)!;
    const subsetter = subsetters.get(name);
    if (subsetter) font.subset = subsetter.createSubset();
    internals._fontFamilies[name] = font;
  }
}

/**
 * Where a document's bytes go as pdfkit makes them. Without one they are kept in memory and
 * returned by `finish`; with one (a file being written) each page leaves memory once the next
 * page begins.
 */
export interface PdfSink {
  write(chunk: Uint8Array): void;
}

/**
 * A document of the kit: its three faces registered, no default font (pdfkit's Helvetica is
 * never used, so it is never loaded or written), and each page written out as soon as the next
 * begins (`bufferPages: false`: no product goes back to a page it has left).
 */
export function createDocument(
  fonts: FontSet,
  date: Date,
  meta: { title: string; subject: string; keywords: string },
  page: { width: number; height: number; margin?: number },
  sink?: PdfSink,
): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: false,
    compress: true,
    font: null as unknown as string,
    size: [page.width, page.height],
    margin: page.margin ?? 0,
    info: {
      Title: meta.title,
      Subject: meta.subject,
      Keywords: meta.keywords,
      Author: "replikit",
      Creator: "replikit",
      Producer: "replikit",
      CreationDate: date,
      ModDate: date,
    },
  });
  registerFonts(doc, fonts);
  const chunks: Uint8Array[] = [];
  // What pdfkit wrote while it was made (the file's header) is in its stream; the rest reaches
  // `sink` or `chunks` straight (writeStraightOut), and the stream only ends (or, with the
  // switch off, carries it all as before).
  const take = (chunk: Uint8Array) => (sink ? sink.write(chunk) : chunks.push(chunk));
  for (let head = doc.read() as Buffer | null; head !== null; head = doc.read() as Buffer | null) take(head);
  outputs.set(doc, { sink, chunks });
  doc.on("data", take);
  return doc;
}

const outputs = new WeakMap<PDFKit.PDFDocument, { sink?: PdfSink; chunks: Uint8Array[] }>();

/** The number of pages added to a document so far. */
export function pageCount(doc: PDFKit.PDFDocument): number {
  const range = doc.bufferedPageRange();
  return range.start + range.count;
}

/**
 * Ends the document: its page count, and its bytes (empty when they went to a sink).
 */
export function finish(doc: PDFKit.PDFDocument): Promise<{ pdf: Uint8Array; pages: number; extras: [] }> {
  const pages = pageCount(doc);
  const output = outputs.get(doc);
  if (!output) throw new Error("finish: not a document made by createDocument");
  return new Promise((resolve, reject) => {
    doc.on("end", () =>
      resolve({
        pdf: output.sink ? new Uint8Array(0) : new Uint8Array(Buffer.concat(output.chunks)),
        pages,
        extras: [],
      }),
    );
    doc.on("error", reject);
    doc.end();
  });
}
