/**
 * What is on the table, in the script's words: a place's objects grouped the way a facilitator
 * checks them ("1–6", "WAL 4, 5", "Clone's 6", "joker 3"), from the stage model.
 */
import type { DeckObject, ObjectKind, StageModel } from "../../stage/index.js";
import { areaOf } from "../../stage/index.js";
import { ARCHIVE } from "../../stage/plan.js";
import { listPhrase, type Templates } from "../../wording.js";

/** "1–5, 7, 9–10": numbers as ranges, for lists a facilitator checks at a glance. */
export function numbers(list: readonly number[]): string {
  // A row or tray is usually in number order already: then there is nothing to sort out.
  const ascending = list.every((n, i) => i === 0 || n > list[i - 1]!);
  const sorted = ascending ? list : [...new Set(list)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return parts.join(", ");
}

/**
 * The stage's lists of objects are never changed, and a place no move touched keeps its list from
 * one moment to the next (stage/types.ts): so what is read off a list is kept with it, by the
 * list itself, for as long as the script's words are made (a row is said the same way every step
 * it stays untouched).
 */
/**
 * Two group keys ("own2", "for:Standby 10") in English collation order, without waking ICU's
 * collator where it is not needed: its first use costs 15–50 ms, and the 10,000-event script
 * compared three pairs. Where two keys first differ in two small letters, two capitals or two
 * digits, the collation's order is the order of those two characters (nothing before them
 * differs, and no contraction joins plain Latin letters); any other pair is left to
 * localeCompare. In English always: the machine's own locale (it was the default) could order
 * "Chicago" after "Denver" (Czech), and the same scenario must give the same script anywhere.
 */
export function keyOrder(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i < a.length && i < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    const both = (low: number, high: number) => x >= low && x <= high && y >= low && y <= high;
    if (both(0x61, 0x7a) || both(0x41, 0x5a) || both(0x30, 0x39)) return x - y;
  }
  return a.localeCompare(b, "en");
}

export class TableWords {
  private readonly deck: Map<string, DeckObject>;
  private readonly said = new WeakMap<readonly string[], Map<string, string>>();
  private readonly sorted = new WeakMap<readonly string[], Map<ObjectKind, DeckObject[]>>();
  constructor(
    stage: StageModel,
    private readonly t: Templates,
    private readonly labels: Map<string, string>,
  ) {
    this.deck = new Map(stage.deck.map((o) => [o.object, o]));
  }

  object(id: string): DeckObject {
    return this.deck.get(id)!;
  }

  /** A list's objects of one kind, in the list's order. */
  ofKind(objects: readonly string[], kind: ObjectKind): readonly DeckObject[] {
    let kinds = this.sorted.get(objects);
    if (!kinds) {
      kinds = new Map<ObjectKind, DeckObject[]>();
      for (const id of objects) {
        const o = this.object(id);
        const same = kinds.get(o.kind);
        if (same) same.push(o);
        else kinds.set(o.kind, [o]);
      }
      this.sorted.set(objects, kinds);
    }
    return kinds.get(kind) ?? [];
  }

  /**
   * A place's objects as one phrase. In a server's row its own copies are plain numbers; in its
   * tray they are the ones not replayed yet; other marks say whose copy it is, or WAL.
   */
  describe(objects: readonly string[], place?: string): string {
    let known = this.said.get(objects);
    if (!known) this.said.set(objects, (known = new Map<string, string>()));
    let phrase = known.get(place ?? "");
    if (phrase === undefined) known.set(place ?? "", (phrase = this.phrase(objects, place)));
    return phrase;
  }

  private phrase(objects: readonly string[], place?: string): string {
    const owner = place?.includes(".") ? this.labels.get(place.slice(0, place.lastIndexOf("."))) : undefined;
    const area = place ? areaOf(place) : undefined;
    // Each group keeps what its phrase needs (its template, a copy's owner, its timeline); the
    // phrase is made once per group, at the end.
    interface Group {
      key: string;
      order: number;
      cards: number[];
      template: string;
      timeline: number;
      owner?: string;
    }
    const groups = new Map<string, Group>();
    const add = (key: string, order: number, card: number, template: string, timeline = 0, owner?: string) => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, order, cards: [], template, timeline, owner }));
      g.cards.push(card);
    };
    const tokens: string[] = [];
    for (const id of objects) {
      const o = this.object(id);
      const timeline = o.timeline && o.timeline > 1 ? o.timeline : 0;
      if (o.kind === "write") {
        if (o.mark === owner && area === "data") add(`own${timeline}`, 0, o.card!, "objects_own", timeline);
        else if (o.mark === owner) add(`unreplayed${timeline}`, 1, o.card!, "objects_unreplayed", timeline);
        else if (o.mark === "WAL") add(`wal${timeline}`, 2, o.card!, "objects_wal", timeline);
        else if (o.mark === ARCHIVE)
          add(`archive${timeline}`, 3, o.card!, area === "wal" ? "objects_to_archive" : "objects_archive", timeline);
        else add(`for:${o.mark}${timeline}`, 3, o.card!, "objects_for", timeline, o.mark);
      } else if (o.kind === "joker") add("joker", 5, o.card!, "objects_joker");
      else if (o.kind === "delete") add("delete", 5, o.card!, "objects_delete");
      else if (o.kind === "read") add("read", 5, o.card!, "objects_read");
      else if (o.kind === "ack") add("ack", 6, o.card!, "objects_ack");
      else tokens.push(o.label!);
    }
    const phrase = (g: Group, cards: string) => {
      const said =
        g.template === "objects_for"
          ? this.t.text("script", g.template, { owner: g.owner, cards })
          : this.t.text("script", g.template, {
              cards: g.template === "objects_read" ? cards.replace(/(\d+)/g, "R$1") : cards,
            });
      return g.timeline ? this.t.text("script", "objects_timeline", { cards: said, timeline: g.timeline }) : said;
    };
    const parts = [...groups.values()]
      .sort((a, b) => a.order - b.order || keyOrder(a.key, b.key))
      .map((g) => phrase(g, numbers(g.cards)));
    const counted = [...new Set(tokens)].map((label) => {
      const n = tokens.filter((x) => x === label).length;
      return n > 1 ? `${n} × ${label}` : label;
    });
    if (counted.length) parts.push(listPhrase(counted));
    return parts.length ? parts.join("; ") : this.t.text("script", "nothing");
  }
}
