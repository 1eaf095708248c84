/**
 * role-cards.pdf: one sign per volunteer, half a sheet in landscape, two to a sheet. The front
 * faces the audience (the label, as large as fits); the back faces the volunteer (their cues).
 */
import { imposeCards, layoutGrid } from "../../render/imposition.js";
import {
  drawBlocks,
  fitLine,
  heightFloors,
  heightsAt,
  OverflowError,
  paginateBlocks,
  type Block,
  type Heights,
} from "../../render/fit.js";
import { createDocument, finish, FONT, fontSetOf, type FontSet } from "../../render/pdf.js";
import { Stamps } from "../../render/stamp.js";
import { COLOURS, mm, PAPER } from "../../render/units.js";
import type { Assets } from "../../assets.js";
import type { Options } from "../../options.js";
import type { Product } from "../product.js";
import type { RoleCardText } from "./derive.js";

export const ROLE_CARD = { width: mm(180), height: mm(125) };
const INSET = mm(7);

/** Cap height of a font as a fraction of its size (from the font's own metrics). */
export function capHeightRatio(doc: PDFKit.PDFDocument, font: string): number {
  doc.font(font);
  return (doc as unknown as { _font: { capHeight: number } })._font.capHeight / 1000;
}

/** The size at which a role's label is printed: as large as the card allows. */
export function labelSize(doc: PDFKit.PDFDocument, label: string): number {
  return fitLine(
    doc,
    label,
    FONT.bold,
    ROLE_CARD.width - 2 * INSET,
    ROLE_CARD.height * 0.42,
    24,
    `role card "${label}"`,
  );
}

/** Cues are never set smaller than this, nor larger than the largest. */
export const CUE_SIZE = { min: 11, max: 13 };

/** One printed card: a role, or a part of a role whose cues need more than one back. */
export interface RoleCard {
  text: RoleCardText;
  part: number;
  parts: number;
  blocks: Block[];
}

/** The front: the role's sign (the same on each of its cards at a place on the sheet), and which card it is. */
function front(doc: PDFKit.PDFDocument, stamps: Stamps, card: RoleCard, x: number, y: number, slot: number): void {
  const { text } = card;
  const { width, height } = ROLE_CARD;
  stamps.draw(`sign ${text.role} ${slot}`, () => sign(doc, text, x, y));
  if (card.parts > 1) {
    const part = text.part.replace("{part}", String(card.part)).replace("{parts}", String(card.parts));
    doc
      .font(FONT.bold)
      .fontSize(12)
      .text(part, x + INSET, y + height - INSET - mm(5), {
        width: width - 2 * INSET,
        align: "center",
        lineBreak: false,
      });
  }
}

/** What the audience reads: the label, as large as fits, what the role starts as, and the scenario. */
function sign(doc: PDFKit.PDFDocument, text: RoleCardText, x: number, y: number): void {
  const { width, height } = ROLE_CARD;
  doc.font(FONT.regular).fontSize(10).fillColor(COLOURS.grey);
  doc.text(text.scenario, x + INSET, y + INSET, {
    width: width - 2 * INSET - mm(30),
    lineBreak: false,
  });
  doc
    .font(FONT.mono)
    .fontSize(8)
    .text(text.hash, x + width - INSET - mm(30), y + INSET + 1, { width: mm(30), align: "right", lineBreak: false });

  const size = labelSize(doc, text.label);
  const cap = capHeightRatio(doc, FONT.bold) * size;
  const baseline = y + height * 0.52 + cap / 2;
  doc.font(FONT.bold).fontSize(size).fillColor(COLOURS.black);
  const ascender = (doc as unknown as { _font: { ascender: number } })._font.ascender / 1000;
  doc.text(text.label, x + INSET, baseline - ascender * size, {
    width: width - 2 * INSET,
    align: "center",
    lineBreak: false,
  });

  doc.font(FONT.regular).fontSize(20).fillColor(COLOURS.black);
  doc.text(text.kind, x + INSET, baseline + mm(8), { width: width - 2 * INSET, align: "center", lineBreak: false });
}

const FOOTER = mm(7);
/** Where a back's cues go: the card less its inset and the version footer. */
export const BACK_BOX = { width: ROLE_CARD.width - 2 * INSET, height: ROLE_CARD.height - 2 * INSET - FOOTER };

/** A role's back as blocks: title, brief, then each cue with PostgreSQL's messages under it. */
export function backBlocks(text: RoleCardText): (Block & { keepWithNext?: boolean })[] {
  const blocks: (Block & { keepWithNext?: boolean })[] = [
    { text: text.backTitle, font: FONT.bold, scale: 1.3, gapAfter: 0.4, keepWithNext: true },
  ];
  if (text.brief) blocks.push({ text: text.brief, font: FONT.regular, gapAfter: 0.5, keepWithNext: true });
  if (text.entries.length === 0) blocks.push({ text: text.none, font: FONT.regular });
  for (const entry of text.entries) {
    if ("run" in entry) {
      blocks.push({ text: entry.run, font: FONT.bold, gapAfter: 0.25, keepWithNext: true });
      continue;
    }
    blocks.push({
      text: entry.cue,
      font: FONT.regular,
      gapAfter: entry.messages.length ? 0.15 : 0.35,
      keepWithNext: entry.messages.length > 0,
    });
    entry.messages.forEach((message, i) =>
      blocks.push({
        text: message,
        font: FONT.mono,
        scale: 0.8,
        gapAfter: 0.35,
        keepWithNext: i + 1 < entry.messages.length,
      }),
    );
  }
  return blocks;
}

/**
 * A role's cards at a cue size: its back (`blocks`, from backBlocks) split over as many cards as
 * it needs. Given `most`, it stops at the first card past that many, and gives undefined then.
 */
function cardsAt(
  text: RoleCardText,
  blocks: (Block & { keepWithNext?: boolean })[],
  heights: Heights,
  most?: number,
): RoleCard[] | undefined {
  const where = `role card "${text.label}" (back)`;
  const continued = (part: number, parts: number): Block => ({
    text: text.continued.replace("{part}", String(part)).replace("{parts}", String(parts)),
    font: FONT.bold,
    scale: 1.3,
    gapAfter: 0.4,
  });
  const pages = heights.within(blocks, BACK_BOX.height)
    ? [blocks]
    : paginateBlocks(heights, blocks, BACK_BOX, where, continued(99, 99), most);
  if (!pages) return undefined;
  const parts = pages.map((page, i) => (i === 0 ? page : [continued(i + 1, pages.length), ...page.slice(1)]));
  return parts.map((blocks, i) => ({ text, part: i + 1, parts: parts.length, blocks }));
}

/**
 * Every role's cards at one cue size for the whole set: the largest size at which no volunteer
 * needs more cards than at the smallest (11 pt). Laid out once per set of texts (the script
 * counts the cards while the kit is derived, and render lays them out again): the layout reads
 * the document only for its fonts' measures, which are the same in every document of a font set.
 */
export interface RoleCardLayout {
  size: number;
  cards: RoleCard[];
  /** The blocks' heights at that size, kept for drawing them. */
  heights: Heights;
}

export function layoutRoleCards(doc: PDFKit.PDFDocument, texts: RoleCardText[]): RoleCardLayout {
  const fonts = fontSetOf(doc);
  const known = laidOut.get(texts);
  if (known && known.fonts === fonts) return known.layout;
  const layout = layoutAtSizes(doc, texts);
  if (fonts) laidOut.set(texts, { fonts, layout });
  return layout;
}

const laidOut = new WeakMap<RoleCardText[], { fonts: FontSet; layout: RoleCardLayout }>();

/** A switch for giving sizes up on floors under their heights (for the tests, which compare with the plain scan). */
export const sizeFloors = { enabled: true, gaveUp: 0 };

/**
 * The smallest size first (every role's cards there are the fallback, and the count to keep),
 * then from the largest down. A size is given up at the first role that needs more cards there,
 * or whose back, with its real "card 2 of 3" heading, overflows (the answer is the same whichever
 * role is found first); so is a size at which a cue alone does not fit: a smaller one may.
 */
function layoutAtSizes(doc: PDFKit.PDFDocument, texts: RoleCardText[]): RoleCardLayout {
  const width = BACK_BOX.width;
  const backs = texts.map(backBlocks);
  const least = heightsAt(doc, CUE_SIZE.min, width);
  const smallest = texts.map((t, i) => cardsAt(t, backs[i]!, least)!);
  const order = texts.map((_, i) => i).sort((a, b) => smallest[a]!.length - smallest[b]!.length || a - b);
  const floorsAt = heightFloors(doc, CUE_SIZE.min, width);
  for (let size = CUE_SIZE.max; size > CUE_SIZE.min; size -= 0.5) {
    const heights = heightsAt(doc, size, width);
    const cards = cardsFitting(texts, backs, order, heights, floorsAt(size), smallest);
    if (cards) return { size, cards: cards.flat(), heights };
  }
  return { size: CUE_SIZE.min, cards: smallest.flat(), heights: least };
}

/**
 * Every role's cards at a size, if each role takes exactly as many cards as at the smallest and
 * every back fits. The roles with the fewest cards are tried first (`order`): a size is most
 * often given up at the first role tried, and a role is given up after as many cards as it had.
 *
 * Each role is split on `floors` (under its blocks' heights, from its lines at the smallest size)
 * before it is measured at this size: if it needs more cards on floors, it needs more on heights
 * (a greedy split never takes fewer pages when blocks are taller), and the size is given up
 * unmeasured. A scenario with long roles gave up most sizes so, each after wrapping a whole role.
 */
function cardsFitting(
  texts: RoleCardText[],
  backs: (Block & { keepWithNext?: boolean })[][],
  order: number[],
  heights: Heights,
  floors: Heights,
  smallest: RoleCard[][],
): RoleCard[][] | undefined {
  const all: RoleCard[][] = [];
  for (const i of order) {
    const fewest = smallest[i]!.length;
    let cards: RoleCard[] | undefined;
    try {
      if (sizeFloors.enabled && !cardsAt(texts[i]!, backs[i]!, floors, fewest)) {
        sizeFloors.gaveUp++;
        return undefined;
      }
      cards = cardsAt(texts[i]!, backs[i]!, heights, fewest);
    } catch (e) {
      if (e instanceof OverflowError) return undefined;
      throw e;
    }
    if (cards?.length !== fewest || !cards.every((c) => heights.of(c.blocks) <= BACK_BOX.height)) return undefined;
    all[i] = cards;
  }
  return all;
}

function back(
  doc: PDFKit.PDFDocument,
  stamps: Stamps,
  card: RoleCard,
  layout: RoleCardLayout,
  x: number,
  y: number,
  slot: number,
): void {
  drawBlocks(doc, card.blocks, x + INSET, y + INSET, BACK_BOX.width, layout.size, 2, "#000000", layout.heights);
  // The same words at the foot of every back: drawn once at each place on the sheet.
  const { version } = card.text;
  stamps.draw(`version ${version} ${slot}`, () => {
    doc.font(FONT.regular).fontSize(8).fillColor(COLOURS.grey);
    doc.text(version, x + INSET, y + ROLE_CARD.height - INSET - mm(3), {
      width: BACK_BOX.width,
      align: "center",
      lineBreak: false,
    });
  });
}

/** How many role cards a kit's role texts take, laid out as render lays them out. */
export function countRoleCards(texts: RoleCardText[], assets: Assets, paper: Options["paper"]): number {
  const doc = createDocument(assets.fonts, new Date(0), { title: "", subject: "", keywords: "" }, PAPER[paper]);
  return layoutRoleCards(doc, texts).cards.length;
}

export const roleCards: Product = {
  file: "role-cards.pdf",
  description: "one sign per volunteer: the role for the audience, the cues on the back",
  async render(kit, options, assets, sink) {
    const sheet = PAPER[options.paper];
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: role cards`, subject: kit.scenario.id, keywords: kit.hash },
      sheet,
      sink,
    );
    const grid = layoutGrid(sheet, ROLE_CARD, 1, 2);
    const layout = layoutRoleCards(doc, kit.roleCards);
    const stamps = new Stamps(doc);
    imposeCards(
      doc,
      grid,
      layout.cards,
      (card, x, y, slot) => front(doc, stamps, card, x, y, slot),
      (card, x, y, slot) => back(doc, stamps, card, layout, x, y, slot),
      options.duplex,
    );
    return finish(doc);
  },
};
