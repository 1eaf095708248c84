/**
 * diagrams.pdf: one landscape page per frame (a step, or a step's two moments), drawn by the PDF
 * pen from the same shape list the SVG pen writes for --svg (diagrams/step-NN[a|b].svg).
 */
import { measurer, type Measure } from "../../render/measure.js";
import { createDocument, finish, FONT, type FontSet } from "../../render/pdf.js";
import { mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";
import type { Frame } from "./derive.js";
import { layoutFrame } from "./layout.js";
import { drawPdf, drawSvg } from "./pens.js";
import { VIEW, type Drawing } from "./shapes.js";

const MARGIN = mm(12);

/** The family names the SVG uses for the kit's faces. */
export const SVG_FONTS: Record<string, string> = {
  [FONT.regular]: "Atkinson Hyperlegible, sans-serif",
  [FONT.bold]: "Atkinson Hyperlegible, sans-serif; font-weight: bold",
  [FONT.mono]: "Atkinson Hyperlegible Mono, monospace",
};

/** "04", or "04a" and "04b" for a step drawn in two moments. */
export function frameNames(frames: { step: number }[]): string[] {
  const count = new Map<number, number>();
  for (const f of frames) count.set(f.step, (count.get(f.step) ?? 0) + 1);
  const seen = new Map<number, number>();
  return frames.map((f) => {
    const index = seen.get(f.step) ?? 0;
    seen.set(f.step, index + 1);
    return `${String(f.step).padStart(2, "0")}${count.get(f.step)! > 1 ? "ab"[index] : ""}`;
  });
}

const drawings = new WeakMap<Measure, WeakMap<Frame, Drawing>>();

/**
 * The most frames a kit may have for its drawings to be kept between products. A drawing is
 * about 50 KB: kept for the 4,000 frames of a kit at the documented limits, they took the build
 * from 920 MB to 1.12 GB, past its 1 GB bound. A longer kit lays each frame out again.
 */
export const KEEP_FRAMES = 1000;

/** Whether the drawings of a kit with these frames are kept between products (see KEEP_FRAMES). */
export const keepsDrawings = (frames: readonly Frame[]) => frames.length <= KEEP_FRAMES;

/**
 * A frame's drawing, laid out once per frame and measure: the diagrams' pages, their --svg files
 * and the presenter view (a workshop's too) draw the same frames of the same kit. Kept as long as
 * the frame is (a kit is only read once derived), unless `keep` is false; a frame that does not
 * fit throws each time.
 */
export function frameDrawing(frame: Frame, measure: Measure, keep = true): Drawing {
  if (!keep) return drawings.get(measure)?.get(frame) ?? layoutFrame(frame, measure);
  let known = drawings.get(measure);
  if (!known) drawings.set(measure, (known = new WeakMap<Frame, Drawing>()));
  let drawing = known.get(frame);
  if (!drawing) known.set(frame, (drawing = layoutFrame(frame, measure)));
  return drawing;
}

const svgs = new WeakMap<Drawing, Map<Record<string, string>, string>>();

/** drawSvg, written once per drawing and font names (a workshop's presenter view shows its interactives' frames again). */
export function drawingSvg(drawing: Drawing, fonts: Record<string, string>): string {
  let known = svgs.get(drawing);
  if (!known) svgs.set(drawing, (known = new Map<Record<string, string>, string>()));
  let svg = known.get(fonts);
  if (svg === undefined) known.set(fonts, (svg = drawSvg(drawing, fonts)));
  return svg;
}

/**
 * One frame as a standalone SVG document: the same shape list the PDF page is drawn from, in the
 * SVG pen. What --svg writes for each frame, and what a screen (the presenter view) can show.
 */
export function frameSvg(frame: Frame, fonts: FontSet): string {
  return drawSvg(frameDrawing(frame, measurer(fonts)), SVG_FONTS);
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
      const drawing = frameDrawing(frame, measure, keepsDrawings(kit.frames));
      if (options.svg)
        extras.push({
          path: `diagrams/step-${names[i]}.svg`,
          bytes: new TextEncoder().encode(drawSvg(drawing, SVG_FONTS)),
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
