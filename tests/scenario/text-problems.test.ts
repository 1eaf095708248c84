/**
 * firstProblem skips a text of plain ASCII when the fonts cover ASCII. It must find exactly what
 * reading every character finds (kept here as the oracle), for texts mixing ASCII, line breaks,
 * tabs and other controls, accents, combining marks, right-to-left letters and characters the
 * fonts lack, with the shipped fonts' set, with a set that lacks some ASCII, and with none.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { printableIn } from "../../src/render/fonts/coverage.js";
import { firstProblem, unprintable } from "../../src/scenario/text.js";
import { assets } from "../helpers.js";

/** firstProblem as it was (2026-12-02): every character looked at. */
function firstProblemBefore(text: string, printable: ReadonlySet<number> | undefined) {
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

const shipped = printableIn(assets.fonts);
const noQuestionMark = new Set([...shipped].filter((cp) => cp !== 0x3f));
const text = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((cp) => String.fromCodePoint(cp)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "\n",
          "\t",
          "\r",
          "\x7f",
          "\x1b",
          "é",
          "\u0301",
          "א",
          "\u200f",
          "\u2028",
          "→",
          "🙂",
          "\u200b",
        ),
      },
    ),
    { maxLength: 40 },
  )
  .map((chars) => chars.join(""));

describe("firstProblem", () => {
  it("finds what reading every character finds", () => {
    let plain = 0;
    fc.assert(
      fc.property(
        text,
        fc.constantFrom<ReadonlySet<number> | undefined>(shipped, noQuestionMark, undefined),
        (t, printable) => {
          if (/^[\n\x20-\x7e]*$/.test(t)) plain++;
          expect(firstProblem(t, printable)).toEqual(firstProblemBefore(t, printable));
        },
      ),
      { numRuns: 2000 },
    );
    // Both roads are taken: many texts are plain ASCII.
    expect(plain).toBeGreaterThan(200);
  });
});
