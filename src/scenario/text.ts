/**
 * Text that cannot reach paper. Every character of every text in a scenario either prints with a
 * real glyph of the kit's fonts or is refused here, at the line and column where it is written,
 * named (U+XXXX and what it is). Control characters are refused always (they would make SVG
 * invalid XML and can rewrite a terminal); right-to-left scripts are refused clearly, since the
 * kit cannot lay them out; combining accents too (the fonts do not place them: type the accented
 * letter itself).
 */
import type { Diagnostic, Position } from "./diagnostics.js";
import type { Path, Positions } from "./positions.js";

const NAMES: Record<number, string> = {
  0x00: "NULL",
  0x07: "BELL",
  0x08: "BACKSPACE",
  0x09: "TAB",
  0x0b: "LINE TABULATION",
  0x0c: "FORM FEED",
  0x0d: "CARRIAGE RETURN",
  0x1b: "ESCAPE",
  0x7f: "DELETE",
  0x85: "NEXT LINE",
  0x9b: "CONTROL SEQUENCE INTRODUCER",
  0xa0: "NO-BREAK SPACE",
  0xad: "SOFT HYPHEN",
  0x200b: "ZERO WIDTH SPACE",
  0x200c: "ZERO WIDTH NON-JOINER",
  0x200d: "ZERO WIDTH JOINER",
  0x200e: "LEFT-TO-RIGHT MARK",
  0x200f: "RIGHT-TO-LEFT MARK",
  0x2028: "LINE SEPARATOR",
  0x2029: "PARAGRAPH SEPARATOR",
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2060: "WORD JOINER",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0xfeff: "ZERO WIDTH NO-BREAK SPACE",
  0xfffd: "REPLACEMENT CHARACTER",
};

const KINDS: [RegExp, string][] = [
  [/\p{Extended_Pictographic}/u, "an emoji"],
  [/\p{Script=Greek}/u, "a Greek letter"],
  [/\p{Script=Cyrillic}/u, "a Cyrillic letter"],
  [/\p{Script=Armenian}/u, "an Armenian letter"],
  [/\p{Script=Georgian}/u, "a Georgian letter"],
  [/\p{Script=Han}/u, "a Chinese (Han) character"],
  [/\p{Script=Hiragana}/u, "a Japanese Hiragana character"],
  [/\p{Script=Katakana}/u, "a Japanese Katakana character"],
  [/\p{Script=Hangul}/u, "a Korean Hangul character"],
  [/\p{Script=Thai}/u, "a Thai letter"],
  [/\p{Script=Devanagari}/u, "a Devanagari letter"],
  [/\p{Script=Bengali}/u, "a Bengali letter"],
  [/\p{Script=Tamil}/u, "a Tamil letter"],
  [/\p{Script=Ethiopic}/u, "an Ethiopic letter"],
  [/\p{Script=Latin}/u, "a Latin letter"],
  [/\p{Zs}/u, "a space character"],
  [/\p{Cf}/u, "an invisible formatting character"],
  [/\p{Co}/u, "a private-use character"],
  [/\p{Cn}/u, "an unassigned code point"],
  [/\p{S}/u, "a symbol"],
  [/\p{P}/u, "a punctuation mark"],
  [/\p{N}/u, "a digit or number"],
];

const RIGHT_TO_LEFT =
  /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;
const RTL_NAMES: [RegExp, string][] = [
  [/\p{Script=Hebrew}/u, "a Hebrew letter"],
  [/\p{Script=Arabic}/u, "an Arabic letter"],
];
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const BIDI_CONTROL = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** "U+00E9" for a code point. */
export const codePoint = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** A character named for a message: U+XXXX, its name when we know it, else what kind of character it is. */
export function nameOf(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const named = NAMES[cp];
  if (named) return `${codePoint(cp)} ${named}`;
  const kind = [...RTL_NAMES, ...KINDS].find(([re]) => re.test(ch))?.[1];
  const shown = /[\p{L}\p{N}\p{S}\p{P}]/u.test(ch) ? ` "${ch}"` : "";
  return `${codePoint(cp)}${shown}${kind ? `, ${kind},` : ""}`;
}

/** Why a character of a scenario's text cannot be printed, or undefined when it can. */
export function unprintable(ch: string, printable: ReadonlySet<number> | undefined): string | undefined {
  if (ch === "\n") return undefined;
  if (CONTROL.test(ch)) return `the control character ${nameOf(ch)} cannot be printed; remove it`;
  if (BIDI_CONTROL.test(ch) || RIGHT_TO_LEFT.test(ch))
    return `${nameOf(ch)} belongs to right-to-left text, which the kit cannot lay out yet; write this text in a left-to-right script`;
  if (/\p{M}/u.test(ch))
    return `the combining mark ${nameOf(ch)} cannot be printed well (the fonts do not place accents): type the accented letter itself`;
  if (printable && !printable.has(ch.codePointAt(0)!))
    return `${nameOf(ch)} cannot be printed: the kit's fonts have no glyph for it`;
  return undefined;
}

/**
 * Every text value of the parsed scenario, checked character by character. Each text with a
 * character that cannot be printed gets one problem, at that character's position when it is
 * written literally (else at the start of the text: it came from an escape such as "\u200b").
 */
export function textProblems(
  raw: unknown,
  positions: Positions,
  source: string,
  file: string,
  printable: ReadonlySet<number> | undefined,
): Diagnostic[] {
  const problems: Diagnostic[] = [];
  // One path, extended and cut back as the walk goes; copied only for a text with a problem.
  const path: (string | number)[] = [];
  const visit = (value: unknown) => {
    if (typeof value === "string") {
      const found = firstProblem(value, printable);
      if (!found) return;
      const at = [...path];
      const where = positions.find(at, found.ch, source) ?? positions.value(at);
      const more =
        found.others > 0
          ? ` (and ${found.others} more such character${found.others === 1 ? "" : "s"} in this text)`
          : "";
      problems.push({ file, position: where, message: `${found.why}${more}` });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else if (value !== null && typeof value === "object") {
      for (const key of Object.keys(value)) {
        path.push(key);
        visit((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  visit(raw);
  return problems;
}

/** Printable ASCII and line breaks: characters that only the fonts could refuse. */
const PLAIN = /^[\n\x20-\x7e]*$/;

/** Whether a set of printable characters holds every printable ASCII character (kept per set). */
const asciiIn = new WeakMap<ReadonlySet<number>, boolean>();
function coversAscii(printable: ReadonlySet<number>): boolean {
  let covers = asciiIn.get(printable);
  if (covers === undefined) {
    covers = true;
    for (let cp = 0x20; cp <= 0x7e; cp++) covers &&= printable.has(cp);
    asciiIn.set(printable, covers);
  }
  return covers;
}

/**
 * The first character of a text that cannot be printed, why, and how many more there are. A text
 * of plain ASCII the fonts cover has none, and is not read character by character.
 */
export function firstProblem(
  text: string,
  printable: ReadonlySet<number> | undefined,
): { ch: string; why: string; others: number } | undefined {
  if (PLAIN.test(text) && (!printable || coversAscii(printable))) return undefined;
  let first: { ch: string; why: string } | undefined;
  let others = 0;
  for (const ch of text) {
    const why = unprintable(ch, printable);
    if (!why) continue;
    if (first) others++;
    else first = { ch, why };
  }
  return first && { ...first, others };
}

export type { Path, Position };
