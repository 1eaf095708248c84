/**
 * Writing a kit so that the previous one survives any failure, and nothing replikit did not write
 * is ever removed: each kit is written complete into a temporary folder beside its target and
 * swapped in only then. The target may be replaced only when it is a kit replikit made (it holds
 * replikit's stamp, which lists every file replikit wrote into it, and nothing else) or an empty
 * folder; anything else in the way stops the build (KitInTheWay). Interrupted builds leave their
 * temporary folder behind only under SIGKILL; the next build clears it.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { readStamp, STAMP_FILE } from "./stamp.js";

const TMP = ".replikit-tmp-";
const OLD = ".replikit-old-";
const active = new Set<string>();

/** Something at OUT/<id> that replikit did not make: it is left as it is, and the build of that kit fails. */
export class KitInTheWay extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KitInTheWay";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A kit's files from before stamps listed them: the products' names. */
const LEGACY_KIT_FILE = /^(role-cards|data-cards|facilitator-script|diagrams)\.pdf$|^diagrams\/step-\d+[a-z]?\.svg$/;

/** Every file (not folder) under `dir`, as paths relative to it with "/" separators. */
function filesUnder(dir: string, prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      const inside = filesUnder(dir, rel);
      // An empty folder is reported too: it is not ours to remove.
      found.push(...(inside.length ? inside : [`${rel}/`]));
    } else found.push(rel);
  }
  return found;
}

/** The files in a kit folder that replikit wrote (per its stamp), or undefined when it has no stamp. */
function ownFiles(dir: string): Set<string> | undefined {
  const stamp = readStamp(dir);
  if (!stamp) return undefined;
  const own = new Set<string>([STAMP_FILE]);
  if (stamp.files) for (const f of stamp.files) own.add(f.path);
  else for (const f of filesUnder(dir)) if (LEGACY_KIT_FILE.test(f)) own.add(f);
  return own;
}

const listed = (names: string[]) =>
  names.length <= 5 ? names.join(", ") : `${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;

/**
 * Why `target` may not be replaced by a new kit, or undefined when it may: it does not exist, is an
 * empty folder, or is a kit replikit made that holds only the files replikit wrote.
 */
export function inTheWay(target: string): string | undefined {
  let stat;
  try {
    stat = lstatSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  if (stat.isSymbolicLink())
    return `${target} is a symbolic link, not a kit folder replikit made; replikit leaves it alone. Move it away or build with another --out`;
  if (!stat.isDirectory())
    return `${target} is a file that replikit did not write; replikit leaves it alone. Move it away or build with another --out`;
  const files = filesUnder(target);
  if (files.length === 0) return undefined;
  const own = ownFiles(target);
  if (!own)
    return `${target} is a folder replikit did not make (it has no ${STAMP_FILE}) and it is not empty: it holds ${listed(files)}. replikit replaces only its own kits: move the folder away, or build with another --out or another scenario id`;
  const foreign = files.filter((f) => !own.has(f));
  if (foreign.length > 0)
    return `${target} is a kit, but it also holds files replikit did not write: ${listed(foreign)}. replikit never removes those: move them out of the kit folder, then build again`;
  return undefined;
}

/**
 * Removes a kit folder replikit made: only the files its stamp lists, then the folders they leave
 * empty. Anything else is left where it is; returns false when something was left.
 */
function removeKit(dir: string): boolean {
  const own = ownFiles(dir);
  if (!own) return false;
  // The stamp last: a removal cut short still says which files were replikit's.
  for (const file of [...[...own].filter((f) => f !== STAMP_FILE), STAMP_FILE]) {
    try {
      unlinkSync(join(dir, file));
    } catch {
      // Already gone, or not a file: left alone.
    }
  }
  const prune = (path: string): boolean => {
    for (const entry of readdirSync(path, { withFileTypes: true }))
      if (entry.isDirectory()) prune(join(path, entry.name));
    try {
      rmdirSync(path);
      return true;
    } catch {
      return false;
    }
  };
  return prune(dir);
}

/** Clears what an interrupted build left in `outDir`, and puts back a kit caught mid-swap. */
export function recover(outDir: string): void {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return;
  }
  for (const name of names) {
    const match = /^\.replikit-(tmp|old)-(.+)-(\d+)$/.exec(name);
    if (!match || (alive(Number(match[3])) && Number(match[3]) !== process.pid)) continue;
    const path = join(outDir, name);
    const target = join(outDir, match[2]!);
    if (match[1] === "old" && !existsSync(target)) renameSync(path, target);
    else if (match[1] === "old") removeKit(path);
    // A temporary folder holds only what a build of replikit was writing.
    else rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Writes every file of one kit, then replaces out/<id> with it in two renames. Throws KitInTheWay,
 * before writing anything, when out/<id> is something replikit may not replace.
 */
export function writeKit(outDir: string, id: string, files: { path: string; bytes: Uint8Array }[]): void {
  mkdirSync(outDir, { recursive: true });
  const tmp = join(outDir, `${TMP}${id}-${process.pid}`);
  const old = join(outDir, `${OLD}${id}-${process.pid}`);
  const target = join(outDir, id);
  const why = inTheWay(target);
  if (why) throw new KitInTheWay(why);
  rmSync(tmp, { recursive: true, force: true });
  active.add(tmp);
  try {
    for (const file of files) {
      const path = join(tmp, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.bytes);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    throw error;
  } finally {
    active.delete(tmp);
  }
  // The old kit (or the empty folder it replaced): only what replikit wrote goes.
  if (existsSync(old) && !removeKit(old)) {
    try {
      rmdirSync(old);
    } catch {
      process.stderr.write(`replikit: ${old} holds files replikit did not write; it is left for you to look at\n`);
    }
  }
}

/** Removes the temporary folders of kits being written (called on SIGINT/SIGTERM). */
export function abandonWrites(): void {
  for (const tmp of active) rmSync(tmp, { recursive: true, force: true });
  active.clear();
}
