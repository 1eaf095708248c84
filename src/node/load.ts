/** Reading one scenario file: its text, or what stopped us; parsed and simulated for the commands that need it. */
import { relative } from "node:path";
import { load } from "../index.js";
import { loadFonts } from "./assets.js";
import { readScenarioFile } from "./read.js";
import { ScenarioError, formatDiagnostics } from "../scenario/diagnostics.js";
import type { Scenario } from "../scenario/model.js";
import type { Trace } from "../sim/trace.js";

export type Loaded =
  | { ok: true; file: string; source: string; scenario: Scenario; trace: Trace }
  | { ok: false; file: string; report: string };

/** The text of a scenario file, or a report of why it cannot be used (see read.ts). */
export function readScenario(path: string): { ok: true; source: string } | { ok: false; report: string } {
  return readScenarioFile(path, relative(process.cwd(), path) || path);
}

/** A scenario file, parsed and simulated, or its positioned problems. */
export function loadFile(path: string): Loaded {
  const file = relative(process.cwd(), path) || path;
  const read = readScenario(path);
  if (!read.ok) return { ok: false, file, report: read.report };
  try {
    return { ok: true, file, source: read.source, ...load(read.source, file, loadFonts()) };
  } catch (error) {
    if (error instanceof ScenarioError)
      return { ok: false, file, report: formatDiagnostics(error.diagnostics, read.source) };
    throw error;
  }
}
