/** Text that never overflows its box: it wraps, or shrinks down to a floor, and past that the build fails. */

export class OverflowError extends Error {
  constructor(where: string, text: string, min: number) {
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

/** Height of blocks set at a base size, wrapped to `width`. */
export function blocksHeight(doc: PDFKit.PDFDocument, blocks: Block[], size: number, width: number, lineGap: number): number {
  let total = 0;
  for (const b of blocks) {
    doc.font(b.font).fontSize(size * (b.scale ?? 1));
    total += doc.heightOfString(b.text, { width, lineGap }) + (b.gapAfter ?? 0) * size;
  }
  return total;
}

/** The largest base size from `max` down to `min` (half points) at which the blocks fit the box. */
export function fitBlocks(doc: PDFKit.PDFDocument, blocks: Block[], box: { width: number; height: number }, max: number, min: number, where: string, lineGap = 2): number {
  for (let size = max; size >= min; size -= 0.5) {
    if (blocksHeight(doc, blocks, size, box.width, lineGap) <= box.height) return size;
  }
  throw new OverflowError(where, blocks.map((b) => b.text).join(" "), min);
}

/** The largest size at which one line of text fits both a width and a height. */
export function fitLine(doc: PDFKit.PDFDocument, text: string, font: string, width: number, maxSize: number, min: number, where: string): number {
  doc.font(font).fontSize(100);
  const perPoint = doc.widthOfString(text) / 100;
  const size = Math.min(maxSize, Math.floor((width / perPoint) * 2) / 2);
  if (size < min) throw new OverflowError(where, text, min);
  return size;
}

/** Writes the blocks top-down from (x, y) at a base size. */
export function drawBlocks(doc: PDFKit.PDFDocument, blocks: Block[], x: number, y: number, width: number, size: number, lineGap = 2, colour = "#000000"): void {
  let cursor = y;
  for (const b of blocks) {
    doc.font(b.font).fontSize(size * (b.scale ?? 1)).fillColor(colour);
    const height = doc.heightOfString(b.text, { width, lineGap });
    doc.text(b.text, x, cursor, { width, lineGap, lineBreak: true });
    cursor += height + (b.gapAfter ?? 0) * size;
  }
}
