/**
 * The files replikit ships with and reads at run time: the TTF fonts (from their npm packages)
 * and the wording templates. Read by the command line into one Assets value for the pure core.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { makeAssets, type Assets } from "../assets.js";
import type { FontSet } from "../render/pdf.js";
import type { Precompiled, Wording } from "../wording.js";

import { templateDir } from "./paths.js";

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/** Atkinson Hyperlegible (regular, bold) and its mono: designed for legibility at a distance. */
export function loadFonts(): FontSet {
  const sans = packageDir("@expo-google-fonts/atkinson-hyperlegible");
  const mono = packageDir("@expo-google-fonts/atkinson-hyperlegible-mono");
  return {
    regular: readFileSync(join(sans, "400Regular", "AtkinsonHyperlegible_400Regular.ttf")),
    bold: readFileSync(join(sans, "700Bold", "AtkinsonHyperlegible_700Bold.ttf")),
    mono: readFileSync(join(mono, "400Regular", "AtkinsonHyperlegibleMono_400Regular.ttf")),
  };
}

/** The wording's template files, by name (templates/<name>.yaml). */
export const WORDING_FILES = ["cues", "script", "cards", "diagrams", "workshop"] as const;

/** Each template file as it was when replikit was built, with its parsed value (see build/bundle.mjs). */
export type ParsedWording = Partial<Record<string, { source: string; value: Record<string, never> }>>;

/**
 * The wording, from the template files in `dir`. A file whose text is the one replikit was built
 * with is taken as parsed then (dist/wording.parsed.json: the YAML parser took about 50 ms of every
 * cold build for 35 KB of templates); a file edited since is parsed now.
 */
export function loadWording(dir = templateDir, parsed: ParsedWording = loadParsed()): Wording {
  const read = (name: (typeof WORDING_FILES)[number]) => {
    const path = join(dir, `${name}.yaml`);
    try {
      const source = readFileSync(path, "utf8");
      const known = parsed[name];
      return known?.source === source ? known.value : (parse(source) as Record<string, never>);
    } catch (error) {
      throw new Error(`the template ${path} is broken: ${(error as Error).message.split("\n")[0]}`, { cause: error });
    }
  };
  return {
    cues: read("cues"),
    script: read("script"),
    cards: read("cards"),
    diagrams: read("diagrams"),
    workshop: read("workshop"),
  };
}

/** The wording parsed when replikit was built, or none (then every file is parsed at run time). */
function loadParsed(): ParsedWording {
  try {
    return JSON.parse(readFileSync(new URL("../wording.parsed.json", import.meta.url), "utf8")) as ParsedWording;
  } catch {
    return {};
  }
}

/**
 * The templates precompiled when replikit was built (dist/wording.precompiled.cjs, written by
 * build/bundle.mjs), or none: they are matched by source text, so a missing or stale file only
 * means compiling at run time.
 */
function loadPrecompiled(): Precompiled {
  try {
    return require("../wording.precompiled.cjs") as Precompiled;
  } catch {
    return {};
  }
}

/** Fonts and wording, read from disk: one value for a whole run (watch reads it again when a template changes). */
export function loadAssets(): Assets {
  return makeAssets(loadFonts(), loadWording(), loadPrecompiled());
}
