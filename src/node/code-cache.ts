/**
 * Start-up: replikit built as one CommonJS file (dist/bundle/replikit.cjs, see build/bundle.mjs),
 * compiled with a V8 code cache so that a fresh process neither parses nor compiles the code it
 * ran last time. Node 20 has no compile cache of its own (module.enableCompileCache is Node 22).
 *
 * The cache is never required and never trusted blindly: its file name carries a hash of the
 * bundle, the Node version, the architecture, the V8-affecting flags and the command (a build
 * runs other code than --version), and V8 itself rejects data that does not fit the source. It
 * lives in replikit's own cache folder (node_modules/.cache/replikit in the package), written
 * once, atomically (a temporary file renamed over), when a run had none or had it rejected; a
 * folder that cannot be written only means no cache. Only files replikit named are replaced.
 */
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import vm from "node:vm";

/** The first line of a bundle, as build/bundle.mjs writes it: the hash of what follows. */
const HEADER = /^\/\/ replikit bundle sha256=([0-9a-f]{64})\n/;
const NAME = /^([a-z]+|none)-[0-9a-f]{32}\.v8cache$/;

/** The cache file for this bundle, in this Node, with these flags, for this command. */
export function cacheFile(
  dir: string,
  source: string,
  command: string,
  runtime: { version: string; arch: string; flags: string[] } = {
    version: process.version,
    arch: process.arch,
    flags: [...process.execArgv, process.env.NODE_OPTIONS ?? ""],
  },
): string {
  const bundle = HEADER.exec(source)?.[1] ?? createHash("sha256").update(source).digest("hex");
  const key = createHash("sha256")
    .update([bundle, runtime.version, runtime.arch, ...runtime.flags].join("\0"))
    .digest("hex")
    .slice(0, 32);
  return join(dir, `${/^[a-z]+$/.test(command) ? command : "none"}-${key}.v8cache`);
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache beside its stale versions for the same command, then removes those. Never throws. */
export function writeCache(file: string, data: Buffer): boolean {
  const dir = dirname(file);
  const name = file.slice(dir.length + 1);
  const command = NAME.exec(name)?.[1];
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    for (const other of readdirSync(dir))
      if (other !== name && NAME.exec(other)?.[1] === command) rmSync(join(dir, other), { force: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a CommonJS bundle in this context the way Node's loader would, with a code cache from
 * `cacheDir`; when there was none (or V8 rejected it) one is made as the process exits, so that
 * it covers every function this run compiled.
 */
export function runBundle(bundle: string, cacheDir: string, command: string): void {
  // build/bundle.mjs writes the bundle in ASCII: read as such, it is a one-byte string for V8,
  // half the memory and no UTF-8 decoding of 3 MB at every start. Any other bundle is UTF-8.
  const bytes = readFileSync(bundle);
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const file = cacheFile(cacheDir, source, command);
  const cachedData = readCache(file);
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  if (!cachedData || script.cachedDataRejected) process.once("exit", () => writeCache(file, script.createCachedData()));
  const run = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} };
  run.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}
