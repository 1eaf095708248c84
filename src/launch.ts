#!/usr/bin/env node
/**
 * The replikit command as installed: runs the one-file build of replikit (dist/bundle/replikit.cjs)
 * with a V8 code cache (node/code-cache.ts), or, where that file was not built, the modules as
 * tsc wrote them (dist/cli.js). Either way the same program; this file only picks how it loads,
 * and, on a machine with few cores, in which process (node/relaunch.ts).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { poolFor, relaunch } from "./node/relaunch.js";

const bundle = fileURLToPath(new URL("bundle/replikit.cjs", import.meta.url));
const cacheDir = fileURLToPath(new URL("../node_modules/.cache/replikit", import.meta.url));
const command = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "none";

// Where a second process runs the command, this one only waits for it (and ends as it ends).
const pool = poolFor(command);
if (pool === undefined || !(await relaunch(pool))) {
  if (existsSync(bundle)) (await import("./node/code-cache.js")).runBundle(bundle, cacheDir, command);
  else await import("./cli.js");
}
