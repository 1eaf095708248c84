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

export function loadWording(dir = templateDir): Wording {
  const read = (name: string) => {
    const path = join(dir, `${name}.yaml`);
    try {
      return parse(readFileSync(path, "utf8")) as Record<string, never>;
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
