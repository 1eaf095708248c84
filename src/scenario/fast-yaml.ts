/**
 * A fast reader for the YAML that scenarios and workshops are written in: block maps and
 * sequences (`- key: value` items too), one-line flow collections, plain scalars (over several
 * lines too), quoted scalars, block scalars (`>-`, `|`, with chomping), comments, blank lines.
 * It gives what the `yaml` library gives (the same value, the same positions), in a few
 * milliseconds instead of about a hundred.
 *
 * It is a shortcut, never a judge: anything outside that subset, anything it is unsure of, and
 * every error (a duplicate key, a tab, an anchor, a bad indent…) make it give up, and the
 * `yaml` library reads the file (and words the error) as before. So each rule below refuses
 * more than YAML does, on purpose.
 */
import { LineCounter } from "yaml";
import {
  NOT_FAST,
  checkKey,
  flowNode,
  notFast,
  plainStarts,
  plainValue,
  restIsBlank,
  skipSpaces,
  trimSpaces,
  type Read,
} from "./fast-flow.js";
import type { Spot } from "./positions.js";

/**
 * Characters the subset does without: tabs, carriage returns, controls, a byte-order mark, the
 * Unicode line breaks; and lines of nothing but spaces (blank lines carry no spaces here, which
 * keeps the ends of block scalars simple).
 */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const UNSURE = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]|^ +$/m;
/** A block map's key, followed by ":" and a space or the end of the line. */
const KEY = /([A-Za-z0-9_][A-Za-z0-9_-]*):(?: |$)/y;

/**
 * The value of a YAML text and where its nodes are written, or undefined when the text is not
 * in the subset (then read it with the `yaml` library). Nesting deeper than `depth` is refused.
 */
export function readFastYaml(
  source: string,
  depth: number,
): { raw: unknown; root: Spot; lines: LineCounter } | undefined {
  if (UNSURE.test(source)) return undefined;
  try {
    return new Reader(source, depth).document();
  } catch (error) {
    if (error === NOT_FAST) return undefined;
    throw error;
  }
}

/** The number of spaces a line starts with. */
const indentOf = (line: string) => skipSpaces(line, 0);

/** Whether a sequence item's "-" is at `line[at]`. */
const dashAt = (line: string, at: number) => line[at] === "-" && (at + 1 === line.length || line[at + 1] === " ");

class Reader {
  private readonly lines: string[];
  /** The offset in the source of each line's first character. */
  private readonly starts: number[] = [];
  /** The line being read. */
  private i = 0;

  constructor(
    private readonly source: string,
    private readonly limit: number,
  ) {
    this.lines = source.split("\n");
    let offset = 0;
    for (const line of this.lines) {
      this.starts.push(offset);
      offset += line.length + 1;
    }
  }

  document(): { raw: unknown; root: Spot; lines: LineCounter } {
    // The root is a map written from the first column (a scenario or workshop always is).
    if (this.next() !== 0) notFast();
    const { value, spot } = this.map(0, 0);
    const lines = new LineCounter();
    for (const start of this.starts) lines.addNewLine(start);
    return { raw: value, root: spot, lines };
  }

  /** Moves to the next line that is neither blank nor a comment; its indent, or -1 at the end. */
  private next(): number {
    for (; this.i < this.lines.length; this.i++) {
      const line = this.lines[this.i]!;
      const indent = indentOf(line);
      if (indent < line.length && line[indent] !== "#") return indent;
    }
    return -1;
  }

  /** A block map or sequence whose first line (line i) starts at column `col`. */
  private block(col: number, depth: number): Read {
    if (depth > this.limit) notFast();
    return dashAt(this.lines[this.i]!, col) ? this.seq(col, depth) : this.map(col, depth);
  }

  /** A block map whose keys are at column `col`; the first one on line i (perhaps after "- "). */
  private map(col: number, depth: number): Read {
    const value: Record<string, unknown> = {};
    const keys: { name: string; start: number; value: Spot }[] = [];
    for (;;) {
      const line = this.lines[this.i]!;
      KEY.lastIndex = col;
      const name = KEY.exec(line)?.[1];
      if (name === undefined) notFast();
      checkKey(name, value);
      const start = this.starts[this.i]! + col;
      const item = this.entryValue(line, col + name.length + 1, col, depth + 1);
      value[name] = item.value;
      keys.push({ name, start, value: item.spot });
      const indent = this.next();
      if (indent < col) break;
      if (indent > col) notFast(); // more indented than a key, and not part of the value before
    }
    return { value, spot: { kind: "map", start: keys[0]!.start, keys } };
  }

  /** The value of the key at column `col` of line i, whose ":" ends at `after`. */
  private entryValue(line: string, after: number, col: number, depth: number): Read {
    const at = skipSpaces(line, after);
    if (at < line.length && line[at] !== "#") return this.inline(line, at, col, depth);
    // "key:" alone: the value is the block below, more indented (or a sequence at the key's column).
    this.i++;
    const indent = this.next();
    if (indent > col || (indent === col && dashAt(this.lines[this.i]!, col))) return this.block(indent, depth);
    return notFast(); // an empty value, null: the yaml library knows where that is
  }

  /** A block sequence whose "-" are at column `col`. */
  private seq(col: number, depth: number): Read {
    const value: unknown[] = [];
    const items: Spot[] = [];
    const start = this.starts[this.i]! + col;
    for (;;) {
      const line = this.lines[this.i]!;
      const at = skipSpaces(line, col + 1);
      let item: Read;
      if (at === line.length || line[at] === "#") {
        this.i++;
        const indent = this.next();
        if (indent <= col) notFast(); // an empty item
        item = this.block(indent, depth + 1);
      } else if (dashAt(line, at))
        notFast(); // "- - x": not written in scenarios
      else {
        KEY.lastIndex = at;
        item = KEY.test(line) ? this.map(at, depth + 1) : this.inline(line, at, col, depth + 1);
      }
      value.push(item.value);
      items.push(item.spot);
      const indent = this.next();
      if (indent < col || (indent === col && !dashAt(this.lines[this.i]!, col))) break;
      if (indent > col) notFast();
    }
    return { value, spot: { kind: "seq", start, items } };
  }

  /**
   * A value that starts at `line[at]` (line i) in a block: a scalar, a block scalar or a flow
   * collection. `owner` is the column of its key or "-": text that goes on below must be indented
   * past it. Leaves line i at the first line after the value.
   */
  private inline(line: string, at: number, owner: number, depth: number): Read {
    const ch = line[at];
    if (ch === "|" || ch === ">") return this.blockScalar(line, at, owner);
    if (ch === '"' || ch === "'" || ch === "[" || ch === "{") {
      const read = flowNode(line, at, this.starts[this.i]!, depth, this.limit);
      if (!restIsBlank(line, read.end)) notFast();
      this.i++;
      return read;
    }
    return this.plain(line, at, owner);
  }

  /**
   * A plain scalar, perhaps over several lines: those more indented than `owner` join it, with a
   * space (or, across blank lines, a line break for each blank line).
   */
  private plain(line: string, at: number, owner: number): Read {
    if (!plainStarts(line, at)) notFast();
    const comment = line.indexOf(" #", at);
    let text = trimSpaces(line.slice(at, comment < 0 ? line.length : comment));
    if (!plainLine(text)) notFast();
    const start = this.starts[this.i]! + at;
    let end = start + text.length;
    this.i++;
    // After a comment nothing may join the scalar (the yaml library refuses what tries to).
    for (let j = this.i, blank = 0; comment < 0 && j < this.lines.length; j++) {
      const next = this.lines[j]!;
      if (next === "") {
        blank++;
        continue;
      }
      const indent = indentOf(next);
      if (indent <= owner || next[indent] === "#") break;
      const more = trimSpaces(next.slice(indent));
      if (!plainLine(more) || !plainStarts(more, 0) || more.startsWith("-") || more.includes(" #")) notFast();
      text += (blank > 0 ? "\n".repeat(blank) : " ") + more;
      end = this.starts[j]! + indent + more.length;
      this.i = j + 1;
      blank = 0;
    }
    return { value: plainValue(text), spot: { kind: "scalar", start, end } };
  }

  /**
   * A block scalar: `|` keeps line breaks, `>` folds them into spaces; `-` strips the final line
   * break, `+` keeps the blank lines after the text too. Its lines are indented as its first line
   * is (which must be past `owner`); a less indented line ends it.
   */
  private blockScalar(line: string, at: number, owner: number): Read {
    const header = line.slice(at);
    // No indentation indicator, no comment after the header, no blank line before the text.
    if (!/^[|>][-+]?$/.test(header)) notFast();
    const first = this.lines[this.i + 1];
    if (first === undefined || first === "") notFast();
    const indent = indentOf(first);
    if (indent <= owner) notFast(); // an empty scalar
    let j = this.i + 1;
    let last = j; // the last line with text
    for (; j < this.lines.length; j++) {
      const next = this.lines[j]!;
      if (next === "") continue;
      if (indentOf(next) < indent) break;
      last = j;
    }
    const text = this.lines.slice(this.i + 1, last + 1).map((l) => l.slice(indent));
    if (header[0] === ">" && text.some((l) => l[0] === " ")) notFast(); // more-indented lines fold apart
    let value = header[0] === ">" ? fold(text) : text.join("\n");
    // Where the scalar ends: after its last line of text; with "+", after the blank lines too.
    const keep = header[1] === "+";
    const endLine = keep ? j : last + 1;
    const end = endLine < this.lines.length ? this.starts[endLine]! : this.source.length;
    if (header[1] === undefined) value += "\n";
    // With "+": a line break for the last line of text and one for each blank line after it
    // (the source's own last line break ends a line, it is no blank line).
    else if (keep) value += "\n".repeat(Math.max(1, this.source.slice(this.starts[last], end).split("\n").length - 1));
    const start = this.starts[this.i]! + at;
    this.i = endLine;
    return { value, spot: { kind: "scalar", start, end } };
  }
}

/** Whether one line of a plain scalar is free of what would make it a key (": ", a final ":"). */
function plainLine(text: string): boolean {
  return !text.includes(": ") && !text.endsWith(":");
}

/** The lines of a folded block scalar joined as the yaml library joins them. */
function fold(lines: string[]): string {
  let value = "";
  let sep = "";
  for (const line of lines) {
    if (line !== "") {
      value += sep + line;
      sep = " ";
    } else if (sep === "\n") value += "\n";
    else sep = "\n";
  }
  return value;
}
