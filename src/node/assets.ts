/**
 * The files replikit ships with and reads at run time: the TTF fonts (from their npm packages)
 * and the wording templates. Read once, by the CLI, and handed to the pure core as data.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { Wording } from "../wording.js";
import type { FontSet } from "../render/pdf.js";

export const packageRoot = fileURLToPath(new URL("../..", import.meta.url));
export const templateDir = join(packageRoot, "templates");
export const TEMPLATE_FILES = ["cues", "script", "cards", "diagrams"] as const;

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

let fonts: FontSet | undefined;

/** Atkinson Hyperlegible (regular, bold) and its mono: designed for legibility at a distance. */
export function loadFonts(): FontSet {
  if (!fonts) {
    const sans = packageDir("@expo-google-fonts/atkinson-hyperlegible");
    const mono = packageDir("@expo-google-fonts/atkinson-hyperlegible-mono");
    fonts = {
      regular: readFileSync(join(sans, "400Regular", "AtkinsonHyperlegible_400Regular.ttf")),
      bold: readFileSync(join(sans, "700Bold", "AtkinsonHyperlegible_700Bold.ttf")),
      mono: readFileSync(join(mono, "400Regular", "AtkinsonHyperlegibleMono_400Regular.ttf")),
    };
  }
  return fonts;
}

export function loadWording(dir = templateDir): Wording {
  const read = (name: string) => parse(readFileSync(join(dir, `${name}.yaml`), "utf8")) as Record<string, never>;
  return { cues: read("cues"), script: read("script"), cards: read("cards"), diagrams: read("diagrams") };
}
