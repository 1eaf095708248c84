/**
 * Start-up: the V8 code cache is keyed by everything that makes it invalid, is written once and
 * accepted on the next run, never needed, and never a reason to fail; the one-file build runs
 * the same program as dist/cli.js (same kit bytes).
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheFile, runBundle, writeCache } from "../../src/node/code-cache.js";
import { root } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "replikit-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const runtime = { version: "v20.0.0", arch: "x64", flags: [] as string[] };

describe("cache file", () => {
  it("is named by the bundle, the Node version, the architecture, the flags and the command", () => {
    const base = cacheFile("/c", "code", "build", runtime);
    expect(base).toMatch(/^\/c\/build-[0-9a-f]{32}\.v8cache$/);
    expect(cacheFile("/c", "code", "build", runtime)).toBe(base);
    expect(cacheFile("/c", "code2", "build", runtime)).not.toBe(base);
    expect(cacheFile("/c", "code", "build", { ...runtime, version: "v20.1.0" })).not.toBe(base);
    expect(cacheFile("/c", "code", "build", { ...runtime, arch: "arm64" })).not.toBe(base);
    expect(cacheFile("/c", "code", "build", { ...runtime, flags: ["--jitless"] })).not.toBe(base);
    expect(cacheFile("/c", "code", "check", runtime)).toMatch(/\/check-/);
    expect(cacheFile("/c", "code", "../x", runtime)).toMatch(/^\/c\/none-/);
  });

  it("uses the hash in a bundle's first line", () => {
    const hash = "a".repeat(64);
    const one = cacheFile("/c", `// replikit bundle sha256=${hash}\nfirst`, "build", runtime);
    expect(cacheFile("/c", `// replikit bundle sha256=${hash}\nsecond`, "build", runtime)).toBe(one);
    expect(cacheFile("/c", `// replikit bundle sha256=${"b".repeat(64)}\nfirst`, "build", runtime)).not.toBe(one);
  });
});

describe("writing the cache", () => {
  it("replaces its own stale files for the command, and nothing else", () => {
    const dir = join(work, "own");
    mkdirSync(dir);
    const stale = `build-${"1".repeat(32)}.v8cache`;
    const other = `check-${"2".repeat(32)}.v8cache`;
    for (const name of [stale, other, "notes.txt"]) writeFileSync(join(dir, name), "x");
    const file = cacheFile(dir, "code", "build", runtime);
    expect(writeCache(file, Buffer.from("data"))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([file.slice(dir.length + 1), other, "notes.txt"].sort());
    expect(readFileSync(file, "utf8")).toBe("data");
  });

  it("gives up quietly where it cannot write", () => {
    const file = join(work, "plain-file");
    writeFileSync(file, "in the way");
    expect(writeCache(join(file, "build-x.v8cache"), Buffer.from("data"))).toBe(false);
    if (process.getuid?.() !== 0) {
      const locked = join(work, "locked");
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      expect(writeCache(cacheFile(locked, "code", "build", runtime), Buffer.from("data"))).toBe(false);
    }
  });
});

describe("running a bundle", () => {
  it("reads an ASCII bundle and a UTF-8 one each as the text it is", () => {
    const seen = globalThis as { replikitBundleTest?: string[] };
    seen.replikitBundleTest = [];
    const ascii = join(work, "ascii.cjs");
    const utf8 = join(work, "utf8.cjs");
    writeFileSync(ascii, 'globalThis.replikitBundleTest.push("plain \\u00b7 escaped", __filename);\n');
    writeFileSync(utf8, 'globalThis.replikitBundleTest.push("café · … ✓", __filename);\n', "utf8");
    // A cache folder that cannot be made (its parent is a file): the runs leave nothing behind.
    writeFileSync(join(work, "not-a-folder"), "");
    const noCache = join(work, "not-a-folder", "cache");
    runBundle(ascii, noCache, "test");
    runBundle(utf8, noCache, "test");
    expect(seen.replikitBundleTest).toEqual(["plain \u00b7 escaped", ascii, "café · … ✓", utf8]);
    delete seen.replikitBundleTest;
  });
});

describe("dist/launch.js", () => {
  const launch = join(root, "dist", "launch.js");
  const bundled = existsSync(join(root, "dist", "bundle", "replikit.cjs"));

  it.runIf(bundled)("runs the bundle, writes a cache the next run accepts, and builds the same bytes", () => {
    const cacheDir = join(root, "node_modules", ".cache", "replikit");
    const scenario = join(root, "scenarios", "streaming.yaml");
    const build = (cli: string, out: string, flags: string[] = []) =>
      spawnSync(process.execPath, [...flags, cli, "build", "--force", "--out", join(work, out), scenario], {
        encoding: "utf8",
        env: { ...process.env, SOURCE_DATE_EPOCH: "0" },
      });
    // A flag of no consequence gives this test a cache file of its own.
    const flags = ["--stack-size=984"];
    const first = build(launch, "a", flags);
    expect(first.status, first.stderr).toBe(0);
    const made = readdirSync(cacheDir).filter((f) => f.startsWith("build-"));
    expect(made.length).toBeGreaterThan(0);
    const stats = () => made.map((f) => statSync(join(cacheDir, f))).map((s) => [s.ino, s.mtimeMs]);
    const before = stats();
    const second = build(launch, "b", flags);
    expect(second.status, second.stderr).toBe(0);
    // Accepted: a rejected cache would have been written anew (a new file renamed over).
    expect(stats()).toEqual(before);
    const plain = build(join(root, "dist", "cli.js"), "c");
    expect(plain.status, plain.stderr).toBe(0);
    for (const file of ["role-cards.pdf", "data-cards.pdf", "facilitator-script.pdf", "diagrams.pdf"]) {
      const bytes = readFileSync(join(work, "c", "streaming", file));
      expect(readFileSync(join(work, "a", "streaming", file))).toEqual(bytes);
      expect(readFileSync(join(work, "b", "streaming", file))).toEqual(bytes);
    }
  });

  it.runIf(bundled)("loads brotli, fontkit's WOFF2 decoder, only when a WOFF2 font is first read", () => {
    const code = readFileSync(join(root, "dist", "bundle", "replikit.cjs"), "utf8");
    const calls = [...code.matchAll(/require_decompress\(\)/g)].map((m) => m.index);
    expect(calls).toHaveLength(1);
    // The one call is in the stand-in fontkit imports, inside the function it calls to decode.
    const standIn = code.lastIndexOf("lazy-brotli", calls[0]);
    expect(code.slice(standIn, calls[0])).toMatch(/module\.exports = \(buffer, size\) => \(decompress \?\?= $/);
    expect(code).toMatch(/__toESM\(require__lazy_brotli\(\), 1\)/);
  });

  it.runIf(bundled)("is ASCII, so that it loads as a one-byte string", () => {
    const bytes = readFileSync(join(root, "dist", "bundle", "replikit.cjs"));
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it.runIf(bundled)("runs from a corrupt cache as from none", () => {
    const cacheDir = join(root, "node_modules", ".cache", "replikit");
    const flags = ["--stack-size=983"];
    const version = () => spawnSync(process.execPath, [...flags, launch, "--version"], { encoding: "utf8" });
    expect(version().status).toBe(0);
    const mine = readdirSync(cacheDir).filter((f) => f.startsWith("none-"));
    for (const name of mine) writeFileSync(join(cacheDir, name), "not a code cache");
    const again = version();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
