/**
 * Writing a kit so that the previous one survives any failure: each kit is written complete into
 * a temporary folder beside its target and swapped in only then. Interrupted builds leave their
 * temporary folder behind only under SIGKILL; the next build clears it.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const TMP = ".replikit-tmp-";
const OLD = ".replikit-old-";
const active = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Clears what an interrupted build left in `outDir`, and puts back a kit caught mid-swap. */
export function recover(outDir: string): void {
  if (!existsSync(outDir)) return;
  for (const name of readdirSync(outDir)) {
    const match = /^\.replikit-(tmp|old)-(.+)-(\d+)$/.exec(name);
    if (!match || (alive(Number(match[3])) && Number(match[3]) !== process.pid)) continue;
    const path = join(outDir, name);
    const target = join(outDir, match[2]!);
    if (match[1] === "old" && !existsSync(target)) renameSync(path, target);
    else rmSync(path, { recursive: true, force: true });
  }
}

/** Writes every file of one kit, then replaces out/<id> with it in two renames. */
export function writeKit(outDir: string, id: string, files: { path: string; bytes: Uint8Array }[]): void {
  mkdirSync(outDir, { recursive: true });
  const tmp = join(outDir, `${TMP}${id}-${process.pid}`);
  const old = join(outDir, `${OLD}${id}-${process.pid}`);
  const target = join(outDir, id);
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
    rmSync(old, { recursive: true, force: true });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(old)) renameSync(old, target);
    throw error;
  } finally {
    active.delete(tmp);
  }
}

/** Removes the temporary folders of kits being written (called on SIGINT/SIGTERM). */
export function abandonWrites(): void {
  for (const tmp of active) rmSync(tmp, { recursive: true, force: true });
  active.clear();
}
