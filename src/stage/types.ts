/**
 * The physical stage: the printed objects, the places they can be, and the moves between places.
 * Every object is in exactly one place at every moment; the moves of a moment, replayed from the
 * places before it, give the places after it.
 */

export type ObjectKind = "write" | "joker" | "delete" | "read" | "ack" | "token";

/** One printed object. */
export interface DeckObject {
  /** "card-3#2" (the second copy of black card 3), "joker-4#1", "delete-5#1", "read-R1", "ack-3#1", "timeline-2#1", "primary#1". */
  object: string;
  kind: ObjectKind;
  /** The number printed large (write, joker, read and ack cards). */
  card?: number;
  copy?: number;
  /**
   * Whose copy a write or joker card is, printed small beside the number: a server's label (its
   * own copy: the row it keeps, or the joker it replays), or "WAL" (a segment: kept in a tray,
   * dropped on the floor or put on the archive table).
   */
  mark?: string;
  /** A DELETE card's rows: the cards it takes away from the row of each server that replays it. */
  rows?: number[];
  /** An UPDATE's copy: the card whose row it replaces. */
  replaces?: number;
  /** The timeline a write or joker card was written on; 2 and above are printed with a stripe. */
  timeline?: number;
  /** What a token says: "TIMELINE 2", "PRIMARY". */
  label?: string;
}

/**
 * A place: "reserve" (the facilitator's stock), "floor" (recycled WAL), "archive" (the archive
 * table), "bin" (thrown away), or a role's "<id>.data" (a server's row: the rows a query sees),
 * "<id>.wal" (a server's WAL tray: segments it keeps, cards it has not replayed yet, copies it
 * still owes others) or "<id>.hand" (what a volunteer holds: a client's cards, a server's tokens).
 */
export type Place = string;

export interface Move {
  object: string;
  from: Place;
  to: Place;
}

/** The moves one trace event makes, kept with the event (by its index in the step's events) for the wording. */
export interface Act {
  event: number;
  moves: Move[];
}

export type MomentKind = "reset" | "do" | "flow";

/** A moment of a step: "do" (what the volunteers do), then "flow" (what flows when time passes); "reset" between runs. */
export interface Moment {
  kind: MomentKind;
  acts: Act[];
  /**
   * Every place of the stage after the moment, each with its objects in deck order. A place that
   * no move touched keeps the very list it had the moment before: read these lists, never change them.
   */
  places: Record<Place, readonly string[]>;
}

export interface StageStep {
  step: number;
  run: number;
  moments: Moment[];
}

export interface StageModel {
  deck: DeckObject[];
  /** Every place at the start of the first run. */
  start: Record<Place, readonly string[]>;
  steps: StageStep[];
}

export const COMMON_PLACES = ["reserve", "floor", "archive", "bin"] as const;

export const data = (role: string): Place => `${role}.data`;
export const wal = (role: string): Place => `${role}.wal`;
export const hand = (role: string): Place => `${role}.hand`;

/** The role a place belongs to, or undefined for the common places. */
export function ownerOf(place: Place): string | undefined {
  const dot = place.lastIndexOf(".");
  return dot < 0 ? undefined : place.slice(0, dot);
}

/** "data", "wal", "hand", or the common place itself. */
export function areaOf(place: Place): string {
  const dot = place.lastIndexOf(".");
  return dot < 0 ? place : place.slice(dot + 1);
}
