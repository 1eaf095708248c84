/**
 * Two pens for one drawing: PDF content operators (the PDF pages) and SVG text (--svg and the
 * presenter view). Both read the same shape list, so the page and the screen show the same thing.
 * The SVG is written directly: a shape list this small needs no DOM.
 */
import type { Measure } from "../../render/measure.js";
import { plainLine } from "../../render/text-line.js";
import type { Drawing, Shape } from "./shapes.js";
import { VIEW } from "./shapes.js";

type Text = Extract<Shape, { kind: "text" }>;

/**
 * Draws the shapes on the current PDF page, the view scaled by `scale` with its corner at (x0, y0).
 * `measure` (the one the layout used) spares measuring centred and right-aligned text again.
 */
export function drawPdf(
  doc: PDFKit.PDFDocument,
  drawing: Drawing,
  x0: number,
  y0: number,
  scale: number,
  measure?: Measure,
): void {
  doc.save().translate(x0, y0).scale(scale);
  const pen = new PdfPen(doc);
  // Indexed: a for-of makes an object per shape until the engine optimises this loop.
  const shapes = drawing.shapes;
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i]!;
    if (s.kind === "text") pen.text(s, measure);
    else pen.shape(s);
  }
  pen.flush();
  doc.restore();
}

/** Where a line of text starts: its anchor moved left by all or half of its width. */
function textX(doc: PDFKit.PDFDocument, s: Text, measure: Measure | undefined): number {
  if (s.anchor === "start") return s.x;
  const width = s.width ?? (measure ? measure(s.text, s.font, s.size) : doc.widthOfString(s.text));
  return s.x - (s.anchor === "middle" ? width / 2 : width);
}

/**
 * A line of text, by pdfkit's text calls. It may set the fill colour; the stroke colour, line
 * width and dash it leaves as they were (the PDF pen counts on that; tests/products/pens.test.ts
 * checks it).
 */
export function pdfText(doc: PDFKit.PDFDocument, s: Text, measure: Measure | undefined): void {
  doc.font(s.font).fontSize(s.size).fillColor(s.fill);
  doc.text(s.text, textX(doc, s, measure), s.y, { lineBreak: false, baseline: "alphabetic" });
}

/** A number as pdfkit 0.20 writes it into a content stream (PDFObject.number): rounded to 6 decimals. */
export function pdfNumber(v: number): string {
  if (v > -1e21 && v < 1e21) return String(Math.round(v * 1e6) / 1e6);
  throw new Error(`unsupported number: ${v}`);
}

const numbers = new Map<number, string>();

/** pdfNumber, kept per value: a diagram kit's lines and boxes use few distinct numbers (66 in the 480-step kit's 69,120 line coordinates). */
function num(v: number): string {
  let text = numbers.get(v);
  if (text === undefined) {
    text = pdfNumber(v);
    if (numbers.size >= 8192) numbers.clear();
    numbers.set(v, text);
  }
  return text;
}

const polylines = new WeakMap<readonly [number, number][], string>();

/**
 * The operators of pdfkit's moveTo and lineTo through the points, as one string. Kept for a
 * frozen list of points (the layout shares each link's arc, frozen, among the frames that
 * draw it): nothing can change it after.
 */
function polylineOf(points: readonly [number, number][]): string {
  let known = polylines.get(points);
  if (known === undefined) {
    known = "";
    for (let i = 0; i < points.length; i++)
      known += `${i ? "\n" : ""}${num(points[i]![0])} ${num(points[i]![1])} ${i ? "l" : "m"}`;
    if (Object.isFrozen(points)) polylines.set(points, known);
  }
  return known;
}

/** pdfkit's KAPPA, for the corners of a rounded rectangle. */
const KAPPA = 4.0 * ((Math.sqrt(2) - 1.0) / 3.0);

/** A colour's operators for fills and for strokes, as pdfkit writes a "#rrggbb" or "#rgb" colour (its _normalizeColor). */
interface ColourOps {
  fill: string;
  stroke: string;
}

/** A colour's operators, kept per colour; null for any other colour (pdfkit's calls set those). */
const colours = new Map<string, ColourOps | null>();
function colourOps(colour: string): ColourOps | null {
  let known = colours.get(colour);
  if (known === undefined) {
    if (colour.charAt(0) === "#") {
      const full = colour.length === 4 ? colour.replace(/#([0-9A-F])([0-9A-F])([0-9A-F])/i, "#$1$1$2$2$3$3") : colour;
      const hex = parseInt(full.slice(1), 16);
      const rgb = [hex >> 16, (hex >> 8) & 0xff, hex & 0xff].map((part) => part / 255).join(" ");
      known = { fill: `/DeviceRGB cs\n${rgb} scn`, stroke: `/DeviceRGB CS\n${rgb} SCN` };
    } else known = null;
    if (colours.size < 256) colours.set(colour, known);
  }
  return known;
}

/** "w" with a line width, kept per width. */
const widthOps = new Map<number, string>();
function widthOp(width: number): string {
  let op = widthOps.get(width);
  if (op === undefined) {
    op = `${num(width)} w`;
    if (widthOps.size < 256) widthOps.set(width, op);
  }
  return op;
}

/** "d" with a dash and its gap (both checked already), kept per pair. */
const dashOps = new Map<number, Map<number, string>>();
function dashOp(on: number, off: number): string {
  let byOff = dashOps.get(on);
  if (!byOff) dashOps.set(on, (byOff = new Map<number, string>()));
  let op = byOff.get(off);
  if (op === undefined) {
    op = `[${num(on)} ${num(off)}] 0 d`;
    if (byOff.size < 256) byOff.set(off, op);
  }
  return op;
}

type Nested<T> = Map<number, T>;
let outlines: Nested<Nested<Nested<Nested<Nested<string>>>>> = new Map();
let outlineCount = 0;

/**
 * The operators of pdfkit's rect, or of its roundedRect (the same corner arithmetic, so the same
 * numbers), as one string. Kept per geometry: a diagram kit draws the same few hundred boxes
 * (servers, card slots, bands) on every page.
 */
function outlineOf(x: number, y: number, w: number, h: number, radius: number | undefined): string {
  // Keyed by the numbers themselves, maps within maps: a string key cost more than the look-up saved.
  let byY = outlines.get(x);
  if (!byY) outlines.set(x, (byY = new Map<number, Nested<Nested<Nested<string>>>>()));
  let byW = byY.get(y);
  if (!byW) byY.set(y, (byW = new Map<number, Nested<Nested<string>>>()));
  let byH = byW.get(w);
  if (!byH) byW.set(w, (byH = new Map<number, Nested<string>>()));
  let byRadius = byH.get(h);
  if (!byRadius) byH.set(h, (byRadius = new Map<number, string>()));
  let known = byRadius.get(radius ?? 0);
  if (known === undefined) {
    const n = num;
    if (!radius) known = `${n(x)} ${n(y)} ${n(w)} ${n(h)} re`;
    else {
      const r = Math.max(0, Math.min(radius, Math.min(0.5 * w, 0.5 * h)));
      const cp = r * (1.0 - KAPPA);
      const ops = [`${n(x + r)} ${n(y)} m`, `${n(x + w - r)} ${n(y)} l`];
      if (r > 0) ops.push(`${n(x + w - cp)} ${n(y)} ${n(x + w)} ${n(y + cp)} ${n(x + w)} ${n(y + r)} c`);
      ops.push(`${n(x + w)} ${n(y + h - r)} l`);
      if (r > 0) ops.push(`${n(x + w)} ${n(y + h - cp)} ${n(x + w - cp)} ${n(y + h)} ${n(x + w - r)} ${n(y + h)} c`);
      ops.push(`${n(x + r)} ${n(y + h)} l`);
      if (r > 0) ops.push(`${n(x + cp)} ${n(y + h)} ${n(x)} ${n(y + h - cp)} ${n(x)} ${n(y + h - r)} c`);
      ops.push(`${n(x)} ${n(y + r)} l`);
      if (r > 0) ops.push(`${n(x)} ${n(y + cp)} ${n(x + cp)} ${n(y)} ${n(x + r)} ${n(y)} c`);
      ops.push("h");
      known = ops.join("\n");
    }
    if (++outlineCount > 4096) {
      outlines = new Map();
      outlineCount = 0;
    } else byRadius.set(radius ?? 0, known);
  }
  return known;
}

/** The graphics state the pen has set, as the operators that set it; undefined when not known. */
export interface PenState {
  fill?: string;
  stroke?: string;
  width?: string;
  dash?: string;
}

/**
 * Writes shapes as PDF content operators, built as strings and handed to the page in one piece:
 * pdfkit's vector calls cost a method call, a number formatting and a content write per operator,
 * and parse a colour on every fill and stroke. The paths are the ones pdfkit's calls write (its
 * number formatting, its corner arithmetic), and they are painted in the same colours, widths and
 * dashes, but a colour, width or dash is set only when it changes (pdfkit's calls set all three
 * for every shape), and a box both filled and stroked is painted by one B (fill, then stroke) on
 * one path instead of f and S on two copies of it, which the PDF reference defines as the same.
 * Anything else writing to the page must come after `flush`.
 */
export class PdfPen {
  private readonly ops: string[] = [];
  protected state: PenState = {};
  private readonly saved: PenState[] = [];
  constructor(protected readonly doc: PDFKit.PDFDocument) {}

  /** Hands the operators written so far to the page. */
  flush(): void {
    if (!this.ops.length) return;
    this.doc.addContent(this.ops.join("\n"));
    this.ops.length = 0;
  }

  /**
   * A line of text, in the bytes pdfText writes: its fill colour, as pdfkit's fillColor writes it
   * (always, as pdfkit does), then the operators pdfkit's text() writes for one line at that
   * place (text-line.ts's plainLine), among the pen's own operators. The road through text()
   * measured the line again only to move the text cursor (doc.x, doc.y), which nothing on a
   * diagram's page reads, and set the document's font and size, which nothing after the pen reads
   * either: both stay where they were. A colour that is not "#rgb" or "#rrggbb", or a text
   * plainLine leaves to pdfkit (several lines, glyphs moved off the baseline), goes through
   * pdfText. Afterwards the fill colour counts as unknown (as after pdfText), so that the shapes
   * after a text set theirs as they always did.
   */
  text(s: Text, measure?: Measure): void {
    const doc = this.doc;
    const colour = colourOps(s.fill);
    // A width only pdfkit can give (no measure, none kept) is measured in the font text() sets.
    const measured = s.anchor === "start" || s.width !== undefined || measure !== undefined;
    const line = colour && measured ? plainLine(doc, s.font, s.size, s.text, textX(doc, s, measure), s.y) : null;
    if (colour && line !== null) {
      this.ops.push(colour.fill);
      if (line) this.ops.push(line);
    } else {
      this.flush();
      pdfText(doc, s, measure);
    }
    this.state.fill = undefined;
  }

  shape(s: Exclude<Shape, Text>): void {
    const ops = this.ops;
    switch (s.kind) {
      case "rect": {
        if (s.fill && s.stroke && !s.hatch) {
          this.fillColour(s.fill);
          this.strokeStyle(s);
          ops.push(outlineOf(s.x, s.y, s.w, s.h, s.r), "B");
          return;
        }
        if (s.fill) {
          this.fillColour(s.fill);
          ops.push(outlineOf(s.x, s.y, s.w, s.h, s.r), "f");
        }
        if (s.hatch) {
          ops.push("q");
          this.saved.push({ ...this.state });
          ops.push(outlineOf(s.x, s.y, s.w, s.h, s.r), "W n");
          this.lineWidth(2);
          this.strokeColour(s.hatch);
          this.setDash("[] 0 d");
          for (let d = -s.h; d < s.w + s.h; d += 7)
            ops.push(`${num(s.x + d)} ${num(s.y + s.h)} m`, `${num(s.x + d + s.h)} ${num(s.y)} l`, "S");
          ops.push("Q");
          this.state = this.saved.pop()!;
        }
        if (s.stroke) {
          this.strokeStyle(s);
          ops.push(outlineOf(s.x, s.y, s.w, s.h, s.r), "S");
        }
        return;
      }
      case "line": {
        this.strokeStyle(s);
        const path = polylineOf(s.points);
        if (path) ops.push(path);
        ops.push("S");
        if (s.arrow) {
          this.fillColour(s.stroke ?? "#000000");
          const head = arrowHead(s.points);
          for (let i = 0; i < head.length; i++) ops.push(`${num(head[i]![0])} ${num(head[i]![1])} ${i ? "l" : "m"}`);
          ops.push("h", "f");
        }
        return;
      }
      case "path":
        // SVG path data goes through pdfkit's own parser (a rare shape: a corner mark).
        if (s.fill) {
          this.fillColour(s.fill);
          this.flush();
          this.doc.path(s.d);
          ops.push("f*");
        }
        if (s.stroke) {
          this.strokeStyle(s);
          this.flush();
          this.doc.path(s.d);
          ops.push("S");
        }
        return;
    }
  }

  /** Line width, colour and dash of a stroked shape: 1, black and solid unless it says otherwise. */
  private strokeStyle(s: { stroke?: string; width?: number; dash?: number[] }): void {
    this.lineWidth(s.width ?? 1);
    this.strokeColour(s.stroke ?? "#000000");
    const dash = s.dash;
    if (dash?.length) {
      // As pdfkit's dash(on, { space }): a gap of 0 or none is as long as the dash.
      const on = dash[0]!;
      const off = dash[1] ?? on;
      const gap = off || on;
      if (!(Number.isFinite(on) && on > 0 && Number.isFinite(gap) && gap > 0)) this.doc.dash(on, { space: off }); // pdfkit's own error
      this.setDash(dashOp(on, gap));
    } else this.setDash("[] 0 d");
  }

  private lineWidth(width: number): void {
    const op = widthOp(width);
    if (op === this.state.width) return;
    this.ops.push(op);
    this.state.width = op;
  }

  private setDash(op: string): void {
    if (op === this.state.dash) return;
    this.ops.push(op);
    this.state.dash = op;
  }

  private fillColour(colour: string): void {
    const ops = colourOps(colour);
    if (ops === null) {
      this.flush();
      this.doc.fillColor(colour);
      this.state.fill = undefined;
    } else if (ops.fill !== this.state.fill) {
      this.ops.push(ops.fill);
      this.state.fill = ops.fill;
    }
  }

  private strokeColour(colour: string): void {
    const ops = colourOps(colour);
    if (ops === null) {
      this.flush();
      this.doc.strokeColor(colour);
      this.state.stroke = undefined;
    } else if (ops.stroke !== this.state.stroke) {
      this.ops.push(ops.stroke);
      this.state.stroke = ops.stroke;
    }
  }
}

/** The three corners of an arrowhead at the end of a polyline. */
export function arrowHead(points: [number, number][]): [number, number][] {
  const [x2, y2] = points[points.length - 1]!;
  const [x1, y1] = points[points.length - 2]!;
  const a = Math.atan2(y2 - y1, x2 - x1);
  const at = (d: number, da: number): [number, number] => [x2 - d * Math.cos(a + da), y2 - d * Math.sin(a + da)];
  return [[x2, y2], at(14, 0.45), at(14, -0.45)];
}

const escape = (text: string) =>
  /[&<>"]/.test(text)
    ? text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    : text;
/**
 * To two decimals, as Number(v.toFixed(2)). Most of a layout's numbers are binary fractions (halves,
 * eighths, the 64ths of a curve's points): for v = k / 2^20 with |v| < 2^28, |v| * 100 is exact
 * (k * 25 fits in 53 bits), so Math.round picks toFixed's n (the nearest; toFixed rounds the
 * magnitude, a tie going up) and n / 100 is the double nearest n / 100, which is what Number reads
 * from toFixed's digits.
 */
function n(v: number): number {
  const a = Math.abs(v);
  if (a < 268435456 && Number.isInteger(a * 1048576))
    return v < 0 ? -(Math.round(a * 100) / 100) : Math.round(a * 100) / 100;
  return Number(v.toFixed(2));
}

/** A stroke's width and dash as the SVG pen writes them, kept per width and per dash list (most are a style's own). */
const svgWidths = new Map<number, string>();
const svgDashes = new WeakMap<number[], string>();

/** The attributes of a shape's fill (none if it has none), stroke, stroke width and dash. */
function svgStyle(fill: string | undefined, s: { stroke?: string; width?: number; dash?: number[] }): string {
  let out = `fill="${fill ?? "none"}"`;
  if (s.stroke) {
    const width = s.width ?? 1;
    let widthText = svgWidths.get(width);
    if (widthText === undefined) {
      widthText = String(width);
      if (svgWidths.size < 256) svgWidths.set(width, widthText);
    }
    out += ` stroke="${s.stroke}" stroke-width="${widthText}"`;
    const dash = s.dash;
    if (dash?.length) {
      let dashText = svgDashes.get(dash);
      if (dashText === undefined) svgDashes.set(dash, (dashText = dash.join(" ")));
      out += ` stroke-dasharray="${dashText}"`;
    }
  }
  return out;
}

/** A face's font-family attribute, escaped, kept per font names and face. */
const svgFamilies = new WeakMap<Record<string, string>, Map<string, string>>();
function svgFamily(fonts: Record<string, string>, font: string): string {
  let known = svgFamilies.get(fonts);
  if (!known) svgFamilies.set(fonts, (known = new Map<string, string>()));
  let family = known.get(font);
  if (family === undefined) known.set(font, (family = escape(fonts[font] ?? font)));
  return family;
}

const svgPointLists = new WeakMap<readonly [number, number][], string>();

/** "x,y x,y …", kept for a frozen list of points (as polylineOf is). */
function svgPoints(points: readonly [number, number][]): string {
  let out = svgPointLists.get(points);
  if (out === undefined) {
    out = "";
    for (let i = 0; i < points.length; i++) out += `${i ? " " : ""}${n(points[i]![0])},${n(points[i]![1])}`;
    if (Object.isFrozen(points)) svgPointLists.set(points, out);
  }
  return out;
}

/** The drawing as a standalone SVG document (ids are numbered within the drawing, so output never depends on what came before). */
export function drawSvg(drawing: Drawing, fonts: Record<string, string>): string {
  const out: string[] = [];
  const defs: string[] = [];
  let clip = 0;
  const shapes = drawing.shapes;
  for (let i = 0; i < shapes.length; i++) {
    const s = shapes[i]!;
    switch (s.kind) {
      case "rect": {
        const r = s.r ? ` rx="${n(s.r)}"` : "";
        const geometry = `x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}"${r}`;
        if (s.fill) out.push(`<rect ${geometry} fill="${s.fill}"/>`);
        if (s.hatch) {
          const id = `clip${++clip}`;
          defs.push(`<clipPath id="${id}"><rect ${geometry}/></clipPath>`);
          let lines = "";
          for (let d = -s.h; d < s.w + s.h; d += 7)
            lines += `M${n(s.x + d)} ${n(s.y + s.h)}L${n(s.x + d + s.h)} ${n(s.y)}`;
          out.push(`<path d="${lines}" stroke="${s.hatch}" stroke-width="2" fill="none" clip-path="url(#${id})"/>`);
        }
        if (s.stroke) out.push(`<rect ${geometry} ${svgStyle(undefined, s)}/>`);
        break;
      }
      case "line": {
        out.push(`<polyline points="${svgPoints(s.points)}" ${svgStyle(undefined, s)} stroke-linejoin="round"/>`);
        if (s.arrow) out.push(`<polygon points="${svgPoints(arrowHead(s.points))}" fill="${s.stroke ?? "#000000"}"/>`);
        break;
      }
      case "path":
        out.push(`<path d="${s.d}" ${svgStyle(s.fill, s)} fill-rule="evenodd"/>`);
        break;
      case "text":
        out.push(
          `<text x="${n(s.x)}" y="${n(s.y)}" font-family="${svgFamily(fonts, s.font)}" font-size="${n(s.size)}" fill="${s.fill}" text-anchor="${s.anchor}">${escape(s.text)}</text>`,
        );
        break;
    }
  }
  const head = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW.width} ${VIEW.height}" width="${VIEW.width}" height="${VIEW.height}">`;
  // The head, the defs if any, each shape's element and the end, a line each.
  const body = out.length ? `${out.join("\n")}\n` : "";
  return `${head}\n${defs.length ? `<defs>${defs.join("")}</defs>\n` : ""}${body}</svg>\n`;
}
