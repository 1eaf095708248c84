/**
 * facilitator-script.pdf: portrait pages to read from while standing. A running header, page
 * numbers, then the setup, every step (Say / Do / Watch for / PostgreSQL says / Why it matters),
 * and the debrief. Messages and settings are in the monospaced face.
 */
import type { Kit } from "../../kit.js";
import type { ScriptStep } from "./derive.js";
import { createDocument, finish, FONT } from "../../render/pdf.js";
import { COLOURS, mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";

const MARGIN = mm(20);
const BODY = 11.5;
const GAP = 3;
/** Width of the label column (Say, Do, Watch for…). */
const LABEL = 78;

/** A small writer over pdfkit's text flow that keeps a block together on one page. */
class Page {
  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly width: number,
    readonly bottom: number,
  ) {}

  height(text: string, font: string, size: number, indent = 0): number {
    this.doc.font(font).fontSize(size);
    return this.doc.heightOfString(text, { width: this.width - indent, lineGap: GAP });
  }

  /** Starts a new page unless `needed` points still fit. */
  keep(needed: number): void {
    if (this.doc.y + needed > this.bottom) this.doc.addPage();
  }

  line(
    text: string,
    font: string,
    size: number,
    options: { colour?: string; indent?: number; after?: number; label?: string } = {},
  ): void {
    const indent = options.indent ?? 0;
    // Keep a label with its text, and a paragraph's first lines together. That is at most about
    // three lines: measuring (a whole line-wrap) is only worth it near the foot of a page.
    if (this.doc.y + 4 * size > this.bottom) {
      const label = options.label ? this.height(options.label, FONT.bold, size, this.width - indent) : 0;
      this.keep(Math.max(label, Math.min(this.height(text, font, size, indent), 3 * size)));
    }
    const x = this.doc.page.margins.left + indent;
    let labelBottom = 0;
    if (options.label) {
      this.doc
        .font(FONT.bold)
        .fontSize(size)
        .fillColor(options.colour ?? COLOURS.black);
      const y = this.doc.y;
      this.doc.text(options.label, this.doc.page.margins.left, y, { width: indent - 6 });
      labelBottom = this.doc.y;
      this.doc.y = y;
    }
    this.doc
      .font(font)
      .fontSize(size)
      .fillColor(options.colour ?? COLOURS.black);
    this.doc.text(text, x, this.doc.y, { width: this.width - indent, lineGap: GAP });
    this.doc.y = Math.max(this.doc.y, labelBottom);
    this.doc.moveDown(options.after ?? 0.3);
  }

  heading(text: string, size: number, space = 0.6): void {
    this.keep(size * 4 + 40);
    this.doc.moveDown(space);
    this.line(text, FONT.bold, size, { after: 0.35 });
  }

  bullets(items: string[], font: string = FONT.regular, size = BODY): void {
    for (const item of items) this.line(item, font, size, { indent: 14, label: "•", after: 0.2 });
  }
}

function step(page: Page, kit: Kit, s: ScriptStep, commands: boolean): void {
  const t = kit.templates;
  const doc = page.doc;
  // Keep the heading with what to say, so a step never starts at the foot of a page.
  page.keep(page.height(s.say, FONT.regular, BODY + 1, LABEL) + 70);
  doc.moveDown(0.8);
  const top = doc.y;
  doc
    .font(FONT.bold)
    .fontSize(15)
    .fillColor(COLOURS.black)
    .text(s.heading, doc.page.margins.left, top, { width: page.width - 110 });
  const after = doc.y;
  doc
    .font(FONT.regular)
    .fontSize(9.5)
    .fillColor(COLOURS.grey)
    .text(s.timing, doc.page.margins.left + page.width - 110, top + 4, {
      width: 110,
      align: "right",
      lineBreak: false,
    });
  doc.y = after + 4;
  page.line(s.say, FONT.regular, BODY + 1, { indent: LABEL, label: t.text("script", "label_say"), after: 0.5 });
  for (const [i, d] of s.do.entries()) {
    page.line(d.role ? `${d.role}: ${d.text}` : d.text, FONT.regular, BODY, {
      indent: LABEL,
      label: i === 0 ? t.text("script", "label_do") : undefined,
      after: 0.25,
    });
  }
  doc.moveDown(0.25);
  // What changed in this step in bold: the room's eyes go there.
  for (const [i, w] of s.watch.entries()) {
    page.line(w.text, w.changed ? FONT.bold : FONT.regular, BODY - 1, {
      indent: LABEL,
      label: i === 0 ? t.text("script", "label_watch") : undefined,
      after: 0.15,
      colour: COLOURS.black,
    });
  }

  if (commands && s.commands.length) {
    doc.moveDown(0.2);
    s.commands.forEach((c, i) =>
      page.line(c, FONT.mono, 8.5, {
        indent: LABEL,
        label: i === 0 ? t.text("script", "label_commands") : undefined,
        after: 0.1,
        colour: COLOURS.grey,
      }),
    );
  }
  if (s.postgres.length) {
    doc.moveDown(0.25);
    page.line(t.text("script", "label_postgres"), FONT.bold, BODY - 1, { indent: LABEL, after: 0.15 });
    for (const p of s.postgres)
      page.line(`${p.role}: ${p.text}`, FONT.mono, 9, { indent: LABEL, after: 0.2, colour: COLOURS.vermillion });
  }
  if (s.why) {
    doc.moveDown(0.25);
    page.line(s.why, FONT.regular, BODY - 0.5, {
      indent: LABEL,
      label: t.text("script", "label_why"),
      after: 0.3,
      colour: COLOURS.blue,
    });
  }
}

export const facilitatorScript: Product = {
  file: "facilitator-script.pdf",
  description: "the facilitator's script: setup, every step, debrief",
  async render(kit, options, assets) {
    const sheet = PAPER[options.paper];
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: facilitator script`, subject: kit.scenario.id, keywords: kit.hash },
      { ...sheet, margin: MARGIN },
    );
    const t = kit.templates;
    const script = kit.script;
    const page = new Page(doc, sheet.width - 2 * MARGIN, sheet.height - MARGIN);
    doc.addPage();
    doc.font(FONT.bold).fontSize(26).fillColor(COLOURS.black).text(kit.scenario.title);
    doc.moveDown(0.3);
    page.line(kit.scenario.summary, FONT.regular, BODY + 1, { after: 0.4 });
    page.line(script.duration, FONT.bold, BODY);

    page.heading(t.text("script", "heading_goals"), 14);
    page.bullets(script.goals);
    page.heading(t.text("script", "heading_volunteers"), 14);
    page.bullets(script.volunteers);
    page.heading(t.text("script", "heading_materials"), 14);
    page.bullets(script.materials);
    page.heading(t.text("script", "heading_setup"), 14);
    page.bullets(script.setup);
    if (script.simplifications.length) {
      page.heading(t.text("script", "heading_simplifications"), 14);
      page.bullets(script.simplifications);
    }

    for (const run of script.runs) {
      doc.addPage();
      if (run.heading) page.line(run.heading, FONT.bold, 20, { after: 0.3 });
      else page.line(t.text("script", "heading_steps"), FONT.bold, 20, { after: 0.3 });
      if (run.intro) page.line(run.intro, FONT.regular, BODY);
      if (run.settings) page.line(run.settings, FONT.mono, 9.5, { colour: COLOURS.grey });
      for (const s of run.steps) step(page, kit, s, options.commands);
    }

    if (script.debrief.length) {
      doc.addPage();
      page.line(t.text("script", "heading_debrief"), FONT.bold, 20, { after: 0.2 });
      page.line(script.debriefTime, FONT.regular, BODY - 1, { colour: COLOURS.grey, after: 0.6 });
      for (const [i, d] of script.debrief.entries()) {
        page.keep(page.height(d.question, FONT.bold, BODY) + page.height(d.answer, FONT.regular, BODY) + 20);
        page.line(`${i + 1}. ${d.question}`, FONT.bold, BODY, { after: 0.2 });
        page.line(d.answer, FONT.regular, BODY, { indent: 16, after: 0.6 });
      }
    }

    // Running header and footer on every page, now that the page count is known.
    const range = doc.bufferedPageRange();
    for (let i = 0; i < range.count; i++) {
      doc.switchToPage(range.start + i);
      const margins = doc.page.margins;
      doc.page.margins = { ...margins, top: 0, bottom: 0 };
      doc.font(FONT.regular).fontSize(8.5).fillColor(COLOURS.grey);
      if (i > 0) doc.text(kit.scenario.title, MARGIN, mm(10), { width: page.width, lineBreak: false });
      const footer = t.text("script", "footer", {
        title: kit.scenario.title,
        id: kit.scenario.id,
        hash: kit.hash,
        page: i + 1,
        pages: range.count,
      });
      doc.text(footer, MARGIN, sheet.height - mm(13), { width: page.width, align: "center", lineBreak: false });
      doc.page.margins = margins;
    }
    return finish(doc);
  },
};
