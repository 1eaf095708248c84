/** Page geometry in PDF points (1/72 in). */
export const mm = (millimetres: number) => (millimetres * 72) / 25.4;

export type Paper = "letter" | "a4";

export const PAPER: Record<Paper, { width: number; height: number }> = {
  letter: { width: 612, height: 792 },
  a4: { width: 595.28, height: 841.89 },
};

/** No ink closer than this to a sheet's edge: most printers drop it silently. */
export const SAFE_EDGE = mm(6);

/** The Okabe–Ito palette: safe for colour-blind readers; colour never carries meaning alone. */
export const COLOURS = {
  black: "#000000",
  orange: "#E69F00",
  sky: "#56B4E9",
  green: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  purple: "#CC79A7",
  grey: "#777777",
  light: "#DDDDDD",
} as const;
