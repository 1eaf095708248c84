/**
 * data-cards.pdf as it was drawn before its fronts' measures were made once per document and its
 * backs, symbols and cut marks stamped (2026-12-02), kept verbatim as an oracle: the tests compare
 * today's data cards with these, byte for byte. imposeCards is as it was that day too.
 */
import type { DataCard } from "../../../src/products/data-cards/derive.js";
import { DATA_CARD } from "../../../src/products/data-cards/draw.js";
import type { Kit } from "../../../src/kit.js";
import type { Options } from "../../../src/options.js";
import type { Assets } from "../../../src/assets.js";
import { capHeightRatio } from "../../../src/products/role-cards/draw.js";
import { fitLine } from "../../../src/render/fit.js";
import {
  cell,
  drawCutMarks,
  LONG_EDGE,
  perSheet,
  type Duplex,
  type Grid,
  layoutGrid,
} from "../../../src/render/imposition.js";
import { createDocument, finish, FONT } from "../../../src/render/pdf.js";
import { drawSymbol, SYMBOLS } from "../../../src/render/symbols.js";
import { COLOURS, mm, PAPER } from "../../../src/render/units.js";

function imposeCards<T>(
  doc: PDFKit.PDFDocument,
  grid: Grid,
  cards: readonly T[],
  front: (card: T, x: number, y: number) => void,
  back: (card: T, x: number, y: number) => void,
  duplex: Duplex = LONG_EDGE,
): void {
  for (let first = 0; first < cards.length; first += perSheet(grid)) {
    const batch = cards.slice(first, first + perSheet(grid));
    doc.addPage();
    batch.forEach((card, i) => {
      const { x, y } = cell(grid, i, "front");
      front(card, x, y);
    });
    drawCutMarks(doc, grid);
    doc.addPage();
    batch.forEach((card, i) => {
      const { x, y } = cell(grid, i, "back", duplex);
      if (duplex.edge === "short")
        doc.save().rotate(180, { origin: [x + grid.cardWidth / 2, y + grid.cardHeight / 2] });
      back(card, x, y);
      if (duplex.edge === "short") doc.restore();
    });
  }
}

const INSET = mm(5);
/** The big number's digits stand at least this tall. */
const NUMBER_HEIGHT = mm(30);

/** The size of a card's big face: digits at least 30 mm tall (wider faces shrink no further); a token's word fits the width. */
function numberSize(doc: PDFKit.PDFDocument, card: DataCard): number {
  const wanted = NUMBER_HEIGHT / capHeightRatio(doc, FONT.bold);
  // The number may run close to the cut lines: it is the one thing that must be seen across a room.
  if (card.numeric)
    return fitLine(
      doc,
      card.face,
      FONT.bold,
      DATA_CARD.width - mm(5),
      wanted * 1.15,
      wanted,
      `data card ${card.object}`,
    );
  return fitLine(doc, card.face, FONT.bold, DATA_CARD.width - mm(8), wanted, 12, `data card ${card.object}`);
}

function fitsAt(doc: PDFKit.PDFDocument, text: string, width: number, size: number): boolean {
  return doc.font(FONT.bold).fontSize(size).widthOfString(text) <= width;
}

function corner(doc: PDFKit.PDFDocument, card: DataCard, x: number, y: number): void {
  doc.font(FONT.bold).fontSize(15).fillColor(SYMBOLS[card.kind].colour);
  doc.text(card.corner, x, y, { width: mm(14), align: "center", lineBreak: false });
  drawSymbol(doc, card.kind, x + mm(7) - mm(2.5), y + 17, mm(5));
}

/** A card written on a later timeline: a hatched band across the top, in orange, with its words. */
function band(doc: PDFKit.PDFDocument, words: string, hatch: DataCard["hatch"], x: number, y: number): void {
  const top = y + mm(3.5);
  const left = x + mm(17);
  const w = DATA_CARD.width - mm(34);
  const h = mm(7.5);
  doc.save().rect(left, top, w, h).clip();
  doc.lineWidth(1.2).strokeColor(COLOURS.orange);
  for (let d = -h; d < w + h; d += 5) {
    // Timeline 2 rises, 3 falls, later ones cross: two timelines on one table differ at a glance.
    if (hatch !== "falling")
      doc
        .moveTo(left + d, top + h)
        .lineTo(left + d + h, top)
        .stroke();
    if (hatch !== "rising")
      doc
        .moveTo(left + d, top)
        .lineTo(left + d + h, top + h)
        .stroke();
  }
  doc.restore();
  doc.save().lineWidth(1).strokeColor(COLOURS.orange).rect(left, top, w, h).stroke().restore();
  doc.font(FONT.bold).fontSize(11).fillColor(COLOURS.black);
  const tw = doc.widthOfString(words) + mm(2);
  doc.rect(left + (w - tw) / 2, top + mm(1.2), tw, h - mm(2.4)).fill("#FFFFFF");
  doc.fillColor(COLOURS.black).text(words, left, top + mm(1.9), { width: w, align: "center", lineBreak: false });
}

function front(doc: PDFKit.PDFDocument, card: DataCard, x: number, y: number): void {
  const { width, height } = DATA_CARD;
  const colour = SYMBOLS[card.kind].colour;
  corner(doc, card, x + mm(3), y + mm(3.5));
  // The same corner, upside down, as on a playing card.
  doc.save().rotate(180, { origin: [x + width / 2, y + height / 2] });
  corner(doc, card, x + mm(3), y + mm(3.5));
  doc.restore();
  if (card.band) band(doc, card.band, card.hatch, x, y);

  drawSymbol(doc, card.kind, x + width / 2 - mm(7), y + mm(11), mm(14));
  const size = numberSize(doc, card);
  doc.font(FONT.bold).fontSize(size).fillColor(colour);
  const ascender = (doc as unknown as { _font: { ascender: number } })._font.ascender / 1000;
  const cap = capHeightRatio(doc, FONT.bold) * size;
  const baseline = y + height / 2 + (card.numeric ? cap / 2 + mm(2) : cap / 2);
  doc.text(card.face, x, baseline - ascender * size, { width, align: "center", lineBreak: false });
  // A DELETE card names its rows beside the word ("DELETE 12, 13, 14"): narrowed to fit when long.
  const wordSize =
    card.kind === "delete" ? fitLine(doc, card.word, FONT.bold, width - mm(8), 17, 9, `data card ${card.object}`) : 17;
  doc.font(FONT.bold).fontSize(wordSize).fillColor(colour);
  if (card.word !== card.face) doc.text(card.word, x, baseline + mm(4), { width, align: "center", lineBreak: false });
  // Whose copy it is: what a volunteer checks before laying it down.
  // Centred between the corners when it fits there at 9 pt; else in the wider space left of the
  // bottom-right corner (there is no corner bottom-left), never over a corner's index.
  const between = { left: x + mm(17), width: width - mm(34) };
  const wide = { left: x + mm(4), width: width - mm(21) };
  const centred = fitsAt(doc, card.note, between.width, 9);
  const box = centred ? between : wide;
  const noteSize = fitLine(doc, card.note, FONT.bold, box.width, 11, 7, `data card ${card.object}`);
  doc.font(FONT.bold).fontSize(noteSize).fillColor(COLOURS.black);
  doc.text(card.note, box.left, baseline + mm(11), { width: box.width, align: "center", lineBreak: false });
}

/** What every back of a kit says (worded once, not once a card). */
interface BackText {
  title: string;
  scenario: string;
  version: string;
}

function backText(kit: Kit): BackText {
  const t = kit.templates;
  return {
    title: t.text("cards", "back_title"),
    scenario: t.text("cards", "back_scenario", { title: kit.scenario.title }),
    version: t.text("cards", "back_version", { hash: kit.hash }),
  };
}

/** The back: no lines near the edges, so a drifting duplex print shows no misregistration. */
function back(doc: PDFKit.PDFDocument, text: BackText, x: number, y: number): void {
  const { width, height } = DATA_CARD;
  const cx = x + width / 2;
  for (const [i, kind] of (["write", "read", "ack", "joker", "token"] as const).entries()) {
    drawSymbol(doc, kind, cx - mm(21.5) + i * mm(9), y + height / 2 - mm(16), mm(7));
  }
  doc.font(FONT.bold).fontSize(18).fillColor(COLOURS.black);
  doc.text(text.title, x, y + height / 2 - mm(5), { width, align: "center", lineBreak: false });
  doc.font(FONT.regular).fontSize(8.5).fillColor(COLOURS.grey);
  doc.text(text.scenario, x + INSET, y + height / 2 + mm(4), {
    width: width - 2 * INSET,
    align: "center",
  });
  doc
    .font(FONT.mono)
    .fontSize(8)
    .text(text.version, x, y + height / 2 + mm(14), {
      width,
      align: "center",
      lineBreak: false,
    });
}

/** The data cards' render as it was. */
export async function oldDataCards(kit: Kit, options: Options, assets: Assets): Promise<{ pdf: Uint8Array }> {
  const sheet = PAPER[options.paper];
  const doc = createDocument(
    assets.fonts,
    options.date,
    { title: `${kit.scenario.title}: data cards`, subject: kit.scenario.id, keywords: kit.hash },
    sheet,
  );
  const grid = layoutGrid(sheet, DATA_CARD, 3, 3);
  const text = backText(kit);
  imposeCards(
    doc,
    grid,
    kit.deck,
    (card, x, y) => front(doc, card, x, y),
    (_, x, y) => back(doc, text, x, y),
    options.duplex,
  );
  return finish(doc);
}
