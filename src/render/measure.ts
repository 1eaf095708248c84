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
    const known = new Map<string, number>();
    measure = (text, font, size) => {
      const key = `${font}\u0000${size}\u0000${text}`;
      let width = known.get(key);
      if (width === undefined) {
        width = doc.font(font).fontSize(size).widthOfString(text);
        known.set(key, width);
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
