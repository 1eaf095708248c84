/** Where replikit's own files are: the package, its templates, its shipped scenarios. Light: no parsing here. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../..", import.meta.url));
export const templateDir = join(packageRoot, "templates");
export const TEMPLATE_FILES = ["cues", "script", "cards", "diagrams"] as const;

/** The template files' text, in a fixed order (what a kit's stamp hashes). */
export function templateText(dir = templateDir): string {
  return TEMPLATE_FILES.map((name) => readFileSync(join(dir, `${name}.yaml`), "utf8")).join("\0");
}

/** The shipped scenarios: ./scenarios when run from a checkout, else the package's own. */
export function shippedScenarios(): string[] {
  const local = resolve("scenarios");
  const dir = existsSync(local) ? local : join(packageRoot, "scenarios");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}

/** The shipped workshops: ./workshops when run from a checkout, else the package's own (if any). */
export function shippedWorkshops(): string[] {
  const local = resolve("workshops");
  const dir = existsSync(local) ? local : join(packageRoot, "workshops");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}
