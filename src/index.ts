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
import { kitKey, kitOnce, loadOnce, renderOnce } from "./products/memo.js";
import { OverflowError } from "./render/fit.js";
import { printableIn } from "./render/fonts/coverage.js";
import type { FontSet } from "./render/pdf.js";
import { ScenarioError, type Diagnostic, type Position } from "./scenario/diagnostics.js";
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
 * Loaded once per process for the same file and text (loadOnce).
 */
export function load(source: string, file: string, fonts?: FontSet): { scenario: Scenario; trace: Trace } {
  return loadOnce(file, source, fonts, () => {
    const scenario = parseScenario(source, file, fonts && printableIn(fonts));
    return { scenario, trace: simulate(scenario) };
  });
}

/**
 * Where in the scenario a text that does not fit comes from: the step of a diagram or of a cue,
 * the role of a role card, else the role whose label the text carries; undefined when unknown.
 */
function overflowAt(error: OverflowError, scenario: Scenario): Position | undefined {
  const steps = scenario.runs.flatMap((r) => r.steps);
  const step = /\bstep (\d+)/.exec(error.where)?.[1];
  if (step) return steps.find((s) => s.number === Number(step))?.at;
  const roles = [...scenario.roles].sort((a, b) => b.label.length - a.label.length);
  const label = /"(.+)"/.exec(error.where)?.[1];
  const role =
    roles.find((r) => r.label === label) ?? roles.find((r) => `${error.where} ${error.text}`.includes(r.label));
  return role?.at;
}

/**
 * Derives and renders every product of a parsed, simulated scenario: its files, or every text
 * that does not fit (one per product: a product stops at its first), positioned at the scenario
 * line that causes it. `replikit check` runs this too, so that what passes check builds.
 */
export async function layOut(
  scenario: Scenario,
  trace: Trace,
  source: string,
  options: Options,
  assets: Assets,
  between: (next: string) => Promise<void> = async () => {},
): Promise<{ files: KitFile[]; problems: Diagnostic[] }> {
  const version = versionOf(source);
  const key = kitKey(scenario, version, options);
  const kit = kitOnce(assets, key, () => deriveKit(scenario, trace, version, options, assets));
  const files: KitFile[] = [];
  const problems: Diagnostic[] = [];
  for (const product of PRODUCTS) {
    await between(product.file);
    try {
      const rendered = await renderOnce(assets, key, product.file, () => product.render(kit, options, assets));
      files.push(
        "pdf" in rendered
          ? { path: product.file, bytes: rendered.pdf, pages: rendered.pages }
          : { path: product.file, bytes: rendered.bytes },
        ...rendered.extras,
      );
    } catch (error) {
      if (!(error instanceof OverflowError)) throw error;
      problems.push({ file: scenario.file, position: overflowAt(error, scenario), message: error.message });
    }
  }
  return { files, problems };
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
  const laid = await layOut(loaded.scenario, loaded.trace, source, options, assets, between);
  if (laid.problems.length > 0) return { ok: false, diagnostics: laid.problems };
  const files = laid.files;
  return { ok: true, id: loaded.scenario.id, files };
}
