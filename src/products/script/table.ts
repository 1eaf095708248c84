/**
 * What is on the table, in the script's words: a place's objects grouped the way a facilitator
 * checks them ("1–6", "WAL 4, 5", "Clone's 6", "joker 3"), from the stage model.
 */
import type { DeckObject, StageModel } from "../../stage/index.js";
import { areaOf } from "../../stage/index.js";
import { ARCHIVE } from "../../stage/plan.js";
import { listPhrase, type Templates } from "../../wording.js";

/** "1–5, 7, 9–10": numbers as ranges, for lists a facilitator checks at a glance. */
export function numbers(list: readonly number[]): string {
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return parts.join(", ");
}

export class TableWords {
  private readonly deck: Map<string, DeckObject>;
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

  /**
   * A place's objects as one phrase. In a server's row its own copies are plain numbers; in its
   * tray they are the ones not replayed yet; other marks say whose copy it is, or WAL.
   */
  describe(objects: readonly string[], place?: string): string {
    const owner = place?.includes(".") ? this.labels.get(place.slice(0, place.lastIndexOf("."))) : undefined;
    const area = place ? areaOf(place) : undefined;
    const groups = new Map<string, { key: string; text: (cards: string) => string; cards: number[]; order: number }>();
    const add = (key: string, order: number, card: number, text: (cards: string) => string) => {
      const g = groups.get(key) ?? { key, text, cards: [], order };
      g.cards.push(card);
      groups.set(key, g);
    };
    const tokens: string[] = [];
    for (const id of objects) {
      const o = this.object(id);
      const timeline = o.timeline && o.timeline > 1 ? o.timeline : 0;
      const onTimeline = (text: (cards: string) => string) => (cards: string) =>
        timeline ? this.t.text("script", "objects_timeline", { cards: text(cards), timeline }) : text(cards);
      if (o.kind === "write") {
        if (o.mark === owner && area === "data")
          add(
            `own${timeline}`,
            0,
            o.card!,
            onTimeline((c) => this.t.text("script", "objects_own", { cards: c })),
          );
        else if (o.mark === owner)
          add(
            `unreplayed${timeline}`,
            1,
            o.card!,
            onTimeline((c) => this.t.text("script", "objects_unreplayed", { cards: c })),
          );
        else if (o.mark === "WAL")
          add(
            `wal${timeline}`,
            2,
            o.card!,
            onTimeline((c) => this.t.text("script", "objects_wal", { cards: c })),
          );
        else if (o.mark === ARCHIVE)
          add(
            `archive${timeline}`,
            3,
            o.card!,
            onTimeline((c) =>
              this.t.text("script", area === "wal" ? "objects_to_archive" : "objects_archive", { cards: c }),
            ),
          );
        else
          add(
            `for:${o.mark}${timeline}`,
            3,
            o.card!,
            onTimeline((c) => this.t.text("script", "objects_for", { owner: o.mark, cards: c })),
          );
      } else if (o.kind === "joker")
        add("joker", 5, o.card!, (c) => this.t.text("script", "objects_joker", { cards: c }));
      else if (o.kind === "delete")
        add("delete", 5, o.card!, (c) => this.t.text("script", "objects_delete", { cards: c }));
      else if (o.kind === "read")
        add("read", 5, o.card!, (c) => this.t.text("script", "objects_read", { cards: c.replace(/(\d+)/g, "R$1") }));
      else if (o.kind === "ack") add("ack", 6, o.card!, (c) => this.t.text("script", "objects_ack", { cards: c }));
      else tokens.push(o.label!);
    }
    const parts = [...groups.values()]
      .sort((a, b) => a.order - b.order || a.key.localeCompare(b.key))
      .map((g) => g.text(numbers(g.cards)));
    const counted = [...new Set(tokens)].map((label) => {
      const n = tokens.filter((x) => x === label).length;
      return n > 1 ? `${n} × ${label}` : label;
    });
    if (counted.length) parts.push(listPhrase(counted));
    return parts.length ? parts.join("; ") : this.t.text("script", "nothing");
  }
}
