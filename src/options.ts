/**
 * The build options: one value, from the command line (or a program calling the library) through
 * every stage — derive included, so that the script can say how to print what was built.
 */
import type { Duplex } from "./render/imposition.js";
import type { Paper } from "./render/units.js";

export interface Options {
  paper: Paper;
  /** How back pages are laid out: the edge the printer turns the sheet over, and the shift that corrects its drift. */
  duplex: Duplex;
  /** Also write each diagram as SVG. */
  svg: boolean;
  /** Show the real PostgreSQL commands under each step of the script. */
  commands: boolean;
  /** The date stamped into the PDFs, for reproducible bytes. */
  date: Date;
  /** Build a kit even when some of its `expect:` claims fail (a kit that teaches what the simulation contradicts). */
  allowFailingClaims: boolean;
}

/** The date every PDF carries unless SOURCE_DATE_EPOCH says otherwise. */
export const FIXED_DATE = new Date("2020-01-01T00:00:00Z");

export const DEFAULT_OPTIONS: Options = {
  paper: "letter",
  duplex: { edge: "long", offset: { x: 0, y: 0 } },
  svg: false,
  commands: true,
  date: FIXED_DATE,
  allowFailingClaims: false,
};

export function withDefaults(given: Partial<Options> = {}): Options {
  return { ...DEFAULT_OPTIONS, ...given };
}

/** The date from a SOURCE_DATE_EPOCH value (seconds), else the fixed one. */
export function dateFromEpoch(value: string | undefined): Date {
  if (!value || !/^\d+$/.test(value)) return FIXED_DATE;
  return new Date(Number(value) * 1000);
}
