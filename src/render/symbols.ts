/**
 * Card symbols drawn as vector paths in a 100 × 100 box, so they print in any font and survive
 * greyscale: each kind has its own shape as well as its own colour.
 */
import type { CardKind } from "../products/data-cards/derive.js";
import { COLOURS } from "./units.js";

function star(): string {
  const points: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = i % 2 === 0 ? 50 : 21;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    points.push(`${(50 + r * Math.cos(a)).toFixed(2)} ${(52 + r * Math.sin(a)).toFixed(2)}`);
  }
  return `M${points.join(" L")} Z`;
}

export const SYMBOLS: Record<CardKind, { path: string; colour: string }> = {
  write: {
    path: "M50 2 C80 28 100 44 100 62 C100 77 89 86 76 86 C66 86 58 81 54 74 L60 98 L40 98 L46 74 C42 81 34 86 24 86 C11 86 0 77 0 62 C0 44 20 28 50 2 Z",
    colour: COLOURS.black,
  },
  read: {
    path: "M50 92 C22 70 0 50 0 28 C0 12 12 2 27 2 C38 2 46 9 50 18 C54 9 62 2 73 2 C88 2 100 12 100 28 C100 50 78 70 50 92 Z",
    colour: COLOURS.vermillion,
  },
  ack: { path: "M4 56 L20 40 L40 60 L80 14 L96 30 L40 92 Z", colour: COLOURS.blue },
  joker: { path: star(), colour: COLOURS.purple },
  // A DELETE: a bold cross, in orange.
  delete: {
    path: "M14 2 L50 38 L86 2 L98 14 L62 50 L98 86 L86 98 L50 62 L14 98 L2 86 L38 50 L2 14 Z",
    colour: COLOURS.orange,
  },
  // A token: a round badge with a ring, like a counter on a game board.
  token: {
    path: "M50 0 A50 50 0 1 1 49.99 0 Z M50 18 A32 32 0 1 0 50.01 18 Z",
    colour: COLOURS.green,
  },
};

/**
 * Each path's operators as pdfkit's `path` writes them, found once: pdfkit parses the SVG path
 * anew on every call, and a deck draws eight symbols a card. A path's operators do not depend on
 * the page (its coordinates are the symbol's own; the transform around it places it), so they
 * are recorded by running `path` on a stand-in for the document whose `addContent` (pdfkit 0.20,
 * pinned: every path operator goes through it) keeps the text instead of writing it.
 */
const operators = new Map<string, string>();

function pathOperators(doc: PDFKit.PDFDocument, path: string): string {
  let known = operators.get(path);
  if (known === undefined) {
    const written: string[] = [];
    const recorder = Object.create(doc, {
      addContent: { value: (data: string) => (written.push(data), recorder) },
    }) as PDFKit.PDFDocument;
    recorder.path(path);
    // One write of the lines joined is the same bytes as one write a line: each ends in a newline.
    operators.set(path, (known = written.join("\n")));
  }
  return known;
}

/** Draws a kind's symbol with its top-left corner at (x, y), `size` points wide. */
export function drawSymbol(doc: PDFKit.PDFDocument, kind: CardKind, x: number, y: number, size: number): void {
  const { path, colour } = SYMBOLS[kind];
  doc
    .save()
    .translate(x, y)
    .scale(size / 100)
    .addContent(pathOperators(doc, path))
    .fill(colour, "even-odd")
    .restore();
}
