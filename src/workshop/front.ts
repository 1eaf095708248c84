/**
 * The first pages of kit.pdf, drawn with pdfkit: the cover, the agenda, the casting sheet and the
 * materials and print list. Returns the page each section starts on, for the bookmarks.
 */
import type { FontSet } from "../render/pdf.js";
import { createDocument, finish, FONT } from "../render/pdf.js";
import { COLOURS, mm, PAPER, type Paper } from "../render/units.js";
import { clock } from "../products/script/timing.js";
import { listPhrase } from "../wording.js";
import type { AgendaRow } from "./agenda.js";
import type { Casting } from "./casting.js";
import type { Materials } from "./materials.js";
import type { Templates } from "../wording.js";
import type { Workshop } from "./parse.js";

const MARGIN = mm(18);

export interface FrontMatter {
  workshop: Workshop;
  hash: string;
  interactives: { title: string; summary: string; minutes: number }[];
  agenda: AgendaRow[];
  casting: Casting;
  materials: Materials;
}

export interface FrontPages {
  pdf: Uint8Array;
  pages: number;
  /** The first page (0-based) of each section. */
  sections: { title: string; page: number }[];
}

type Cell = { text: string; width: number; font?: string; align?: "left" | "right" };

export async function drawFront(
  front: FrontMatter,
  paper: Paper,
  date: Date,
  fonts: FontSet,
  t: Templates,
): Promise<FrontPages> {
  const text = (key: string, data: object = {}) => t.text("workshop", key, data);
  const sheet = PAPER[paper];
  const doc = createDocument(
    fonts,
    date,
    { title: text("kit_title", { title: front.workshop.title }), subject: front.workshop.id, keywords: front.hash },
    { ...sheet, margin: MARGIN },
  );
  const width = sheet.width - 2 * MARGIN;
  const bottom = sheet.height - MARGIN - mm(8);
  const sections: { title: string; page: number }[] = [];
  const section = (title: string) => {
    doc.addPage();
    sections.push({ title, page: doc.bufferedPageRange().count - 1 });
    heading(title, 22);
  };
  const heading = (text: string, size: number) => {
    doc.font(FONT.bold).fontSize(size).fillColor(COLOURS.black).text(text, MARGIN, doc.y, { width });
    doc.moveDown(0.4);
  };
  const para = (text: string, size = 11, colour: string = COLOURS.black, font: string = FONT.regular) => {
    doc.font(font).fontSize(size).fillColor(colour).text(text, MARGIN, doc.y, { width, lineGap: 2 });
    doc.moveDown(0.3);
  };
  const room = (height: number) => {
    if (doc.y + height > bottom) doc.addPage();
  };
  /** One table row; wraps each cell in its column and moves down by the tallest. */
  const row = (cells: Cell[], size = 10, shade = false, bold = false) => {
    doc.fontSize(size);
    const heights = cells.map((c) =>
      doc.font(bold ? FONT.bold : (c.font ?? FONT.regular)).heightOfString(c.text, { width: c.width - 6, lineGap: 1 }),
    );
    const h = Math.max(...heights) + 6;
    room(h);
    const top = doc.y;
    if (shade) doc.rect(MARGIN, top, width, h).fill("#F1F1F1");
    let x = MARGIN;
    for (const c of cells) {
      doc
        .font(bold ? FONT.bold : (c.font ?? FONT.regular))
        .fontSize(size)
        .fillColor(COLOURS.black)
        .text(c.text, x + 3, top + 3, { width: c.width - 6, align: c.align ?? "left", lineGap: 1 });
      x += c.width;
    }
    doc
      .moveTo(MARGIN, top + h)
      .lineTo(MARGIN + width, top + h)
      .lineWidth(0.4)
      .strokeColor(COLOURS.light)
      .stroke();
    doc.y = top + h;
  };
  const w = front.workshop;

  // Cover.
  doc.addPage();
  sections.push({ title: text("cover_section"), page: 0 });
  doc.y = sheet.height * 0.22;
  doc.font(FONT.regular).fontSize(13).fillColor(COLOURS.grey).text(text("cover_kicker"), MARGIN, doc.y, { width });
  doc.moveDown(0.4);
  doc.font(FONT.bold).fontSize(30).fillColor(COLOURS.black).text(w.title, MARGIN, doc.y, { width });
  doc.moveDown(0.5);
  para(
    text("cover_line", { minutes: w.minutes, interactives: front.interactives.length, most: front.casting.most }),
    14,
  );
  para(text("cover_for", { audience: w.audience }), 12);
  if (w.summary) para(w.summary, 12);
  doc.moveDown(1);
  front.interactives.forEach((it, i) => para(text("cover_interactive", { number: i + 1, ...it }), 11));
  doc.moveDown(1);
  para(text("cover_contents"), 10, COLOURS.grey);
  doc
    .font(FONT.mono)
    .fontSize(9)
    .fillColor(COLOURS.grey)
    .text(text("cover_version", { id: w.id, hash: front.hash }), MARGIN, bottom, { width });

  // Agenda.
  section(text("agenda_section"));
  para(text("agenda_total", { minutes: w.minutes }), 11, COLOURS.grey);
  const cols = [mm(22), mm(20), width - mm(42)];
  row(
    [
      { text: text("agenda_start"), width: cols[0]! },
      { text: text("agenda_minutes"), width: cols[1]!, align: "right" },
      { text: "", width: cols[2]! },
    ],
    10,
    false,
    true,
  );
  for (const r of front.agenda) {
    const main = r.kind === "play" || r.kind === "welcome" || r.kind === "closing" || r.kind === "break";
    row(
      [
        { text: clock(r.start), width: cols[0]!, font: FONT.mono },
        { text: String(r.minutes), width: cols[1]!, align: "right", font: FONT.mono },
        { text: r.title, width: cols[2]!, font: main ? FONT.bold : FONT.regular },
      ],
      11,
      r.kind === "play",
    );
  }
  row(
    [
      { text: clock(w.minutes), width: cols[0]!, font: FONT.mono },
      { text: "", width: cols[1]! },
      { text: text("agenda_end"), width: cols[2]!, font: FONT.bold },
    ],
    11,
  );

  // Casting.
  const c = front.casting;
  section(text("casting_section"));
  para(text("casting_most", { most: c.most, doubled: c.mostDoubled < c.most ? c.mostDoubled : undefined }), 12);
  para(text("casting_how"), 10, COLOURS.grey);
  const first = mm(28);
  const colWidth = (width - first) / c.interactives.length;
  row(
    [
      { text: "", width: first },
      ...c.interactives.map((it, i) => ({ text: `${i + 1}. ${it.title}`, width: colWidth })),
    ],
    9,
    false,
    true,
  );
  const slots = Math.max(...c.interactives.map((it) => it.slots.length));
  for (let s = 0; s < slots; s++)
    row(
      [
        { text: text("casting_volunteer", { number: s + 1 }), width: first, font: FONT.bold },
        ...c.interactives.map((it) => ({ text: it.slots[s] ?? "—", width: colWidth })),
      ],
      10,
      s % 2 === 1,
    );
  doc.moveDown(0.8);
  heading(text("casting_doubled_heading"), 13);
  for (const [i, it] of c.interactives.entries()) {
    const doublings = it.doublings.length
      ? it.doublings.map((d) => text("casting_double", { parts: listPhrase(d.labels) })).join("; ")
      : text("casting_no_double");
    para(
      text("casting_interactive", {
        number: i + 1,
        title: it.title,
        roles: it.roles.length,
        fewest: it.fewest < it.roles.length ? it.fewest : undefined,
        doublings,
      }),
      10,
    );
  }

  // Materials and print list.
  const m = front.materials;
  section(text("materials_section"));
  para(
    text("materials_paper", {
      paper: m.paper,
      totals: m.totals.map((total) => text("materials_total", total)).join(", "),
    }),
    12,
  );
  const pc = [mm(70), mm(14), mm(14), width - mm(98)];
  row(
    [
      { text: text("materials_file"), width: pc[0]! },
      { text: text("materials_pages"), width: pc[1]!, align: "right" },
      { text: text("materials_sheets"), width: pc[2]!, align: "right" },
      { text: text("materials_how"), width: pc[3]! },
    ],
    9,
    false,
    true,
  );
  for (const r of m.rows)
    row(
      [
        { text: r.file, width: pc[0]!, font: FONT.mono },
        { text: String(r.pages), width: pc[1]!, align: "right" },
        { text: String(r.sheets), width: pc[2]!, align: "right" },
        { text: text("materials_row_how", r), width: pc[3]! },
      ],
      9,
      r.interactive % 2 === 1,
    );
  doc.moveDown(0.8);
  heading(text("materials_cards_heading"), 13);
  for (const [i, it] of m.interactives.entries()) {
    room(40);
    para(text("materials_deck", { number: i + 1, title: it.title, deck: it.deck }), 11, COLOURS.black, FONT.bold);
    for (const line of it.cards) para(text("materials_card_line", line), 10);
  }
  doc.moveDown(0.5);
  room(60);
  heading(text("materials_bring_heading"), 13);
  para(text("materials_bring_note"), 10, COLOURS.grey);
  for (const line of m.bring) para(`•  ${line}`, 10);

  // A footer on every page of the front matter.
  const range = doc.bufferedPageRange();
  for (let i = 1; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, bottom: 0 };
    doc
      .font(FONT.regular)
      .fontSize(8.5)
      .fillColor(COLOURS.grey)
      .text(`${w.title} · ${w.id} · version ${front.hash}`, MARGIN, sheet.height - mm(13), {
        width,
        align: "center",
        lineBreak: false,
      });
    doc.page.margins = margins;
  }
  const done = await finish(doc);
  return { pdf: done.pdf, pages: done.pages, sections };
}
