#!/usr/bin/env node
/**
 * After tsc: replikit as one file, and its templates precompiled.
 *
 * - dist/bundle/replikit.cjs: dist/cli.js and everything it imports (pdfkit, fontkit, yaml, zod,
 *   handlebars, commander…) in one CommonJS script, which dist/launch.js runs with a V8 code cache
 *   (src/node/code-cache.ts). One script is what V8's code cache takes (vm.Script; ES modules have
 *   none in Node 20), and one file spares the loader some 300 module look-ups. Bundled with
 *   rolldown, which vitest already brings (no new dependency; esbuild would be one). Its first
 *   line is the hash of the rest, the cache's key. The folder depth matches dist/node/, so paths
 *   made from import.meta.url (the package root, the templates) come out the same.
 * - dist/wording.precompiled.cjs: every template with a `{{`, precompiled by Handlebars, matched
 *   by source text at run time (a template edited since is compiled as before).
 * - dist/wording.parsed.json: each template file's text and its parsed YAML, taken at run time
 *   while the file's text is the same (a file edited since is parsed as before).
 *
 * Without rolldown (an install without dev dependencies), the bundle is skipped with a note and
 * dist/launch.js runs dist/cli.js instead.
 */
import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const writeAtomic = (path, text) => {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
};

const { precompileWording } = await import(join(dist, "wording.js"));
const { loadWording, WORDING_FILES } = await import(join(dist, "node", "assets.js"));
writeAtomic(join(dist, "wording.precompiled.cjs"), precompileWording(loadWording(undefined, {})));
const { parse } = await import("yaml");
const { templateDir } = await import(join(dist, "node", "paths.js"));
const parsed = {};
for (const name of WORDING_FILES) {
  const source = readFileSync(join(templateDir, `${name}.yaml`), "utf8");
  parsed[name] = { source, value: parse(source) };
}
writeAtomic(join(dist, "wording.parsed.json"), JSON.stringify(parsed));

let rolldown;
try {
  ({ rolldown } = await import("rolldown"));
} catch {
  rmSync(join(dist, "bundle"), { recursive: true, force: true });
  console.log("build/bundle.mjs: rolldown is not installed; replikit runs from dist/cli.js (slower to start)");
  process.exit(0);
}
/**
 * fontkit loads its WOFF2 decoder, brotli, when it loads: brotli then inflates its 120 KB
 * dictionary (25–50 ms at every start), for a font format the kit never reads (its faces are
 * TTF). fontkit's import of it is given a stand-in that loads brotli on first use.
 */
const lazyBrotli = {
  name: "lazy-brotli",
  resolveId(source, importer) {
    if (source === "brotli/decompress.js" && importer && /[\\/]fontkit[\\/]/.test(importer)) return "\0lazy-brotli";
    return null;
  },
  load(id) {
    if (id !== "\0lazy-brotli") return null;
    return [
      "let decompress;",
      "module.exports = (buffer, size) => (decompress ??= require('brotli/decompress.js'))(buffer, size);",
    ].join("\n");
  },
};
/**
 * unicode-trie inflates each trie's data with tiny-inflate, in JavaScript, when the modules that
 * make them load (unicode-properties, fontkit): some 20 ms of every start. Every import of
 * tiny-inflate gets build/native-inflate.cjs, the same function done by Node's zlib.
 */
const nativeInflate = {
  name: "native-inflate",
  resolveId(source) {
    return source === "tiny-inflate" ? fileURLToPath(new URL("native-inflate.cjs", import.meta.url)) : null;
  },
};
/**
 * pdfkit imports @noble/ciphers' AES, which fills its tables as it loads (10–25 ms of every
 * start), for encryption the kit never asks for: pdfkit's import gets build/lazy-aes.cjs, which
 * loads it on first use.
 */
const lazyAes = {
  name: "lazy-aes",
  resolveId(source, importer) {
    if (source === "@noble/ciphers/aes" && importer && /[\\/]pdfkit[\\/]/.test(importer))
      return fileURLToPath(new URL("lazy-aes.cjs", import.meta.url));
    return null;
  },
};
const build = await rolldown({
  input: join(dist, "cli.js"),
  platform: "node",
  logLevel: "warn",
  plugins: [lazyBrotli, nativeInflate, lazyAes],
});
const { output } = await build.generate({
  format: "cjs",
  codeSplitting: false,
  charset: "ascii",
  comments: { legal: true, annotation: true, jsdoc: false },
});
await build.close();
const code = output[0].code.replace(/^#!.*\n/, ""); // the shebang: the file is run as a script, not by the shell
// In ASCII (charset "ascii" escapes every other character in code; JSDoc comments are left out),
// the bundle is read as a one-byte string (src/node/code-cache.ts). Should a character slip through
// (a String.raw template keeps its own), the bundle is read as UTF-8: slower to start, no less right.
if (!isAscii(Buffer.from(code))) console.log("build/bundle.mjs: the bundle is not ASCII; it will be read as UTF-8");
mkdirSync(join(dist, "bundle"), { recursive: true });
const hash = createHash("sha256").update(code).digest("hex");
writeAtomic(join(dist, "bundle", "replikit.cjs"), `// replikit bundle sha256=${hash}\n${code}`);
