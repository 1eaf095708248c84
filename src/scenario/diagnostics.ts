/**
 * Problems found in a scenario, as values that carry their position, and their text form
 * `FILE:LINE:COLUMN: message`, followed by the offending line and a caret.
 */

/** A 1-based line and column in a scenario file. */
export interface Position {
  line: number;
  column: number;
}

/** One problem in one file. `position` is absent only when the whole file is at fault. */
export interface Diagnostic {
  file: string;
  position?: Position;
  message: string;
}

/** Thrown by the parser and the simulator when a scenario cannot be used; carries every problem. */
export class ScenarioError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("\n"));
    this.name = "ScenarioError";
    // In file order, so a reader can work down the file.
    const at = (d: Diagnostic) => (d.position ? d.position.line * 1e6 + d.position.column : 0);
    this.diagnostics = [...diagnostics].sort((a, b) => at(a) - at(b));
  }
}

/**
 * Text from a scenario made safe to show on a terminal: control characters (an escape sequence
 * could rewrite the screen) become their visible pictures (␛ for ESCAPE), and characters that
 * reorder text (bidi controls) become "�". One character each, so carets stay in place.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return "\ufffd";
  });
}

/** Formats problems the way compilers do, with the source line and a caret under the column. */
export function formatDiagnostics(diagnostics: Diagnostic[], source?: string): string {
  const lines = source?.split(/\r?\n/);
  return diagnostics
    .map((d) => {
      if (!d.position) return visible(`${d.file}: ${d.message}`);
      const { line, column } = d.position;
      const head = visible(`${d.file}:${line}:${column}: ${d.message}`);
      const text = lines?.[line - 1];
      if (text === undefined) return head;
      const gutter = `${line} | `;
      const shown = visible(text.length > 200 ? text.slice(0, 200) + "…" : text);
      const caret = " ".repeat(gutter.length + Math.min(column - 1, shown.length)) + "^";
      return `${head}\n${gutter}${shown}\n${caret}`;
    })
    .join("\n");
}

/** Levenshtein distance, small and iterative: names here are short. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate to a misspelt name, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean `x`?)" or "" — appended to messages about unknown names. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const guess = closest(name, candidates);
  return guess === undefined ? "" : `; did you mean "${guess}"?`;
}
