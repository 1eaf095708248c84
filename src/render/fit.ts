/** Text that never overflows its box: it wraps, or shrinks down to a floor, and past that the build fails. */
import { fontSetOf } from "./pdf.js";
import { linesFloor } from "./text-flow.js";

export class OverflowError extends Error {
  constructor(
    /** Which product and place: "diagram of step 3", 'role card "Writer"', … (check maps it to a scenario line). */
    readonly where: string,
    readonly text: string,
    min: number,
  ) {
    const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    super(`${where}: the text "${shown}" does not fit its box even at ${min} pt; shorten it`);
    this.name = "OverflowError";
  }
}

export interface Block {
  text: string;
  font: string;
  /** Size relative to the block's base size (a heading at 1.3, a note at 0.8). */
  scale?: number;
  gapAfter?: number;
}

/**
 * Heights already measured, by font, size, width, line gap and text: per font set (a height is
 * the same in every document with the kit's faces: heightOfString reads nothing of the page),
 * else per document.
 */
const heights = new WeakMap<object, Map<string, Map<string, number>>>();
const KEEP_HEIGHTS = 20000;

/** The height of one block's text at a size, wrapped to `width` (measured once per font set). */
export function textHeight(
  doc: PDFKit.PDFDocument,
  text: string,
  font: string,
  size: number,
  width: number,
  lineGap: number,
): number {
  const owner = fontSetOf(doc) ?? doc;
  let known = heights.get(owner);
  if (!known) heights.set(owner, (known = new Map<string, Map<string, number>>()));
  // By text, then the rest: a key joining them would copy the text on every lookup.
  let byText = known.get(text);
  if (!byText) {
    if (known.size >= KEEP_HEIGHTS) known.clear(); // bounded: watch sessions, very large kits
    known.set(text, (byText = new Map<string, number>()));
  }
  const key = `${font}\u0000${size}\u0000${width}\u0000${lineGap}`;
  let height = byText.get(key);
  if (height === undefined) {
    doc.font(font).fontSize(size);
    height = doc.heightOfString(text, { width, lineGap });
    byText.set(key, height);
  }
  return height;
}

/** Height of one block at a base size, with its gap after. */
function blockHeight(doc: PDFKit.PDFDocument, b: Block, size: number, width: number, lineGap: number): number {
  return textHeight(doc, b.text, b.font, size * (b.scale ?? 1), width, lineGap) + (b.gapAfter ?? 0) * size;
}

/** Height of blocks set at a base size, wrapped to `width`. */
export function blocksHeight(
  doc: PDFKit.PDFDocument,
  blocks: Block[],
  size: number,
  width: number,
  lineGap: number,
): number {
  let total = 0;
  for (const b of blocks) total += blockHeight(doc, b, size, width, lineGap);
  return total;
}

/** The largest size at which one line of text fits both a width and a height. */
export function fitLine(
  doc: PDFKit.PDFDocument,
  text: string,
  font: string,
  width: number,
  maxSize: number,
  min: number,
  where: string,
): number {
  doc.font(font).fontSize(100);
  const perPoint = doc.widthOfString(text) / 100;
  const size = Math.min(maxSize, Math.floor((width / perPoint) * 2) / 2);
  if (size < min) throw new OverflowError(where, text, min);
  return size;
}

/** Writes the blocks top-down from (x, y) at a base size (their heights at that size and width may be given). */
export function drawBlocks(
  doc: PDFKit.PDFDocument,
  blocks: Block[],
  x: number,
  y: number,
  width: number,
  size: number,
  lineGap = 2,
  colour = "#000000",
  heights: Heights = heightsAt(doc, size, width, lineGap),
): void {
  let cursor = y;
  for (const b of blocks) {
    doc
      .font(b.font)
      .fontSize(size * (b.scale ?? 1))
      .fillColor(colour);
    doc.text(b.text, x, cursor, { width, lineGap, lineBreak: true });
    cursor += heights.block(b);
  }
}

/**
 * Blocks' heights at one base size and width, each block measured once (by identity): a block is
 * weighed to see whether a role fits one page, again to fill each page, again to check it, and
 * once more to draw it. `of` adds in the blocks' order, as blocksHeight does (the same sums, to the bit).
 */
export interface Heights {
  size: number;
  /** One block's height, with its gap after. */
  block(b: Block): number;
  of(blocks: readonly Block[]): number;
  /**
   * Whether the blocks' height, added as `of` adds it, is at most `limit`; measuring no block past
   * the one that passes it (heights are never negative, so the sum can only grow).
   */
  within(blocks: readonly Block[], limit: number): boolean;
}

export function heightsAt(doc: PDFKit.PDFDocument, size: number, width: number, lineGap = 2): Heights {
  return measured(size, (b) => blockHeight(doc, b, size, width, lineGap));
}

/** Heights at a size from a measure of one block, each block measured once. */
function measured(size: number, measure: (b: Block) => number): Heights {
  const known = new Map<Block, number>();
  const block = (b: Block) => {
    let height = known.get(b);
    if (height === undefined) known.set(b, (height = measure(b)));
    return height;
  };
  return {
    size,
    block,
    of(blocks) {
      let total = 0;
      for (const b of blocks) total += block(b);
      return total;
    },
    within(blocks, limit) {
      let total = 0;
      for (const b of blocks) if ((total += block(b)) > limit) return false;
      return true;
    },
  };
}

/**
 * Floors under blocks' heights at base sizes above `from`, on one width: a block takes at least
 * the lines it takes at `from` (text-flow's linesFloor; none where that claims nothing), each
 * line as tall as a line at the larger size with the line gap, and its gap after is the same
 * share of the size. Each floor is also a little under that (FLOOR_ROOM), so that a sum of
 * floors stays under the sum of the heights whatever the order and rounding of the additions:
 * blocks that overflow a box on their floors overflow it on their heights. Lines are counted
 * once per block, for every size.
 */
export function heightFloors(
  doc: PDFKit.PDFDocument,
  from: number,
  width: number,
  lineGap = 2,
): (size: number) => Heights {
  const floors = new Map<Block, { lines: number; upTo: number } | undefined>();
  const linesAt = (b: Block) => {
    if (floors.has(b)) return floors.get(b);
    doc.font(b.font).fontSize(from * (b.scale ?? 1));
    const floor = linesFloor(doc, b.text, { width, lineGap });
    floors.set(b, floor);
    return floor;
  };
  return (size) =>
    measured(size, (b) => {
      const scaled = size * (b.scale ?? 1);
      const floor = linesAt(b);
      // A line gap of 0 leaves the document's own (pdfkit's `lineGap || _lineGap`), not read here.
      const lines = floor && size >= from && scaled <= floor.upTo && lineGap > 0 ? floor.lines : 0;
      const line = lines > 0 ? doc.font(b.font).fontSize(scaled).currentLineHeight(true) + lineGap : 0;
      return (lines * line + (b.gapAfter ?? 0) * size) * (1 - FLOOR_ROOM);
    });
}

/** Far more than the rounding of a few thousand additions, relatively. */
const FLOOR_ROOM = 1e-9;

/**
 * Splits blocks into pages that each fit the box at the heights' size, keeping blocks whole and
 * a block marked `keepWithNext` with the one after it. A block that alone overflows fails. Given
 * `most`, it gives up (undefined) as soon as the blocks need more pages than that.
 */
export function paginateBlocks(
  heights: Heights,
  blocks: (Block & { keepWithNext?: boolean })[],
  box: { height: number },
  where: string,
  continued?: Block,
  most = Infinity,
): Block[][] | undefined {
  const pages: Block[][] = [];
  let page: Block[] = [];
  let height = 0;
  /** Every page after the first opens with the `continued` heading. */
  const fresh = () => (continued && pages.length > 0 ? [continued] : []);
  for (let i = 0; i < blocks.length; i++) {
    const group = [blocks[i]!];
    while (group[group.length - 1]!.keepWithNext && i + 1 < blocks.length) group.push(blocks[++i]!);
    const added = heights.of(group);
    if (height + added <= box.height) {
      page.push(...group);
      height += added;
      continue;
    }
    if (page.length > 0) pages.push(page);
    if (pages.length + 1 > most) return undefined;
    page = [...fresh(), ...group];
    height = heights.of(page);
    if (height > box.height) throw new OverflowError(where, group.map((b) => b.text).join(" "), heights.size);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}
