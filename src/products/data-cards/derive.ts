/**
 * The printed cards: exactly the stage model's deck — every copy of every black card (each saying
 * whose it is), jokers, red read cards, blue acks and the tokens — every word applied.
 */
import { ARCHIVE } from "../../stage/plan.js";
import type { Scenario } from "../../scenario/model.js";
import type { DeckObject } from "../../stage/index.js";
import type { Templates } from "../../wording.js";

export type CardKind = DeckObject["kind"];

export interface DataCard {
  object: string;
  kind: CardKind;
  /** What is printed largest: "7", "R2", "2" (a timeline token), "PRIMARY". */
  face: string;
  /** The corner index: "7", "R2", "T2", "P". */
  corner: string;
  /** The kind in one word: WRITE, VACUUM, READ, ACK, TIMELINE, PRIMARY. */
  word: string;
  /** Whose copy, or what the card is for: "Primary's copy", "WAL segment", "for card 3". */
  note: string;
  /** For cards written on timeline 2 or later: the band's words ("TIMELINE 2"). */
  band?: string;
  /** The band's hatching, one per timeline so that two timelines differ at a glance: 2 "/", 3 "\\", 4 and on crossed. */
  hatch?: "rising" | "falling" | "crossed";
  /** Card numbers are printed at least 30 mm tall; a token's word fits the width instead. */
  numeric: boolean;
}

/** "2", "2, 3": the rows a DELETE card names. */
const cardList = (rows: number[]) => rows.join(", ");

export function deriveDeck(deck: DeckObject[], t: Templates, _scenario: Scenario): DataCard[] {
  const text = (key: string, data: object = {}) => t.text("cards", key, data);
  return deck.map((o): DataCard => {
    const band = (o.timeline ?? 1) > 1 ? text("band_timeline", { timeline: o.timeline }) : undefined;
    const hatch = band ? (o.timeline === 2 ? "rising" : o.timeline === 3 ? "falling" : "crossed") : undefined;
    switch (o.kind) {
      case "write":
      case "joker":
        return {
          object: o.object,
          kind: o.kind,
          face: String(o.card),
          corner: String(o.card),
          // An UPDATE's card says which card it replaces.
          word: o.replaces !== undefined ? text("word_update", { replaces: o.replaces }) : text(`word_${o.kind}`),
          note:
            o.mark === "WAL"
              ? text("note_wal")
              : o.mark === ARCHIVE
                ? text("note_archive")
                : text(`note_${o.kind}_own`, { owner: o.mark }),
          band,
          hatch,
          numeric: true,
        };
      case "delete":
        return {
          object: o.object,
          kind: o.kind,
          face: String(o.card),
          corner: `D${o.card}`,
          word: text("word_delete", { rows: cardList(o.rows ?? []) }),
          note:
            o.mark === "WAL"
              ? text("note_wal")
              : o.mark === ARCHIVE
                ? text("note_archive")
                : text("note_delete_own", { owner: o.mark }),
          band,
          numeric: true,
        };
      case "read":
        return {
          object: o.object,
          kind: o.kind,
          face: `R${o.card}`,
          corner: `R${o.card}`,
          word: text("word_read"),
          note: text("note_read"),
          numeric: true,
        };
      case "ack":
        return {
          object: o.object,
          kind: o.kind,
          face: String(o.card),
          corner: String(o.card),
          word: text("word_ack"),
          note: text("note_ack", { number: o.card }),
          numeric: true,
        };
      case "token": {
        const timeline = /^TIMELINE (\d+)$/.exec(o.label!)?.[1];
        const slot = /^SLOT (.+)$/.exec(o.label!)?.[1];
        if (slot)
          return {
            object: o.object,
            kind: o.kind,
            face: slot,
            corner: "SL",
            word: text("word_slot"),
            note: text("note_token_slot"),
            numeric: false,
          };
        return timeline
          ? {
              object: o.object,
              kind: o.kind,
              face: timeline,
              corner: `T${timeline}`,
              word: text("word_timeline"),
              note: text("note_token_timeline"),
              numeric: true,
            }
          : {
              object: o.object,
              kind: o.kind,
              face: text("word_primary"),
              corner: "P",
              word: text("word_primary"),
              note: text("note_token_primary"),
              numeric: false,
            };
      }
    }
  });
}
