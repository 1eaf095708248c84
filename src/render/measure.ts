/** Text widths in the kit's own fonts, for layouts drawn outside pdfkit's text flow (the SVG diagrams). */
import PDFDocument from "pdfkit";
import { registerFonts, type FontSet } from "./pdf.js";

export type Measure = (text: string, font: string, size: number) => number;

const measurers = new WeakMap<FontSet, Measure>();

/**
 * Widths as pdfkit gives them, each measured once per font set and remembered (a diagram kit
 * measures the same labels and card numbers on every frame, and watch rebuilds the same kit).
 */
export function measurer(fonts: FontSet): Measure {
  let measure = measurers.get(fonts);
  if (!measure) {
    const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
    registerFonts(doc, fonts);
    // By font, then size, then text: a key joined from the three cost more than the look-ups
    // (a new string to build and hash on every call; the texts are mostly the frames' own strings,
    // whose hashes are kept).
    const known = new Map<string, Map<number, Map<string, number>>>();
    measure = (text, font, size) => {
      let sizes = known.get(font);
      if (!sizes) known.set(font, (sizes = new Map<number, Map<string, number>>()));
      let widths = sizes.get(size);
      if (!widths) sizes.set(size, (widths = new Map<string, number>()));
      let width = widths.get(text);
      if (width === undefined) {
        width = doc.font(font).fontSize(size).widthOfString(text);
        widths.set(text, width);
      }
      return width;
    };
    measurers.set(fonts, measure);
  }
  return measure;
}

/** Greedy word wrap to a width. */
export function wrap(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= width || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}
