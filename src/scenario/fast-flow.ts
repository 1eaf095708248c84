/**
 * The one-line pieces of the fast YAML reader (fast-yaml.ts): quoted scalars, flow collections
 * such as `{ server: primary, cards: [1, 2] }`, and the typing of plain scalars by YAML 1.2's
 * core schema, each giving exactly what the `yaml` library gives. Whatever is not plainly in the
 * subset throws NOT_FAST, and the file is read by the `yaml` library instead.
 */
import type { Spot } from "./positions.js";

/** A value and where it is written. */
export interface Read {
  value: unknown;
  spot: Spot;
}

/** Thrown (one shared object: no stack to capture) when the text is not in the subset. */
export const NOT_FAST = new Error("not in the fast reader's subset of YAML");

export function notFast(): never {
  throw NOT_FAST;
}

/** The index of the first character at or after `at` that is not a space. */
export function skipSpaces(line: string, at: number): number {
  while (line.charCodeAt(at) === 32) at++;
  return at;
}

/**
 * The text without the spaces it ends with (YAML trims spaces and tabs only, not every Unicode
 * space as `trimEnd` does: "x\u00a0" keeps its no-break space).
 */
export function trimSpaces(text: string): string {
  let end = text.length;
  while (text.charCodeAt(end - 1) === 32) end--;
  return text.slice(0, end);
}

/** Whether only spaces, or spaces and then a comment, follow `at` (YAML wants a space before "#"). */
export function restIsBlank(line: string, at: number): boolean {
  const q = skipSpaces(line, at);
  return q === line.length || (q > at && line[q] === "#");
}

/**
 * Whether a plain scalar may start at `line[at]`: not with an indicator. "-" starts one only
 * when a character that is neither a space nor a flow indicator follows (as in "-1").
 */
export function plainStarts(line: string, at: number): boolean {
  const ch = line[at];
  if (ch === "-") return at + 1 < line.length && !" ,[]{}#".includes(line[at + 1]!);
  return ch !== undefined && !"?:,[]{}#&*!|>'\"%@`".includes(ch);
}

/**
 * A map key as the subset writes them: a plain word that the core schema reads as a string.
 * Refused: `__proto__` (a JS object treats it apart), keys over 1,000 characters (the yaml
 * library refuses implicit keys over 1,024) and a repeated key (an error, uniqueKeys).
 */
export function checkKey(name: string, map: Record<string, unknown>): void {
  if (typeof plainValue(name) !== "string" || name === "__proto__" || name.length > 1000 || Object.hasOwn(map, name))
    notFast();
}

/** A key of a flow map: `word:` and a space. */
const FLOW_KEY = /([A-Za-z0-9_][A-Za-z0-9_-]*): +/y;
/** A plain scalar inside a flow collection, up to the next flow indicator. */
const FLOW_PLAIN = /[^,[\]{}:#]*/y;

/**
 * The node written at `line[at]` inside a flow collection, or the quoted scalar or collection
 * that starts a block value; `end` is the index just after it. `base` is the line's offset in
 * the file, `depth` its nesting (refused past `limit`: the yaml library reports that).
 */
export function flowNode(line: string, at: number, base: number, depth: number, limit: number): Read & { end: number } {
  if (depth > limit) notFast();
  const ch = line[at];
  if (ch === '"') return doubleQuoted(line, at, base);
  if (ch === "'") return singleQuoted(line, at, base);
  if (ch === "[") return flowSeq(line, at, base, depth, limit);
  if (ch === "{") return flowMap(line, at, base, depth, limit);
  if (!plainStarts(line, at)) notFast();
  FLOW_PLAIN.lastIndex = at;
  FLOW_PLAIN.exec(line);
  // A ":" or "#" could make a key or a comment: not worth telling apart here.
  if (line[FLOW_PLAIN.lastIndex] === ":" || line[FLOW_PLAIN.lastIndex] === "#") notFast();
  const text = trimSpaces(line.slice(at, FLOW_PLAIN.lastIndex));
  const end = at + text.length;
  return { value: plainValue(text), spot: { kind: "scalar", start: base + at, end: base + end }, end };
}

function flowSeq(line: string, open: number, base: number, depth: number, limit: number): Read & { end: number } {
  const value: unknown[] = [];
  const items: Spot[] = [];
  let at = skipSpaces(line, open + 1);
  while (line[at] !== "]") {
    const item = flowNode(line, at, base, depth + 1, limit);
    value.push(item.value);
    items.push(item.spot);
    at = skipSpaces(line, item.end);
    if (line[at] === ",") {
      at = skipSpaces(line, at + 1);
      if (line[at] === "]") notFast(); // a trailing comma: valid, but not written by anyone
    } else if (line[at] !== "]") notFast(); // the line ends (a collection over several lines), or worse
  }
  return { value, spot: { kind: "seq", start: base + open, items }, end: at + 1 };
}

function flowMap(line: string, open: number, base: number, depth: number, limit: number): Read & { end: number } {
  const value: Record<string, unknown> = {};
  const keys: { name: string; start: number; value: Spot }[] = [];
  let at = skipSpaces(line, open + 1);
  while (line[at] !== "}") {
    FLOW_KEY.lastIndex = at;
    const name = FLOW_KEY.exec(line)?.[1];
    if (name === undefined) notFast();
    checkKey(name, value);
    const item = flowNode(line, FLOW_KEY.lastIndex, base, depth + 1, limit);
    value[name] = item.value;
    keys.push({ name, start: base + at, value: item.spot });
    at = skipSpaces(line, item.end);
    if (line[at] === ",") {
      at = skipSpaces(line, at + 1);
      if (line[at] === "}") notFast();
    } else if (line[at] !== "}") notFast();
  }
  return { value, spot: { kind: "map", start: base + open, keys }, end: at + 1 };
}

/** What each escape of a double-quoted scalar stands for (YAML 1.2, as the yaml library has it). */
const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  e: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
};
const HEX = /^[0-9a-fA-F]*$/;

function doubleQuoted(line: string, open: number, base: number): Read & { end: number } {
  let value = "";
  let run = open + 1; // where the characters not yet copied start
  for (let at = open + 1; at < line.length; at++) {
    const ch = line[at];
    if (ch === '"') {
      value += line.slice(run, at);
      return { value, spot: { kind: "scalar", start: base + open, end: base + at + 1 }, end: at + 1 };
    }
    if (ch !== "\\") continue;
    value += line.slice(run, at);
    const code = line[++at];
    if (code !== undefined && Object.hasOwn(ESCAPES, code)) value += ESCAPES[code];
    else if (code === "x" || code === "u" || code === "U") {
      const digits = code === "x" ? 2 : code === "u" ? 4 : 8;
      const hex = line.slice(at + 1, at + 1 + digits);
      const point = parseInt(hex, 16);
      if (hex.length !== digits || !HEX.test(hex) || point > 0x10ffff) notFast();
      value += String.fromCodePoint(point);
      at += digits;
    } else notFast(); // an unknown escape (an error), or "\" ending the line (the text goes on below)
    run = at + 1;
  }
  return notFast(); // the scalar goes on over the next line: folding rules not worth copying
}

function singleQuoted(line: string, open: number, base: number): Read & { end: number } {
  let value = "";
  let at = open + 1;
  for (;;) {
    const close = line.indexOf("'", at);
    if (close < 0) notFast();
    value += line.slice(at, close);
    if (line[close + 1] !== "'")
      return { value, spot: { kind: "scalar", start: base + open, end: base + close + 1 }, end: close + 1 };
    value += "'"; // '' is a quote
    at = close + 2;
  }
}

/**
 * A plain scalar's value under the core schema, tested in the yaml library's order (null, bool,
 * octal, decimal and hex int, .inf/.nan, float) with its expressions and conversions.
 */
export function plainValue(text: string): unknown {
  // Most plain scalars are words: nothing but these characters can start a null, bool or number.
  if (!"~nNtTfF0123456789+-.".includes(text[0] ?? "")) return text;
  if (/^(?:~|[Nn]ull|NULL)$/.test(text)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(text)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(text)) return false;
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(text)) return parseInt(text, 10);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return parseInt(text.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(text))
    return text.slice(-3).toLowerCase() === "nan" ? NaN : text[0] === "-" ? -Infinity : Infinity;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(text)) return parseFloat(text);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(text)) return parseFloat(text);
  return text;
}
