/**
 * The two pens against the code they replace: the PDF pen paints what pdfkit's own vector calls
 * painted for the same shapes (the same paths in pdfkit's number formatting, in the same colours,
 * widths and dashes, in the same order), setting less; the SVG pen writes the same text as
 * before, on random shape lists; the diagrams and the presenter view share each frame's layout.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { drawingSvg, frameDrawing, frameNames, KEEP_FRAMES, keepsDrawings } from "../../src/products/diagrams/draw.js";
import { layoutFrame } from "../../src/products/diagrams/layout.js";
import { arrowHead, drawPdf, drawSvg, pdfNumber, PdfPen, pdfText } from "../../src/products/diagrams/pens.js";
import type { Drawing, Shape } from "../../src/products/diagrams/shapes.js";
import { VIEW } from "../../src/products/diagrams/shapes.js";
import { frameSvg, PRESENTER_FONTS } from "../../src/products/presenter/derive.js";
import { presenter } from "../../src/products/presenter/draw.js";
import { measurer, type Measure } from "../../src/render/measure.js";
import { createDocument, FONT } from "../../src/render/pdf.js";
import { textLine } from "../../src/render/text-line.js";
import { assets, kitOf, options, shipped } from "../helpers.js";

const measure = measurer(assets.fonts);

/** The PDF pen as it was: one pdfkit call per operator. */
function drawPdfByCalls(doc: PDFKit.PDFDocument, drawing: Drawing, x0: number, y0: number, scale: number, m?: Measure) {
  doc.save().translate(x0, y0).scale(scale);
  const stroke = (s: { stroke?: string; width?: number; dash?: number[] }) => {
    doc.lineWidth(s.width ?? 1).strokeColor(s.stroke ?? "#000000");
    if (s.dash?.length) doc.dash(s.dash[0]!, { space: s.dash[1] ?? s.dash[0]! });
    else doc.undash();
  };
  for (const s of drawing.shapes)
    switch (s.kind) {
      case "rect": {
        const shape = () => (s.r ? doc.roundedRect(s.x, s.y, s.w, s.h, s.r) : doc.rect(s.x, s.y, s.w, s.h));
        if (s.fill) shape().fill(s.fill);
        if (s.hatch) {
          doc.save();
          shape().clip();
          doc.lineWidth(2).strokeColor(s.hatch).undash();
          for (let d = -s.h; d < s.w + s.h; d += 7)
            doc
              .moveTo(s.x + d, s.y + s.h)
              .lineTo(s.x + d + s.h, s.y)
              .stroke();
          doc.restore();
        }
        if (s.stroke) {
          stroke(s);
          shape().stroke();
        }
        break;
      }
      case "line": {
        stroke(s);
        const [first, ...rest] = s.points;
        doc.moveTo(first![0], first![1]);
        for (const [x, y] of rest) doc.lineTo(x, y);
        doc.stroke();
        if (s.arrow) {
          doc.undash();
          doc.polygon(...arrowHead(s.points)).fill(s.stroke ?? "#000000");
        }
        break;
      }
      case "path":
        if (s.fill) doc.path(s.d).fill(s.fill, "even-odd");
        if (s.stroke) {
          stroke(s);
          doc.path(s.d).stroke();
        }
        break;
      case "text":
        pdfText(doc, s, m);
        break;
    }
  doc.restore();
}

/**
 * Every content operator a drawing function writes on a fresh page, one per line as in the
 * stream: all that reaches the page's content, by addContent or straight (pdfkit's text lines).
 */
function operators(draw: (doc: PDFKit.PDFDocument) => void): string[] {
  const doc = createDocument(assets.fonts, options().date, { title: "t", subject: "s", keywords: "k" }, VIEW);
  doc.addPage();
  const written: string[] = [];
  const page = doc.page as unknown as { write(chunk: string): unknown };
  const write = page.write.bind(page);
  page.write = (chunk: string) => {
    written.push(chunk);
    return write(chunk);
  };
  draw(doc);
  doc.end();
  return written.join("\n").split("\n");
}

const PATH = new Set(["m", "l", "c", "v", "y", "re", "h"]);
const TEXT = new Set(["BT", "ET", "Tm", "Tf", "TJ", "Tj", "Tr", "Tc", "Tz", "Tw", "TL", "Ts", "Td", "TD", "T*"]);

/**
 * What a content stream paints, read the way a renderer reads it: each fill, stroke, clip and
 * text with its path and the graphics state it is painted in (the fill colour for a fill or a
 * text; stroke colour, line width and dash for a stroke), and every q, Q and cm. B (fill, then
 * stroke) is read as the fill and the stroke it is defined to be. State operators themselves are
 * not painting: two streams that paint the same list draw the same page.
 */
function painted(ops: string[]): string[] {
  let state = { cs: "", fill: "0", CS: "", stroke: "0", w: "1", d: "[] 0" };
  const stack: (typeof state)[] = [];
  let path: string[] = [];
  const out: string[] = [];
  const fill = (rule: string) => out.push(`${rule} ${path.join(" ")} | ${state.cs} ${state.fill}`);
  const stroke = () => out.push(`S ${path.join(" ")} | ${state.CS} ${state.stroke} ${state.w} ${state.d}`);
  for (const line of ops) {
    const op = line.slice(line.lastIndexOf(" ") + 1);
    const args = line.slice(0, Math.max(0, line.lastIndexOf(" ")));
    if (PATH.has(op)) path.push(line);
    else if (op === "q") {
      stack.push({ ...state });
      out.push("q");
    } else if (op === "Q") {
      state = stack.pop()!;
      out.push("Q");
    } else if (op === "cm") out.push(line);
    else if (op === "w") state.w = args;
    else if (op === "d") state.d = args;
    else if (op === "cs") [state.cs, state.fill] = [args, "0"];
    else if (op === "CS") [state.CS, state.stroke] = [args, "0"];
    else if (op === "scn") state.fill = args;
    else if (op === "SCN") state.stroke = args;
    else if (op === "f" || op === "f*" || op === "S" || op === "B" || op === "B*" || op === "n") {
      if (op === "f" || op === "f*") fill(op);
      else if (op === "B" || op === "B*") {
        fill(op === "B" ? "f" : "f*");
        stroke();
      } else if (op === "S") stroke();
      else out.push(`${line} ${path.join(" ")}`); // "W n": a clip
      path = [];
    } else if (TEXT.has(op)) out.push(op === "TJ" || op === "Tj" ? `${line} | ${state.cs} ${state.fill}` : line);
    else if (line === "W") path.push(line);
    else throw new Error(`an operator the test does not read: ${line}`);
  }
  return out;
}

const coordinate = fc.oneof(
  fc.integer({ min: -20, max: 1000 }),
  fc.integer({ min: -80, max: 4000 }).map((q) => q / 4),
  fc.integer({ min: -160, max: 8000 }).map((q) => q / 8),
  fc.integer({ min: -64 * 20, max: 64 * 1000 }).map((q) => q / 64),
  fc.integer({ min: -(2 ** 30), max: 2 ** 30 }).map((q) => q / 2 ** 20),
  fc.integer({ min: 2 ** 47, max: 2 ** 48 + 2 ** 40 }).map((q) => q / 2 ** 20),
  fc.double({ min: -20, max: 1000, noNaN: true }),
);
const size = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.double({ min: 0.01, max: 300, noNaN: true }));
const colour = fc.constantFrom("#000000", "#FFFFFF", "#0072B2", "#d55e00", "#abc", "#F2F2F2", "#8A5A00");
const point = fc.tuple(coordinate, coordinate);
const style = {
  stroke: fc.option(colour, { nil: undefined }),
  width: fc.option(fc.constantFrom(1, 1.5, 2, 2.5, 3, 3.5, 0.75), { nil: undefined }),
  dash: fc.option(
    fc.oneof(
      fc.constant([] as number[]),
      fc.tuple(fc.integer({ min: 1, max: 9 })).map((d) => [...d]),
      fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 9 })).map((d) => [...d]),
      fc
        .tuple(fc.double({ min: 0.5, max: 9, noNaN: true }), fc.double({ min: 0.5, max: 9, noNaN: true }))
        .map((d) => [...d]),
    ),
    { nil: undefined },
  ),
};
const shape: fc.Arbitrary<Shape> = fc.oneof(
  fc.record(
    {
      kind: fc.constant("rect" as const),
      x: coordinate,
      y: coordinate,
      w: size,
      h: size,
      r: fc.option(fc.oneof(fc.constantFrom(0, 4, 6, 12), size), { nil: undefined }),
      fill: fc.option(colour, { nil: undefined }),
      hatch: fc.option(colour, { nil: undefined }),
      ...style,
    },
    { requiredKeys: ["kind", "x", "y", "w", "h"] },
  ),
  fc.record(
    {
      kind: fc.constant("line" as const),
      points: fc.array(point, { minLength: 2, maxLength: 5 }),
      arrow: fc.option(fc.boolean(), { nil: undefined }),
      ...style,
    },
    { requiredKeys: ["kind", "points"] },
  ),
  fc.record(
    {
      kind: fc.constant("path" as const),
      d: fc
        .array(point, { minLength: 2, maxLength: 4 })
        .map((ps) => ps.map(([x, y], i) => `${i ? "L" : "M"}${x} ${y}`).join(" ") + " Z"),
      fill: fc.option(colour, { nil: undefined }),
      ...style,
    },
    { requiredKeys: ["kind", "d"] },
  ),
  fc.record({
    kind: fc.constant("text" as const),
    x: coordinate,
    y: coordinate,
    text: fc.stringMatching(/^[A-Za-z0-9 .,:+-]{1,12}$/),
    size: fc.constantFrom(12, 14, 15.5, 18),
    font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
    fill: colour,
    anchor: fc.constantFrom("start" as const, "middle" as const, "end" as const),
  }),
);
const drawing = fc.array(shape, { maxLength: 12 }).map((shapes): Drawing => ({ shapes, texts: [] }));

/** The PDF pen with its text as it was drawn: by pdfkit's whole text() road (pdfText). */
class PenWithTextCalls extends PdfPen {
  override text(s: Extract<Shape, { kind: "text" }>, m?: Measure): void {
    this.flush();
    pdfText(this.doc, s, m);
    this.state.fill = undefined;
  }
}

function drawPdfWithTextCalls(
  doc: PDFKit.PDFDocument,
  drawing: Drawing,
  x0: number,
  y0: number,
  scale: number,
  m?: Measure,
) {
  doc.save().translate(x0, y0).scale(scale);
  const pen = new PenWithTextCalls(doc);
  for (const s of drawing.shapes) {
    if (s.kind === "text") pen.text(s, m);
    else pen.shape(s);
  }
  pen.flush();
  doc.restore();
}

/** Texts that take each road: kerned pairs, marks that move glyphs, several lines, named and short colours. */
const anyText: fc.Arbitrary<Shape> = fc.record({
  kind: fc.constant("text" as const),
  x: coordinate,
  y: coordinate,
  text: fc
    .array(fc.constantFrom("AV", "To", "WAL", "3", "→", "·", "é", "e\u0301", "ﬁ", " ", "\n", "LSN 0/3000060", "—"), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.join("")),
  size: fc.constantFrom(12, 17, 19, 15.5, 28),
  font: fc.constantFrom(FONT.regular, FONT.bold, FONT.mono),
  fill: fc.oneof(colour, fc.constantFrom("red", "white")),
  anchor: fc.constantFrom("start" as const, "middle" as const, "end" as const),
});

/**
 * Boxes each filled, then stroked at once with the same or another corner radius, then followed
 * by a third box the pen under test cares about (`third`, given the box and the second radius).
 */
function boxesDrawnAgain(
  third: (x: number, y: number, w: number, h: number, r: number | undefined, c: string) => Shape,
): fc.Arbitrary<Drawing> {
  const radius = fc.option(fc.constantFrom(0, 3, 4, 6), { nil: undefined });
  return fc
    .array(fc.tuple(coordinate, coordinate, size, size, radius, radius, colour), { maxLength: 6 })
    .map((boxes): Drawing => ({
      shapes: boxes.flatMap(([x, y, w, h, r1, r2, c]): Shape[] => [
        { kind: "rect", x, y, w, h, r: r1, fill: c },
        { kind: "rect", x, y, w, h, r: r2, stroke: c, width: 2 },
        third(x, y, w, h, r2, c),
      ]),
      texts: [],
    }));
}

describe("the PDF pen", () => {
  it("formats numbers as pdfkit does: rounded to six decimals, no exponent", () => {
    expect([0, -0, 1, 2.5, 1 / 3, 364.790861, -0.0000004, 1e-6, 123456.1234567].map(pdfNumber)).toEqual([
      "0",
      "0",
      "1",
      "2.5",
      "0.333333",
      "364.790861",
      "0",
      "0.000001",
      "123456.123457",
    ]);
    expect(() => pdfNumber(Infinity)).toThrow(/unsupported number/);
  });

  it("paints what pdfkit's calls paint for the same shapes, with no more operators", () => {
    fc.assert(
      fc.property(drawing, coordinate, coordinate, fc.constantFrom(0.7, 1, 0.748), (d, x0, y0, scale) => {
        const pen = operators((doc) => drawPdf(doc, d, x0, y0, scale, measure));
        const calls = operators((doc) => drawPdfByCalls(doc, d, x0, y0, scale, measure));
        expect(painted(pen)).toEqual(painted(calls));
        expect(pen.length).toBeLessThanOrEqual(calls.length);
      }),
      { numRuns: 300 },
    );
  });

  it("paints lines that share frozen points (kept with their operators) as pdfkit's calls do", () => {
    const shared = fc
      .tuple(fc.array(fc.array(point, { minLength: 2, maxLength: 17 }), { minLength: 1, maxLength: 3 }), drawing)
      .chain(([lists, d]) => {
        const frozen = lists.map((points) => Object.freeze(points.map((p) => Object.freeze(p))) as [number, number][]);
        const line = fc.record({
          kind: fc.constant("line" as const),
          points: fc.constantFrom(...frozen),
          arrow: fc.option(fc.boolean(), { nil: undefined }),
          ...style,
        });
        return fc.array(fc.oneof(line, fc.constantFrom(...(d.shapes.length ? d.shapes : [undefined]))), {
          maxLength: 10,
        });
      })
      .map((shapes): Drawing => ({ shapes: shapes.filter((s) => s !== undefined), texts: [] }));
    fc.assert(
      fc.property(shared, (d) => {
        for (let round = 0; round < 2; round++)
          expect(painted(operators((doc) => drawPdf(doc, d, 0, 0, 1)))).toEqual(
            painted(operators((doc) => drawPdfByCalls(doc, d, 0, 0, 1))),
          );
        expect(drawSvg(d, PRESENTER_FONTS)).toBe(drawSvgBefore(d, PRESENTER_FONTS));
      }),
      { numRuns: 200 },
    );
  });

  it("paints a box drawn again at once, with or without another corner radius, as pdfkit's calls do", () => {
    const again = boxesDrawnAgain((x, y, w, h, r, c) => ({ kind: "rect", x: y, y: x, w, h, r, fill: c, hatch: c }));
    fc.assert(
      fc.property(again, (d) => {
        expect(painted(operators((doc) => drawPdf(doc, d, 0, 0, 1)))).toEqual(
          painted(operators((doc) => drawPdfByCalls(doc, d, 0, 0, 1))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("writes a text in the bytes pdfkit's text() writes, among shapes, kept lines or not", () => {
    const mixed = fc
      .array(fc.oneof(shape, anyText), { maxLength: 14 })
      .map((shapes): Drawing => ({ shapes, texts: [] }));
    for (const kept of [true, false]) {
      textLine.enabled = kept;
      try {
        fc.assert(
          fc.property(mixed, fc.boolean(), (d, measured) => {
            const m = measured ? measure : undefined;
            expect(operators((doc) => drawPdf(doc, d, 34, 40, 0.7, m))).toEqual(
              operators((doc) => drawPdfWithTextCalls(doc, d, 34, 40, 0.7, m)),
            );
          }),
          { numRuns: 200 },
        );
      } finally {
        textLine.enabled = true;
      }
    }
  });

  it("names on the page each face its texts use, in the order pdfkit's text() named them", () => {
    const fontsOf = (draw: (doc: PDFKit.PDFDocument) => void) => {
      const doc = createDocument(assets.fonts, options().date, { title: "t", subject: "s", keywords: "k" }, VIEW);
      doc.addPage();
      draw(doc);
      const named = Object.keys((doc.page as unknown as { fonts: object }).fonts);
      doc.end();
      return named;
    };
    const texts = fc.array(anyText, { maxLength: 6 }).map((shapes): Drawing => ({ shapes, texts: [] }));
    fc.assert(
      fc.property(texts, (d) => {
        expect(fontsOf((doc) => drawPdf(doc, d, 34, 40, 0.7, measure))).toEqual(
          fontsOf((doc) => drawPdfWithTextCalls(doc, d, 34, 40, 0.7, measure)),
        );
      }),
      { numRuns: 200 },
    );
  });

  it("writes every frame of the shipped kits in the bytes it wrote with pdfkit's text()", () => {
    for (const name of shipped)
      for (const frame of kitOf(name).frames) {
        const d = layoutFrame(frame, measure);
        expect(operators((doc) => drawPdf(doc, d, 34, 40, 0.7, measure))).toEqual(
          operators((doc) => drawPdfWithTextCalls(doc, d, 34, 40, 0.7, measure)),
        );
      }
  });

  it("paints a card as one box filled and stroked as it painted the card's two boxes, on every shipped frame", () => {
    /** The drawing with each box that is filled and stroked split into a filled box and then a stroked one. */
    const split = (d: Drawing): Drawing => ({
      texts: d.texts,
      shapes: d.shapes.flatMap((s): Shape[] =>
        s.kind === "rect" && s.fill && s.stroke && !s.hatch
          ? [
              { kind: "rect", x: s.x, y: s.y, w: s.w, h: s.h, r: s.r, fill: s.fill },
              { ...s, fill: undefined },
            ]
          : [s],
      ),
    });
    let cards = 0;
    for (const name of shipped)
      for (const frame of kitOf(name).frames) {
        const d = layoutFrame(frame, measure);
        const two = split(d);
        cards += two.shapes.length - d.shapes.length;
        expect(painted(operators((doc) => drawPdf(doc, d, 34, 40, 0.7, measure)))).toEqual(
          painted(operators((doc) => drawPdf(doc, two, 34, 40, 0.7, measure))),
        );
        expect(drawSvg(d, PRESENTER_FONTS)).toBe(drawSvg(two, PRESENTER_FONTS));
      }
    expect(cards).toBeGreaterThan(1000);
  });

  it("paints what pdfkit's calls paint on every frame of the shipped kits, with a tenth fewer operators or more", () => {
    let pens = 0;
    let calls = 0;
    for (const name of shipped)
      for (const frame of kitOf(name).frames) {
        const d = layoutFrame(frame, measure);
        const pen = operators((doc) => drawPdf(doc, d, 34, 40, 0.7, measure));
        const byCalls = operators((doc) => drawPdfByCalls(doc, d, 34, 40, 0.7, measure));
        expect(painted(pen)).toEqual(painted(byCalls));
        pens += pen.length;
        calls += byCalls.length;
      }
    expect(pens).toBeLessThan(0.9 * calls);
  });

  it("reads a stream as a renderer does: a colour, width or dash changed before a paint changes what it paints", () => {
    const ops = ["/DeviceRGB cs", "1 0 0 scn", "0 0 10 10 re", "f", "2 w", "[3 3] 0 d", "0 0 m", "5 5 l", "S"];
    const base = painted(ops);
    expect(painted(ops.map((o) => (o === "1 0 0 scn" ? "0 1 0 scn" : o)))).not.toEqual(base);
    expect(painted(ops.map((o) => (o === "2 w" ? "3 w" : o)))).not.toEqual(base);
    expect(painted(ops.filter((o) => o !== "[3 3] 0 d"))).not.toEqual(base);
    expect(painted(["q", ...ops.slice(0, 2), "Q", ...ops.slice(2)])).not.toEqual(base);
    expect(painted(["/DeviceRGB cs", "1 0 0 scn", "0 0 10 10 re", "1 w", "/DeviceRGB CS", "0 0 1 SCN", "B"])).toEqual(
      painted([
        "/DeviceRGB cs",
        "1 0 0 scn",
        "0 0 10 10 re",
        "f",
        "1 w",
        "/DeviceRGB CS",
        "0 0 1 SCN",
        "0 0 10 10 re",
        "S",
      ]),
    );
  });

  it("fails as pdfkit does on a dash it cannot draw", () => {
    const d: Drawing = {
      shapes: [
        {
          kind: "line",
          points: [
            [0, 0],
            [1, 1],
          ],
          stroke: "#000000",
          dash: [0, 3],
        },
      ],
      texts: [],
    };
    expect(() => operators((doc) => drawPdf(doc, d, 0, 0, 1))).toThrow(/dash\(0, .*invalid/);
  });
});

/** The SVG pen as it was. */
function drawSvgBefore(drawing: Drawing, fonts: Record<string, string>): string {
  const escape = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const n = (v: number) => Number(v.toFixed(2));
  const svgStyle = (s: { fill?: string; stroke?: string; width?: number; dash?: number[] }) => {
    const parts = [`fill="${s.fill ?? "none"}"`];
    if (s.stroke) parts.push(`stroke="${s.stroke}"`, `stroke-width="${s.width ?? 1}"`);
    if (s.stroke && s.dash?.length) parts.push(`stroke-dasharray="${s.dash.join(" ")}"`);
    return parts.join(" ");
  };
  const out: string[] = [];
  const defs: string[] = [];
  let clip = 0;
  for (const s of drawing.shapes) {
    switch (s.kind) {
      case "rect": {
        const r = s.r ? ` rx="${n(s.r)}"` : "";
        const geometry = `x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}"${r}`;
        if (s.fill) out.push(`<rect ${geometry} fill="${s.fill}"/>`);
        if (s.hatch) {
          const id = `clip${++clip}`;
          defs.push(`<clipPath id="${id}"><rect ${geometry}/></clipPath>`);
          const lines: string[] = [];
          for (let d = -s.h; d < s.w + s.h; d += 7)
            lines.push(`M${n(s.x + d)} ${n(s.y + s.h)}L${n(s.x + d + s.h)} ${n(s.y)}`);
          out.push(
            `<path d="${lines.join("")}" stroke="${s.hatch}" stroke-width="2" fill="none" clip-path="url(#${id})"/>`,
          );
        }
        if (s.stroke) out.push(`<rect ${geometry} ${svgStyle({ ...s, fill: undefined })}/>`);
        break;
      }
      case "line":
        out.push(
          `<polyline points="${s.points.map(([x, y]) => `${n(x)},${n(y)}`).join(" ")}" ${svgStyle({ ...s, fill: undefined })} stroke-linejoin="round"/>`,
        );
        if (s.arrow)
          out.push(
            `<polygon points="${arrowHead(s.points)
              .map(([x, y]) => `${n(x)},${n(y)}`)
              .join(" ")}" fill="${s.stroke ?? "#000000"}"/>`,
          );
        break;
      case "path":
        out.push(`<path d="${s.d}" ${svgStyle(s)} fill-rule="evenodd"/>`);
        break;
      case "text":
        out.push(
          `<text x="${n(s.x)}" y="${n(s.y)}" font-family="${escape(fonts[s.font] ?? s.font)}" font-size="${n(s.size)}" fill="${s.fill}" text-anchor="${s.anchor}">${escape(s.text)}</text>`,
        );
        break;
    }
  }
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW.width} ${VIEW.height}" width="${VIEW.width}" height="${VIEW.height}">`;
  return [head, defs.length ? `<defs>${defs.join("")}</defs>` : "", ...out, "</svg>"].filter(Boolean).join("\n") + "\n";
}

describe("the SVG pen", () => {
  it("writes a box drawn again at once, with or without another corner radius, as before", () => {
    const again = boxesDrawnAgain((x, y, w, h, r, c) => ({ kind: "rect", x, y, w: h, h: w, r, hatch: c }));
    fc.assert(
      fc.property(again, (d) => {
        expect(drawSvg(d, PRESENTER_FONTS)).toBe(drawSvgBefore(d, PRESENTER_FONTS));
      }),
      { numRuns: 300 },
    );
  });

  it("writes what it wrote before, on random shapes and texts that need escaping", () => {
    const texts = fc.array(
      fc
        .record({ x: coordinate, y: coordinate, text: fc.string({ maxLength: 8 }), size })
        .map((t): Shape => ({ kind: "text", ...t, font: FONT.bold, fill: "#000000", anchor: "middle" })),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(drawing, texts, (d, more) => {
        const all = { shapes: [...d.shapes, ...more], texts: [] };
        const fonts = { [FONT.bold]: 'Atkinson & "bold"' };
        expect(drawSvg(all, fonts)).toBe(drawSvgBefore(all, fonts));
      }),
      { numRuns: 300 },
    );
  });
});

describe("one layout per frame", () => {
  it("is the layout of the frame, made once and given to every pen", () => {
    const kit = kitOf("failover-failback.yaml");
    for (const frame of kit.frames) {
      const d = frameDrawing(frame, measure);
      expect(d).toEqual(layoutFrame(frame, measure));
      expect(frameDrawing(frame, measure)).toBe(d);
      expect(drawingSvg(d, PRESENTER_FONTS)).toBe(drawSvg(d, PRESENTER_FONTS));
      expect(drawingSvg(d, PRESENTER_FONTS)).toBe(drawingSvg(d, PRESENTER_FONTS));
    }
    const svg = frameSvg(kit, 0, assets, "p-");
    expect(svg).toContain('preserveAspectRatio="xMidYMid meet" role="img"');
    expect(
      svg.replace('preserveAspectRatio="xMidYMid meet" role="img"', `width="${VIEW.width}" height="${VIEW.height}"`),
    ).toBe(
      drawSvg(layoutFrame(kit.frames[0]!, measure), PRESENTER_FONTS)
        .replace(/id="/g, 'id="p-')
        .replace(/url\(#/g, "url(#p-"),
    );
  });

  it("keeps no drawing for a kit of more than KEEP_FRAMES frames", () => {
    const kit = kitOf("streaming.yaml");
    const frame = kit.frames[1]!;
    expect(keepsDrawings(kit.frames)).toBe(true);
    expect(keepsDrawings(Array.from({ length: KEEP_FRAMES + 1 }, () => frame))).toBe(false);
    const fresh = { ...frame };
    const laidOut = frameDrawing(fresh, measure, false);
    expect(laidOut).toEqual(layoutFrame(frame, measure));
    expect(frameDrawing(fresh, measure, false)).not.toBe(laidOut);
    expect(frameDrawing(fresh, measure)).not.toBe(laidOut); // nothing was kept
  });

  it("does not keep a frame that does not fit: it fails again", () => {
    const kit = kitOf("streaming.yaml");
    const frame = {
      ...kit.frames[0]!,
      servers: kit.frames[0]!.servers.map((s) => ({ ...s, heading: "x ".repeat(200) })),
    };
    expect(() => frameDrawing(frame, measure)).toThrow(/diagram of step/);
    expect(() => frameDrawing(frame, measure)).toThrow(/diagram of step/);
  });
});

/** frameSvg as it was: the head and the ids found by searching the SVG. */
function frameSvgBefore(svg: string, prefix: string): string {
  const sized = svg.replace(/ width="\d+" height="\d+"/, ' preserveAspectRatio="xMidYMid meet" role="img"');
  const ids = sized.includes('id="') ? sized.replace(/id="/g, `id="${prefix}`) : sized;
  return ids.includes("url(#") ? ids.replace(/url\(#/g, `url(#${prefix}`) : ids;
}

describe("the presenter page", () => {
  it("shows every shipped frame as the SVG it showed when the SVG was searched for its head and ids", () => {
    let hatched = 0;
    for (const name of shipped) {
      const kit = kitOf(name);
      kit.frames.forEach((frame, i) => {
        const svg = drawSvg(frameDrawing(frame, measure), PRESENTER_FONTS);
        if (svg.includes('id="')) hatched++;
        expect(frameSvg(kit, i, assets, `q${i}-`)).toBe(frameSvgBefore(svg, `q${i}-`));
      });
    }
    expect(hatched).toBeGreaterThan(0);
  });

  it("embeds each face once, as its bytes in base64, and gives the same bytes twice", async () => {
    const kit = kitOf("streaming.yaml");
    const first = await presenter.render(kit, options(), assets);
    const html = new TextDecoder().decode(first.bytes);
    for (const bytes of [assets.fonts.regular, assets.fonts.bold, assets.fonts.mono])
      expect(html.split(`base64,${Buffer.from(bytes).toString("base64")})`).length).toBe(2);
    expect((await presenter.render(kit, options(), assets)).bytes).toEqual(first.bytes);
  });

  it("prefixes a hatched frame's clip ids and their uses with the screen's prefix, and leaves other frames' text alone", () => {
    const kit = kitOf("rewind-failback.yaml");
    const hatched = kit.frames.findIndex((f) =>
      frameDrawing(f, measure).shapes.some((s) => s.kind === "rect" && s.hatch),
    );
    expect(hatched).toBeGreaterThanOrEqual(0);
    const plain = drawSvg(frameDrawing(kit.frames[hatched]!, measure), PRESENTER_FONTS);
    const svg = frameSvg(kit, hatched, assets, "z3-");
    const count = (text: string, what: string) => text.split(what).length - 1;
    expect(count(plain, 'id="clip')).toBeGreaterThan(0);
    expect(count(svg, 'id="z3-clip')).toBe(count(plain, 'id="clip'));
    expect(count(svg, "url(#z3-clip")).toBe(count(plain, "url(#clip"));
    expect(count(svg, 'id="clip') + count(svg, "url(#clip")).toBe(0);
    kit.frames.forEach((frame, i) => {
      const own = drawSvg(frameDrawing(frame, measure), PRESENTER_FONTS);
      if (!own.includes('id="'))
        expect(frameSvg(kit, i, assets, "z3-")).toBe(
          own.replace(' width="1000" height="700"', ' preserveAspectRatio="xMidYMid meet" role="img"'),
        );
    });
  });
});

describe("frameNames", () => {
  it("names a frame by its step, with a and b for a step drawn twice", () => {
    const before = (frames: { step: number }[]) =>
      frames.map((f, i) => {
        const count = frames.filter((g) => g.step === f.step).length;
        const index = frames.slice(0, i).filter((g) => g.step === f.step).length;
        return `${String(f.step).padStart(2, "0")}${count > 1 ? "ab"[index] : ""}`;
      });
    expect(frameNames([{ step: 1 }, { step: 2 }, { step: 2 }, { step: 10 }])).toEqual(["01", "02a", "02b", "10"]);
    fc.assert(
      fc.property(
        fc
          .array(fc.integer({ min: 1, max: 30 }), { maxLength: 40 })
          .map((steps) => steps.sort((a, b) => a - b).map((step) => ({ step }))),
        (frames) => {
          expect(frameNames(frames)).toEqual(before(frames));
        },
      ),
    );
  });
});
