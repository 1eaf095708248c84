#!/usr/bin/env node
/**
 * The replikit command as installed: runs the one-file build of replikit (dist/bundle/replikit.cjs)
 * with a V8 code cache (node/code-cache.ts), or, where that file was not built, the modules as
 * tsc wrote them (dist/cli.js). Either way the same program; this file only picks how it loads.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runBundle } from "./node/code-cache.js";

const bundle = fileURLToPath(new URL("bundle/replikit.cjs", import.meta.url));
const cacheDir = fileURLToPath(new URL("../node_modules/.cache/replikit", import.meta.url));
const command = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "none";

if (existsSync(bundle)) runBundle(bundle, cacheDir, command);
else await import("./cli.js");
