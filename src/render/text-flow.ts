/**
 * Wrapped text, laid out once. pdfkit wraps a text every time it is drawn (`text` with a width)
 * or measured (`heightOfString`): a Unicode line breaker over the text, a width for every word,
 * and an event emitter between the wrapper and the page for every line. A kit draws and measures
 * the same few thousand texts tens of thousands of times (a role card's back is measured to count
 * the cards, to lay them out and again to draw it; every card carries the same version line).
 *
 * Here the kit's plain texts (a width, an alignment, a line gap: nothing else) take a shorter
 * road that reaches the same places. A text's words and breaks are found once; its lines at a
 * face, size and width are found once, by the same decisions pdfkit's LineWrapper makes for such
 * a text, on the same widths computed the same way (`wordWidth`); then each line goes to pdfkit's
 * own `_line`, which writes it (`_fragment`) and moves down, as the wrapper's line event would.
 * The bytes on the page are pdfkit's. Whatever this does not cover goes to pdfkit's own wrapper,
 * untouched: a word wider than its line (pdfkit splits it), a soft hyphen, continued text, any
 * other option, and a text that would reach the bottom of its page (pdfkit turns the page).
 * Patched once, on the document class (pinned pdfkit 0.20); tests/render/text-flow.test.ts
 * compares the two, bytes and heights, on random texts at random places.
 */
import LineBreaker from "linebreak";

/** pdfkit 0.20's PDFNumber: a float32 no larger in magnitude than n (its wrapper rounds widths so). */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function pdfNumber(n: number): number {
  const rounded = Math.fround(n);
  if (rounded <= n) return rounded;
  f32[0] = n;
  if (n <= 0) u32[0] = u32[0]! + 1;
  else u32[0] = u32[0]! - 1;
  return f32[0];
}

interface Word {
  text: string;
  /** A break that must be taken after it (a newline). */
  required: boolean;
}

interface Line {
  text: string;
  textWidth: number;
  wordCount: number;
  /** Whether pdfkit's wrapper looks at the page's bottom after this line (it does after a line a word or a break ends, not after the last). */
  checked: boolean;
}

interface Face {
  /** EmbeddedFont.layout (its widthOfString is the advance × size / 1000); a standard font has none. */
  layout?: (text: string, features: unknown, onlyWidth: boolean) => { advanceWidth: number };
  lineHeight(size: number, includeGap?: boolean): number;
  font?: object;
}

/** The parts of pdfkit 0.20's document this reads and calls. */
interface Doc {
  x: number;
  y: number;
  _font: Face;
  _fontSize: number;
  _lineGap?: number;
  _wrapper: unknown;
  _textOptions: unknown;
  page: { maxY(): number };
  _initOptions(x?: unknown, y?: unknown, options?: object): Options;
  _line(text: string, options: Options, wrapper?: object): void;
  _text: (this: Doc, text: unknown, x: unknown, y: unknown, options: unknown, lineCallback: unknown) => Doc;
  heightOfString: (this: Doc, text: unknown, options?: object) => number;
  currentLineHeight(includeGap?: boolean): number;
}

interface Options {
  width?: number;
  align?: string;
  lineGap?: number;
  columns?: number;
  columnGap?: number;
  rotation?: number;
  height?: number;
  textWidth?: number;
  wordCount?: number;
  lineWidth?: number;
  [key: string]: unknown;
}

/** The options a plain text may carry (the rest are pdfkit's own business). */
const PLAIN = new Set(["width", "align", "lineGap", "lineBreak", "columns", "columnGap", "rotation", "baseline"]);

/** What was found, per face; bounded for long watch sessions and very large kits. */
const KEEP = 20000;
const wordsOf = new Map<string, Word[]>();
/** A word's advance in font units, per face: size-free, as the kit tries a text at many sizes. */
const advances = new WeakMap<object, Map<string, number>>();
/**
 * Lines per face, by text, then size and line width: a text is its own key (a key made by joining
 * size, width and text copied every text, some of them paragraphs, on every lookup).
 */
const layouts = new WeakMap<object, Map<string, Map<number, Map<number, Line[] | null>>>>();
/** A text's widest word at the size and width of its lines (NaN when a word's advance is negative), for linesFloor. */
const widest = new WeakMap<Line[], number>();
const patched = new WeakSet<object>();

/** How many texts took the short road and how many went to pdfkit, and a switch (for the tests). */
export const textFlow = { laidOut: 0, toPdfkit: 0, enabled: true };

function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  // Bounded by the number of texts (or words): each holds a few sizes and widths at most.
  if (map.size >= KEEP) map.clear();
  map.set(key, value);
  return value;
}

function perFace<V>(maps: WeakMap<object, Map<string, V>>, face: object): Map<string, V> {
  let map = maps.get(face);
  if (!map) maps.set(face, (map = new Map<string, V>()));
  return map;
}

/** The words between the line breaker's break opportunities, as pdfkit's eachWord cuts them. */
function words(text: string): Word[] {
  let found = wordsOf.get(text);
  if (!found) {
    found = [];
    const breaker = new LineBreaker(text);
    let last = 0;
    for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) {
      found.push({ text: text.slice(last, bk.position), required: bk.required });
      last = bk.position;
    }
    remember(wordsOf, text, found);
  }
  return found;
}

/** LineWrapper.wordWidth for a plain text: no spacing, no features, full horizontal scale. */
function wordWidth(doc: Doc, face: object, word: string): number {
  const known = perFace(advances, face);
  let advance = known.get(word);
  if (advance === undefined) advance = remember(known, word, doc._font.layout!(word, undefined, true).advanceWidth);
  // pdfkit: the font's width (advance × size / 1000), + characterSpacing × (length − 1), × scaling
  // / 100, + the spacings, rounded to a float32. All of it, so that every bit is the same.
  return pdfNumber(((advance * (doc._fontSize / 1000) + 0 * (word.length - 1)) * 100) / 100 + 0 + 0);
}

/**
 * The lines pdfkit's LineWrapper emits for a plain text at a line width, with the widths it sets
 * on the options for each; null when a word is wider than the line (pdfkit then cuts the word)
 * or the text has a soft hyphen (pdfkit may print it as a hyphen at a break).
 */
function linesOf(doc: Doc, face: object, text: string, lineWidth: number): Line[] | null {
  const texts = perFace(layouts, face);
  let sizes = texts.get(text);
  if (!sizes) sizes = remember(texts, text, new Map<number, Map<number, Line[] | null>>());
  let known = sizes.get(doc._fontSize);
  if (!known) sizes.set(doc._fontSize, (known = new Map<number, Line[] | null>()));
  const found = known.get(lineWidth);
  if (found !== undefined) return found;
  // pdfkit turns a soft hyphen at a break into a hyphen: left to it.
  if (text.includes("\u00ad")) return remember(known, lineWidth, null);
  const lines: Line[] = [];
  let buffer = "";
  let textWidth = 0;
  let wordCount = 0;
  let spaceLeft = lineWidth;
  let last: Word | undefined;
  let wide = 0;
  const emit = (checked: boolean) => lines.push({ text: buffer, textWidth, wordCount, checked });
  for (const word of words(text)) {
    const w = wordWidth(doc, face, word.text);
    if (w > lineWidth) return remember(known, lineWidth, null);
    wide = w >= 0 ? Math.max(wide, w) : NaN;
    if (!last || last.required) spaceLeft = lineWidth;
    const fits = w <= spaceLeft;
    if (fits) {
      buffer += word.text;
      textWidth += w;
      wordCount++;
    }
    if (word.required || !fits) {
      if (word.required && w > spaceLeft) {
        emit(false);
        buffer = word.text;
        textWidth = w;
        wordCount = 1;
      }
      emit(true);
      if (word.required) {
        spaceLeft = lineWidth;
        buffer = "";
        textWidth = 0;
        wordCount = 0;
      } else {
        spaceLeft = lineWidth - w;
        buffer = word.text;
        textWidth = w;
        wordCount = 1;
      }
    } else spaceLeft -= w;
    last = word;
  }
  if (wordCount > 0) emit(false);
  widest.set(lines, wide);
  return remember(known, lineWidth, lines);
}

/**
 * A floor under the lines a text takes at larger sizes of the current face, on the same width:
 * the lines it takes at the current size, and the largest size up to which it takes at least as
 * many; undefined when pdfkit's own wrapper lays it out (then nothing is claimed).
 *
 * Why it holds: at a larger size every word is at least as wide (pdfkit's width is the advance ×
 * size / 1000 rounded down to a float32, which keeps order, and no advance here is negative), and
 * the text stays on this road as long as no word is wider than the line (`upTo`, with room for
 * the float32 rounding). On this road a line takes words while each fits what is left of it (the
 * width less the words before, subtracted in order; rounding keeps that order too), so the k-th
 * line at the larger size starts no later and ends no later than at this one: there are at least
 * as many lines. Required breaks start a line at both sizes alike.
 */
export function linesFloor(
  doc: PDFKit.PDFDocument,
  text: string,
  options: { width: number; lineGap?: number },
): { lines: number; upTo: number } | undefined {
  const d = doc as unknown as Doc;
  if (!textFlow.enabled || !patched.has(Object.getPrototypeOf(d) as object)) return undefined;
  const o = d._initOptions(options);
  if (!plain(d, o)) return undefined;
  const lineWidth = lineWidthOf(o);
  const lines = linesOf(d, d._font.font ?? d._font, text, lineWidth);
  const wide = lines ? widest.get(lines) : undefined;
  if (!lines || wide === undefined || Number.isNaN(wide)) return undefined;
  return { lines: lines.length, upTo: wide > 0 ? d._fontSize * (lineWidth / wide) * (1 - FLOAT32_ROOM) : Infinity };
}

/** More than a float32 rounding of a word's width, relatively (2^-23, twice over). */
const FLOAT32_ROOM = 1e-6;

/** Whether pdfkit's options (after _initOptions) are those of a plain text. */
function plain(doc: Doc, options: Options): boolean {
  if (!doc._font.layout || doc._wrapper || doc._textOptions || !options.width || options.rotation !== 0) return false;
  if (options.align === "justify" || (options.columns ?? 0) > 1) return false;
  for (const key in options) if (options[key] !== undefined && !PLAIN.has(key)) return false;
  return true;
}

/**
 * LineWrapper's line width for a plain text: (width × scaling / 100 − gap × (columns − 1)) /
 * columns, which for one column at full scale is this, to the last bit.
 */
const lineWidthOf = (options: Options) => (options.width! * 100) / 100;

/** Installs the short road on pdfkit's document class (given by its prototype); once. */
export function flowText(proto: Doc): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const text = proto._text;
  const heightOfString = proto.heightOfString;

  proto._text = function (this: Doc, value, x, y, options, lineCallback) {
    // Without a width pdfkit does not wrap: its own road is already short.
    const wraps = (options as Options | undefined)?.width || (options as Options | undefined)?.lineBreak !== false;
    if (!textFlow.enabled || lineCallback !== this._line || !wraps)
      return text.call(this, value, x, y, options, lineCallback);
    const toPdfkit = () => {
      textFlow.toPdfkit++;
      return text.call(this, value, x, y, options, lineCallback);
    };
    const o = this._initOptions(x, y, options as object);
    const string = value == null ? "" : `${value as string}`;
    const face = this._font.font ?? this._font;
    if (!plain(this, o)) return toPdfkit();
    const lineWidth = lineWidthOf(o);
    const maxY = pdfNumber(this.page.maxY());
    const lineHeight = this.currentLineHeight(true);
    if (this.y > maxY || this.y + lineHeight > maxY) return toPdfkit();
    const lines = linesOf(this, face, string, lineWidth);
    if (!lines) return toPdfkit();
    // pdfkit turns the page when a line after which it looks ends too low for one more: leave that to it.
    const step = lineHeight + (o.lineGap || this._lineGap || 0);
    let bottom = this.y;
    for (const line of lines) if (pdfNumber((bottom += step) + lineHeight) > maxY && line.checked) return toPdfkit();
    const startX = this.x;
    for (const line of lines) {
      o.textWidth = line.textWidth;
      o.wordCount = line.wordCount;
      o.lineWidth = lineWidth;
      this._line(line.text, o, WRAPPED);
    }
    this.x = startX;
    textFlow.laidOut++;
    return this;
  };

  proto.heightOfString = function (this: Doc, value, options) {
    if (!textFlow.enabled) return heightOfString.call(this, value, options);
    const o = this._initOptions(options);
    const string = value == null ? "" : `${value as string}`;
    if (!plain(this, o)) return heightOfString.call(this, value, options);
    const lines = linesOf(this, this._font.font ?? this._font, string, lineWidthOf(o));
    if (!lines) return heightOfString.call(this, value, options);
    const lineGap = o.lineGap || this._lineGap || 0;
    let y = this.y;
    for (let i = 0; i < lines.length; i++) y += this.currentLineHeight(true) + lineGap;
    return y - this.y;
  };
}

/** What `_line` is given for a wrapped line (it only asks whether there is a wrapper). */
const WRAPPED = Object.freeze({});
