/**
 * data-cards.pdf: the numbered cards the trace uses, and only those. Poker size, nine to a sheet,
 * cut marks, backs for long-edge duplex. The number is the largest thing on the card; the kind
 * shows as a colour, a symbol and a word.
 */
import type { DataCard } from "./derive.js";
import type { Kit } from "../../kit.js";
import { imposeCards, layoutGrid } from "../../render/imposition.js";
import { fitLine } from "../../render/fit.js";
import { createDocument, finish, FONT } from "../../render/pdf.js";
import { drawSymbol, SYMBOLS } from "../../render/symbols.js";
import { COLOURS, mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";
import { capHeightRatio } from "../role-cards/draw.js";

export const DATA_CARD = { width: mm(63), height: mm(88) };
const INSET = mm(5);
/** The big number's digits stand at least this tall. */
export const NUMBER_HEIGHT = mm(30);

/** The size of a card's big number: digits at least 30 mm tall, wider numbers shrink to fit no further. */
export function numberSize(doc: PDFKit.PDFDocument, card: DataCard): number {
  const wanted = NUMBER_HEIGHT / capHeightRatio(doc, FONT.bold);
  const min = wanted;
  // The number may run close to the cut lines: it is the one thing that must be seen across a room.
  return fitLine(
    doc,
    String(card.number),
    FONT.bold,
    DATA_CARD.width - mm(5),
    wanted * 1.15,
    min,
    `data card ${card.face}`,
  );
}

function corner(doc: PDFKit.PDFDocument, card: DataCard, x: number, y: number): void {
  doc.font(FONT.bold).fontSize(15).fillColor(SYMBOLS[card.kind].colour);
  doc.text(card.face, x, y, { width: mm(14), align: "center", lineBreak: false });
  drawSymbol(doc, card.kind, x + mm(7) - mm(2.5), y + 17, mm(5));
}

function front(doc: PDFKit.PDFDocument, kit: Kit, card: DataCard, x: number, y: number): void {
  const t = kit.templates;
  const { width, height } = DATA_CARD;
  const colour = SYMBOLS[card.kind].colour;
  corner(doc, card, x + mm(3), y + mm(3.5));
  // The same corner, upside down, as on a playing card.
  doc.save().rotate(180, { origin: [x + width / 2, y + height / 2] });
  corner(doc, card, x + mm(3), y + mm(3.5));
  doc.restore();

  drawSymbol(doc, card.kind, x + width / 2 - mm(7), y + mm(11), mm(14));
  const size = numberSize(doc, card);
  doc.font(FONT.bold).fontSize(size).fillColor(colour);
  const ascender = (doc as unknown as { _font: { ascender: number } })._font.ascender / 1000;
  const cap = capHeightRatio(doc, FONT.bold) * size;
  const baseline = y + height / 2 + cap / 2 + mm(2);
  doc.text(String(card.number), x, baseline - ascender * size, { width, align: "center", lineBreak: false });
  doc.font(FONT.bold).fontSize(17).fillColor(colour);
  doc.text(t.text("cards", `word_${card.kind}`), x, baseline + mm(4), { width, align: "center", lineBreak: false });
  doc.font(FONT.regular).fontSize(10).fillColor(COLOURS.black);
  doc.text(t.text("cards", `note_${card.kind}`, { number: card.number }), x, baseline + mm(11), {
    width,
    align: "center",
    lineBreak: false,
  });
}

/** The back: no lines near the edges, so a drifting duplex print shows no misregistration. */
function back(doc: PDFKit.PDFDocument, kit: Kit, x: number, y: number): void {
  const t = kit.templates;
  const { width, height } = DATA_CARD;
  const cx = x + width / 2;
  for (const [i, kind] of (["write", "read", "ack", "joker"] as const).entries()) {
    drawSymbol(doc, kind, cx - mm(17) + i * mm(9), y + height / 2 - mm(16), mm(7));
  }
  doc.font(FONT.bold).fontSize(18).fillColor(COLOURS.black);
  doc.text(t.text("cards", "back_title"), x, y + height / 2 - mm(5), { width, align: "center", lineBreak: false });
  doc.font(FONT.regular).fontSize(8.5).fillColor(COLOURS.grey);
  doc.text(t.text("cards", "back_scenario", { title: kit.scenario.title }), x + INSET, y + height / 2 + mm(4), {
    width: width - 2 * INSET,
    align: "center",
  });
  doc
    .font(FONT.mono)
    .fontSize(8)
    .text(t.text("cards", "back_version", { hash: kit.hash }), x, y + height / 2 + mm(14), {
      width,
      align: "center",
      lineBreak: false,
    });
}

export const dataCards: Product = {
  file: "data-cards.pdf",
  description: "the numbered data-block cards, nine to a sheet, with backs",
  async render(kit, options, assets) {
    const sheet = PAPER[options.paper];
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: data cards`, subject: kit.scenario.id, keywords: kit.hash },
      sheet,
    );
    const grid = layoutGrid(sheet, DATA_CARD, 3, 3);
    imposeCards(
      doc,
      grid,
      kit.deck,
      (card, x, y) => front(doc, kit, card, x, y),
      (_, x, y) => back(doc, kit, x, y),
      options.duplex,
    );
    return finish(doc);
  },
};
