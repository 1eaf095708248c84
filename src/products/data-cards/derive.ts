/** The physical cards a kit needs: exactly those the trace uses, in print order. */
import type { Trace } from "../../sim/trace.js";

export type CardKind = "write" | "joker" | "read" | "ack";

export interface DataCard {
  kind: CardKind;
  number: number;
  /** What is printed large: "7", "R2". */
  face: string;
}

export function deriveDeck(trace: Trace): DataCard[] {
  const { writes, jokers, reads, acks } = trace.deck;
  return [
    ...[...writes, ...jokers]
      .sort((a, b) => a - b)
      .map((n): DataCard => ({
        kind: jokers.includes(n) && !writes.includes(n) ? "joker" : "write",
        number: n,
        face: String(n),
      })),
    ...reads.map((n): DataCard => ({ kind: "read", number: n, face: `R${n}` })),
    ...acks.map((n): DataCard => ({ kind: "ack", number: n, face: String(n) })),
  ];
}
