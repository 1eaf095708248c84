/**
 * data-cards.pdf: the stage model's deck, and only that. Poker size, nine to a sheet, cut marks,
 * backs for duplex. The number is the largest thing on the card; the kind shows as a colour, a
 * symbol and a word; a copy says whose it is; a card of a later timeline carries a hatched band.
 */
import type { DataCard } from "./derive.js";
import type { Kit } from "../../kit.js";
import { imposeCards, layoutGrid } from "../../render/imposition.js";
import { fitLine } from "../../render/fit.js";
import { createDocument, finish, FONT } from "../../render/pdf.js";
import { Stamps } from "../../render/stamp.js";
import { drawSymbol, SYMBOLS } from "../../render/symbols.js";
import { COLOURS, mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";
import { capHeightRatio } from "../role-cards/draw.js";

export const DATA_CARD = { width: mm(63), height: mm(88) };
const INSET = mm(5);
/** The big number's digits stand at least this tall. */
export const NUMBER_HEIGHT = mm(30);

/** The size of a card's big face: digits at least 30 mm tall (wider faces shrink no further); a token's word fits the width. */
export function numberSize(doc: PDFKit.PDFDocument, card: DataCard): number {
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

/**
 * What the fronts of one document share. A deck repeats its faces, words and notes card after
 * card (every copy of a card, every READ card's word): each is measured once. A kind's symbols
 * are the same at a place on every sheet: drawn once there, then stamped.
 */
interface Fronts {
  doc: PDFKit.PDFDocument;
  stamps: Stamps;
  measured: Map<string, unknown>;
}

function measuredOnce<T>(fronts: Fronts, key: string, measure: () => T): T {
  if (fronts.measured.has(key)) return fronts.measured.get(key) as T;
  const value = measure();
  fronts.measured.set(key, value);
  return value;
}

function corner(fronts: Fronts, card: DataCard, x: number, y: number, slot: number): void {
  const { doc } = fronts;
  doc.font(FONT.bold).fontSize(15).fillColor(SYMBOLS[card.kind].colour);
  doc.text(card.corner, x, y, { width: mm(14), align: "center", lineBreak: false });
  // Upright or turned round, the same operators: the turn is the page's, around them.
  fronts.stamps.draw(`${card.kind} ${slot} corner`, () =>
    drawSymbol(doc, card.kind, x + mm(7) - mm(2.5), y + 17, mm(5)),
  );
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

function front(fronts: Fronts, card: DataCard, x: number, y: number, slot: number): void {
  const { doc } = fronts;
  const { width, height } = DATA_CARD;
  const colour = SYMBOLS[card.kind].colour;
  corner(fronts, card, x + mm(3), y + mm(3.5), slot);
  // The same corner, upside down, as on a playing card.
  doc.save().rotate(180, { origin: [x + width / 2, y + height / 2] });
  corner(fronts, card, x + mm(3), y + mm(3.5), slot);
  doc.restore();
  if (card.band) band(doc, card.band, card.hatch, x, y);

  fronts.stamps.draw(`${card.kind} ${slot}`, () =>
    drawSymbol(doc, card.kind, x + width / 2 - mm(7), y + mm(11), mm(14)),
  );
  const size = measuredOnce(fronts, `face ${card.numeric} ${card.face}`, () => numberSize(doc, card));
  doc.font(FONT.bold).fontSize(size).fillColor(colour);
  const ascender = (doc as unknown as { _font: { ascender: number } })._font.ascender / 1000;
  const cap = measuredOnce(fronts, "cap", () => capHeightRatio(doc, FONT.bold)) * size;
  const baseline = y + height / 2 + (card.numeric ? cap / 2 + mm(2) : cap / 2);
  doc.text(card.face, x, baseline - ascender * size, { width, align: "center", lineBreak: false });
  // A DELETE card names its rows beside the word ("DELETE 12, 13, 14"): narrowed to fit when long.
  const wordSize =
    card.kind === "delete"
      ? measuredOnce(fronts, `word ${card.word}`, () =>
          fitLine(doc, card.word, FONT.bold, width - mm(8), 17, 9, `data card ${card.object}`),
        )
      : 17;
  doc.font(FONT.bold).fontSize(wordSize).fillColor(colour);
  if (card.word !== card.face) doc.text(card.word, x, baseline + mm(4), { width, align: "center", lineBreak: false });
  // Whose copy it is: what a volunteer checks before laying it down.
  // Centred between the corners when it fits there at 9 pt; else in the wider space left of the
  // bottom-right corner (there is no corner bottom-left), never over a corner's index.
  const { centred, noteSize } = measuredOnce(fronts, `note ${card.note}`, () => {
    const centred = fitsAt(doc, card.note, BETWEEN.width, 9);
    const box = centred ? BETWEEN : WIDE;
    return { centred, noteSize: fitLine(doc, card.note, FONT.bold, box.width, 11, 7, `data card ${card.object}`) };
  });
  const box = centred ? BETWEEN : WIDE;
  doc.font(FONT.bold).fontSize(noteSize).fillColor(COLOURS.black);
  doc.text(card.note, x + box.left, baseline + mm(11), { width: box.width, align: "center", lineBreak: false });
}

/** Where a card's note goes, from the card's left edge: between the corners, or from near the edge to the bottom-right corner. */
const BETWEEN = { left: mm(17), width: DATA_CARD.width - mm(34) };
const WIDE = { left: mm(4), width: DATA_CARD.width - mm(21) };

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

export const dataCards: Product = {
  file: "data-cards.pdf",
  description: "the numbered data-block cards, nine to a sheet, with backs",
  async render(kit, options, assets, sink) {
    const sheet = PAPER[options.paper];
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: data cards`, subject: kit.scenario.id, keywords: kit.hash },
      sheet,
      sink,
    );
    const grid = layoutGrid(sheet, DATA_CARD, 3, 3);
    const text = backText(kit);
    const fronts: Fronts = { doc, stamps: new Stamps(doc), measured: new Map() };
    // Every back of a kit is the same: drawn once at each place on the sheet, then written again.
    const backs = new Stamps(doc);
    imposeCards(
      doc,
      grid,
      kit.deck,
      (card, x, y, slot) => front(fronts, card, x, y, slot),
      (_, x, y, slot) => backs.draw(String(slot), () => back(doc, text, x, y)),
      options.duplex,
    );
    return finish(doc);
  },
};
