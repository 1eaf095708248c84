/**
 * The printed deck: every copy any run needs, each run's copies matched to printed objects. Runs
 * start afresh with the same printed cards, so a card is printed as often as the run that needs
 * it most; a copy's mark (whose copy) and timeline stripe are printed, so they are part of what
 * makes two copies interchangeable.
 */
import type { Scenario } from "../scenario/model.js";
import type { Copy } from "./plan.js";
import type { DeckObject } from "./types.js";

const keyOf = (c: Copy) =>
  `${c.kind}|${c.card}|${c.timeline}|${c.mark}${c.rows ? `|${c.rows.join(",")}` : ""}${c.replaces ? `|r${c.replaces}` : ""}`;
const KIND_ORDER = { write: 0, joker: 1, delete: 2 } as const;
const PREFIX = { write: "card", joker: "joker", delete: "delete" } as const;

/** A run's needs besides its copies: read cards, acks per card, tokens per label. */
export interface RunNeeds {
  reads: number[];
  acks: Map<number, number>;
  tokens: Map<string, number>;
}

export const TOKEN_ID: Record<string, (label: string) => string> = {
  PRIMARY: () => "primary",
  TIMELINE: (label) => `timeline-${label.split(" ")[1]}`,
  /** A replication slot on a server: "SLOT kept" (the slot's name). */
  SLOT: (label) => `slot-${label.slice(5).replace(/_/g, "-")}`,
};

export function tokenId(label: string, copy: number): string {
  return `${TOKEN_ID[label.split(" ")[0]!]!(label)}#${copy}`;
}

/**
 * The deck's cards (write, joker and DELETE cards) from every run's copies, and each run's copies'
 * object ids written into them. The rest of the deck follows them (restOfDeck).
 */
export function deckOfCopies(scenario: Scenario, runs: Copy[][]): DeckObject[] {
  const marks = new Map<string, number>();
  scenario.roles.forEach((r, i) => {
    if (!marks.has(r.label)) marks.set(r.label, i);
  });
  const markOrder = (mark: string) => marks.get(mark) ?? scenario.roles.length;
  // Each copy's key, made once.
  const keys = runs.map((copies) => copies.map(keyOf));
  // How many copies of each kind of copy the hungriest run needs.
  const counts = new Map<string, { sample: Copy; count: number }>();
  runs.forEach((copies, r) => {
    // Each key's count in this run, with its first copy as the sample.
    const here = new Map<string, { sample: Copy; count: number }>();
    copies.forEach((c, j) => {
      const key = keys[r]![j]!;
      const seen = here.get(key);
      if (seen) seen.count++;
      else here.set(key, { sample: c, count: 1 });
    });
    for (const [key, { sample, count: n }] of here)
      counts.set(key, { sample, count: Math.max(n, counts.get(key)?.count ?? 0) });
  });
  const kinds = [...counts.values()].sort(
    (a, b) =>
      a.sample.card - b.sample.card ||
      KIND_ORDER[a.sample.kind] - KIND_ORDER[b.sample.kind] ||
      a.sample.timeline - b.sample.timeline ||
      markOrder(a.sample.mark) - markOrder(b.sample.mark),
  );
  const deck: DeckObject[] = [];
  const byKey = new Map<string, string[]>();
  const numbered = new Map<string, number>();
  for (const { sample, count } of kinds) {
    const prefix = `${PREFIX[sample.kind]}-${sample.card}`;
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const copy = (numbered.get(prefix) ?? 0) + 1;
      numbered.set(prefix, copy);
      const object = `${prefix}#${copy}`;
      ids.push(object);
      deck.push({
        object,
        kind: sample.kind,
        card: sample.card,
        copy,
        mark: sample.mark,
        timeline: sample.timeline,
        ...(sample.rows ? { rows: sample.rows } : {}),
        ...(sample.replaces ? { replaces: sample.replaces } : {}),
      });
    }
    byKey.set(keyOf(sample), ids);
  }
  runs.forEach((copies, r) => {
    const used = new Map<string, number>();
    copies.forEach((c, j) => {
      const key = keys[r]![j]!;
      const i = used.get(key) ?? 0;
      used.set(key, i + 1);
      c.object = byKey.get(key)![i]!;
    });
  });
  return deck;
}

/** What the deck holds after its cards, from every run's needs: read cards, acks, then tokens. */
export function restOfDeck(runs: RunNeeds[]): DeckObject[] {
  const deck: DeckObject[] = [];
  const reads = [...new Set(runs.flatMap((r) => r.reads))].sort((a, b) => a - b);
  for (const n of reads) deck.push({ object: `read-R${n}`, kind: "read", card: n });
  const acks = new Map<number, number>();
  for (const run of runs) for (const [n, count] of run.acks) acks.set(n, Math.max(count, acks.get(n) ?? 0));
  for (const n of [...acks.keys()].sort((a, b) => a - b)) {
    for (let copy = 1; copy <= acks.get(n)!; copy++)
      deck.push({ object: `ack-${n}#${copy}`, kind: "ack", card: n, copy });
  }
  const tokens = new Map<string, number>();
  for (const run of runs)
    for (const [label, count] of run.tokens) tokens.set(label, Math.max(count, tokens.get(label) ?? 0));
  const labels = [...tokens.keys()].sort((a, b) =>
    a === "PRIMARY" ? -1 : b === "PRIMARY" ? 1 : a.localeCompare(b, "en", { numeric: true }),
  );
  for (const label of labels) {
    for (let copy = 1; copy <= tokens.get(label)!; copy++)
      deck.push({ object: tokenId(label, copy), kind: "token", copy, label });
  }
  return deck;
}

export const ackId = (card: number, copy: number) => `ack-${card}#${copy}`;
export const readId = (query: number) => `read-R${query}`;
