/**
 * diagrams.pdf: one landscape page per frame (a step, or a step's two moments), drawn by the PDF
 * pen from the same shape list the SVG pen writes for --svg (diagrams/step-NN[a|b].svg).
 */
import { measurer } from "../../render/measure.js";
import { createDocument, finish, FONT, type FontSet } from "../../render/pdf.js";
import { mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";
import type { Frame } from "./derive.js";
import { layoutFrame } from "./layout.js";
import { drawPdf, drawSvg } from "./pens.js";
import { VIEW } from "./shapes.js";

const MARGIN = mm(12);

/** The family names the SVG uses for the kit's faces. */
export const SVG_FONTS: Record<string, string> = {
  [FONT.regular]: "Atkinson Hyperlegible, sans-serif",
  [FONT.bold]: "Atkinson Hyperlegible, sans-serif; font-weight: bold",
  [FONT.mono]: "Atkinson Hyperlegible Mono, monospace",
};

/** "04", or "04a" and "04b" for a step drawn in two moments. */
export function frameNames(frames: { step: number }[]): string[] {
  return frames.map((f, i) => {
    const count = frames.filter((g) => g.step === f.step).length;
    const index = frames.slice(0, i).filter((g) => g.step === f.step).length;
    return `${String(f.step).padStart(2, "0")}${count > 1 ? "ab"[index] : ""}`;
  });
}

/**
 * One frame as a standalone SVG document: the same shape list the PDF page is drawn from, in the
 * SVG pen. What --svg writes for each frame, and what a screen (the presenter view) can show.
 */
export function frameSvg(frame: Frame, fonts: FontSet): string {
  return drawSvg(layoutFrame(frame, measurer(fonts)), SVG_FONTS);
}

export const diagrams: Product = {
  file: "diagrams.pdf",
  description: "one diagram per step, for projecting or handing round",
  async render(kit, options, assets, sink) {
    const portrait = PAPER[options.paper];
    const page = { width: portrait.height, height: portrait.width };
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: diagrams`, subject: kit.scenario.id, keywords: kit.hash },
      page,
      sink,
    );
    const measure = measurer(assets.fonts);
    const extras: { path: string; bytes: Uint8Array }[] = [];
    const scale = Math.min((page.width - 2 * MARGIN) / VIEW.width, (page.height - 2 * MARGIN) / VIEW.height);
    const names = frameNames(kit.frames);
    kit.frames.forEach((frame, i) => {
      const drawing = layoutFrame(frame, measure);
      if (options.svg)
        extras.push({
          path: `diagrams/step-${names[i]}.svg`,
          bytes: new TextEncoder().encode(drawSvg(drawing, SVG_FONTS)), // frameSvg, without laying out twice
        });
      doc.addPage();
      drawPdf(
        doc,
        drawing,
        (page.width - VIEW.width * scale) / 2,
        (page.height - VIEW.height * scale) / 2,
        scale,
        measure,
      );
    });
    const done = await finish(doc);
    return { ...done, extras };
  },
};
