/**
 * build/lazy-aes.cjs stands in for @noble/ciphers' AES in pdfkit's bundled code: the same
 * ciphers, the module loaded only when one is first asked for.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

interface Cipher {
  encrypt(data: Uint8Array): Uint8Array;
  decrypt(data: Uint8Array): Uint8Array;
}
interface Aes {
  cbc(key: Uint8Array, iv: Uint8Array, options?: object): Cipher;
  ecb(key: Uint8Array, options?: object): Cipher;
}
const root = join(import.meta.dirname, "..", "..");
const require = createRequire(import.meta.url);
const lazy = require(join(root, "build", "lazy-aes.cjs")) as Aes;
const real = createRequire(require.resolve("pdfkit"))("@noble/ciphers/aes") as Aes;

describe("lazy AES", () => {
  it("encrypts and decrypts as @noble/ciphers does, CBC and ECB, with and without padding", () => {
    const key = fc.constantFrom(16, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
    const iv = fc.uint8Array({ minLength: 16, maxLength: 16 });
    fc.assert(
      fc.property(key, iv, fc.uint8Array({ maxLength: 100 }), fc.boolean(), (k, v, data, pad) => {
        const block = pad ? data : data.subarray(0, data.length - (data.length % 16));
        const options = { disablePadding: !pad };
        const a = real.cbc(k, v, options).encrypt(block);
        expect(Buffer.from(lazy.cbc(k, v, options).encrypt(block))).toEqual(Buffer.from(a));
        expect(Buffer.from(lazy.cbc(k, v, options).decrypt(a))).toEqual(Buffer.from(block));
        const b = real.ecb(k, options).encrypt(block);
        expect(Buffer.from(lazy.ecb(k, options).encrypt(block))).toEqual(Buffer.from(b));
      }),
      { numRuns: 100 },
    );
  });

  const bundle = join(root, "dist", "bundle", "replikit.cjs");
  it.runIf(existsSync(bundle))("is what pdfkit imports in the bundle, and the only place that loads AES", () => {
    const code = readFileSync(bundle, "utf8");
    const loads = [...code.matchAll(/require_aes\(\)/g)].map((m) => m.index);
    expect(loads).toHaveLength(1);
    const standIn = code.lastIndexOf("// build/lazy-aes.cjs", loads[0]);
    expect(standIn).toBeGreaterThan(0);
    expect(code.slice(standIn, loads[0])).toMatch(/const load = \(\) => aes \?\?= $/);
    expect(code).toMatch(/import_lazy_aes = require_lazy_aes\(\)/);
  });
});
