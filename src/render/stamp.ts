/**
 * Drawings written again. Some drawings on a sheet of cards are the same, to the byte, wherever
 * they recur in a document: a data card's back at one place of its sheet (every back of a kit
 * says the same), a grid's cut marks, a role's sign at one place. pdfkit does all the work of
 * such a drawing every time (options merged, lines looked up, every number formatted again).
 *
 * A `Stamps` draws each drawing as it is the first time, and the second time keeps what it did
 * (most drawings of a small kit come once: watching costs more than drawing): the operators
 * it wrote on the page, in order; the fonts it named in the page's resources, in the order it
 * named them; and the current font, size, fill colour and position it left. The next times it
 * writes those operators, names those fonts where the page lacks them and sets that state,
 * which is what drawing again does. A drawing that does anything else to the document (a new
 * page, an object, an image, an opacity, a transform left open, or bytes rather than
 * operators) is not kept: it is drawn again the next time, and after a few tries always.
 *
 * What a drawing writes must depend on nothing but its key (the caller's word for it: the text
 * and the place); it may read the state it sets itself, not what came before it. After it, the
 * current font, size, colour and position are those it left when it was kept (which is what
 * drawing gives where the drawing sets them, as any text does). pdfkit 0.20 (pinned) writes every
 * operator through its page's `write`, which is patched once, on the class, to hand them to the
 * drawing being kept; a font is named through `page.fonts`. tests/render/stamp.test.ts compares
 * stamped and drawn documents, byte for byte.
 */

/** The document's drawing state a stamp carries; anything else a drawing changes keeps it from being kept. */
const STATE = ["x", "y", "_font", "_fontSource", "_fontFamily", "_fontSize", "_fillColor", "_lineGap"];

/** A drawing tried this many times without being kept is drawn every time. */
const TRIES = 3;

/** The operators of the drawing being kept, as they are written (one drawing at a time). */
let watched: string[] | null = null;
let bytesWatched = false;
const watching = new WeakSet<object>();

/**
 * Has pdfkit's page class hand every chunk written on a page to the drawing being kept, if any.
 * Patched once, on the class (pinned pdfkit 0.20), so that no page changes shape.
 */
function watchWrites(page: Page): void {
  const proto = Object.getPrototypeOf(page) as Page;
  if (watching.has(proto)) return;
  watching.add(proto);
  const { write } = proto;
  proto.write = function (chunk) {
    if (watched) {
      if (typeof chunk === "string") watched.push(chunk);
      else bytesWatched = true;
    }
    return write.call(this, chunk);
  };
}

interface Kept {
  /** The operators, joined (one write of them is the same bytes as one write each: each ends in a newline); null for none. */
  operators: string | null;
  /** The fonts named, in order: [the page's name for it, its reference]. */
  fonts: [string, unknown][];
  /** The drawing state it left: [property, value]. */
  state: [string, unknown][];
}

/** The parts of pdfkit 0.20's document and page this reads and writes. */
interface Page {
  write: (this: Page, chunk: unknown) => unknown;
  resources: { data: Record<string, unknown> & { Font?: Record<string, unknown> } };
  dictionary: { data: Record<string, unknown> };
  markings: unknown[];
}
interface Doc {
  page: Page;
  _offsets: unknown[];
  _ctm: number[];
  _ctmStack: unknown[];
  [key: string]: unknown;
}

/** A switch for writing kept drawings again (for the tests). */
export const stamping = { enabled: true };

/** The drawings kept for one document (make one per document and product). */
export class Stamps {
  private readonly kept = new Map<string, Kept | number>();

  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** Draws `draw` under `key`: for real the first times, then again from what it did. */
  draw(key: string, draw: () => void): void {
    if (!stamping.enabled) return draw();
    const drawn = this.kept.get(key) ?? 0;
    if (typeof drawn === "object") return this.writeAgain(drawn);
    // A drawing inside one being kept is drawn: the outer one keeps its operators.
    if (drawn === 0 || drawn > TRIES || watched) {
      this.kept.set(key, drawn + 1);
      return draw();
    }
    const kept = record(this.doc as unknown as Doc, draw);
    this.kept.set(key, kept ?? drawn + 1);
  }

  private writeAgain(kept: Kept): void {
    const doc = this.doc as unknown as Doc;
    const page = doc.page;
    if (kept.operators !== null) page.write(kept.operators);
    if (kept.fonts.length > 0) {
      const fonts = (page.resources.data.Font ??= {});
      for (const [name, ref] of kept.fonts) if (fonts[name] == null) fonts[name] = ref;
    }
    for (const [property, value] of kept.state) doc[property] = value;
  }
}

/** The page resources pdfkit names things in: a stamp names fonts again, and keeps no drawing that names anything else. */
const NAMED = ["Font", "XObject", "ExtGState", "Pattern", "ColorSpace"];

/** Draws once, watching: what the drawing did, or undefined if it did more than a stamp can do again. */
function record(doc: Doc, draw: () => void): Kept | undefined {
  const page = doc.page;
  const resources = page.resources.data;
  // A shallow copy to compare with afterwards: one object, where a Map of the document's entries
  // made a hundred small arrays at every drawing watched.
  const before: Record<string, unknown> = { ...doc };
  const resourceKeys = Object.keys(resources).length;
  const objects = doc._offsets.length;
  const depth = doc._ctmStack.length;
  const ctm = [...doc._ctm];
  const pageKeys = Object.keys(page.dictionary.data).length;
  const markings = page.markings.length;
  // What the drawing names in a list the page has is caught in one of its own, then added to the
  // page's as drawing adds it: what the page lacks, in the order it was first named. A list the
  // page lacks is made by the drawing, in its place among the others.
  const pages = NAMED.map((kind) => resources[kind] as Record<string, unknown> | undefined);
  const catchers = pages.map((own, i) => (own ? (resources[NAMED[i]!] = {}) : undefined));
  watchWrites(page);
  const operators: string[] = [];
  watched = operators;
  bytesWatched = false;
  try {
    draw();
  } finally {
    watched = null;
    NAMED.forEach((kind, i) => {
      const own = pages[i];
      if (!own) return;
      for (const [name, value] of Object.entries(catchers[i]!)) if (own[name] == null) own[name] = value;
      resources[kind] = own;
    });
  }
  const caught = NAMED.map((kind, i) => catchers[i] ?? (resources[kind] as Record<string, unknown> | undefined) ?? {});
  // The transform must come back as it was (restore() gives it back as a copy).
  for (const property of Object.keys(doc))
    if (
      !Object.is(Object.hasOwn(before, property) ? before[property] : undefined, doc[property]) &&
      !STATE.includes(property) &&
      property !== "_ctm"
    )
      return undefined;
  const state = STATE.map((property): [string, unknown] => [property, doc[property]]);
  const same =
    !bytesWatched &&
    doc.page === page &&
    doc._offsets.length === objects &&
    doc._ctmStack.length === depth &&
    doc._ctm.every((n, i) => n === ctm[i]) &&
    Object.keys(page.dictionary.data).length === pageKeys &&
    page.markings.length === markings &&
    Object.keys(resources).length === resourceKeys + (pages[0] || !resources.Font ? 0 : 1) &&
    caught.every((named, i) => i === 0 || Object.keys(named).length === 0);
  if (!same) return undefined;
  return { operators: operators.length > 0 ? operators.join("\n") : null, fonts: Object.entries(caught[0]!), state };
}
