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
