/**
 * One line of text on a page, written once per document. pdfkit's `_fragment` writes a line by
 * shaping it, adding each glyph to the document's font subset, turning every glyph id into hex
 * and every kerning pair into a number, and then writing eight operators one by one; a kit writes
 * the same lines over and over (a card's version, a step's headings, the labels of every
 * diagram). The glyph part of a line (its `TJ` operator) depends only on the text and the
 * document's font, so it is kept per document font and written again; the rest (where the line
 * goes, its size) is written as pdfkit writes it, with pdfkit's number formatting, into one
 * string. Lines whose glyphs are moved off the baseline (their `Tm` operators carry the
 * position), and lines with any option beyond alignment and baseline (spacing, links,
 * underline, stroke, features, oblique, justify), go to pdfkit's own `_fragment`.
 * Patched once, on the document class (pinned pdfkit 0.20); tests/render/text-line.test.ts
 * compares the bytes with pdfkit's own on random lines, sizes, alignments and baselines.
 */

interface Position {
  xAdvance: number;
  advanceWidth: number;
  xOffset: number;
  yOffset: number;
}

interface EmbeddedFont {
  id: string;
  ascender: number;
  descender: number;
  xHeight: number;
  encode(text: string, features?: unknown): [string[], Position[]];
  ref(): unknown;
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
const KEEP = 20000;
const patched = new WeakSet<object>();

/** How many lines were written from what was kept and how many went to pdfkit, and a switch (for the tests). */
export const textLine = { written: 0, toPdfkit: 0, enabled: true };

/** PDFObject.number and its printing in a template, as pdfkit writes every number in a content stream. */
const number = (n: number): string => {
  if (!(n > -1e21 && n < 1e21)) throw new Error(`unsupported number: ${n}`);
  return `${Math.round(n * 1e6) / 1e6}`;
};

function plain(options: Options): boolean {
  if (options.align === "justify") return false;
  for (const key in options) if (options[key] !== undefined && !PLAIN.has(key)) return false;
  return true;
}

/** _fragment's TJ operators for an encoded line without offsets (null if any glyph has one). */
function glyphOperators(encoded: string[], positions: Position[]): string | null {
  const commands: string[] = [];
  let last = 0;
  const addSegment = (cur: number) => {
    if (last < cur) {
      const hex = encoded.slice(last, cur).join("");
      const advance = positions[cur - 1]!.xAdvance - positions[cur - 1]!.advanceWidth;
      commands.push(`<${hex}> ${number(-advance)}`);
    }
    last = cur;
  };
  for (let i = 0; i < positions.length; i++) {
    const pos = positions[i]!;
    if (pos.xOffset || pos.yOffset) return null;
    if (pos.xAdvance - pos.advanceWidth !== 0) addSegment(i + 1);
  }
  addSegment(positions.length);
  return commands.length > 0 ? `[${commands.join(" ")}] TJ` : "";
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
    let runs = glyphRuns.get(font);
    if (!runs) glyphRuns.set(font, (runs = new Map<string, string | null>()));
    let glyphs = runs.get(text);
    if (glyphs === undefined) {
      // The first time in this document: pdfkit's encode adds the glyphs to the font's subset.
      const [encoded, positions] = font.encode(text, undefined);
      glyphs = glyphOperators(encoded, positions);
      if (runs.size >= KEEP) runs.clear();
      runs.set(text, glyphs);
    }
    if (glyphs === null) {
      textLine.toPdfkit++;
      return fragment.call(this, value, x, y, options);
    }
    if (options.width) {
      if (options.align === "right") x += options.lineWidth! - this.widthOfString(text.replace(/\s+$/, ""), options);
      else if (options.align === "center") x += options.lineWidth! / 2 - options.textWidth! / 2;
    }
    const dy = baselineShift(font, this._fontSize, options.baseline);
    const page = this.page;
    if (page.fonts[font.id] == null) page.fonts[font.id] = font.ref();
    // save(), transform(1, 0, 0, −1, 0, height), …, restore(): the matrix comes back as it was.
    const top = page.height - y - dy;
    const lines = `q\n1 0 0 -1 0 ${number(page.height)} cm\nBT\n1 0 0 1 ${number(x)} ${number(top)} Tm\n/${font.id} ${number(this._fontSize)} Tf`;
    page.write(glyphs ? `${lines}\n${glyphs}\nET\nQ` : `${lines}\nET\nQ`);
    textLine.written++;
  };
}
