/** Shared test helpers: the shipped scenarios, parsed and simulated without the CLI. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseScenario } from "../src/scenario/parse.js";
import { simulate } from "../src/sim/simulate.js";

export const root = join(import.meta.dirname, "..");
export const scenarioDir = join(root, "scenarios");
export const shipped = readdirSync(scenarioDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

export function source(name: string): string {
  return readFileSync(join(scenarioDir, name), "utf8");
}

export function loadShipped(name: string) {
  const scenario = parseScenario(source(name), `scenarios/${name}`);
  return { scenario, trace: simulate(scenario) };
}

/** Variants of the shipped scenarios that pin down one behaviour each, both ways (tests/variants). */
export const variantDir = join(root, "tests", "variants");
export const variants = readdirSync(variantDir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

export function loadVariant(name: string) {
  const scenario = parseScenario(readFileSync(join(variantDir, name), "utf8"), `tests/variants/${name}`);
  return { scenario, trace: simulate(scenario) };
}

import { loadAssets } from "../src/node/assets.js";
import { deriveKit, type Kit } from "../src/kit.js";
import { withDefaults, type Options } from "../src/options.js";
import { PRODUCTS } from "../src/products/index.js";
import type { Paper } from "../src/render/units.js";

/** The shipped fonts and wording, read once for all tests in a file. */
export const assets = loadAssets();
export const templates = assets.wording;

export function options(paper: Paper = "letter", more: Partial<Options> = {}): Options {
  return withDefaults({ paper, ...more });
}

export function kitOf(name: string, paper: Paper = "letter"): Kit {
  const { scenario, trace } = loadShipped(name);
  return deriveKit(scenario, trace, "cafe1234", options(paper), assets);
}

/** Every PDF product of a shipped scenario's kit, rendered in memory: file name → bytes. */
export async function renderAll(name: string, paper: Paper = "letter"): Promise<Map<string, Uint8Array>> {
  const kit = kitOf(name, paper);
  const out = new Map<string, Uint8Array>();
  for (const product of PRODUCTS) {
    const rendered = await product.render(kit, options(paper), assets);
    if ("pdf" in rendered) out.set(product.file, rendered.pdf);
  }
  return out;
}
