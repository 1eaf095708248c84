/**
 * visibleCards reads plain WAL (writes and jokers in card order) without building sets; anything
 * else it reads as before. It must say what it said before (kept here as the oracle), over random
 * WAL: writes, UPDATEs, DELETEs and jokers, cards in order or not, some replayed, some waiting.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rowsOf, visibleCards, type Server, type WalRecord } from "../../src/sim/state.js";

/** visibleCards as it was (2026-12-02). */
function visibleBefore(s: Server): number[] {
  return rowsOf(s.wal.slice(0, s.replayed), new Set(s.pending.map((p) => p.card)));
}

const record = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("write" as const) }) },
  fc.record({ kind: fc.constant("write" as const), replaces: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("vacuum" as const) }),
  fc.record({
    kind: fc.constant("delete" as const),
    rows: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }),
  }),
);

describe("visibleCards", () => {
  it("says what it said before it read plain WAL the short way", () => {
    let plain = 0;
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 12 }),
        fc.boolean(),
        fc.nat(14),
        fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }),
        (records, inOrder, replayed, waiting) => {
          // Cards in WAL order as the simulator numbers them, or shuffled and repeated.
          const card = (i: number) => (inOrder ? i + 1 : ((i * 7) % 5) + 1);
          const wal = records.map((r, i): WalRecord => ({ ...r, card: card(i), timeline: 1, at: 0 }));
          const s = { wal, replayed, pending: waiting.map((c) => ({ card: c, client: "w" })) } as unknown as Server;
          const seen = wal.slice(0, replayed);
          if (inOrder && seen.length > 1 && seen.every((r) => r.kind !== "delete" && r.replaces === undefined)) plain++;
          expect(visibleCards(s)).toEqual(visibleBefore(s));
        },
      ),
      { numRuns: 2000 },
    );
    // The property is about both ways: many runs must take the short one.
    expect(plain).toBeGreaterThan(150);
  });
});
