/**
 * deletedCards looks at the rows only where a DELETE was replayed; elsewhere it says at once that
 * nothing was deleted. It must say what it said before it looked first (kept here as the oracle),
 * over random WAL: writes, UPDATEs, DELETEs, some replayed, some waiting for their ack.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deletedCards, type Server, type WalRecord } from "../../src/sim/state.js";

/** deletedCards as it was (2026-12-02). */
function deletedBefore(s: Server): number[] | undefined {
  const rows = new Set<number>();
  const gone = new Set<number>();
  const waiting = new Set(s.pending.map((p) => p.card));
  for (const r of s.wal.slice(0, s.replayed)) {
    if (waiting.has(r.card)) continue;
    if (r.kind === "write" && r.replaces !== undefined) rows.delete(r.replaces);
    if (r.kind === "write") rows.add(r.card);
    if (r.kind === "delete") for (const n of r.rows ?? []) if (rows.delete(n)) gone.add(n);
  }
  return gone.size > 0 ? [...gone].sort((a, b) => a - b) : undefined;
}

const record = fc.oneof(
  fc.record({
    kind: fc.constant("write" as const),
    replaces: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant("vacuum" as const) }),
  fc.record({
    kind: fc.constant("delete" as const),
    rows: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }),
  }),
);

describe("deletedCards", () => {
  it("says what it said before it looked for a replayed DELETE first", () => {
    let deleted = 0;
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 12 }),
        fc.nat(14),
        fc.array(fc.integer({ min: 1, max: 12 })),
        (records, replayed, waiting) => {
          const wal = records.map((r, i): WalRecord => ({ ...r, card: i + 1, timeline: 1, at: 0 }));
          const s = { wal, replayed, pending: waiting.map((card) => ({ card, client: "w" })) } as unknown as Server;
          const before = deletedBefore(s);
          if (before) deleted++;
          expect(deletedCards(s)).toEqual(before);
        },
      ),
      { numRuns: 1000 },
    );
    // The property is about both answers: many runs must find cards deleted.
    expect(deleted).toBeGreaterThan(20);
  });
});
