/**
 * pdfkit's line wrapper, remembered. pdfkit wraps a text anew every time it is measured
 * (`heightOfString`) or drawn (`text` with a width): a Unicode line breaker over the text and a
 * width for every word. A kit measures and draws the same texts many times over (a role card's
 * back is measured to count the cards, to lay them out and again to draw it; every card carries
 * the same version line): a cold build of the shipped kits wrapped 21,000 texts, 3,200 of them
 * different. The wrapper's decisions depend only on the text, the face, the size, the line's
 * width and the spacing options, so what it emitted the first time (its events, and for each line
 * the line's text and widths) is kept per face and emitted again, in the same order with the same
 * values, instead of wrapping again. The listeners (pdfkit's own: indent, the line callback that
 * writes or measures the line) run as before, so the page gets the same bytes.
 *
 * The one decision that depends on where the text is, a line that would pass the bottom of its
 * page or box (a new page, a new column, or the end of a box with a height), is never replayed:
 * a text is recorded only when it did not reach that bottom, and replayed only where every one
 * of its lines clears it by more than a point. Texts with options that carry state from one call
 * to the next or change what a word measures (continued text, an indent, columns, an ellipsis,
 * font features) are always wrapped by pdfkit. Relies on pdfkit 0.20's LineWrapper (pinned);
 * tests/render/wrap-memo.test.ts compares the two on many texts.
 */

interface WrapperEvent {
  name: string;
  /** For a "line" event: its text and the widths pdfkit's emitLine set on the options. */
  line?: { text: string; textWidth: number; wordCount: number; lineWidth: number };
}

interface TextOptions {
  lineGap?: number;
  textWidth?: number;
  wordCount?: number;
  lineWidth?: number;
  continued?: boolean;
  indent?: number;
  columns?: number;
  features?: unknown;
  ellipsis?: unknown;
  characterSpacing?: number;
  wordSpacing?: number;
  horizontalScaling?: number;
}

/** The parts of pdfkit 0.20's LineWrapper this reads. */
interface Wrapper {
  document: {
    x: number;
    y: number;
    _font: { font?: object; lineHeight(size: number, includeGap?: boolean): number };
    _fontSize: number;
    _lineGap?: number;
    currentLineHeight(includeGap?: boolean): number;
  };
  lineWidth: number;
  startX: number;
  maxY: number;
  indent: number;
  continuedX: number;
  columns: number;
  characterSpacing: number;
  wordSpacing: number;
  horizontalScaling: number;
  ellipsis?: unknown;
  features?: unknown;
  emit: (this: Wrapper, name: string, ...args: unknown[]) => boolean;
  nextSection: (this: Wrapper, options?: TextOptions) => boolean;
  wrap: (this: Wrapper, text: string, options: TextOptions) => void;
}

/** Recorded wraps, per face (the parsed font every document shares), by size, width, spacing and text. */
/** At most this many texts are kept per face (a cold build of the shipped kits has 3,200, the 10k-event kit 10,500). */
const KEEP = 20000;
const memo = new WeakMap<object, Map<string, WrapperEvent[]>>();
const patched = new WeakSet<object>();

/** How many wraps were replayed and recorded, and a switch to wrap every text anew (for the tests). */
export const wrapMemo = { replayed: 0, recorded: 0, enabled: true };

/** Installs the memo on pdfkit's LineWrapper class (given by its prototype); once. */
export function rememberWraps(proto: Wrapper): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const wrap = proto.wrap;
  proto.wrap = function (this: Wrapper, text: string, options: TextOptions) {
    const doc = this.document;
    const optionsOk =
      !options.continued &&
      options.features === undefined &&
      options.ellipsis === undefined &&
      options.indent === undefined &&
      options.characterSpacing === undefined &&
      options.wordSpacing === undefined &&
      options.horizontalScaling === undefined;
    const stateOk =
      this.indent === 0 && this.continuedX === 0 && this.columns === 1 && !this.ellipsis && this.features === undefined;
    if (!wrapMemo.enabled || !optionsOk || !stateOk) return wrap.call(this, text, options);
    const face = doc._font.font ?? doc._font;
    let known = memo.get(face);
    if (!known) memo.set(face, (known = new Map<string, WrapperEvent[]>()));
    const key = `${doc._fontSize}\u0000${this.lineWidth}\u0000${this.characterSpacing}\u0000${this.wordSpacing}\u0000${this.horizontalScaling}\u0000${text}`;
    const recorded = known.get(key);
    const lineHeight = doc.currentLineHeight(true);
    const gap = Math.max(0, options.lineGap || doc._lineGap || 0);
    if (recorded) {
      const lines = recorded.reduce((n, e) => n + (e.line ? 1 : 0), 0);
      if (doc.y + lines * (lineHeight + gap) + lineHeight + 1 < this.maxY) {
        for (const event of recorded) {
          if (event.line) {
            options.textWidth = event.line.textWidth;
            options.wordCount = event.line.wordCount;
            options.lineWidth = event.line.lineWidth;
            this.emit("line", event.line.text, options, this);
          } else this.emit(event.name, options, this);
        }
        doc.x = this.startX;
        wrapMemo.replayed++;
        return;
      }
      return wrap.call(this, text, options);
    }
    // Record: what pdfkit emits, and whether any line reached the bottom (then nothing is kept).
    const events: WrapperEvent[] = [];
    let reachedBottom = doc.y + lineHeight + 1 >= this.maxY;
    const emit = this.emit;
    const nextSection = this.nextSection;
    this.emit = function (this: Wrapper, name: string, ...args: unknown[]) {
      if (name === "line") {
        const opts = args[1] as TextOptions;
        events.push({
          name,
          line: {
            text: String(args[0]),
            textWidth: opts.textWidth!,
            wordCount: opts.wordCount!,
            lineWidth: opts.lineWidth!,
          },
        });
      } else events.push({ name });
      const result = emit.call(this, name, ...args);
      if (name === "line" && doc.y + lineHeight + 1 >= this.maxY) reachedBottom = true;
      return result;
    };
    this.nextSection = function (this: Wrapper, o?: TextOptions) {
      reachedBottom = true;
      return nextSection.call(this, o);
    };
    try {
      wrap.call(this, text, options);
    } finally {
      delete (this as Partial<Wrapper>).emit;
      delete (this as Partial<Wrapper>).nextSection;
    }
    if (!reachedBottom) {
      if (known.size >= KEEP) known.clear(); // a bound for long watch sessions and very large kits
      known.set(key, events);
      wrapMemo.recorded++;
    }
  };
}
