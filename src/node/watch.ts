/**
 * replikit watch: build, then rebuild a scenario when its file changes and every scenario when a
 * template changes. A broken save prints its positioned errors and the last good kit stays.
 * Rebuilds run in this process, so fonts and layouts parsed once stay warm.
 */
import { watch as watchPath } from "node:fs";
import { basename, dirname, join } from "node:path";
import { templateDir } from "./paths.js";
import { buildFile, type BuildResult } from "./build.js";
import type { Session } from "./session.js";
import { computing } from "./signals.js";

export async function watch(
  paths: string[],
  session: Session,
  deliver: (result: BuildResult) => number,
): Promise<void> {
  const queue = new Set<string>();
  let running = false;
  let timer: NodeJS.Timeout | undefined;

  const rebuild = async (path: string, since: number) => {
    let result: BuildResult;
    try {
      result = await computing(() => buildFile(path, session));
    } catch (error) {
      // A template saved broken (or anything else unexpected): say so, keep the kits, keep watching.
      process.stderr.write(`${basename(path)}: cannot be rebuilt: ${(error as Error).message}\n`);
      process.stdout.write(`the last good kit of ${basename(path)} is unchanged; still watching\n`);
      return;
    }
    const written = deliver(result);
    const ms = Math.round(performance.now() - since);
    if (written >= 0 && result.ok) process.stdout.write(`rebuilt ${result.id} in ${ms} ms\n`);
    else process.stdout.write(`${basename(path)} has errors (above); the last good kit is unchanged\n`);
  };

  const drain = async () => {
    if (running) return;
    running = true;
    while (queue.size > 0) {
      const since = performance.now();
      const [path] = queue;
      queue.delete(path!);
      await rebuild(path!, since);
    }
    running = false;
  };

  // Editors save by writing in place or by renaming a new file over the old: watch the folders.
  const schedule = (changed: string[]) => {
    for (const p of changed) queue.add(p);
    clearTimeout(timer);
    timer = setTimeout(() => void drain(), 8);
  };

  for (const path of paths) await rebuild(path, performance.now());

  for (const dir of new Set(paths.map(dirname))) {
    watchPath(dir, (_event, name) => {
      const path = name ? join(dir, name.toString()) : undefined;
      if (path && paths.includes(path)) schedule([path]);
    });
  }
  watchPath(templateDir, (_event, name) => {
    if (!name?.toString().endsWith(".yaml")) return;
    session.reload();
    schedule(paths);
  });
  process.stdout.write(`watching ${paths.length} scenario(s) and the templates; Ctrl-C to stop\n`);
  await new Promise(() => {});
}
