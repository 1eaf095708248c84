/**
 * fold (a long row or tray of cards folded into ranges) gives what it gave before it was made
 * faster: the same cells as the first, plain version below, for any list and any room.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Cell } from "../../src/products/diagrams/derive.js";
import { fold } from "../../src/products/diagrams/layout.js";

/** fold as it was first written: each cell's number tested by a regular expression, runs mapped and flattened. */
function plainFold(list: Cell[], capacity: number): Cell[] {
  const slots = (cells: Cell[]) =>
    cells.reduce((sum, c) => sum + (c.text.includes("–") || c.text.startsWith("+") ? 2 : 1), 0);
  if (slots(list) <= capacity) return list;
  const same = (a: Cell, b: Cell) => a.style === b.style && a.timeline === b.timeline && a.pastFork === b.pastFork;
  const runs: { cells: Cell[] }[] = [];
  for (const c of list) {
    const last = runs[runs.length - 1];
    const prev = last?.cells[last.cells.length - 1];
    if (
      prev &&
      same(prev, c) &&
      /^\d+$/.test(c.text) &&
      /^\d+$/.test(prev.text) &&
      Number(c.text) === Number(prev.text) + 1
    )
      last.cells.push(c);
    else runs.push({ cells: [c] });
  }
  const folded = runs
    .map((r) =>
      r.cells.length >= 3
        ? [{ ...r.cells[0]!, text: `${r.cells[0]!.text}–${r.cells[r.cells.length - 1]!.text}` }]
        : r.cells,
    )
    .flat();
  if (slots(folded) <= capacity) return folded;
  const kept: Cell[] = [];
  let room = capacity - 2;
  for (let i = folded.length - 1; i >= 0 && room > 0; i--) {
    const s = slots([folded[i]!]);
    if (s > room) break;
    kept.unshift(folded[i]!);
    room -= s;
  }
  const hidden =
    list.length -
    kept.reduce(
      (n, c) => n + (c.text.includes("–") ? Number(c.text.split("–")[1]) - Number(c.text.split("–")[0]) + 1 : 1),
      0,
    );
  return [{ text: `+${hidden}`, style: folded[0]!.style, timeline: 1, pastFork: false }, ...kept];
}

/** Mostly rising card numbers (so that runs form), with jokers, DELETEs, gaps, repeats and odd texts among them. */
const cells = fc.array(
  fc.record({
    step: fc.oneof(fc.constant(1), fc.constant(1), fc.constant(1), fc.integer({ min: -2, max: 4 })),
    text: fc.oneof(
      { weight: 8, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: fc.constantFrom("J", "D", "0", "x1", "") },
    ),
    // Mostly one look, so that runs of it form; now and then another.
    style: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Cell["style"]>("row") },
      { weight: 1, arbitrary: fc.constantFrom<Cell["style"]>("wal", "queued", "owed", "joker") },
    ),
    timeline: fc.oneof({ weight: 8, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(2) }),
    pastFork: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  }),
  { maxLength: 120 },
);

describe("fold", () => {
  it("folds any list into the same cells as the plain version, at any capacity", () => {
    fc.assert(
      fc.property(cells, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 10 }), (raw, capacity, first) => {
        let n = first;
        const list: Cell[] = raw.map((r) => {
          n = Math.max(1, n + r.step);
          const text = r.text === "" ? String(n) : r.text === "J" || r.text === "D" ? `${r.text}${n}` : r.text;
          return { text, style: r.style, timeline: r.timeline, pastFork: r.pastFork };
        });
        expect(fold(list, capacity)).toEqual(plainFold(list, capacity));
      }),
      { numRuns: 500 },
    );
  });
});
