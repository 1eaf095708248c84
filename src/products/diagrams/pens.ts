/**
 * Two pens for one drawing: pdfkit's vector calls (the PDF pages) and SVG text (--svg and the
 * presenter view). Both read the same shape list, so the page and the screen show the same thing.
 * The SVG is written directly: a shape list this small needs no DOM.
 */
import type { Measure } from "../../render/measure.js";
import type { Drawing, Shape } from "./shapes.js";
import { VIEW } from "./shapes.js";

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
  for (const s of drawing.shapes) pdfShape(doc, s, measure);
  doc.restore();
}

function stroke(doc: PDFKit.PDFDocument, s: { stroke?: string; width?: number; dash?: number[] }): void {
  doc.lineWidth(s.width ?? 1).strokeColor(s.stroke ?? "#000000");
  if (s.dash?.length) doc.dash(s.dash[0]!, { space: s.dash[1] ?? s.dash[0]! });
  else doc.undash();
}

function pdfShape(doc: PDFKit.PDFDocument, s: Shape, measure: Measure | undefined): void {
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
        stroke(doc, s);
        shape().stroke();
      }
      return;
    }
    case "line": {
      stroke(doc, s);
      const [first, ...rest] = s.points;
      doc.moveTo(first![0], first![1]);
      for (const [x, y] of rest) doc.lineTo(x, y);
      doc.stroke();
      if (s.arrow) {
        doc.undash();
        const head = arrowHead(s.points);
        doc.polygon(...head).fill(s.stroke ?? "#000000");
      }
      return;
    }
    case "path":
      if (s.fill) doc.path(s.d).fill(s.fill, "even-odd");
      if (s.stroke) {
        stroke(doc, s);
        doc.path(s.d).stroke();
      }
      return;
    case "text": {
      doc.font(s.font).fontSize(s.size).fillColor(s.fill);
      const width = s.anchor === "start" ? 0 : measure ? measure(s.text, s.font, s.size) : doc.widthOfString(s.text);
      const x = s.x - (s.anchor === "middle" ? width / 2 : s.anchor === "end" ? width : 0);
      doc.text(s.text, x, s.y, { lineBreak: false, baseline: "alphabetic" });
      return;
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
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (v: number) => Number(v.toFixed(2));

function svgStyle(s: { fill?: string; stroke?: string; width?: number; dash?: number[] }): string {
  const parts = [`fill="${s.fill ?? "none"}"`];
  if (s.stroke) parts.push(`stroke="${s.stroke}"`, `stroke-width="${s.width ?? 1}"`);
  if (s.stroke && s.dash?.length) parts.push(`stroke-dasharray="${s.dash.join(" ")}"`);
  return parts.join(" ");
}

/** The drawing as a standalone SVG document (ids are numbered within the drawing, so output never depends on what came before). */
export function drawSvg(drawing: Drawing, fonts: Record<string, string>): string {
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
      case "line": {
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
      }
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
