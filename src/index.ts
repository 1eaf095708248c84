/**
 * replikit as a library: scenario text in, kit files out, all in memory. Nothing here reads or
 * writes files, looks at the clock or the process: the caller supplies the text, the options and
 * the assets (fonts and wording; src/node/assets.ts reads the shipped ones).
 *
 *   const assets = loadAssets();                       // from replikit/node, or your own
 *   const result = await build(source, "my.yaml", withDefaults({ paper: "a4" }), assets);
 *   if (result.ok) for (const f of result.files) save(f.path, f.bytes);
 */
import { createHash } from "node:crypto";
import type { Assets } from "./assets.js";
import { deriveKit } from "./kit.js";
import type { Options } from "./options.js";
import { PRODUCTS } from "./products/index.js";
import { OverflowError } from "./render/fit.js";
import { printableIn } from "./render/fonts/coverage.js";
import type { FontSet } from "./render/pdf.js";
import { ScenarioError, type Diagnostic } from "./scenario/diagnostics.js";
import type { Scenario } from "./scenario/model.js";
import { parseScenario } from "./scenario/parse.js";
import { checkExpectations } from "./sim/expect.js";
import { simulate } from "./sim/simulate.js";
import type { Trace } from "./sim/trace.js";

export { makeAssets, type Assets } from "./assets.js";
export { DEFAULT_OPTIONS, withDefaults, type Options } from "./options.js";
export { formatDiagnostics, ScenarioError, type Diagnostic } from "./scenario/diagnostics.js";
export { parseScenario } from "./scenario/parse.js";
export { checkExpectations } from "./sim/expect.js";
export { simulate } from "./sim/simulate.js";
export { canonicalJson, type Trace } from "./sim/trace.js";

/** One file of a kit, relative to the kit's folder. */
export interface KitFile {
  path: string;
  bytes: Uint8Array;
  /** For PDFs: the number of pages. */
  pages?: number;
}

/** A failed build: bad input (exit 2), or claims the simulation contradicts (`claims`, exit 1). */
export type BuildOutcome =
  { ok: true; id: string; files: KitFile[] } | { ok: false; diagnostics: Diagnostic[]; claims?: boolean };

/**
 * Parses and simulates a scenario. Throws ScenarioError with every positioned problem. Given the
 * fonts, a character they cannot print is one of those problems (else only control characters are).
 */
export function load(source: string, file: string, fonts?: FontSet): { scenario: Scenario; trace: Trace } {
  const scenario = parseScenario(source, file, fonts && printableIn(fonts));
  return { scenario, trace: simulate(scenario) };
}

/** A short hash of the scenario's text, printed on every page and card back. */
export function versionOf(source: string): string {
  return createHash("sha256").update(source).digest("hex").slice(0, 8);
}

/**
 * Builds a scenario's whole kit in memory. `between` is awaited before the layout and before each
 * product, with what comes next, so that a caller can let signals and progress through
 * (rendering itself never yields).
 */
export async function build(
  source: string,
  file: string,
  options: Options,
  assets: Assets,
  between: (next: string) => Promise<void> = async () => {},
): Promise<BuildOutcome> {
  let loaded;
  try {
    loaded = load(source, file, assets.fonts);
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, diagnostics: error.diagnostics };
    throw error;
  }
  // A kit teaches its claims: one whose claims the simulation contradicts is not printed unless asked for.
  const claims = checkExpectations(loaded.scenario, loaded.trace);
  if (claims.problems.length > 0) return { ok: false, diagnostics: claims.problems };
  if (claims.failures.length > 0 && !options.allowFailingClaims)
    return {
      ok: false,
      claims: true,
      diagnostics: [
        ...claims.failures,
        {
          file,
          message: `${claims.failures.length} claim(s) fail: no kit written (--allow-failing-claims builds it anyway)`,
        },
      ],
    };
  await between("layout");
  const kit = deriveKit(loaded.scenario, loaded.trace, versionOf(source), options, assets);
  const files: KitFile[] = [];
  try {
    for (const product of PRODUCTS) {
      await between(product.file);
      const rendered = await product.render(kit, options, assets);
      files.push(
        "pdf" in rendered
          ? { path: product.file, bytes: rendered.pdf, pages: rendered.pages }
          : { path: product.file, bytes: rendered.bytes },
        ...rendered.extras,
      );
    }
  } catch (error) {
    if (error instanceof OverflowError) return { ok: false, diagnostics: [{ file, message: error.message }] };
    throw error;
  }
  return { ok: true, id: loaded.scenario.id, files };
}
