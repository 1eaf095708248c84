/**
 * The role cards' layout against the one it replaces: the old one laid every role out at every
 * cue size, in full, before choosing; the new one gives a size up at the first role that needs
 * more cards, and measures each block once per size. Both must choose the same size and cards.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RoleCardText } from "../../src/products/role-cards/derive.js";
import {
  BACK_BOX,
  backBlocks,
  CUE_SIZE,
  layoutRoleCards,
  sizeFloors,
  type RoleCard,
} from "../../src/products/role-cards/draw.js";
import { blocksHeight, heightsAt, OverflowError, type Block } from "../../src/render/fit.js";
import { createDocument, FONT } from "../../src/render/pdf.js";
import { assets, kitOf, shipped } from "../helpers.js";

const newDoc = () =>
  createDocument(assets.fonts, new Date(0), { title: "", subject: "", keywords: "" }, { width: 612, height: 792 });

/** paginateBlocks as it was: every group measured through blocksHeight. */
function oldPaginate(
  doc: PDFKit.PDFDocument,
  blocks: (Block & { keepWithNext?: boolean })[],
  box: { width: number; height: number },
  min: number,
  where: string,
  continued?: Block,
  lineGap = 2,
): Block[][] {
  const pages: Block[][] = [];
  let page: Block[] = [];
  let height = 0;
  const fresh = () => (continued && pages.length > 0 ? [continued] : []);
  for (let i = 0; i < blocks.length; i++) {
    const group = [blocks[i]!];
    while (group[group.length - 1]!.keepWithNext && i + 1 < blocks.length) group.push(blocks[++i]!);
    const added = blocksHeight(doc, group, min, box.width, lineGap);
    if (height + added <= box.height) {
      page.push(...group);
      height += added;
      continue;
    }
    if (page.length > 0) pages.push(page);
    page = [...fresh(), ...group];
    height = blocksHeight(doc, page, min, box.width, lineGap);
    if (height > box.height) throw new OverflowError(where, group.map((b) => b.text).join(" "), min);
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

function oldCardsAt(doc: PDFKit.PDFDocument, text: RoleCardText, size: number): RoleCard[] {
  const blocks = backBlocks(text);
  const where = `role card "${text.label}" (back)`;
  const continued = (part: number, parts: number): Block => ({
    text: text.continued.replace("{part}", String(part)).replace("{parts}", String(parts)),
    font: FONT.bold,
    scale: 1.3,
    gapAfter: 0.4,
  });
  const pages =
    blocksHeight(doc, blocks, size, BACK_BOX.width, 2) <= BACK_BOX.height
      ? [blocks]
      : oldPaginate(doc, blocks, BACK_BOX, size, where, continued(99, 99));
  const parts = pages.map((page, i) => (i === 0 ? page : [continued(i + 1, pages.length), ...page.slice(1)]));
  return parts.map((blocks, i) => ({ text, part: i + 1, parts: parts.length, blocks }));
}

/**
 * The old choice, verbatim but for one thing: it threw when a cue alone overflowed at a larger
 * size ("does not fit even at 13 pt") though it fitted at 11 pt; that size is now passed over.
 */
function oldLayout(doc: PDFKit.PDFDocument, texts: RoleCardText[]): { size: number; cards: RoleCard[] } {
  const fewest = texts.map((t) => oldCardsAt(doc, t, CUE_SIZE.min).length);
  for (let size = CUE_SIZE.max; size > CUE_SIZE.min; size -= 0.5) {
    let cards: RoleCard[][];
    try {
      cards = texts.map((t) => oldCardsAt(doc, t, size));
    } catch (e) {
      if (e instanceof OverflowError) continue;
      throw e;
    }
    const fits = cards.every(
      (c, i) =>
        c.length === fewest[i] &&
        c.every((card) => blocksHeight(doc, card.blocks, size, BACK_BOX.width, 2) <= BACK_BOX.height),
    );
    if (fits) return { size, cards: cards.flat() };
  }
  return { size: CUE_SIZE.min, cards: texts.flatMap((t) => oldCardsAt(doc, t, CUE_SIZE.min)) };
}

const WORDS = ["the", "primary", "standby", "WAL", "record", "0/3000148", "replay", "commit", "card", "to", "lsn"];
const words = (min: number, max: number) =>
  fc.array(fc.constantFrom(...WORDS), { minLength: min, maxLength: max }).map((w) => w.join(" "));
const entry = fc.oneof(
  { weight: 1, arbitrary: words(1, 4).map((run) => ({ run })) },
  {
    weight: 8,
    arbitrary: fc.record({
      cue: fc.oneof({ weight: 40, arbitrary: words(1, 40) }, { weight: 1, arbitrary: words(170, 250) }),
      messages: fc.array(words(1, 16), { maxLength: 4 }),
    }),
  },
);
const roleTextOf = (most: number) =>
  fc
    .record({
      label: words(1, 2),
      brief: fc.option(words(5, 40), { nil: undefined }),
      entries: fc.array(entry, { maxLength: most }),
    })
    .map(({ label, brief, entries }): RoleCardText => ({
      role: "r",
      label,
      kind: "a standby",
      scenario: "S",
      hash: "abcd1234",
      backTitle: `${label}: your cues`,
      continued: `${label}: your cues (card {part} of {parts})`,
      part: "card {part} of {parts}",
      brief,
      entries,
      none: "No cues.",
      version: "v",
    }));
const roleText = roleTextOf(30);

/** The layout's size and cards, or the error's message. */
function outcome(layout: () => { size: number; cards: RoleCard[] }): unknown {
  try {
    const { size, cards } = layout();
    return { size, cards };
  } catch (e) {
    if (e instanceof OverflowError) return e.message;
    throw e;
  }
}

describe("role cards' layout", () => {
  it("chooses the same cue size and cards as laying every role out at every size", () => {
    const doc = newDoc();
    const sizes = new Set<number>();
    fc.assert(
      fc.property(fc.array(roleText, { minLength: 1, maxLength: 4 }), (texts) => {
        const expected = outcome(() => oldLayout(doc, texts));
        expect(outcome(() => layoutRoleCards(doc, [...texts]))).toEqual(expected);
        if (typeof expected === "object") sizes.add((expected as { size: number }).size);
        else return;
        // The heights kept for drawing are those drawBlocks would measure at that size.
        const { size, cards, heights } = layoutRoleCards(doc, texts);
        const fresh = heightsAt(newDoc(), size, BACK_BOX.width);
        for (const b of cards.flatMap((c) => c.blocks)) expect(heights.block(b)).toBe(fresh.block(b));
      }),
      { numRuns: 150 },
    );
    // The inputs reach both ends and the sizes between.
    expect(sizes.size).toBeGreaterThanOrEqual(4);
  });

  it("gives the same size and cards when sizes are given up on floors as when every size is measured", () => {
    const doc = newDoc();
    const gaveUp = sizeFloors.gaveUp;
    const sizes = new Set<number>();
    try {
      fc.assert(
        // Roles of many cards too, where a larger size most often needs more of them.
        fc.property(fc.array(roleTextOf(90), { minLength: 1, maxLength: 4 }), (texts) => {
          sizeFloors.enabled = false;
          const expected = outcome(() => layoutRoleCards(doc, [...texts]));
          sizeFloors.enabled = true;
          expect(outcome(() => layoutRoleCards(doc, [...texts]))).toEqual(expected);
          if (typeof expected === "object") sizes.add((expected as { size: number }).size);
        }),
        { numRuns: 150 },
      );
    } finally {
      sizeFloors.enabled = true;
    }
    expect(sizeFloors.gaveUp - gaveUp).toBeGreaterThan(50);
    expect(sizes.size).toBeGreaterThanOrEqual(3);
  });

  it("tells whether blocks fit a height as adding them all does, to the last bit", () => {
    const doc = newDoc();
    const block = fc.record({
      text: words(1, 60),
      font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
      scale: fc.constantFrom(undefined, 0.8, 1.3),
      gapAfter: fc.constantFrom(undefined, 0.15, 0.35),
    });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), (blocks, share) => {
        const heights = heightsAt(doc, 12, BACK_BOX.width);
        const total = heightsAt(doc, 12, BACK_BOX.width).of(blocks);
        // Limits below, at and above the sum itself, where adding in another order could tip it.
        for (const limit of [total * share, total, total - Number.EPSILON * total, total + 1e-9])
          expect(heights.within(blocks, limit)).toBe(total <= limit);
      }),
      { numRuns: 100 },
    );
  });

  it.each(shipped)("chooses the same cue size and cards for %s", (name) => {
    const kit = kitOf(name);
    expect(outcome(() => layoutRoleCards(newDoc(), [...kit.roleCards]))).toEqual(oldLayout(newDoc(), kit.roleCards));
  });

  it("passes over a size at which one cue alone overflows a back, and takes a smaller one", () => {
    const doc = newDoc();
    // A cue that fills a back at 11 pt but not at 13 pt.
    let n = 100;
    const at = (size: number, count: number) =>
      blocksHeight(
        doc,
        [{ text: Array(count).fill("primary").join(" "), font: FONT.regular }],
        size,
        BACK_BOX.width,
        2,
      );
    while (at(13, n + 1) <= BACK_BOX.height) n++;
    const text = (cue: string): RoleCardText => ({
      role: "r",
      label: "Writer",
      kind: "",
      scenario: "",
      hash: "",
      backTitle: "W",
      continued: "W {part}/{parts}",
      part: "",
      entries: [{ cue, messages: [] }],
      none: "",
      version: "",
    });
    const long = text(
      Array(n + 8)
        .fill("primary")
        .join(" "),
    );
    expect(() => oldCardsAt(doc, long, 13)).toThrow(OverflowError);
    const { size, cards } = layoutRoleCards(doc, [long]);
    expect(size).toBeLessThan(13);
    expect(cards).toHaveLength(1);
  });
});
