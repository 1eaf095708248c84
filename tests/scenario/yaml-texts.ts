/**
 * Random scenario-like YAML texts for the property test of the fast reader: block maps and
 * sequences nested at random indents, `- key: value` items, flow maps and sequences, every scalar
 * style (plain over one or several lines, quoted with escapes, literal and folded with chomping),
 * comments, blank lines, odd spacing, unicode. Most texts are valid and in the fast reader's
 * subset; some are not (a tab, a duplicate key, a stray indent…): the `yaml` library is the
 * oracle, not this file, so no text here needs to be right.
 */
import fc from "fast-check";

type Gen = fc.GeneratorValue;
type Pick = <T>(...choices: T[]) => T;

const WORDS = ["primary", "standby", "Writer,", "two cards", "card 4", "the WAL", "in order.", "x", "A", "go"];
/** Odd but fine: every typing of plain scalars, unicode, characters that are special elsewhere. */
const ODD = [
  "1",
  "-0",
  "+3",
  "007",
  "0x1F",
  "0o17",
  "1.5",
  "1.",
  ".5",
  "1e3",
  "-2.5E-3",
  ".inf",
  "-.Inf",
  "+.INF",
  ".nan",
  ".NaN",
  "true",
  "False",
  "TRUE",
  "yes",
  "on",
  "null",
  "~",
  "Null",
  "NULL",
  "0b1",
  "1_000",
  "2026-12-01",
  "café",
  "naïve — dash",
  "日本語",
  "🐘",
  "a\u00a0b",
  "a:b",
  "http://x",
  "a#b",
  "[x]",
  "{y}",
  "a, b",
  "'q'",
  '"dq"',
  "it's",
  "\\",
  "-x",
  "two  spaces",
  "x?",
  "50%",
  "a|b",
  "x\u00a0",
  "\u3000y",
  "z\u2003",
];
/** What the fast reader refuses or YAML gets wrong: indicators, ": ", " #", tabs, odd breaks. */
const NASTY = [
  "a: b",
  "end:",
  "a #b",
  "-",
  "- x",
  "?",
  "? x",
  "&a",
  "*b",
  "!t",
  "%",
  "@",
  "`",
  "|",
  ">",
  "#",
  ",",
  "x\ty",
  "x\u2028y",
  "x\u0085y",
  " lead",
  "trail ",
];
const KEYS = ["id", "label", "kind", "say", "on", "to", "from", "cards", "steps", "a-b", "_x", "x_1", "k"];
const ODD_KEYS = ["true", "1", "null", "constructor", "__proto__", "-k", "k k", '"q"', "k:", "0x1"];

/** One random document: a block map at the first column, as every scenario is. */
export function yamlText(gen: Gen): string {
  const pick: Pick = (...choices) => gen(fc.constantFrom, ...choices) as (typeof choices)[number];
  const chance = (p: number) => gen(fc.integer, { min: 0, max: 99 }) < p * 100;
  // Half the texts are clean (in the subset, mostly); the others may hold anything.
  const w = new Writer(pick, chance, chance(0.5));
  const lines = w.mapLines(0, 0);
  if (chance(0.3)) lines.unshift("# yaml-language-server: $schema=../schema/scenario.schema.json");
  return lines.join("\n") + pick("\n", "\n", "", "\n\n");
}

class Writer {
  constructor(
    private readonly pick: Pick,
    private readonly chance: (p: number) => boolean,
    private readonly nasty: boolean,
  ) {}

  /** Something that is wrong or outside the subset, in a nasty text only. */
  private odd(p: number): boolean {
    return this.nasty && this.chance(p);
  }

  private text(): string {
    const n = this.pick(1, 1, 2, 3, 5);
    const parts = Array.from({ length: n }, () =>
      this.odd(0.05) ? this.pick(...NASTY) : this.chance(0.15) ? this.pick(...ODD) : this.pick(...WORDS),
    );
    return parts.join(this.pick(" ", " ", "  "));
  }

  /** A key for a map that has `used` already: a clean text repeats none. */
  private key(used: Set<string>): string {
    if (this.odd(0.04)) return this.pick(...ODD_KEYS);
    let key = this.pick(...KEYS);
    if (!this.nasty) while (used.has(key)) key += this.pick("-2", "_b", "x");
    used.add(key);
    return key;
  }

  private comment(): string {
    if (this.odd(0.05)) return "#tight";
    return this.chance(0.15) ? this.pick(" # note", "  #: x", " # é — 🐘") : "";
  }

  /** Blank lines and comment lines between two lines of a block, at odd indents. */
  private gap(col: number): string[] {
    if (this.odd(0.05)) return ["  "];
    if (!this.chance(0.2)) return [];
    return [this.pick("", "", `${" ".repeat(col)}# between`, "# left", `${" ".repeat(col + 3)}# deep`)];
  }

  private step(): number {
    return this.pick(2, 2, 2, 1, 3, 4);
  }

  mapLines(col: number, depth: number): string[] {
    const lines: string[] = [];
    const n = this.pick(1, 2, 3, 4);
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      const head = `${" ".repeat(col)}${this.key(used)}${this.odd(0.03) ? " :" : ":"}`;
      const { same, below } = this.value(col, depth, true);
      lines.push(same === undefined ? head + this.comment() : `${head}${this.pick(" ", " ", "  ")}${same}`);
      lines.push(...below, ...this.gap(col));
    }
    return lines;
  }

  private seqLines(col: number, depth: number): string[] {
    const lines: string[] = [];
    const n = this.pick(1, 2, 3);
    for (let i = 0; i < n; i++) {
      const dash = `${" ".repeat(col)}-${this.pick(" ", " ", "  ")}`;
      if (depth < 4 && this.chance(0.35)) {
        // "- key: value": the map's keys at the column after the dash.
        const map = this.mapLines(dash.length, depth + 1);
        lines.push(dash + map[0]!.slice(dash.length), ...map.slice(1));
      } else {
        const { same, below } = this.value(col, depth, false);
        lines.push(same === undefined ? `${" ".repeat(col)}-${this.comment()}` : dash + same, ...below);
      }
      lines.push(...this.gap(col));
    }
    return lines;
  }

  /** A value after "key:" or "-" at column `owner`: what goes on that line, and the lines below. */
  private value(owner: number, depth: number, inMap: boolean): { same?: string; below: string[] } {
    const kind = depth >= 4 ? "scalar" : this.pick("scalar", "scalar", "scalar", "map", "seq", "flow");
    const col = owner + this.step();
    if (kind === "map") return { below: this.mapLines(col, depth + 1) };
    if (kind === "seq") return { below: this.seqLines(inMap && this.chance(0.3) ? owner : col, depth + 1) };
    if (kind === "flow") return { same: this.flow(depth) + this.comment(), below: [] };
    return this.scalar(owner, col);
  }

  private flow(depth: number): string {
    const inner = () => (depth < 4 && this.chance(0.3) ? this.flow(depth + 1) : this.flowScalar());
    const n = this.pick(0, 1, 2, 3);
    const [sp, end] = this.pick([" ", " "], ["", ""], ["  ", " "]);
    if (this.chance(0.5)) {
      const used = new Set<string>();
      const items = Array.from({ length: n }, () => `${this.key(used)}:${this.odd(0.05) ? "" : " "}${inner()}`);
      return n === 0 ? "{}" : `{${sp}${items.join(this.pick(", ", ",", " , "))}${end}}`;
    }
    const items = Array.from({ length: n }, inner);
    return `[${items.join(this.pick(", ", ",", " , "))}${this.odd(0.05) ? "," : ""}]`;
  }

  private flowScalar(): string {
    const text = this.odd(0.1) ? this.pick(...NASTY) : this.chance(0.5) ? this.pick(...ODD) : this.pick(...WORDS);
    return this.pick(text, text, this.single(text), this.double(text));
  }

  private single(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
  }

  private double(text: string): string {
    const escaped = text.replace(/[\\"]/g, (c) => `\\${c}`);
    if (this.odd(0.1)) return `"${escaped}${this.pick("\\q", "\\u12", "\\UFFFFFFFF", "\\", "\\x4")}"`;
    const extra = this.pick(
      "",
      "",
      "\\n",
      "\\t",
      "\\u00e9",
      "\\x41",
      "\\U0001F418",
      "\\/",
      "\\ ",
      "\\_",
      "\\N",
      "\\e",
      "\\0",
      "\\L",
      '\\"',
      "\\\\",
    );
    return `"${escaped}${extra}"`;
  }

  /** A scalar after "key:" or "-" at column `owner`; lines below it at column `col`. */
  private scalar(owner: number, col: number): { same: string; below: string[] } {
    const style = this.pick("plain", "plain", "plain", "lines", "single", "double", "block");
    const text = this.text();
    if (style === "plain") return { same: text + this.comment(), below: [] };
    if (style === "single") return { same: this.single(text) + this.comment(), below: [] };
    if (style === "double") return { same: this.double(text) + this.comment(), below: [] };
    const rows = Array.from({ length: this.pick(1, 2, 3, 4) }, () => this.text());
    const at = (extra = 0) => " ".repeat(this.odd(0.05) ? owner : col + extra);
    const below: string[] = [];
    for (const row of rows.slice(style === "lines" ? 1 : 0)) {
      if (this.chance(0.15)) below.push(style === "lines" && !this.odd(0.3) ? "" : this.pick("", `${at()}# in text`));
      below.push(at(this.chance(0.1) ? 1 : 0) + row);
    }
    if (style === "lines") return { same: rows[0]!, below };
    if (this.chance(0.3)) below.push(...this.pick([""], ["", ""], [`${" ".repeat(owner)}# after`]));
    const header = this.odd(0.1) ? this.pick(">2", "|-  # c", "|x") : this.pick("|", ">", ">-", "|-", "|+", ">+");
    return { same: header, below };
  }
}
