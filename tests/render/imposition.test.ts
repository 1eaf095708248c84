import { describe, expect, it } from "vitest";
import { cell, cutMarks, layoutGrid, perSheet } from "../../src/render/imposition.js";
import { DATA_CARD } from "../../src/products/data-cards/draw.js";
import { ROLE_CARD } from "../../src/products/role-cards/draw.js";
import { mm, PAPER, SAFE_EDGE } from "../../src/render/units.js";

const cases = [
  { what: "data cards", card: DATA_CARD, cols: 3, rows: 3 },
  { what: "role cards", card: ROLE_CARD, cols: 1, rows: 2 },
];

describe("imposition", () => {
  for (const paper of ["letter", "a4"] as const) {
    for (const { what, card, cols, rows } of cases) {
      const sheet = PAPER[paper];
      const grid = layoutGrid(sheet, card, cols, rows);

      it(`${what} on ${paper}: each back lands exactly behind its front (long-edge duplex)`, () => {
        for (let i = 0; i < perSheet(grid); i++) {
          const front = cell(grid, i, "front");
          const back = cell(grid, i, "back");
          // Turning the sheet about its vertical axis maps x to (width − x − cardWidth).
          expect(back.x).toBeCloseTo(sheet.width - front.x - card.width, 6);
          expect(back.y).toBeCloseTo(front.y, 6);
        }
      });

      it(`${what} on ${paper}: turned over the short edge, each back lands behind its front`, () => {
        const short = { edge: "short" as const, offset: { x: 0, y: 0 } };
        for (let i = 0; i < perSheet(grid); i++) {
          const front = cell(grid, i, "front");
          const back = cell(grid, i, "back", short);
          // Turning the sheet about its horizontal axis maps y to (height − y − cardHeight).
          expect(back.x).toBeCloseTo(front.x, 6);
          expect(back.y).toBeCloseTo(sheet.height - front.y - card.height, 6);
        }
      });

      it(`${what} on ${paper}: the back offset shifts backs only`, () => {
        const shifted = { edge: "long" as const, offset: { x: mm(1.5), y: mm(-0.5) } };
        expect(cell(grid, 0, "back", shifted).x - cell(grid, 0, "back").x).toBeCloseTo(mm(1.5), 6);
        expect(cell(grid, 0, "back", shifted).y - cell(grid, 0, "back").y).toBeCloseTo(mm(-0.5), 6);
        expect(cell(grid, 0, "front")).toEqual(cell(grid, 0, "front"));
      });

      it(`${what} on ${paper}: the cards stay on the sheet, cut marks outside the printer's dead zone and clear of the cards`, () => {
        expect(grid.x0).toBeGreaterThan(0);
        expect(grid.y0 + rows * card.height).toBeLessThanOrEqual(sheet.height);
        const marks = cutMarks(grid);
        expect(marks.length).toBeGreaterThanOrEqual(cols + 1 + 2 * (rows + 1));
        const gridBox = {
          left: grid.x0,
          top: grid.y0,
          right: grid.x0 + cols * card.width,
          bottom: grid.y0 + rows * card.height,
        };
        for (const m of marks) {
          for (const [x, y] of [
            [m.x1, m.y1],
            [m.x2, m.y2],
          ] as const) {
            expect(Math.min(x, y, sheet.width - x, sheet.height - y)).toBeGreaterThanOrEqual(SAFE_EDGE - 1e-6);
            const inside =
              x > gridBox.left - mm(0.9) &&
              x < gridBox.right + mm(0.9) &&
              y > gridBox.top - mm(0.9) &&
              y < gridBox.bottom + mm(0.9);
            expect(inside).toBe(false);
          }
          expect(Math.hypot(m.x2 - m.x1, m.y2 - m.y1)).toBeGreaterThanOrEqual(mm(2) - 1e-6);
        }
        // Every vertical cut line has a mark at the top; every horizontal one on both sides.
        for (let i = 0; i <= cols; i++)
          expect(marks.some((m) => m.x1 === m.x2 && Math.abs(m.x1 - (grid.x0 + i * card.width)) < 1e-6)).toBe(true);
        for (let j = 0; j <= rows; j++)
          expect(
            marks.filter((m) => m.y1 === m.y2 && Math.abs(m.y1 - (grid.y0 + j * card.height)) < 1e-6),
          ).toHaveLength(2);
      });
    }
  }

  it("keeps card sizes the same on Letter and A4", () => {
    const a = layoutGrid(PAPER.letter, DATA_CARD, 3, 3);
    const b = layoutGrid(PAPER.a4, DATA_CARD, 3, 3);
    expect([a.cardWidth, a.cardHeight]).toEqual([b.cardWidth, b.cardHeight]);
    expect(DATA_CARD.width).toBeCloseTo(mm(63));
    expect(DATA_CARD.height).toBeCloseTo(mm(88));
  });
});
