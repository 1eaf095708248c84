/**
 * The combined print list and materials: for each interactive, each product's pages and sheets
 * (cards on heavier stock, printed double-sided), how many copies of each card the stage model's
 * deck holds, and what the script says to bring besides paper.
 */
import type { Kit } from "../kit.js";
import type { Paper } from "../render/units.js";
import { numbers } from "../products/script/table.js";

export interface PrintRow {
  interactive: number;
  file: string;
  pages: number;
  sheets: number;
  stock: string;
  how: string;
}

export interface CardLine {
  /** "Black write cards 1–6", "Purple jokers 4". */
  what: string;
  /** "3 copies each: Primary, Replica 1, WAL". */
  copies: string;
}

export interface InteractiveMaterials {
  title: string;
  cards: CardLine[];
  /** Cards in the deck, all kinds. */
  deck: number;
  bring: string[];
}

export interface Materials {
  paper: string;
  rows: PrintRow[];
  totals: { stock: string; sheets: number }[];
  interactives: InteractiveMaterials[];
  /** Everything to bring, once: the most any one interactive needs of each. */
  bring: string[];
}

/** How each product is printed; a product not listed is plain paper, single-sided. */
const PRINTING: Record<string, { stock: string; duplex: boolean; how: string }> = {
  "role-cards.pdf": { stock: "card stock (160–200 g/m²)", duplex: true, how: "double-sided, cut" },
  "data-cards.pdf": { stock: "card stock (160–200 g/m²)", duplex: true, how: "double-sided, cut" },
  "facilitator-script.pdf": { stock: "plain paper", duplex: true, how: "double-sided, one per facilitator" },
  "diagrams.pdf": { stock: "plain paper", duplex: false, how: "to project; print only without a projector" },
};

const KIND_WORDS: Record<string, string> = {
  write: "Black write card",
  joker: "Purple joker",
  delete: "Orange DELETE card",
  read: "Red read card",
  ack: "Blue ack",
  token: "Token",
};

/** The deck's copies, card by card, grouped where cards have the same copies. */
export function cardLines(kit: Kit): CardLine[] {
  const byCard = new Map<string, { kind: string; card?: number; label?: string; marks: string[] }>();
  for (const o of kit.stage.deck) {
    const key = o.kind === "token" ? `token|${o.label}` : `${o.kind}|${o.card}`;
    const entry = byCard.get(key) ?? { kind: o.kind, card: o.card, label: o.label, marks: [] };
    entry.marks.push(o.mark ?? (o.timeline && o.timeline > 1 ? `timeline ${o.timeline}` : ""));
    byCard.set(key, entry);
  }
  const groups = new Map<string, { kind: string; cards: number[]; labels: string[]; copies: string }>();
  for (const e of byCard.values()) {
    const marks = e.marks.filter(Boolean);
    const copies =
      e.marks.length === 1
        ? marks.length
          ? `1 copy: ${marks[0]}`
          : "1 copy"
        : `${e.marks.length} copies each${marks.length ? `: ${[...marks].join(", ")}` : ""}`;
    const key = `${e.kind}|${copies}`;
    const g = groups.get(key) ?? { kind: e.kind, cards: [], labels: [], copies };
    if (e.card !== undefined) g.cards.push(e.card);
    if (e.label) g.labels.push(e.label);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const several = g.kind === "token" ? g.labels.length > 1 : g.cards.length > 1;
    const what =
      g.kind === "token"
        ? `${KIND_WORDS.token}${several ? "s" : ""} ${g.labels.join(", ")}`
        : `${KIND_WORDS[g.kind] ?? g.kind}${several ? "s" : ""} ${g.kind === "read" ? g.cards.map((c) => `R${c}`).join(", ") : numbers(g.cards)}`;
    return {
      what,
      copies: several ? g.copies.replace(/^1 copy/, "1 copy each") : g.copies.replace(" copies each", " copies"),
    };
  });
}

export function workshopMaterials(
  interactives: { title: string; kit: Kit; folder: string; files: { path: string; pages: number }[] }[],
  paper: Paper,
): Materials {
  const rows: PrintRow[] = [];
  interactives.forEach(({ folder, files }, i) => {
    for (const f of files) {
      const how = PRINTING[f.path] ?? { stock: "plain paper", duplex: false, how: "single-sided" };
      rows.push({
        interactive: i,
        file: `${folder}/${f.path}`,
        pages: f.pages,
        sheets: how.duplex ? Math.ceil(f.pages / 2) : f.pages,
        stock: how.stock,
        how: how.how,
      });
    }
  });
  const stocks = [...new Set(rows.filter((r) => !r.how.startsWith("to project")).map((r) => r.stock))];
  const totals = stocks.map((stock) => ({
    stock,
    sheets: rows.filter((r) => r.stock === stock && !r.how.startsWith("to project")).reduce((n, r) => n + r.sheets, 0),
  }));
  // The script's list starts with the three printed products (role cards, data cards, script and
  // diagrams), which the print list above covers; the rest is what to bring.
  const each = interactives.map(({ title, kit }) => ({
    title,
    cards: cardLines(kit),
    deck: kit.stage.deck.length,
    bring: kit.script.materials.slice(3),
  }));
  return {
    paper: paper === "a4" ? "A4" : "Letter",
    rows,
    totals,
    interactives: each,
    bring: mostOfEach(each.flatMap((e) => e.bring)),
  };
}

/** Lines that differ only in their numbers ("3 chair(s)…", "4 chair(s)…") kept once, with the largest. */
export function mostOfEach(lines: string[]): string[] {
  const best = new Map<string, string>();
  const first = (line: string) => Number(/\d+/.exec(line)?.[0] ?? 0);
  for (const line of lines) {
    const key = line.replace(/\d+/g, "#");
    const kept = best.get(key);
    if (kept === undefined || first(line) > first(kept)) best.set(key, line);
  }
  return [...best.values()];
}
