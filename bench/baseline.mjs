#!/usr/bin/env node
/**
 * The benchmark's baseline: plain pdfkit, used the ordinary way, writing documents with the same
 * page counts, page sizes and characters per page as a built kit, in the same embedded fonts —
 * no simulation, templates or diagrams. Each page's text is set in each of the document's fonts
 * in turn. Usage: baseline.mjs SPEC.json OUTDIR (SPEC from bench.mjs: pages, chars, size, fonts).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import PDFDocument from "pdfkit";

const [spec, out] = process.argv.slice(2);
const docs = JSON.parse(readFileSync(spec, "utf8"));
const require = createRequire(import.meta.url);
const sans = dirname(require.resolve("@expo-google-fonts/atkinson-hyperlegible/package.json"));
const mono = dirname(require.resolve("@expo-google-fonts/atkinson-hyperlegible-mono/package.json"));
const files = {
  "AtkinsonHyperlegible-Regular": join(sans, "400Regular", "AtkinsonHyperlegible_400Regular.ttf"),
  "AtkinsonHyperlegible-Bold": join(sans, "700Bold", "AtkinsonHyperlegible_700Bold.ttf"),
  "AtkinsonHyperlegibleMono-Regular": join(mono, "400Regular", "AtkinsonHyperlegibleMono_400Regular.ttf"),
};
mkdirSync(out, { recursive: true });
const words = "the standby replays card after card from the primary while the writer waits for its ack".split(" ");
const textOf = (n) => {
  let text = "";
  for (let w = 0; text.length < n; w++) text += words[w % words.length] + " ";
  return text.slice(0, n);
};

for (const [i, d] of docs.entries()) {
  const doc = new PDFDocument({ autoFirstPage: false, size: d.size, margin: 40, info: { CreationDate: new Date(0) } });
  const fonts = d.fonts.length ? d.fonts : ["AtkinsonHyperlegible-Regular"];
  for (const name of fonts) doc.registerFont(name, files[name] ?? files["AtkinsonHyperlegible-Regular"]);
  const chunks = [];
  doc.on("data", (c) => chunks.push(c));
  const ended = new Promise((resolve) => doc.on("end", resolve));
  for (let p = 0; p < d.pages; p++) {
    doc.addPage().fontSize(9);
    const share = Math.ceil(d.chars[p] / fonts.length);
    fonts.forEach((name, f) => {
      const n = Math.min(share, d.chars[p] - f * share);
      if (n > 0) doc.font(name).text(textOf(n), { width: d.size[0] - 80 });
    });
  }
  doc.end();
  await ended;
  writeFileSync(join(out, `${i}.pdf`), Buffer.concat(chunks));
}
