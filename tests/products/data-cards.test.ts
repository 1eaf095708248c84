/**
 * The data cards against the ones they replace (tests/products/oracle/data-cards.ts): each face,
 * word and note measured once per document and the backs, symbols and cut marks stamped must
 * give the same bytes as drawing every card in full, for the shipped decks and for random ones.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DataCard } from "../../src/products/data-cards/derive.js";
import { dataCards } from "../../src/products/data-cards/draw.js";
import { OverflowError } from "../../src/render/fit.js";
import { deriveKit, type Kit } from "../../src/kit.js";
import type { Options } from "../../src/options.js";
import { assets, kitOf, loadVariant, options, shipped, variants } from "../helpers.js";
import { oldDataCards } from "./oracle/data-cards.js";

/** The PDF's bytes, or the error's message. */
async function outcome(render: () => Promise<{ pdf: Uint8Array } | object>): Promise<unknown> {
  try {
    const rendered = await render();
    if (!("pdf" in rendered)) throw new Error("a PDF product");
    return Buffer.from(rendered.pdf).toString("latin1");
  } catch (e) {
    if (e instanceof OverflowError) return e.message;
    throw e;
  }
}

async function same(kit: Kit, o: Options): Promise<void> {
  const expected = await outcome(() => oldDataCards(kit, o, assets));
  expect(await outcome(() => dataCards.render(kit, o, assets))).toBe(expected);
}

const ways: [string, Options][] = [
  ["letter, long edge", options("letter")],
  ["a4, short edge, shifted", options("a4", { duplex: { edge: "short", offset: { x: 1.5, y: -0.5 } } })],
];

describe("data cards", () => {
  for (const name of shipped)
    it(`${name}: the same cards as drawn in full`, async () => {
      for (const [, o] of ways) await same(kitOf(name, o.paper), o);
    });

  it("the variants: the same cards as drawn in full", async () => {
    for (const name of variants) {
      const { scenario, trace } = loadVariant(name);
      for (const [, o] of ways) await same(deriveKit(scenario, trace, "cafe1234", o, assets), o);
    }
  });

  it("random decks: the same cards as drawn in full", async () => {
    const base = kitOf(shipped[0]!);
    // Few faces, words and notes, so that a deck repeats them (what is measured once), at any place on the sheet.
    const card: fc.Arbitrary<DataCard> = fc
      .record({
        kind: fc.constantFrom("write", "joker", "delete", "read", "ack", "token" as const),
        face: fc.constantFrom("7", "12", "R2", "108", "PRIMARY", "0/3000148", "SLOT a_very_long_slot_name"),
        word: fc.constantFrom("WRITE", "READ", "DELETE 12, 13, 14", "DELETE 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12"),
        note: fc.constantFrom("Primary's copy", "WAL segment", "for card 3", "Standby two's copy, delayed by an hour"),
        timeline: fc.constantFrom(1, 1, 2, 3, 4),
        numeric: fc.boolean(),
      })
      .map(({ kind, face, word, note, timeline, numeric }) => ({
        object: `card ${face}`,
        kind,
        face,
        corner: face.slice(0, 3),
        word,
        note,
        numeric,
        ...(timeline > 1
          ? {
              band: `TIMELINE ${timeline}`,
              hatch:
                timeline === 2 ? ("rising" as const) : timeline === 3 ? ("falling" as const) : ("crossed" as const),
            }
          : {}),
      }));
    await fc.assert(
      fc.asyncProperty(fc.array(card, { minLength: 1, maxLength: 30 }), fc.constantFrom(...ways), async (deck, way) =>
        same({ ...base, deck }, way[1]),
      ),
      { numRuns: 40 },
    );
  });
});
