/** Building kits into an output folder: skipping the ones up to date, writing the rest whole, reporting each. */
import { basename, join } from "node:path";
import { ID_PATTERN } from "../scenario/ids.js";
import { isWorkshopSource } from "../workshop/detect.js";
import type { BuildResult } from "./build.js";
import { plainFsError } from "./fs-errors.js";
import { readScenarioFile } from "./read.js";
import { computing } from "./signals.js";
import { KitInTheWay, writeKit } from "./output.js";
import type { Session } from "./session.js";
import { intact, readStamp, stampOf } from "./stamp.js";

/** The id a scenario's text gives itself, read without parsing (quotes and a trailing comment allowed). */
export function idOf(source: string): string | undefined {
  const id = /^id:[ \t]*(["']?)([a-z][a-z0-9-]{0,31})\1[ \t]*(?:#.*)?$/m.exec(source)?.[2];
  return id && ID_PATTERN.test(id) ? id : undefined;
}

/**
 * The kit's id when out/<id>/ holds a kit built from exactly these inputs, with every file it was
 * written with still there and unchanged; else undefined.
 */
export function upToDate(out: string, path: string, session: Session): string | undefined {
  const read = readScenarioFile(path, path);
  if (!read.ok) return undefined;
  const source = read.source;
  // A workshop's kit depends on the scenario files it plays too: it is always rebuilt.
  if (isWorkshopSource(source)) return undefined;
  const id = idOf(source);
  if (!id) return undefined;
  const dir = join(out, id);
  const stamp = readStamp(dir);
  if (!stamp?.files || stamp.inputs !== stampOf(source, session.options, session.templates)) return undefined;
  return intact(dir, stamp.files) ? id : undefined;
}

/** What each step of a build is called on the progress line. */
const STEPS: Record<string, string> = { layout: "simulating and laying out" };

/**
 * The progress line, on a terminal only: which kit, which product, for builds longer than a second
 * (or that look long: parsing and simulating alone took a tenth of one). Rendering does not yield,
 * so it moves at each product. Cleared when the kit is done. REPLIKIT_PROGRESS_AFTER_MS sets the
 * second to another time (the tests set 0: whether a build is long depends on the machine).
 */
export function progressLine(path: string): { update: (next: string) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  const setting = process.env.REPLIKIT_PROGRESS_AFTER_MS;
  const after = setting && Number(setting) >= 0 ? Number(setting) : 1000;
  const started = performance.now();
  let shown = false;
  return {
    update: (next) => {
      const elapsed = performance.now() - started;
      if (!shown && elapsed < after && !(next === "layout" && elapsed > after / 10)) return;
      const name = basename(path);
      process.stderr.write(`\r\x1b[K${name}: ${STEPS[next] ?? `writing ${next}`}… (Ctrl-C stops at once)`);
      shown = true;
    },
    done: () => {
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}

/** Writes one built kit and reports it; returns the number of PDFs written, or -1 on failure. */
export function deliver(result: BuildResult, out: string): number {
  if (!result.ok) {
    process.stderr.write(result.report + "\n");
    return -1;
  }
  try {
    writeKit(out, result.id, result.files);
  } catch (error) {
    if (error instanceof KitInTheWay) {
      process.stderr.write(`${result.file}: ${error.message}\n`);
      return -1;
    }
    const plain = plainFsError(error);
    if (plain === undefined) throw error;
    process.stderr.write(`${result.file}: cannot write the kit to ${join(out, result.id)}: ${plain}\n`);
    return -1;
  }
  let pdfs = 0;
  for (const f of result.files) {
    if (f.pages === undefined) continue;
    pdfs++;
    const size =
      f.bytes.length < 1024 * 1024
        ? `${Math.ceil(f.bytes.length / 1024)} KB`
        : `${(f.bytes.length / 1024 / 1024).toFixed(1)} MB`;
    process.stdout.write(`${join(out, result.id, f.path)}  ${f.pages} page${f.pages === 1 ? "" : "s"}, ${size}\n`);
  }
  return pdfs;
}

/** Builds every given scenario file that is not up to date (or all, forced). Returns the exit code. */
export async function buildKits(paths: string[], session: Session, out: string, force: boolean): Promise<number> {
  const pending: string[] = [];
  /** Which file each kit id came from in this run: two files with one id would overwrite each other. */
  const owners = new Map<string, string>();
  let code = 0;
  for (const path of paths) {
    const current = force ? undefined : upToDate(out, path, session);
    if (current && !owners.has(current)) {
      owners.set(current, path);
      process.stdout.write(`${join(out, current)}: up to date\n`);
    } else pending.push(path);
  }
  let written = 0;
  // Loaded only when something needs building: an up-to-date check stays fast.
  const { buildFile } = pending.length ? await import("./build.js") : { buildFile: undefined };
  const { buildWorkshopFile } = pending.some(isWorkshop)
    ? await import("./workshop.js")
    : { buildWorkshopFile: undefined };
  for (const path of pending) {
    const progress = progressLine(path);
    const result = await computing(() =>
      (isWorkshop(path) ? buildWorkshopFile! : buildFile!)(path, session, progress.update),
    );
    progress.done();
    const owner = result.ok ? owners.get(result.id) : undefined;
    if (result.ok && owner !== undefined) {
      process.stderr.write(
        `${result.file}: its id "${result.id}" is also the id of ${owner}; both would write ${join(out, result.id)}. Give each scenario its own id\n`,
      );
      code = 2;
      continue;
    }
    if (result.ok) owners.set(result.id, path);
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

/** A workshop file (it lists interactives) rather than a scenario; an unreadable file is left to the scenario path to report. */
function isWorkshop(path: string): boolean {
  const read = readScenarioFile(path, path);
  return read.ok && isWorkshopSource(read.source);
}
