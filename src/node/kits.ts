/** Building kits into an output folder: skipping the ones up to date, writing the rest whole, reporting each. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ID_PATTERN } from "../scenario/ids.js";
import type { BuildResult } from "./build.js";
import { writeKit } from "./output.js";
import type { Session } from "./session.js";
import { STAMP_FILE, stampOf } from "./stamp.js";

/** The kit's id when out/<id>/ holds a kit built from exactly these inputs; else undefined. */
export function upToDate(out: string, path: string, session: Session): string | undefined {
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const id = /^id:\s*([a-z][a-z0-9-]{0,31})\s*$/m.exec(source)?.[1];
  if (!id || !ID_PATTERN.test(id)) return undefined;
  try {
    return readFileSync(join(out, id, STAMP_FILE), "utf8").trim() ===
      stampOf(source, session.options, session.templates)
      ? id
      : undefined;
  } catch {
    return undefined;
  }
}

/** Writes one built kit and reports it; returns the number of PDFs written, or -1 on failure. */
export function deliver(result: BuildResult, out: string): number {
  if (!result.ok) {
    process.stderr.write(result.report + "\n");
    return -1;
  }
  writeKit(out, result.id, result.files);
  let pdfs = 0;
  for (const f of result.files) {
    if (f.pages === undefined) continue;
    pdfs++;
    process.stdout.write(`${join(out, result.id, f.path)}  ${f.pages} page${f.pages === 1 ? "" : "s"}\n`);
  }
  return pdfs;
}

/** Builds every given scenario file that is not up to date (or all, forced). Returns the exit code. */
export async function buildKits(paths: string[], session: Session, out: string, force: boolean): Promise<number> {
  const pending: string[] = [];
  for (const path of paths) {
    const current = force ? undefined : upToDate(out, path, session);
    if (current) process.stdout.write(`${join(out, current)}: up to date\n`);
    else pending.push(path);
  }
  let code = 0;
  let written = 0;
  // Loaded only when something needs building: an up-to-date check stays fast.
  const { buildFile } = pending.length ? await import("./build.js") : { buildFile: undefined };
  for (const path of pending) {
    const result = await buildFile!(path, session);
    const pdfs = deliver(result, out);
    // Bad input is exit 2; claims the simulation contradicts, exit 1.
    if (pdfs < 0) code = Math.max(code, !result.ok && result.claims ? 1 : 2);
    else written += pdfs;
  }
  process.stdout.write(
    `${written} PDF${written === 1 ? "" : "s"} written${code ? "; some scenarios failed (see above)" : ""}\n`,
  );
  return code;
}
