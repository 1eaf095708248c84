/**
 * pdfkit's import of @noble/ciphers' AES, loaded on first use (build/bundle.mjs gives it to
 * pdfkit in the bundle). pdfkit uses AES only to encrypt a PDF, which the kit never asks for, but
 * the module fills its lookup tables when it loads: 10–25 ms of every start.
 * tests/node/lazy-aes.test.ts checks that the two give the same ciphers.
 */
"use strict";
let aes;
const load = () => (aes ??= require("@noble/ciphers/aes"));

module.exports = {
  cbc: (...args) => load().cbc(...args),
  ecb: (...args) => load().ecb(...args),
};
