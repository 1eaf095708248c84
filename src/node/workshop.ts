/**
 * Building a workshop file: read it, find the scenario files it names (a shipped id, or a path
 * relative to the workshop file), let the pure library build it, add the stamp.
 */
import { existsSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { didYouMean, formatDiagnostics } from "../scenario/diagnostics.js";
import { buildWorkshop, type Resolved } from "../workshop/build.js";
import { beginBuild, stamped, type BuildResult } from "./build.js";
import { readScenarioFile } from "./read.js";
import { shippedScenarios } from "./paths.js";
import type { Session } from "./session.js";

/** Where a workshop's scenario reference leads: a path ending in .yaml, else a scenario id. */
export function resolveScenario(ref: string, from: string): Resolved {
  const shown = (path: string) => relative(process.cwd(), path) || path;
  let path: string;
  if (/\.ya?ml$/.test(ref)) path = resolve(dirname(from), ref);
  else {
    const beside = resolve(dirname(from), "..", "scenarios", `${ref}.yaml`);
    const shipped = shippedScenarios();
    path = existsSync(beside) ? beside : (shipped.find((p) => basename(p).replace(/\.ya?ml$/, "") === ref) ?? "");
    if (!path) {
      const ids = shipped.map((p) => basename(p).replace(/\.ya?ml$/, ""));
      return {
        ok: false,
        message: `no scenario "${ref}"${didYouMean(ref, ids)} (the shipped ones: ${ids.join(", ")}; or give a path ending in .yaml)`,
      };
    }
  }
  // The same careful read as a scenario given on the command line (regular files, size, UTF-8).
  const read = readScenarioFile(path, shown(path));
  return read.ok ? { ok: true, source: read.source, file: shown(path) } : { ok: false, message: read.report };
}

/** Builds one workshop file in memory; `progress` hears what comes next (each interactive's files in turn). */
export async function buildWorkshopFile(
  path: string,
  session: Session,
  progress: (next: string) => void = () => {},
): Promise<BuildResult> {
  const { started, file, read, assets, between } = beginBuild(path, session, progress);
  if (!read.ok) return { ok: false, file, report: read.report };
  const result = await buildWorkshop(read.source, file, resolveScenario, session.options, assets, between);
  if (!result.ok) {
    const sources = result.sources ?? new Map([[file, read.source]]);
    // Each problem is shown with the line of the file it is in (the workshop's, or a scenario's).
    const report = result.diagnostics.map((d) => formatDiagnostics([d], sources.get(d.file))).join("\n");
    return { ok: false, file, report };
  }
  return stamped(file, result.id, result.files, read.source, session, started);
}
