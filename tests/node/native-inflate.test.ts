/**
 * build/native-inflate.cjs stands in for tiny-inflate in the bundle (unicode-trie's tries, as
 * unicode-properties, fontkit and linebreak make them): the same results, by Node's zlib.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type Inflate = (source: Uint8Array, dest: Uint8Array) => Uint8Array;
const root = join(import.meta.dirname, "..", "..");
const require = createRequire(import.meta.url);
const native = require(join(root, "build", "native-inflate.cjs")) as Inflate;
// tiny-inflate as unicode-trie resolves it (a dependency of a dependency).
const tiny = createRequire(require.resolve("unicode-trie"))("tiny-inflate") as Inflate;

/** Bytes that compress well and badly: runs, repeats and noise, as trie data has. */
const data = fc
  .array(
    fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 2000 }))
        .map(([b, n]) => new Uint8Array(n).fill(b)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => new Uint8Array(Buffer.concat(parts)));

const both = (source: Uint8Array, size: number) => [
  tiny(source, new Uint8Array(size)),
  native(source, new Uint8Array(size)),
];

describe("native inflate", () => {
  it("gives what tiny-inflate gives, into a buffer as long as the output, longer, or shorter", () => {
    fc.assert(
      fc.property(data, fc.constantFrom(0, 1, 6, 9), fc.integer({ min: -50, max: 50 }), (raw, level, slack) => {
        const source = new Uint8Array(deflateRawSync(raw, { level }));
        const size = Math.max(0, raw.length + slack);
        const [a, b] = both(source, size);
        expect(Buffer.from(b!)).toEqual(Buffer.from(a!));
        expect(b!.length).toBe(a!.length);
        // Full: the buffer itself; short output: a copy of what was written, as tiny-inflate's slice.
        const dest = new Uint8Array(size);
        expect(native(source, dest) === dest).toBe(raw.length >= size);
      }),
      { numRuns: 300 },
    );
  });

  it("inflates unicode-trie's double-compressed data as tiny-inflate does", () => {
    // unicode-trie inflates twice: the output of the first pass is the input of the second.
    fc.assert(
      fc.property(data, (raw) => {
        const inner = deflateRawSync(raw);
        // Both passes inflate into a buffer of the final length (the inner data is shorter).
        fc.pre(inner.length <= raw.length);
        const twice = new Uint8Array(deflateRawSync(inner));
        const size = raw.length;
        const once = both(twice, size);
        expect(Buffer.from(once[1]!)).toEqual(Buffer.from(once[0]!));
        const [a, b] = [tiny(once[0]!, new Uint8Array(size)), native(once[1]!, new Uint8Array(size))];
        expect(Buffer.from(b)).toEqual(Buffer.from(raw));
        expect(Buffer.from(a)).toEqual(Buffer.from(raw));
      }),
      { numRuns: 100 },
    );
  });

  it("throws on data that is not DEFLATE, as tiny-inflate does", () => {
    const bad = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    expect(() => tiny(bad, new Uint8Array(10))).toThrow();
    expect(() => native(bad, new Uint8Array(10))).toThrow();
  });

  it("makes unicode-properties' tries as tiny-inflate does: every code point's properties", () => {
    const trie = require.resolve("unicode-trie");
    const properties = createRequire(require.resolve("fontkit")).resolve("unicode-properties");
    const inflatePath = createRequire(trie).resolve("tiny-inflate");
    /** unicode-properties loaded afresh, its tries inflated by `inflate`. */
    const load = (inflate: Inflate) => {
      const saved = require.cache[inflatePath];
      delete require.cache[trie];
      delete require.cache[properties];
      require.cache[inflatePath] = {
        id: inflatePath,
        filename: inflatePath,
        loaded: true,
        exports: inflate,
      } as NodeJS.Module;
      try {
        return require(properties) as Record<string, (cp: number) => unknown>;
      } finally {
        delete require.cache[trie];
        delete require.cache[properties];
        if (saved) require.cache[inflatePath] = saved;
        else delete require.cache[inflatePath];
      }
    };
    const [a, b] = [load(tiny), load(native)];
    const names = ["getCategory", "getCombiningClass", "getScript", "getEastAsianWidth", "getNumericValue"];
    let differ = 0;
    for (let cp = 0; cp <= 0x10ffff; cp += 1) for (const name of names) if (a[name]!(cp) !== b[name]!(cp)) differ++;
    expect(differ).toBe(0);
    // The tries are not trivial: the walk saw many categories and scripts.
    expect(new Set(Array.from({ length: 0x3000 }, (_, cp) => b.getScript!(cp))).size).toBeGreaterThan(20);
  });

  const bundle = join(root, "dist", "bundle", "replikit.cjs");
  it.runIf(existsSync(bundle))("is the only inflate in the bundle: tiny-inflate is not in it", () => {
    const code = readFileSync(bundle, "utf8");
    expect(code).toContain("// build/native-inflate.cjs");
    expect(code).not.toMatch(/node_modules\/tiny-inflate|function tinf_uncompress/);
  });
});
