/** Shared test helpers: the shipped scenarios, parsed and simulated without the CLI. */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseScenario } from "../src/scenario/parse.js";
import { simulate } from "../src/sim/simulate.js";

export const root = join(import.meta.dirname, "..");
export const scenarioDir = join(root, "scenarios");
export const shipped = readdirSync(scenarioDir).filter((f) => f.endsWith(".yaml")).sort();

export function source(name: string): string {
  return readFileSync(join(scenarioDir, name), "utf8");
}

export function loadShipped(name: string) {
  const scenario = parseScenario(source(name), `scenarios/${name}`);
  return { scenario, trace: simulate(scenario) };
}

import { loadFonts, loadWording } from "../src/node/assets.js";
import { buildKit, type Kit } from "../src/kit.js";
import { Templates } from "../src/wording.js";
import { FIXED_DATE, type RenderOptions } from "../src/render/pdf.js";
import { PRODUCTS } from "../src/products/index.js";
import type { Paper } from "../src/render/units.js";

export const templates = new Templates(loadWording());

export function kitOf(name: string): Kit {
  const { scenario, trace } = loadShipped(name);
  return buildKit(scenario, trace, templates, "cafe1234");
}

export function renderOptions(paper: Paper = "letter"): RenderOptions {
  return { paper, fonts: loadFonts(), date: FIXED_DATE };
}

/** Every product of a shipped scenario's kit, rendered in memory: file name → bytes. */
export async function renderAll(name: string, paper: Paper = "letter"): Promise<Map<string, Uint8Array>> {
  const kit = kitOf(name);
  const out = new Map<string, Uint8Array>();
  for (const product of PRODUCTS) out.set(product.file, (await product.render(kit, renderOptions(paper))).pdf);
  return out;
}
