/** Text widths in the kit's own fonts, for layouts drawn outside pdfkit's text flow (the SVG diagrams). */
import PDFDocument from "pdfkit";
import { registerFonts, type FontSet } from "./pdf.js";

export type Measure = (text: string, font: string, size: number) => number;

export function measurer(fonts: FontSet): Measure {
  const doc = new PDFDocument({ autoFirstPage: false, font: null as unknown as string });
  registerFonts(doc, fonts);
  return (text, font, size) => doc.font(font).fontSize(size).widthOfString(text);
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
