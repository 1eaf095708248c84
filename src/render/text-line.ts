/**
 * One line of text on a page, written once per document. pdfkit's `_fragment` writes a line by
 * shaping it, adding each glyph to the document's font subset, turning every glyph id into hex
 * and every kerning pair into a number, and then writing eight operators one by one; a kit writes
 * the same lines over and over (a card's version, a step's headings, the labels of every
 * diagram). The glyph part of a line (its `TJ` operator) depends only on the text and the
 * document's font, so it is kept per document font and written again; the rest (where the line
 * goes, its size) is written with pdfkit's number formatting, into one string. Lines whose
 * glyphs are moved off the baseline (their `Tm` operators carry the position), and lines with
 * any option beyond alignment and baseline (spacing, links, underline, stroke, features,
 * oblique, justify), go to pdfkit's own `_fragment`.
 *
 * A kept line shows its glyphs in fewer bytes than pdfkit's (whose glyph ids were about a
 * quarter of a kit's content streams): its glyph ids as a literal string of bytes, two a glyph,
 * where pdfkit writes four hex digits; and no adjustment after the last stretch of glyphs, where
 * pdfkit writes a 0, which moves nothing.
 * Patched once, on the document class (pinned pdfkit 0.20); tests/render/text-line.test.ts reads
 * what the operators paint (glyphs, adjustments, font, size, where) and compares it with pdfkit's
 * own on random lines, sizes, alignments and baselines.
 */

interface Position {
  xAdvance: number;
  advanceWidth: number;
  xOffset: number;
  yOffset: number;
}

interface Glyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

interface EmbeddedFont {
  id: string;
  ascender: number;
  descender: number;
  xHeight: number;
  scale: number;
  encode(text: string, features?: unknown): [string[], Position[]];
  ref(): unknown;
  /** pdfkit's shaping of one run (a word and the space after it), shared by the documents of a face. */
  layoutCached?(text: string): { glyphs: Glyph[]; positions: Position[] };
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
}

interface Options {
  align?: string;
  baseline?: string | number;
  width?: number;
  textWidth?: number;
  lineWidth?: number;
  [key: string]: unknown;
}

/** The parts of pdfkit 0.20's document this reads and calls. */
interface Doc {
  _font: EmbeddedFont;
  _fontSize: number;
  page: { height: number; fonts: Record<string, unknown>; write(chunk: string): void };
  _fragment: (this: Doc, text: unknown, x: number, y: number, options: Options) => void;
  widthOfString(text: string, options?: Options): number;
}

/** The options a plain line may carry (LineWrapper and _initOptions set some of them). */
const PLAIN = new Set([
  "align",
  "baseline",
  "width",
  "lineGap",
  "lineBreak",
  "columns",
  "columnGap",
  "rotation",
  "textWidth",
  "wordCount",
  "lineWidth",
]);

/** A line's TJ operator(s), by document font and text; null when its glyphs carry offsets. */
const glyphRuns = new WeakMap<EmbeddedFont, Map<string, string | null>>();

/**
 * A run's glyphs as a TJ operator shows them, in pieces: the bytes of a stretch of glyphs (as
 * `glyphBytes` writes them) and, where the stretch ends at a kerned glyph, its adjustment as
 * written. By document font (a glyph's number is its place in that document's subset) and run;
 * null when a glyph carries an offset.
 */
type Piece = { bytes: string; kern: string | null }[];
const runPieces = new WeakMap<EmbeddedFont, Map<string, Piece | null>>();
const KEEP = 20000;
const patched = new WeakSet<object>();

/** How many lines were written from what was kept and how many went to pdfkit, and a switch (for the tests). */
export const textLine = { written: 0, toPdfkit: 0, enabled: true };

/** PDFObject.number and its printing in a template, as pdfkit writes every number in a content stream. */
const number = (n: number): string => {
  if (!(n > -1e21 && n < 1e21)) throw new Error(`unsupported number: ${n}`);
  return `${Math.round(n * 1e6) / 1e6}`;
};

/**
 * Each byte as it stands in a PDF literal string: backslash, `(` and `)` escaped, and CR and LF too (a
 * reader takes a bare CR, or CR LF, in a string for one LF); every other byte as itself, a
 * character below 256 (the content stream is written as latin1).
 */
const LITERAL = Array.from({ length: 256 }, (_, byte) => {
  if (byte === 0x0a) return "\\n";
  if (byte === 0x0d) return "\\r";
  const char = String.fromCharCode(byte);
  return byte === 0x28 || byte === 0x29 || byte === 0x5c ? `\\${char}` : char;
});

/** A glyph id in a literal string: two bytes, high first (the fonts' encoding is Identity-H). */
const glyphBytes = (gid: number): string => LITERAL[gid >> 8]! + LITERAL[gid & 0xff]!;

/** The TJ operator of a line's pieces: each stretch of glyphs, then its adjustment if it has one. */
function showOperator(commands: string[]): string {
  return commands.length > 0 ? `[${commands.join(" ")}] TJ` : "";
}

function plain(options: Options): boolean {
  if (options.align === "justify") return false;
  for (const key in options) if (options[key] !== undefined && !PLAIN.has(key)) return false;
  return true;
}

/**
 * The TJ operator of a line encoded by pdfkit (glyph ids in hex) without offsets, showing what
 * _fragment's shows (null if any glyph has an offset).
 */
function glyphOperators(encoded: string[], positions: Position[]): string | null {
  const commands: string[] = [];
  let bytes = "";
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i]!;
    if (pos.xOffset || pos.yOffset) return null;
    bytes += glyphBytes(parseInt(encoded[i]!, 16));
    const kern = pos.xAdvance - pos.advanceWidth;
    if (kern !== 0) {
      commands.push(`(${bytes}) ${number(-kern)}`);
      bytes = "";
    }
  }
  if (bytes) commands.push(`(${bytes})`);
  return showOperator(commands);
}

/**
 * A run's pieces in this document, made the first time: what pdfkit's `encode` does for each of
 * its glyphs (adds it to the subset, notes its width and its characters if new), in order.
 */
function pieceOf(font: EmbeddedFont, run: string): Piece | null {
  let pieces = runPieces.get(font);
  if (!pieces) runPieces.set(font, (pieces = new Map<string, Piece | null>()));
  let piece = pieces.get(run);
  if (piece !== undefined) return piece;
  const { glyphs, positions } = font.layoutCached!(run);
  piece = [];
  let bytes = "";
  for (let i = 0; i < glyphs.length; i++) {
    const glyph = glyphs[i]!;
    const gid = font.subset.includeGlyph(glyph.id);
    bytes += glyphBytes(gid);
    if (font.widths[gid] == null) font.widths[gid] = glyph.advanceWidth * font.scale;
    if (font.unicode[gid] == null) font.unicode[gid] = glyph.codePoints;
    const pos = positions[i]!;
    if (pos.xOffset || pos.yOffset) piece = null;
    else if (pos.xAdvance - pos.advanceWidth !== 0) {
      piece?.push({ bytes, kern: number(-(pos.xAdvance - pos.advanceWidth)) });
      bytes = "";
    }
  }
  if (piece && bytes) piece.push({ bytes, kern: null });
  if (pieces.size >= KEEP) pieces.clear();
  pieces.set(run, piece);
  return piece;
}

/**
 * A line's TJ operator, from its runs' pieces: the same glyphs, subset and numbers as `encode`
 * then glyphOperators give, without laying the whole line out again. pdfkit lays a line out as
 * its runs, cut after each space or tab (pdf.ts's layout).
 */
function lineOperators(font: EmbeddedFont, text: string): string | null {
  const commands: string[] = [];
  let bytes = "";
  const whole = eachRun(text, (run) => {
    const piece = pieceOf(font, run);
    if (piece === null) return false;
    for (const p of piece) {
      bytes += p.bytes;
      if (p.kern !== null) {
        commands.push(`(${bytes}) ${p.kern}`);
        bytes = "";
      }
    }
    return true;
  });
  if (!whole) return null;
  if (bytes) commands.push(`(${bytes})`);
  return showOperator(commands);
}

/**
 * The runs pdfkit 0.20's EmbeddedFont lays a text out in, in order: cut after each space or tab
 * (each run is shaped once per face, then joined). Stops at the first run `visit` refuses;
 * true when it took them all.
 */
export function eachRun(text: string, visit: (run: string) => boolean): boolean {
  let last = 0;
  for (let index = 0; index <= text.length; index++) {
    const c = text.charCodeAt(index); // NaN past the end
    if (!((index === text.length && last < index) || c === 32 || c === 9)) continue;
    if (!visit(text.slice(last, index + 1))) return false;
    last = index + 1;
  }
  return true;
}

/** _fragment's baseline shift, in points. */
function baselineShift(font: EmbeddedFont, size: number, baseline: string | number | undefined): number {
  if (typeof baseline === "number") return -baseline;
  let dy: number;
  switch (baseline) {
    case "svg-middle":
      dy = 0.5 * font.xHeight;
      break;
    case "middle":
    case "svg-central":
      dy = 0.5 * (font.descender + font.ascender);
      break;
    case "bottom":
    case "ideographic":
      dy = font.descender;
      break;
    case "alphabetic":
      dy = 0;
      break;
    case "mathematical":
      dy = 0.5 * font.ascender;
      break;
    case "hanging":
      dy = 0.8 * font.ascender;
      break;
    default:
      dy = font.ascender;
  }
  return (dy / 1000) * size;
}

/**
 * A line's TJ operator(s) in this document's `font`, kept per font and text; null when its glyphs
 * carry offsets (pdfkit's own `_fragment` writes those). The first time in a document, the glyphs
 * go into the font's subset, as pdfkit's encode adds them.
 */
function glyphsOf(font: EmbeddedFont, text: string): string | null {
  let runs = glyphRuns.get(font);
  if (!runs) glyphRuns.set(font, (runs = new Map<string, string | null>()));
  let glyphs = runs.get(text);
  if (glyphs === undefined) {
    if (typeof font.layoutCached === "function") glyphs = lineOperators(font, text);
    else {
      const [encoded, positions] = font.encode(text, undefined);
      glyphs = glyphOperators(encoded, positions);
    }
    if (runs.size >= KEEP) runs.clear();
    runs.set(text, glyphs);
  }
  return glyphs;
}

/**
 * What `_fragment` writes around a line whose glyphs are `glyphs`, its baseline's top at `top` on
 * a page `height` high: save(), transform(1, 0, 0, −1, 0, height), the text object, restore()
 * (the matrix comes back as it was). Registers the font on the page, as `_fragment` does.
 */
function lineString(
  page: Doc["page"],
  font: EmbeddedFont,
  size: number,
  x: number,
  top: number,
  glyphs: string,
): string {
  if (page.fonts[font.id] == null) page.fonts[font.id] = font.ref();
  const lines = `q\n1 0 0 -1 0 ${number(page.height)} cm\nBT\n1 0 0 1 ${number(x)} ${number(top)} Tm\n/${font.id} ${number(size)} Tf`;
  return glyphs ? `${lines}\n${glyphs}\nET\nQ` : `${lines}\nET\nQ`;
}

/**
 * The operators that paint what pdfkit's `text(text, x, y, { lineBreak: false, baseline: "alphabetic" })`
 * paints on `doc`'s page in its face `fontName` at `size`, for a text of one line, as one string, for a
 * caller to write itself (the diagram pen, among its own operators). Leaves the document's
 * current font and size as they were (text() would set them: the caller must not count on them).
 * Null where that call would take pdfkit's own road (kept lines switched off, a face not
 * registered by registerFonts, glyphs off the baseline, a text with a line break): the caller
 * goes through text() then. Empty for an empty text (text() writes nothing).
 */
export function plainLine(
  doc: PDFKit.PDFDocument,
  fontName: string,
  size: number,
  text: string,
  x: number,
  y: number,
): string | null {
  if (!textLine.enabled || text.includes("\n")) return null;
  const font = (doc as unknown as { _fontFamilies: Record<string, EmbeddedFont | undefined> })._fontFamilies[fontName];
  if (!font || typeof font.encode !== "function") return null;
  if (text.length === 0) return "";
  const glyphs = glyphsOf(font, text);
  if (glyphs === null) return null;
  const page = (doc as unknown as Doc).page;
  textLine.written++;
  return lineString(page, font, size, x, page.height - y, glyphs);
}

/** Installs the kept lines on pdfkit's document class (given by its prototype); once. */
export function keepTextLines(proto: Doc): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const fragment = proto._fragment;
  proto._fragment = function (this: Doc, value, x, y, options) {
    if (!textLine.enabled || !plain(options) || typeof this._font.encode !== "function") {
      textLine.toPdfkit++;
      return fragment.call(this, value, x, y, options);
    }
    let text = `${value as string}`;
    if (text.includes("\n")) text = text.replace(/\n/g, "");
    if (text.length === 0) return;
    const font = this._font;
    const glyphs = glyphsOf(font, text);
    if (glyphs === null) {
      textLine.toPdfkit++;
      return fragment.call(this, value, x, y, options);
    }
    if (options.width) {
      if (options.align === "right") x += options.lineWidth! - this.widthOfString(text.replace(/\s+$/, ""), options);
      else if (options.align === "center") x += options.lineWidth! / 2 - options.textWidth! / 2;
    }
    const dy = baselineShift(font, this._fontSize, options.baseline);
    this.page.write(lineString(this.page, font, this._fontSize, x, this.page.height - y - dy, glyphs));
    textLine.written++;
  };
}
