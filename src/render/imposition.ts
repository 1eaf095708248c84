/**
 * Cards on sheets: a grid of cards sharing cut lines, cut marks in the margins, and back sheets
 * laid out for long-edge duplex (column c lands behind column N−1−c of the back, same row).
 */
import { Stamps } from "./stamp.js";
import { mm, SAFE_EDGE } from "./units.js";

const GAP = mm(1);
const MIN_MARK = mm(2);
const MAX_MARK = mm(5);

export interface Grid {
  cols: number;
  rows: number;
  cardWidth: number;
  cardHeight: number;
  x0: number;
  y0: number;
  sheet: { width: number; height: number };
  /** Sides of the grid with room for marks outside the printer's dead zone. */
  marks: { top: boolean; bottom: boolean; sides: boolean };
}

/**
 * Centres the grid; when the sheet is too short for marks at both ends (poker cards on Letter:
 * 15.4 mm to spare), it moves the grid down just enough for marks at the top — one mark per cut
 * line is enough for a trimmer — and keeps the bottom margin free of marks.
 */
export function layoutGrid(
  sheet: { width: number; height: number },
  card: { width: number; height: number },
  cols: number,
  rows: number,
): Grid {
  const need = SAFE_EDGE + GAP + MIN_MARK;
  const spareX = sheet.width - cols * card.width;
  const spareY = sheet.height - rows * card.height;
  if (spareX < 0 || spareY < 0) throw new Error(`internal: ${cols}×${rows} cards do not fit the sheet`);
  let y0 = spareY / 2;
  let marks = { top: y0 >= need, bottom: y0 >= need, sides: spareX / 2 >= need };
  // The bottom cut line still needs its side marks, so the grid must end outside the dead zone too.
  if (!marks.top && spareY >= need + SAFE_EDGE) {
    y0 = need;
    marks = { ...marks, top: true, bottom: false };
  }
  return { cols, rows, cardWidth: card.width, cardHeight: card.height, x0: spareX / 2, y0, sheet, marks };
}

export const perSheet = (grid: Grid) => grid.cols * grid.rows;

/**
 * How the sheet turns over: about its long edge (the usual default; column c lands behind column
 * N−1−c) or its short edge (row r behind row M−1−r, and the back upside down), and the shift that
 * corrects the printer's drift on back pages.
 */
export interface Duplex {
  edge: "long" | "short";
  offset: { x: number; y: number };
}

export const LONG_EDGE: Duplex = { edge: "long", offset: { x: 0, y: 0 } };

/**
 * Top-left corner of the card in slot `index` on its front sheet, or behind it on the back sheet:
 * the front's place mirrored across the axis the sheet turns about — which holds whether or not
 * the grid is centred (on Letter the data-card grid sits high).
 */
export function cell(
  grid: Grid,
  index: number,
  side: "front" | "back",
  duplex: Duplex = LONG_EDGE,
): { x: number; y: number } {
  const slot = index % perSheet(grid);
  const x = grid.x0 + (slot % grid.cols) * grid.cardWidth;
  const y = grid.y0 + Math.floor(slot / grid.cols) * grid.cardHeight;
  if (side === "front") return { x, y };
  const { width, height } = grid.sheet;
  return duplex.edge === "long"
    ? { x: width - x - grid.cardWidth + duplex.offset.x, y: y + duplex.offset.y }
    : { x: x + duplex.offset.x, y: height - y - grid.cardHeight + duplex.offset.y };
}

export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Thin marks on the extension of every cut line, in the margin, clear of the cards. */
export function cutMarks(grid: Grid): Segment[] {
  const { x0, y0, cols, rows, cardWidth: w, cardHeight: h, sheet } = grid;
  const right = x0 + cols * w;
  const bottom = y0 + rows * h;
  const length = (room: number) => Math.min(MAX_MARK, room - GAP - SAFE_EDGE);
  const marks: Segment[] = [];
  for (let i = 0; i <= cols; i++) {
    const x = x0 + i * w;
    if (grid.marks.top) marks.push({ x1: x, y1: y0 - GAP - length(y0), x2: x, y2: y0 - GAP });
    if (grid.marks.bottom)
      marks.push({ x1: x, y1: bottom + GAP, x2: x, y2: bottom + GAP + length(sheet.height - bottom) });
  }
  if (grid.marks.sides) {
    for (let j = 0; j <= rows; j++) {
      const y = y0 + j * h;
      if (y < SAFE_EDGE || sheet.height - y < SAFE_EDGE) continue;
      marks.push({ x1: x0 - GAP - length(x0), y1: y, x2: x0 - GAP, y2: y });
      marks.push({ x1: right + GAP, y1: y, x2: right + GAP + length(sheet.width - right), y2: y });
    }
  }
  return marks;
}

export function drawCutMarks(doc: PDFKit.PDFDocument, grid: Grid): void {
  doc.save().lineWidth(0.4).strokeColor("#000000");
  for (const m of cutMarks(grid)) doc.moveTo(m.x1, m.y1).lineTo(m.x2, m.y2).stroke();
  doc.restore();
}

/**
 * Prints cards a sheet at a time: a front page with cut marks, then its back page laid out for
 * the duplex edge. Turned over the short edge a back would read upside down, so it is drawn
 * turned half round: a card held front-up reads upright on both sides. The cut marks, the same
 * on every sheet, are drawn once and written again. Each card is drawn with its place on the
 * sheet (`slot`, from 0): a drawing that is the same at a place on every sheet can be stamped.
 */
export function imposeCards<T>(
  doc: PDFKit.PDFDocument,
  grid: Grid,
  cards: readonly T[],
  front: (card: T, x: number, y: number, slot: number) => void,
  back: (card: T, x: number, y: number, slot: number) => void,
  duplex: Duplex = LONG_EDGE,
): void {
  const stamps = new Stamps(doc);
  for (let first = 0; first < cards.length; first += perSheet(grid)) {
    const batch = cards.slice(first, first + perSheet(grid));
    doc.addPage();
    batch.forEach((card, i) => {
      const { x, y } = cell(grid, i, "front");
      front(card, x, y, i);
    });
    stamps.draw("cut marks", () => drawCutMarks(doc, grid));
    doc.addPage();
    batch.forEach((card, i) => {
      const { x, y } = cell(grid, i, "back", duplex);
      if (duplex.edge === "short")
        doc.save().rotate(180, { origin: [x + grid.cardWidth / 2, y + grid.cardHeight / 2] });
      back(card, x, y, i);
      if (duplex.edge === "short") doc.restore();
    });
  }
}
