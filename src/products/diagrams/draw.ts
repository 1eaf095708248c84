/** diagrams.pdf: one landscape page per step; with --svg, each step also as diagrams/step-NN.svg. */
import SVGtoPDF from "svg-to-pdfkit";
import { detachText, drawFrame, VIEW } from "./frame.js";
import { measurer } from "../../render/measure.js";
import { createDocument, finish, FONT } from "../../render/pdf.js";
import { mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";

const MARGIN = mm(12);
const FONTS = new Set<string>(Object.values(FONT));

export const diagrams: Product = {
  file: "diagrams.pdf",
  description: "one diagram per step, for projecting or handing round",
  async render(kit, options, assets) {
    const portrait = PAPER[options.paper];
    const page = { width: portrait.height, height: portrait.width };
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: diagrams`, subject: kit.scenario.id, keywords: kit.hash },
      page,
    );
    const measure = measurer(assets.fonts);
    const extras: { path: string; bytes: Uint8Array }[] = [];
    const scale = Math.min((page.width - 2 * MARGIN) / VIEW.width, (page.height - 2 * MARGIN) / VIEW.height);
    for (const frame of kit.frames) {
      const footer = kit.templates.text("diagrams", "footer", {
        scenario: kit.scenario.title,
        hash: kit.hash,
        number: frame.number,
        steps: kit.frames.length,
      });
      const drawing = drawFrame(frame, kit.templates, measure, footer);
      if (options.svg)
        extras.push({
          path: `diagrams/step-${String(frame.number).padStart(2, "0")}.svg`,
          bytes: new TextEncoder().encode(drawing.svg() + "\n"),
        });
      const texts = detachText(drawing);
      const x0 = (page.width - VIEW.width * scale) / 2;
      const y0 = (page.height - VIEW.height * scale) / 2;
      doc.addPage();
      // The drawing's size in points, and assumePt: svg-to-pdfkit otherwise takes the SVG's own
      // size in px (0.75 pt each) whatever width and height it is given, and the text set below
      // would not line up.
      drawing.size(VIEW.width * scale, VIEW.height * scale);
      SVGtoPDF(doc, drawing.svg(), x0, y0, { assumePt: true });
      for (const t of texts) {
        doc
          .font(FONTS.has(t.font) ? t.font : FONT.regular)
          .fontSize(t.size * scale)
          .fillColor(t.fill);
        const width = t.anchor === "start" ? 0 : doc.widthOfString(t.text);
        const x = x0 + t.x * scale - (t.anchor === "middle" ? width / 2 : t.anchor === "end" ? width : 0);
        doc.text(t.text, x, y0 + t.y * scale, { lineBreak: false, baseline: "alphabetic" });
      }
    }
    const done = await finish(doc);
    return { ...done, extras };
  },
};
