/** diagrams.pdf: one landscape page per step; with --svg, each step also as diagrams/step-NN.svg. */
import SVGtoPDF from "svg-to-pdfkit";
import { drawFrame, VIEW } from "../diagram.js";
import { measurer } from "../measure.js";
import { createDocument, finish, FONT, type RenderOptions } from "../pdf.js";
import { mm, PAPER } from "../units.js";
import type { Product } from "./product.js";

const MARGIN = mm(12);
const FONTS = new Set<string>(Object.values(FONT));

export const diagrams: Product = {
  file: "diagrams.pdf",
  description: "one diagram per step, for projecting or handing round",
  async render(kit, options: RenderOptions) {
    const portrait = PAPER[options.paper];
    const page = { width: portrait.height, height: portrait.width };
    const doc = createDocument(options, { title: `${kit.scenario.title}: diagrams`, subject: kit.scenario.id, keywords: kit.hash }, page);
    const measure = measurer(options.fonts);
    const extras: { path: string; bytes: Uint8Array }[] = [];
    const scale = Math.min((page.width - 2 * MARGIN) / VIEW.width, (page.height - 2 * MARGIN) / VIEW.height);
    for (const frame of kit.frames) {
      const footer = kit.templates.text("diagrams", "footer", { scenario: kit.scenario.title, hash: kit.hash, number: frame.number, steps: kit.frames.length });
      const svg = drawFrame(frame, kit.templates, measure, footer);
      doc.addPage();
      SVGtoPDF(doc, svg, (page.width - VIEW.width * scale) / 2, (page.height - VIEW.height * scale) / 2, {
        width: VIEW.width * scale,
        height: VIEW.height * scale,
        fontCallback: (family: string) => (FONTS.has(family) ? family : FONT.regular),
      });
      if (options.svg) extras.push({ path: `diagrams/step-${String(frame.number).padStart(2, "0")}.svg`, bytes: new TextEncoder().encode(svg + "\n") });
    }
    const done = await finish(doc);
    return { ...done, extras };
  },
};
