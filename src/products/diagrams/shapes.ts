/**
 * A diagram drawn once, as a list of shapes and text in a 1000 × 700 view; pens turn the list into
 * PDF drawing calls (pdf-pen.ts) or SVG text (svg-pen.ts). Text is kept with the box it covers,
 * so that a test can check no two labels overlap.
 */

export const VIEW = { width: 1000, height: 700 };

export interface Style {
  fill?: string;
  stroke?: string;
  width?: number;
  dash?: number[];
  /** Diagonal hatching inside a rect, in this colour (a card of a later timeline). */
  hatch?: string;
}

export type Shape =
  | ({ kind: "rect"; x: number; y: number; w: number; h: number; r?: number } & Style)
  | ({ kind: "line"; points: [number, number][]; arrow?: boolean } & Style)
  /** An SVG path in the view's units (symbols, crosses). */
  | ({ kind: "path"; d: string } & Style)
  | {
      kind: "text";
      x: number;
      y: number;
      text: string;
      size: number;
      font: string;
      fill: string;
      anchor: "start" | "middle" | "end";
      /** Its width as the layout measured it, if it did (the PDF pen places the text by it). */
      width?: number;
    };

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The box a line of text covers: from its baseline, ascent 0.75 and descent 0.25 of its size. */
export function textBox(t: Extract<Shape, { kind: "text" }>, width: number): Box {
  const x = t.anchor === "start" ? t.x : t.anchor === "middle" ? t.x - width / 2 : t.x - width;
  return { x, y: t.y - 0.75 * t.size, w: width, h: t.size };
}

export function overlaps(a: Box, b: Box, margin = 0): boolean {
  return a.x < b.x + b.w + margin && b.x < a.x + a.w + margin && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin;
}

/** The drawing of one frame: its shapes in painting order, and the box of every text in it. */
export interface Drawing {
  shapes: Shape[];
  texts: { text: string; box: Box }[];
}
