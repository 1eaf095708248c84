/**
 * tiny-inflate's one function, `inflate(source, dest)`, done by Node's zlib (build/bundle.mjs
 * gives it to the modules that import tiny-inflate in the bundle).
 *
 * unicode-trie inflates its data twice, in JavaScript, for every trie a module makes when it
 * loads: unicode-properties (loaded with fontkit) and fontkit's shaping tables, some 20 ms of
 * every start while that code still runs cold. The data is raw DEFLATE, as tiny-inflate reads it.
 *
 * tiny-inflate's contract, kept: the output is written into `dest`; the result is `dest` when the
 * output fills it, else a copy of the part written (`dest.slice`); output past `dest`'s end is
 * dropped. Bad data throws. tests/node/native-inflate.test.ts compares the two.
 */
"use strict";
const { inflateRawSync } = require("node:zlib");

module.exports = function inflate(source, dest) {
  const out = inflateRawSync(source);
  if (out.length >= dest.length) {
    dest.set(out.subarray(0, dest.length));
    return dest;
  }
  dest.set(out);
  return dest.slice(0, out.length);
};
