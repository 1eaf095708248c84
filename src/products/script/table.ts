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

/**
 * How `phrase` says the objects of one shape (kind, mark, timeline) in one place: the group they
 * join, with what its phrase needs (its template, a copy's owner, its timeline); null for a token,
 * said by its label.
 */
interface Slot {
  key: string;
  order: number;
  template: string;
  timeline: number;
  owner?: string;
}

/** A group of a phrase: its slot, and its cards in the list's order. */
interface Group {
  slot: Slot;
  cards: number[];
}

/** Whether `list` begins with all of `head`. */
function startsWith(list: readonly string[], head: readonly string[]): boolean {
  if (head.length > list.length) return false;
  for (let i = 0; i < head.length; i++) if (list[i] !== head[i]) return false;
  return true;
}

/**
 * The stage's lists of objects are never changed, and a place no move touched keeps its list from
 * one moment to the next (stage/types.ts): so what is read off a list is kept with it, by the
 * list itself, for as long as the script's words are made (a row is said the same way every step
 * it stays untouched).
 */
export class TableWords {
  /** Each object, with the index of its shape among the deck's (see `Slot`). */
  private readonly deck = new Map<string, { object: DeckObject; shape: number }>();
  /** One object of each shape: what a shape's slot is read from. */
  private readonly shapes: DeckObject[] = [];
  /** Each place's slots, by shape, made as the place's objects are first said. */
  private readonly slots = new Map<string, (Slot | null)[]>();
  /** The list said last in each place, with its groups and tokens (see `phrase`). */
  private readonly last = new Map<
    string,
    { objects: readonly string[]; groups: Map<string, Group>; tokens: string[] }
  >();
  /** Which kinds the deck has: a list is never searched for a kind there is none of. */
  private readonly kinds = new Set<ObjectKind>();
  private readonly said = new WeakMap<readonly string[], Map<string, string>>();
  private readonly sorted = new WeakMap<readonly string[], Map<ObjectKind, DeckObject[]>>();
  constructor(
    stage: StageModel,
    private readonly t: Templates,
    private readonly labels: Map<string, string>,
  ) {
    const shapeOf = new Map<string, number>();
    for (const o of stage.deck) {
      // A mark is a string or absent (JSON says absent as null), a timeline counts from 2.
      const key = JSON.stringify([o.kind, o.mark, o.timeline && o.timeline > 1 ? o.timeline : 0]);
      let shape = shapeOf.get(key);
      if (shape === undefined) {
        shapeOf.set(key, (shape = this.shapes.length));
        this.shapes.push(o);
      }
      this.deck.set(o.object, { object: o, shape });
      this.kinds.add(o.kind);
    }
  }

  object(id: string): DeckObject {
    return this.deck.get(id)!.object;
  }

  /**
   * A list's objects of one kind, in the list's order. The list is read for that kind only: a
   * writer's hand of 465 bundles, asked each step for acks, is not sorted into its writes.
   */
  ofKind(objects: readonly string[], kind: ObjectKind): readonly DeckObject[] {
    if (!this.kinds.has(kind)) return [];
    let kinds = this.sorted.get(objects);
    if (!kinds) this.sorted.set(objects, (kinds = new Map<ObjectKind, DeckObject[]>()));
    let found = kinds.get(kind);
    if (!found) {
      found = [];
      for (const id of objects) {
        const o = this.object(id);
        if (o.kind === kind) found.push(o);
      }
      kinds.set(kind, found);
    }
    return found;
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

  /**
   * The phrase for a list not said before. A row grows by a few cards a step and is said anew each
   * time: so a list that begins with the list said last in its place starts from that list's
   * groups, and only the objects after it are read. Each object read costs one look-up, its slot
   * being worked out once per shape and place.
   */
  private phrase(objects: readonly string[], place?: string): string {
    const where = place ?? "";
    let slots = this.slots.get(where);
    if (!slots) this.slots.set(where, (slots = []));
    const before = this.last.get(where);
    const grown = before !== undefined && startsWith(objects, before.objects);
    const groups = new Map<string, Group>();
    if (grown) for (const [key, g] of before.groups) groups.set(key, { slot: g.slot, cards: g.cards.slice() });
    const tokens = grown ? before.tokens.slice() : [];
    for (let i = grown ? before.objects.length : 0; i < objects.length; i++) {
      const { object: o, shape } = this.deck.get(objects[i]!)!;
      let slot = slots[shape];
      if (slot === undefined) slots[shape] = slot = this.slotOf(this.shapes[shape]!, place);
      if (slot === null) {
        tokens.push(o.label!);
        continue;
      }
      // The first shape to make a key's group gives it its template, owner and timeline.
      let g = groups.get(slot.key);
      if (!g) groups.set(slot.key, (g = { slot, cards: [] }));
      g.cards.push(o.card!);
    }
    this.last.set(where, { objects, groups, tokens });
    const parts = [...groups.values()]
      .sort((a, b) => a.slot.order - b.slot.order || keyOrder(a.slot.key, b.slot.key))
      .map((g) => this.groupPhrase(g.slot, numbers(g.cards)));
    const counted = [...new Set(tokens)].map((label) => {
      const n = tokens.filter((x) => x === label).length;
      return n > 1 ? `${n} × ${label}` : label;
    });
    if (counted.length) parts.push(listPhrase(counted));
    return parts.length ? parts.join("; ") : this.t.text("script", "nothing");
  }

  /** The group an object joins in a place (see `Slot`). */
  private slotOf(o: DeckObject, place?: string): Slot | null {
    const owner = place?.includes(".") ? this.labels.get(place.slice(0, place.lastIndexOf("."))) : undefined;
    const area = place ? areaOf(place) : undefined;
    const timeline = o.timeline && o.timeline > 1 ? o.timeline : 0;
    const slot = (key: string, order: number, template: string, line = 0, of?: string) =>
      ({ key, order, template, timeline: line, owner: of }) satisfies Slot;
    if (o.kind === "write") {
      if (o.mark === owner && area === "data") return slot(`own${timeline}`, 0, "objects_own", timeline);
      if (o.mark === owner) return slot(`unreplayed${timeline}`, 1, "objects_unreplayed", timeline);
      if (o.mark === "WAL") return slot(`wal${timeline}`, 2, "objects_wal", timeline);
      if (o.mark === ARCHIVE)
        return slot(`archive${timeline}`, 3, area === "wal" ? "objects_to_archive" : "objects_archive", timeline);
      return slot(`for:${o.mark}${timeline}`, 3, "objects_for", timeline, o.mark);
    }
    if (o.kind === "joker") return slot("joker", 5, "objects_joker");
    if (o.kind === "delete") return slot("delete", 5, "objects_delete");
    if (o.kind === "read") return slot("read", 5, "objects_read");
    if (o.kind === "ack") return slot("ack", 6, "objects_ack");
    return null;
  }

  /** A group's phrase, its cards already said as numbers. */
  private groupPhrase(g: Slot, cards: string): string {
    const said =
      g.template === "objects_for"
        ? this.t.text("script", g.template, { owner: g.owner, cards })
        : this.t.text("script", g.template, {
            cards: g.template === "objects_read" ? cards.replace(/(\d+)/g, "R$1") : cards,
          });
    return g.timeline ? this.t.text("script", "objects_timeline", { cards: said, timeline: g.timeline }) : said;
  }
}
