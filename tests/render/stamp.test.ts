/**
 * Stamps: a drawing written again from what it did the first time must give the same document,
 * byte for byte, as drawing it again; and the cards drawn with stamps the same as without.
 */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { CardKind } from "../../src/products/data-cards/derive.js";
import { dataCards } from "../../src/products/data-cards/draw.js";
import { roleCards } from "../../src/products/role-cards/draw.js";
import type { Product } from "../../src/products/product.js";
import { createDocument, finish, FONT } from "../../src/render/pdf.js";
import { stamping, Stamps } from "../../src/render/stamp.js";
import { drawSymbol, SYMBOLS } from "../../src/render/symbols.js";
import { deriveKit, type Kit } from "../../src/kit.js";
import { assets, kitOf, loadVariant, options, shipped, variants } from "../helpers.js";

afterEach(() => {
  stamping.enabled = true;
});

type Step =
  | {
      kind: "text";
      font: string;
      size: number;
      colour: string | null;
      text: string;
      dx: number;
      align: "left" | "center" | "right";
    }
  | { kind: "symbol"; symbol: CardKind; size: number; dx: number }
  | { kind: "box"; colour: string; dx: number; opacity: number | null }
  | { kind: "marks"; width: number };

/** One drawing: its steps, at a place (x, y); what it writes depends on nothing else. */
function drawing(doc: PDFKit.PDFDocument, steps: Step[], x: number, y: number): void {
  let dy = 0;
  for (const s of steps) {
    dy += 12;
    if (s.kind === "text") {
      doc.font(s.font).fontSize(s.size);
      if (s.colour) doc.fillColor(s.colour);
      doc.text(s.text, x + s.dx, y + dy, { width: 150, align: s.align, lineBreak: s.text.length > 30 });
    } else if (s.kind === "symbol") drawSymbol(doc, s.symbol, x + s.dx, y + dy, s.size);
    else if (s.kind === "box") {
      doc.save().rect(x + s.dx, y + dy, 20, 10);
      // An opacity adds a graphics state to the page's resources: such a drawing is never kept.
      if (s.opacity !== null) doc.fillOpacity(s.opacity);
      doc.fill(s.colour).restore();
    } else
      doc
        .save()
        .lineWidth(s.width)
        .moveTo(x, y)
        .lineTo(x + 30, y + dy)
        .stroke()
        .restore();
  }
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("text" as const),
    font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
    size: fc.constantFrom(8, 11, 17.5),
    colour: fc.constantFrom(null, "#000000", "#D55E00", "#777777"),
    text: fc.constantFrom(
      "R2",
      "Primary's copy",
      "WRITE",
      "card 2 of 3",
      "Scenario: a long title that wraps at 150 pt",
    ),
    dx: fc.integer({ min: 0, max: 40 }),
    align: fc.constantFrom("left", "center", "right"),
  }),
  fc.record({
    kind: fc.constant("symbol" as const),
    symbol: fc.constantFrom(...(Object.keys(SYMBOLS) as CardKind[])),
    size: fc.constantFrom(5, 14.2),
    dx: fc.integer({ min: 0, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("box" as const),
    colour: fc.constantFrom("#FFFFFF", "#0072B2"),
    dx: fc.integer({ min: 0, max: 40 }),
    opacity: fc.constantFrom(null, null, null, 0.5),
  }),
  fc.record({ kind: fc.constant("marks" as const), width: fc.constantFrom(0.4, 1.2) }),
);

/** A document of pages, each with drawings (which of a few, and at which of a few places). */
interface Plan {
  drawings: Step[][];
  /**
   * Whether a text follows a drawing, unstamped, at the position and in the font and size the
   * drawing left (after a drawing that sets them: one with a text).
   */
  pages: { which: number; place: number; probe: boolean }[][];
}
const plan: fc.Arbitrary<Plan> = fc.record({
  drawings: fc.array(fc.array(step, { minLength: 0, maxLength: 5 }), { minLength: 1, maxLength: 4 }),
  pages: fc.array(fc.array(fc.record({ which: fc.nat(3), place: fc.nat(2), probe: fc.boolean() }), { maxLength: 8 }), {
    minLength: 1,
    maxLength: 5,
  }),
});

async function pdfOf(p: Plan, stamped: boolean): Promise<Buffer> {
  const doc = createDocument(
    assets.fonts,
    new Date(0),
    { title: "", subject: "", keywords: "" },
    { width: 612, height: 792 },
  );
  const stamps = new Stamps(doc);
  for (const page of p.pages) {
    doc.addPage().font(FONT.regular).fontSize(10);
    for (const { which, place, probe } of page) {
      const drawn = which % p.drawings.length;
      const [x, y] = [40 + place * 170, 60 + place * 230];
      const draw = () => drawing(doc, p.drawings[drawn]!, x, y);
      if (stamped) stamps.draw(`${drawn} ${place}`, draw);
      else draw();
      if (probe && p.drawings[drawn]!.some((s) => s.kind === "text")) doc.text("after", { lineBreak: false });
    }
  }
  return Buffer.from((await finish(doc)).pdf);
}

describe("stamps", () => {
  it("write the same document as drawing again, whatever is drawn, where and in which order", async () => {
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const again = await pdfOf(p, false);
        const stamped = await pdfOf(p, true);
        expect(stamped.equals(again)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("write a kept drawing again, and keep none that adds to the page more than fonts", async () => {
    const doc = createDocument(
      assets.fonts,
      new Date(0),
      { title: "", subject: "", keywords: "" },
      {
        width: 612,
        height: 792,
      },
    );
    const stamps = new Stamps(doc);
    let plain = 0;
    let faded = 0;
    const text = () => {
      plain++;
      doc.font(FONT.bold).fontSize(12).fillColor("#000000").text("WRITE", 10, 10, { width: 80, align: "center" });
    };
    const fade = () => {
      faded++;
      doc.save().rect(0, 0, 5, 5).fillOpacity(0.5).fill("#000000").restore();
    };
    for (let page = 0; page < 6; page++) {
      doc.addPage();
      stamps.draw("text", text);
      stamps.draw("fade", fade);
    }
    // The first draw opens the face in the document (a new object): kept at the second.
    expect(plain).toBe(2);
    expect(faded).toBe(6);
    await finish(doc);
  });
});

/** Both card products, with and without stamps: the same bytes, for each shipped kit and variant, paper and duplex edge. */
describe("cards drawn with stamps", () => {
  const products: Product[] = [roleCards, dataCards];
  const kits: [string, (paper: "letter" | "a4") => Kit][] = [
    ...shipped.map((name): [string, (paper: "letter" | "a4") => Kit] => [name, (paper) => kitOf(name, paper)]),
    ...variants.map((name): [string, (paper: "letter" | "a4") => Kit] => [
      `variant ${name}`,
      (paper) => {
        const { scenario, trace } = loadVariant(name);
        return deriveKit(scenario, trace, "cafe1234", options(paper), assets);
      },
    ]),
  ];
  for (const [name, kitAt] of kits) {
    it(`${name}: the same role and data cards as drawn in full`, async () => {
      for (const paper of ["letter", "a4"] as const) {
        const kit = kitAt(paper);
        for (const edge of ["long", "short"] as const) {
          const o = options(paper, { duplex: { edge, offset: { x: edge === "short" ? 1.5 : 0, y: 0 } } });
          for (const product of products) {
            stamping.enabled = false;
            const drawn = await product.render(kit, o, assets);
            stamping.enabled = true;
            const stamped = await product.render(kit, o, assets);
            if (!("pdf" in drawn) || !("pdf" in stamped)) throw new Error("a PDF product");
            expect(Buffer.from(stamped.pdf).equals(Buffer.from(drawn.pdf)), `${product.file} ${paper} ${edge}`).toBe(
              true,
            );
          }
        }
      }
    });
  }
});
