/**
 * YAML text → a plain value with the positions of its nodes, for every file replikit reads
 * (scenarios and workshops): flow nesting checked before the parser recurses, the first syntax
 * error at its line, aliases and nesting within limits. Each problem is reported at its line and
 * column, and ends the reading (what follows would mostly echo it).
 */
import { LineCounter, parseDocument } from "yaml";
import { ScenarioError, type Diagnostic, type Position } from "./diagnostics.js";
import { readFastYaml } from "./fast-yaml.js";
import { Positions, fromDocument, type Path } from "./positions.js";

const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

export function readYaml(
  source: string,
  problems: Diagnostic[],
  report: (position: Position | undefined, message: string) => void,
  limits: { depth: number; aliases: number },
): { raw: unknown; positions: Positions } {
  const deep = flowTooDeep(source, limits.depth);
  if (deep) {
    report(deep, `nesting deeper than ${limits.depth} levels`);
    throw new ScenarioError(problems);
  }
  // Most files are in the subset the fast reader knows, and it gives what the yaml library would
  // (tests/scenario/fast-yaml.test.ts holds it to that); any other file, and every error, is the
  // yaml library's to read and to word.
  const fast = readFastYaml(source, limits.depth);
  let exact: Positions | undefined;
  const { raw, positions } = fast
    ? { raw: fast.raw, positions: new Positions(fast.root, fast.lines, () => (exact ??= exactPositions(source))) }
    : readSlowly(source, problems, report, limits);
  const tooDeep = depthPath(raw, limits.depth);
  if (tooDeep) {
    report(positions.value(tooDeep), `nesting deeper than ${limits.depth} levels`);
    throw new ScenarioError(problems);
  }
  return { raw, positions };
}

/** The `yaml` library's reading, with its errors reported. */
function readSlowly(
  source: string,
  problems: Diagnostic[],
  report: (position: Position | undefined, message: string) => void,
  limits: { depth: number; aliases: number },
): { raw: unknown; positions: Positions } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, ...OPTIONS });
  // The first syntax error is the one to fix: those after it are mostly its echoes.
  const syntax = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (syntax.length > 0) {
    const first = syntax[0]!;
    const { line, col } = lines.linePos(first.pos[0]);
    const more = syntax.length > 1 ? ` (${syntax.length - 1} more YAML error(s) may follow from it)` : "";
    report(
      { line, column: col },
      `YAML: ${first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}${more}`,
    );
    throw new ScenarioError(problems);
  }

  const positions = new Positions(fromDocument(doc), lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: limits.aliases });
  } catch (error) {
    report({ line: 1, column: 1 }, `YAML: ${(error as Error).message} (at most ${limits.aliases} aliases)`);
    throw new ScenarioError(problems);
  }
  return { raw, positions };
}

/** The positions the yaml library gives, for the rare question the fast reader leaves to it. */
export function exactPositions(source: string): Positions {
  const lines = new LineCounter();
  return new Positions(fromDocument(parseDocument(source, { lineCounter: lines, ...OPTIONS })), lines);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Where flow collections ([ and {) nest deeper than the limit, found before the YAML parser
 * recurses into them (it would exhaust the stack long before any check of ours could run). Read
 * by UTF-16 code unit (every character that matters here is ASCII, so no surrogate is one of
 * them); only a position reported counts its line's characters, by code point as an editor does.
 */
function flowTooDeep(source: string, limit: number): Position | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = 0;
  let comment = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === NEWLINE) {
      line++;
      lineStart = i + 1;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (ch === quote) quote = 0;
    } else if (ch === DOUBLE_QUOTE || ch === SINGLE_QUOTE) quote = ch;
    else if (ch === HASH) comment = true;
    else if (ch === OPEN_SQUARE || ch === OPEN_CURLY) {
      if (++depth > limit) return { line, column: [...source.slice(lineStart, i + 1)].length };
    } else if (ch === CLOSE_SQUARE || ch === CLOSE_CURLY) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

const [NEWLINE, DOUBLE_QUOTE, SINGLE_QUOTE, HASH, OPEN_SQUARE, OPEN_CURLY, CLOSE_SQUARE, CLOSE_CURLY] = [
  ..."\n\"'#[{]}",
].map((c) => c.charCodeAt(0));

/** The path to the first value nested deeper than the limit, depth first; one path kept and extended, not copied at every node. */
function depthPath(value: unknown, limit: number): Path | undefined {
  const path: (string | number)[] = [];
  const tooDeep = (v: unknown): boolean => {
    if (path.length > limit) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (tooDeep(v[i])) return true;
        path.pop();
      }
    } else if (isMap(v)) {
      for (const key of Object.keys(v)) {
        path.push(key);
        if (tooDeep(v[key])) return true;
        path.pop();
      }
    }
    return false;
  };
  return tooDeep(value) ? path : undefined;
}
