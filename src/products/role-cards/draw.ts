/**
 * role-cards.pdf: one sign per volunteer, half a sheet in landscape, two to a sheet. The front
 * faces the audience (the label, as large as fits); the back faces the volunteer (their cues).
 */
import type { Kit } from "../../kit.js";
import type { Role } from "../../scenario/model.js";
import { imposeCards, layoutGrid } from "../../render/imposition.js";
import { blocksHeight, drawBlocks, fitBlocks, fitLine, paginateBlocks, type Block } from "../../render/fit.js";
import { createDocument, finish, FONT } from "../../render/pdf.js";
import { COLOURS, mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";

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

function kindKey(role: Role): string {
  return role.kind === "standby" && role.starts === "empty" ? "standby_empty" : role.kind;
}

/** One printed card: a role, or a part of a role whose cues need more than one back. */
interface RoleCard {
  role: Role;
  part: number;
  parts: number;
  blocks: Block[];
  /** One size for every part of a role, so a volunteer's cards read alike. */
  size: number;
}

function front(doc: PDFKit.PDFDocument, kit: Kit, card: RoleCard, x: number, y: number): void {
  const t = kit.templates;
  const { role } = card;
  const { width, height } = ROLE_CARD;
  doc.font(FONT.regular).fontSize(10).fillColor(COLOURS.grey);
  doc.text(kit.scenario.title, x + INSET, y + INSET, {
    width: width - 2 * INSET - mm(30),
    lineBreak: false,
    ellipsis: true,
  });
  doc
    .font(FONT.mono)
    .fontSize(8)
    .text(kit.hash, x + width - INSET - mm(30), y + INSET + 1, { width: mm(30), align: "right", lineBreak: false });

  const size = labelSize(doc, role.label);
  const cap = capHeightRatio(doc, FONT.bold) * size;
  const baseline = y + height * 0.52 + cap / 2;
  doc.font(FONT.bold).fontSize(size).fillColor(COLOURS.black);
  doc.text(
    role.label,
    x + INSET,
    baseline - ((doc as unknown as { _font: { ascender: number } })._font.ascender / 1000) * size,
    { width: width - 2 * INSET, align: "center", lineBreak: false },
  );

  doc.font(FONT.regular).fontSize(20).fillColor(COLOURS.black);
  doc.text(t.text("cards", `role_kind_${kindKey(role)}`), x + INSET, baseline + mm(8), {
    width: width - 2 * INSET,
    align: "center",
    lineBreak: false,
  });
  if (card.parts > 1) {
    doc
      .font(FONT.bold)
      .fontSize(12)
      .text(
        t.text("cards", "role_part", { part: card.part, parts: card.parts }),
        x + INSET,
        y + height - INSET - mm(5),
        { width: width - 2 * INSET, align: "center", lineBreak: false },
      );
  }
}

const FOOTER = mm(7);
const BACK_BOX = { width: ROLE_CARD.width - 2 * INSET, height: ROLE_CARD.height - 2 * INSET - FOOTER };

/** A role's cues as blocks, split over as many cards as they need at 9 pt or more. */
function cardsFor(doc: PDFKit.PDFDocument, kit: Kit, role: Role): RoleCard[] {
  const t = kit.templates;
  const cues = kit.cues.get(role.id) ?? [];
  const blocks: (Block & { keepWithNext?: boolean })[] = [
    {
      text: t.text("cards", "role_back_title", { label: role.label }),
      font: FONT.bold,
      scale: 1.3,
      gapAfter: 0.4,
      keepWithNext: true,
    },
  ];
  if (role.brief) blocks.push({ text: role.brief, font: FONT.regular, gapAfter: 0.5, keepWithNext: true });
  if (cues.length === 0) blocks.push({ text: t.text("cards", "role_no_cues"), font: FONT.regular });
  const runOf = new Map(kit.scenario.runs.flatMap((r) => r.steps.map((s) => [s.number, r] as const)));
  let run = 0;
  for (const cue of cues) {
    const current = runOf.get(cue.step)!;
    if (kit.scenario.runs.length > 1 && current.number !== run) {
      run = current.number;
      blocks.push({
        text: t.text("cards", "role_run", { number: run, title: current.title }),
        font: FONT.bold,
        gapAfter: 0.25,
        keepWithNext: true,
      });
    }
    blocks.push({
      text: t.text("cards", "role_cue", { step: cue.step, text: cue.text }),
      font: FONT.regular,
      gapAfter: cue.messages.length ? 0.15 : 0.35,
      keepWithNext: cue.messages.length > 0,
    });
    cue.messages.forEach((message, i) =>
      blocks.push({
        text: message,
        font: FONT.mono,
        scale: 0.8,
        gapAfter: 0.35,
        keepWithNext: i + 1 < cue.messages.length,
      }),
    );
  }
  const where = `role card "${role.label}" (back)`;
  const continued = (part: number | string, parts: number | string): Block => ({
    text: t.text("cards", "role_back_continued", { label: role.label, part, parts }),
    font: FONT.bold,
    scale: 1.3,
    gapAfter: 0.4,
  });
  const pages =
    blocksHeight(doc, blocks, 9, BACK_BOX.width, 2) <= BACK_BOX.height
      ? [blocks]
      : paginateBlocks(doc, blocks, BACK_BOX, 9, where, continued(99, 99));
  const parts = pages.map((page, i) => (i === 0 ? page : [continued(i + 1, pages.length), ...page.slice(1)]));
  const size = Math.min(...parts.map((blocks) => fitBlocks(doc, blocks, BACK_BOX, 13, 9, where)));
  return parts.map((blocks, i) => ({ role, part: i + 1, parts: parts.length, blocks, size }));
}

function back(doc: PDFKit.PDFDocument, kit: Kit, card: RoleCard, x: number, y: number): void {
  const t = kit.templates;
  drawBlocks(doc, card.blocks, x + INSET, y + INSET, BACK_BOX.width, card.size);
  doc.font(FONT.regular).fontSize(8).fillColor(COLOURS.grey);
  const version = `${t.text("cards", "back_scenario", { title: kit.scenario.title })} · ${t.text("cards", "back_version", { hash: kit.hash })}`;
  doc.text(version, x + INSET, y + ROLE_CARD.height - INSET - mm(3), {
    width: BACK_BOX.width,
    align: "center",
    lineBreak: false,
  });
}

export const roleCards: Product = {
  file: "role-cards.pdf",
  description: "one sign per volunteer: the role for the audience, the cues on the back",
  async render(kit, options, assets) {
    const sheet = PAPER[options.paper];
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: role cards`, subject: kit.scenario.id, keywords: kit.hash },
      sheet,
    );
    const grid = layoutGrid(sheet, ROLE_CARD, 1, 2);
    const cards = kit.scenario.roles.flatMap((role) => cardsFor(doc, kit, role));
    imposeCards(
      doc,
      grid,
      cards,
      (card, x, y) => front(doc, kit, card, x, y),
      (card, x, y) => back(doc, kit, card, x, y),
      options.duplex,
    );
    return finish(doc);
  },
};
