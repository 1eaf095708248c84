/**
 * Building one scenario file's kit, the same way in a build and in watch mode: read the file, let
 * the pure library build the kit in memory, add the stamp. Nothing here writes: the caller swaps
 * the finished kit in (see output.ts).
 */
import { relative } from "node:path";
import { build, type KitFile } from "../index.js";
import { formatDiagnostics } from "../scenario/diagnostics.js";
import { loadAssets } from "./assets.js";
import type { Session } from "./session.js";
import { readScenario } from "./load.js";
import { STAMP_FILE, stampOf, stampText } from "./stamp.js";

export type { KitFile };

export type BuildResult =
  | { ok: true; file: string; id: string; files: KitFile[]; millis: number }
  | { ok: false; file: string; report: string; claims?: boolean };

/** Lets pending signals be handled: rendering resolves through microtasks only. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A built kit with its stamp added: what lets the next build know it is replikit's and up to date. */
export function stamped(
  file: string,
  id: string,
  files: KitFile[],
  source: string,
  session: Session,
  started: number,
): BuildResult {
  const stamp = new TextEncoder().encode(stampText(stampOf(source, session.options, session.templates), files));
  return {
    ok: true,
    file,
    id,
    files: [...files, { path: STAMP_FILE, bytes: stamp }],
    millis: performance.now() - started,
  };
}

/**
 * What every build of a file starts with: its clock, its name as shown, its careful read, the
 * session's assets (once the read succeeded), and a `between` that tells `progress` what comes next and lets signals through.
 */
export function beginBuild(path: string, session: Session, progress: (next: string) => void) {
  const started = performance.now();
  const file = relative(process.cwd(), path) || path;
  const read = readScenario(path);
  // A file that cannot be read is reported before the fonts are loaded.
  if (read.ok) session.assets ??= loadAssets();
  const between = (next: string) => {
    progress(next);
    return yieldToEventLoop();
  };
  return { started, file, read, assets: session.assets!, between };
}

/** Builds one file's kit in memory; `progress` hears what comes next (the layout, then each product's file). */
export async function buildFile(
  path: string,
  session: Session,
  progress: (next: string) => void = () => {},
): Promise<BuildResult> {
  const { started, file, read, assets, between } = beginBuild(path, session, progress);
  if (!read.ok) return { ok: false, file, report: read.report };
  const result = await build(read.source, file, session.options, assets, between);
  if (!result.ok)
    return { ok: false, file, report: formatDiagnostics(result.diagnostics, read.source), claims: result.claims };
  return stamped(file, result.id, result.files, read.source, session, started);
}
