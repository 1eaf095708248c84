/**
 * What a page's content operators show, read as a renderer reads them: each text shown (its
 * glyph ids and the adjustments between them, its font, its size and its text matrix as it
 * stands in user space, the transforms around it applied), and every other operator as written.
 * Two streams that read the same draw the same page, whatever their strings look like (hex or
 * literal) and whether a last adjustment of 0 is written. Glyph ids are two bytes (the kit's
 * fonts are embedded with Identity-H).
 */

/** A text shown: its font and size as set, its text matrix times the transform, and what it shows. */
export interface Shown {
  font: string;
  size: number;
  matrix: number[];
  /** Glyph ids, and adjustments (thousandths of the size) where they are not 0; adjacent strings joined. */
  glyphs: (number[] | number)[];
}

export type Painted = Shown | string;

type Token = { kind: "number"; value: number } | { kind: "string"; bytes: number[] } | { kind: "other"; text: string };

/** The bytes of a literal string's body, its escapes read (PDF 32000-1, 7.3.4.2). */
function literal(body: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\r") {
      bytes.push(10); // a bare CR, or CR LF, is read as one LF
      if (body[i + 1] === "\n") i++;
    } else if (c !== "\\") bytes.push(c.charCodeAt(0));
    else {
      const e = body[++i]!;
      const octal = /^[0-7]{1,3}/.exec(body.slice(i, i + 3));
      if (octal) {
        bytes.push(parseInt(octal[0], 8) & 0xff);
        i += octal[0].length - 1;
      } else if (e === "\r" || e === "\n") {
        if (e === "\r" && body[i + 1] === "\n") i++; // a line continued
      } else bytes.push(({ n: 10, r: 13, t: 9, b: 8, f: 12 } as Record<string, number>)[e] ?? e.charCodeAt(0));
    }
  }
  return bytes;
}

function tokens(content: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < content.length) {
    const c = content[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "(") {
      let depth = 1;
      let j = i + 1;
      for (; depth > 0; j++) {
        if (j >= content.length) throw new Error("unterminated string");
        if (content[j] === "\\") j++;
        else if (content[j] === "(") depth++;
        else if (content[j] === ")") depth--;
      }
      out.push({ kind: "string", bytes: literal(content.slice(i + 1, j - 1)) });
      i = j;
    } else if (c === "<" && content[i + 1] !== "<") {
      const end = content.indexOf(">", i);
      const hex = content.slice(i + 1, end).replace(/\s/g, "");
      const bytes: number[] = [];
      for (let k = 0; k < hex.length; k += 2) bytes.push(parseInt(hex.slice(k, k + 2).padEnd(2, "0"), 16));
      out.push({ kind: "string", bytes });
      i = end + 1;
    } else if (c === "[" || c === "]") {
      out.push({ kind: "other", text: c });
      i++;
    } else {
      const m = /^[^\s()<>[\]]+/.exec(content.slice(i))!;
      const text = m[0];
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) out.push({ kind: "number", value: Number(text) });
      else out.push({ kind: "other", text });
      i += text.length;
    }
  }
  return out;
}

/** a × b, for matrices [a b c d e f] as PDF writes them. */
function multiply(a: number[], b: number[]): number[] {
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4, b5] = b as [number, number, number, number, number, number];
  return [
    a0 * b0 + a1 * b2,
    a0 * b1 + a1 * b3,
    a2 * b0 + a3 * b2,
    a2 * b1 + a3 * b3,
    a4 * b0 + a5 * b2 + b4,
    a4 * b1 + a5 * b3 + b5,
  ];
}

function glyphIds(bytes: number[]): number[] {
  const ids: number[] = [];
  for (let k = 0; k + 1 < bytes.length; k += 2) ids.push(bytes[k]! * 256 + bytes[k + 1]!);
  return ids;
}

const TEXT_STATE = new Set(["BT", "ET", "Tm", "Tf", "TJ", "Tj"]);

/** What `content` (a page's operators) paints, in order. */
export function painted(content: string): Painted[] {
  const out: Painted[] = [];
  let ctm = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  let tm = [1, 0, 0, 1, 0, 0];
  let font = "";
  let size = 0;
  let operands: Token[] = [];
  let array: (number[] | number)[] | null = null;
  let shown: (number[] | number)[] = [];
  const show = (glyphs: (number[] | number)[]) => {
    const joined: (number[] | number)[] = [];
    for (const g of glyphs) {
      const last = joined[joined.length - 1];
      if (typeof g === "number") {
        if (g !== 0) joined.push(g);
      } else if (Array.isArray(last)) last.push(...g);
      else joined.push([...g]);
    }
    out.push({ font, size, matrix: multiply(tm, ctm), glyphs: joined });
  };
  for (const t of tokens(content)) {
    if (t.kind === "other" && t.text === "[") array = [];
    else if (t.kind === "other" && t.text === "]") {
      shown = array ?? [];
      operands.push({ kind: "other", text: `[${shown.map(String).join(" ")}]` });
      array = null;
    } else if (array && t.kind === "number") array.push(t.value);
    else if (array && t.kind === "string") array.push(glyphIds(t.bytes));
    else if (t.kind !== "other" || t.text.startsWith("/")) operands.push(t);
    else {
      const op = t.text;
      const numbers = operands.flatMap((o) => (o.kind === "number" ? [o.value] : []));
      if (op === "q") stack.push(ctm);
      else if (op === "Q") ctm = stack.pop()!;
      else if (op === "cm") ctm = multiply(numbers, ctm);
      else if (op === "BT") tm = [1, 0, 0, 1, 0, 0];
      else if (op === "Tm") tm = numbers;
      else if (op === "Tf") [font, size] = [(operands[0] as { text: string }).text, numbers[0]!];
      else if (op === "TJ") show(shown);
      else if (op === "Tj") show([glyphIds((operands[0] as { bytes: number[] }).bytes)]);
      if (!TEXT_STATE.has(op)) {
        const args = operands.map((o) => (o.kind === "number" ? String(o.value) : o.kind === "other" ? o.text : "()"));
        out.push([...args, op].join(" "));
      }
      operands = [];
    }
  }
  return out;
}
