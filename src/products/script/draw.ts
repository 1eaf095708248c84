/**
 * facilitator-script.pdf: portrait pages to read from while standing. Everything is measured
 * first and then laid out: a step is never split across pages (unless it alone is longer than a
 * page), a heading stays with what follows it, and no page but the last is left less than a
 * quarter full. A running header and footer with page numbers.
 */
import type { Kit } from "../../kit.js";
import { createDocument, finish, FONT, fontSetOf, type FontSet } from "../../render/pdf.js";
import { COLOURS, mm, PAPER } from "../../render/units.js";
import type { Product } from "../product.js";
import type { Script, ScriptStep } from "./derive.js";

const MARGIN = mm(20);
const BODY = 11.5;
const GAP = 3;
/** Width of the label column (Say, Do, Watch for…). */
const LABEL = 78;

/** One paragraph, measured: a text in a font, with an optional label in the left column. */
export interface Para {
  text: string;
  font: string;
  size: number;
  colour?: string;
  /** Left indent of the text; a label sits in the space before it. */
  indent?: number;
  label?: string;
  /** Space after, in multiples of the size. */
  after?: number;
  /** Text set at the right edge of the same first line (a step's timing). */
  aside?: { text: string; size: number };
  height?: number;
}

/** A unit of layout: a step (kept whole), or a section that may break between its paragraphs. */
export interface Block {
  paras: Para[];
  whole: boolean;
  /** A run heading: keep it on the same page as the block after it. */
  withNext?: boolean;
}

function measure(doc: PDFKit.PDFDocument, width: number, p: Para): number {
  const indent = p.indent ?? 0;
  doc.font(p.font).fontSize(p.size);
  const text = doc.heightOfString(p.text, { width: width - indent - (p.aside ? 110 : 0), lineGap: GAP });
  let label = 0;
  if (p.label) {
    doc.font(FONT.bold).fontSize(p.size);
    label = doc.heightOfString(p.label, { width: indent - 6, lineGap: GAP });
  }
  return Math.max(text, label) + (p.after ?? 0.3) * p.size;
}

const height = (b: Block | Para[]) => ("paras" in b ? b.paras : b).reduce((sum, p) => sum + p.height!, 0);

/**
 * Pages of paragraphs from blocks of measured paragraphs. A whole block that does not fit starts a
 * new page, unless that would leave the page less than a quarter full (then, and only for a block
 * longer than three quarters of a page, it is split between paragraphs). A section breaks between
 * paragraphs, never right after its heading.
 */
export function paginate(blocks: Block[], pageHeight: number): Para[][] {
  const pages: Para[][] = [[]];
  const used = () => height(pages[pages.length - 1]!);
  const place = (paras: Para[]) => pages[pages.length - 1]!.push(...paras);
  const fresh = () => {
    if (pages[pages.length - 1]!.length) pages.push([]);
  };
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const need =
      block.withNext && blocks[i + 1]
        ? height(block) + (blocks[i + 1]!.whole ? height(blocks[i + 1]!) : height(blocks[i + 1]!.paras.slice(0, 2)))
        : height(block);
    if (block.whole || block.withNext) {
      if (used() + need <= pageHeight) {
        place(block.paras);
        continue;
      }
      const emptyEnough = used() < pageHeight / 4 && used() > 0;
      if (!emptyEnough || need <= pageHeight * 0.75) {
        fresh();
        if (height(block) <= pageHeight) {
          place(block.paras);
          continue;
        }
      }
      // Longer than the room left on a page that must not stay nearly empty, or than a page: split it.
      for (const p of block.paras) {
        if (used() + p.height! > pageHeight && used() > 0) fresh();
        place([p]);
      }
      continue;
    }
    // A section: break between paragraphs, keeping the heading with the first two after it,
    // and the last two together (no list ends with one line alone atop a page).
    const n = block.paras.length;
    block.paras.forEach((p, k) => {
      const keep = k === 0 ? height(block.paras.slice(0, 3)) : k === n - 2 ? height(block.paras.slice(-2)) : p.height!;
      if (used() + keep > pageHeight && used() > 0) fresh();
      place([p]);
    });
  }
  return pages.filter((p) => p.length);
}

function stepBlock(s: ScriptStep, script: Script, commands: boolean): Block {
  const L = script.labels;
  const paras: Para[] = [
    { text: s.heading, font: FONT.bold, size: 15, after: 0.4, aside: { text: s.timing, size: 9.5 } },
  ];
  paras.push({ text: s.say, font: FONT.regular, size: BODY + 1, indent: LABEL, label: L.say, after: 0.5 });
  const lines = (list: { role: string; text: string }[], label: string) =>
    list.forEach((d, i) =>
      paras.push({
        text: d.role ? `${d.role}: ${d.text}` : d.text,
        font: FONT.regular,
        size: BODY,
        indent: LABEL,
        label: i === 0 ? label : undefined,
        after: 0.3,
      }),
    );
  lines(s.do, L.do);
  lines(s.then, L.then);
  s.watch.forEach((w, i) =>
    paras.push({
      text: w.text,
      font: w.changed ? FONT.bold : FONT.regular,
      size: BODY - 1,
      indent: LABEL,
      label: i === 0 ? L.watch : undefined,
      after: 0.2,
    }),
  );
  if (commands) {
    s.commands.forEach((c, i) =>
      paras.push({
        text: c,
        font: FONT.mono,
        size: 8.5,
        indent: LABEL,
        label: i === 0 ? L.commands : undefined,
        after: 0.15,
        colour: COLOURS.grey,
      }),
    );
  }
  if (s.postgres.length) {
    paras.push({ text: L.postgres, font: FONT.bold, size: BODY - 1, indent: LABEL, after: 0.15 });
    for (const p of s.postgres)
      paras.push({
        text: `${p.role}: ${p.text}`,
        font: FONT.mono,
        size: 9,
        indent: LABEL,
        after: 0.2,
        colour: COLOURS.vermillion,
      });
  }
  if (s.why)
    paras.push({
      text: s.why,
      font: FONT.regular,
      size: BODY - 0.5,
      indent: LABEL,
      label: L.why,
      after: 0.3,
      colour: COLOURS.blue,
    });
  paras[paras.length - 1]!.after = 1.4;
  return { paras, whole: true };
}

function section(heading: string, items: string[], bullets = true): Block {
  return {
    whole: false,
    paras: [
      { text: heading, font: FONT.bold, size: 14, after: 0.4 },
      ...items.map((text, i): Para => ({
        text,
        font: FONT.regular,
        size: BODY,
        indent: bullets ? 14 : 0,
        label: bullets ? "•" : undefined,
        after: i === items.length - 1 ? 1.2 : 0.25,
      })),
    ],
  };
}

/** Every block of the script, in reading order. */
export function scriptBlocks(script: Script, commands: boolean): Block[] {
  const H = script.headings;
  const blocks: Block[] = [
    {
      whole: true,
      paras: [
        { text: script.title, font: FONT.bold, size: 26, after: 0.3 },
        { text: script.summary, font: FONT.regular, size: BODY + 1, after: 0.4 },
        { text: script.duration, font: FONT.bold, size: BODY, after: 1.2 },
      ],
    },
    section(H.goals!, script.goals),
    section(H.volunteers!, script.volunteers),
    section(H.materials!, script.materials),
    section(H.table!, script.table),
    section(H.setup!, script.setup),
    ...(script.simplifications.length ? [section(H.simplifications!, script.simplifications)] : []),
    section(H.timing!, script.timing),
  ];
  for (const run of script.runs) {
    const head: Para[] = [{ text: run.heading ?? H.steps!, font: FONT.bold, size: 20, after: 0.3 }];
    if (run.intro) head.push({ text: run.intro, font: FONT.regular, size: BODY, after: 0.3 });
    if (run.settings) head.push({ text: run.settings, font: FONT.mono, size: 9.5, colour: COLOURS.grey, after: 0.6 });
    blocks.push({ paras: head, whole: true, withNext: true });
    if (run.reset) {
      blocks.push({
        whole: true,
        paras: [
          {
            text: run.reset.heading,
            font: FONT.bold,
            size: 15,
            after: 0.4,
            aside: { text: run.reset.timing, size: 9.5 },
          },
          ...run.reset.lines.map((text, i): Para => ({
            text,
            font: i === 0 ? FONT.bold : FONT.regular,
            size: BODY,
            indent: i === 0 ? 0 : 14,
            label: i === 0 ? undefined : "•",
            after: 0.25,
          })),
        ],
      });
      blocks[blocks.length - 1]!.paras.at(-1)!.after = 1.4;
    }
    for (const s of run.steps) blocks.push(stepBlock(s, script, commands));
  }
  if (script.debrief.length) {
    blocks.push({
      whole: true,
      withNext: true,
      paras: [
        { text: H.debrief!, font: FONT.bold, size: 20, after: 0.2 },
        { text: script.debriefTime, font: FONT.regular, size: BODY - 1, colour: COLOURS.grey, after: 0.6 },
      ],
    });
    script.debrief.forEach((d, i) =>
      blocks.push({
        whole: true,
        paras: [
          { text: `${i + 1}. ${d.question}`, font: FONT.bold, size: BODY, after: 0.2 },
          { text: d.answer, font: FONT.regular, size: BODY, indent: 16, after: 0.8 },
        ],
      }),
    );
  }
  return blocks;
}

/** The script laid out on pages: its blocks, the paragraphs of each page, and the height of a page's text. */
export interface ScriptLayout {
  blocks: Block[];
  pages: Para[][];
  height: number;
}

/**
 * Each script's layouts, by paper and commands, with the fonts they were measured in: a
 * workshop's agenda asks again on which page each step starts, after (or before) the script is
 * drawn. Read these layouts, never change them.
 */
const layouts = new WeakMap<Script, Map<string, { fonts: FontSet | undefined; layout: ScriptLayout }>>();

/** The script measured and laid out on pages of this paper (measured in the document's fonts). */
export function scriptPages(
  doc: PDFKit.PDFDocument,
  script: Script,
  commands: boolean,
  paper: keyof typeof PAPER,
): ScriptLayout {
  let known = layouts.get(script);
  if (!known) layouts.set(script, (known = new Map<string, { fonts: FontSet | undefined; layout: ScriptLayout }>()));
  const key = `${paper} ${commands}`;
  const fonts = fontSetOf(doc);
  const kept = known.get(key);
  if (kept && fonts && kept.fonts === fonts) return kept.layout;
  const sheet = PAPER[paper];
  const width = sheet.width - 2 * MARGIN;
  const blocks = scriptBlocks(script, commands);
  for (const b of blocks) for (const p of b.paras) p.height = measure(doc, width, p);
  const height = sheet.height - 2 * MARGIN;
  const layout = { blocks, pages: paginate(blocks, height), height };
  known.set(key, { fonts, layout });
  return layout;
}

function draw(doc: PDFKit.PDFDocument, width: number, p: Para, x0: number): void {
  const indent = p.indent ?? 0;
  const top = doc.y;
  const colour = p.colour ?? COLOURS.black;
  if (p.label)
    doc
      .font(FONT.bold)
      .fontSize(p.size)
      .fillColor(colour)
      .text(p.label, x0, top, { width: indent - 6, lineGap: GAP });
  doc
    .font(p.font)
    .fontSize(p.size)
    .fillColor(colour)
    .text(p.text, x0 + indent, top, { width: width - indent - (p.aside ? 110 : 0), lineGap: GAP });
  if (p.aside) {
    doc
      .font(FONT.regular)
      .fontSize(p.aside.size)
      .fillColor(COLOURS.grey)
      .text(p.aside.text, x0 + width - 110, top + 4, { width: 110, align: "right", lineBreak: false });
  }
  doc.y = top + p.height!;
}

export const facilitatorScript: Product = {
  file: "facilitator-script.pdf",
  description: "the facilitator's script: setup, every step, debrief",
  async render(kit: Kit, options, assets, sink) {
    const sheet = PAPER[options.paper];
    const doc = createDocument(
      assets.fonts,
      options.date,
      { title: `${kit.scenario.title}: facilitator script`, subject: kit.scenario.id, keywords: kit.hash },
      { ...sheet, margin: MARGIN },
      sink,
    );
    const script = kit.script;
    const width = sheet.width - 2 * MARGIN;
    const { pages } = scriptPages(doc, script, options.commands, options.paper);
    // Running header and footer on each page as it is made: the page count is known from the layout.
    pages.forEach((page, i) => {
      doc.addPage();
      doc.y = MARGIN;
      for (const p of page) draw(doc, width, p, MARGIN);
      const margins = doc.page.margins;
      doc.page.margins = { ...margins, top: 0, bottom: 0 };
      doc.font(FONT.regular).fontSize(8.5).fillColor(COLOURS.grey);
      if (i > 0) doc.text(script.header, MARGIN, mm(10), { width, lineBreak: false });
      const footer = script.footer.replace("{page}", String(i + 1)).replace("{pages}", String(pages.length));
      doc.text(footer, MARGIN, sheet.height - mm(13), { width, align: "center", lineBreak: false });
      doc.page.margins = margins;
    });
    return finish(doc);
  },
};
