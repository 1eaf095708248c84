/**
 * A pdfkit document set up for reproducible bytes: fixed dates (SOURCE_DATE_EPOCH or a fixed
 * one), fonts registered in a fixed order (subset tags follow registration order), metadata.
 */
import PDFDocument from "pdfkit";

/** The three faces the kit uses, as TTF bytes. Registered under these names in every document and SVG. */
export interface FontSet {
  regular: Uint8Array;
  bold: Uint8Array;
  mono: Uint8Array;
}

export const FONT = { regular: "Atkinson", bold: "Atkinson-Bold", mono: "Mono" } as const;

export interface RenderOptions {
  paper: import("./units.js").Paper;
  fonts: FontSet;
  /** The date stamped into the PDF: from SOURCE_DATE_EPOCH, or a fixed one. */
  date: Date;
  /** Also produce each diagram as SVG (for slides). */
  svg?: boolean;
  /** Shift of back pages, in points, to correct a printer's duplex drift. */
  backOffset?: { x: number; y: number };
}

export const FIXED_DATE = new Date("2020-01-01T00:00:00Z");

export function dateFromEnvironment(value: string | undefined): Date {
  if (!value || !/^\d+$/.test(value)) return FIXED_DATE;
  return new Date(Number(value) * 1000);
}

export function createDocument(options: RenderOptions, meta: { title: string; subject: string; keywords: string }, page: { width: number; height: number; margin?: number }): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    compress: true,
    size: [page.width, page.height],
    margin: page.margin ?? 0,
    info: {
      Title: meta.title,
      Subject: meta.subject,
      Keywords: meta.keywords,
      Author: "replikit",
      Creator: "replikit",
      Producer: "replikit",
      CreationDate: options.date,
      ModDate: options.date,
    },
  });
  doc.registerFont(FONT.regular, Buffer.from(options.fonts.regular));
  doc.registerFont(FONT.bold, Buffer.from(options.fonts.bold));
  doc.registerFont(FONT.mono, Buffer.from(options.fonts.mono));
  return doc;
}

/** Ends the document and collects its bytes and page count. */
export function finish(doc: PDFKit.PDFDocument): Promise<{ pdf: Uint8Array; pages: number; extras: [] }> {
  const pages = doc.bufferedPageRange().count;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve({ pdf: new Uint8Array(Buffer.concat(chunks)), pages, extras: [] }));
    doc.on("error", reject);
    doc.end();
  });
}
