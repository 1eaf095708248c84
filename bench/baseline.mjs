#!/usr/bin/env node
/**
 * The benchmark's baseline: plain pdfkit writing documents with the same page counts, page sizes
 * and amount of text as a built kit, in the same embedded fonts — no simulation, templates or
 * diagrams. Usage: baseline.mjs SPEC.json OUTDIR
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import PDFDocument from "pdfkit";
import { loadFonts } from "../dist/node/assets.js";

const [spec, out] = process.argv.slice(2);
const docs = JSON.parse(readFileSync(spec, "utf8"));
const fonts = loadFonts();
mkdirSync(out, { recursive: true });
const words = "the standby replays card after card from the primary while the writer waits for its ack".split(" ");
await Promise.all(
  docs.map(
    (d, i) =>
      new Promise((resolve) => {
        const doc = new PDFDocument({
          autoFirstPage: false,
          size: d.size,
          margin: 40,
          info: { CreationDate: new Date(0) },
        });
        doc.registerFont("regular", Buffer.from(fonts.regular));
        doc.registerFont("bold", Buffer.from(fonts.bold));
        const perPage = Math.ceil(d.chars / d.pages);
        for (let p = 0; p < d.pages; p++) {
          doc
            .addPage()
            .font(p % 2 ? "bold" : "regular")
            .fontSize(10);
          let text = "";
          for (let w = 0; text.length < perPage; w++) text += words[w % words.length] + " ";
          doc.text(text.slice(0, perPage), 40, 40, { width: d.size[0] - 80, height: d.size[1] - 80 });
        }
        const chunks = [];
        doc.on("data", (c) => chunks.push(c));
        doc.on("end", () => {
          writeFileSync(join(out, `${i}.pdf`), Buffer.concat(chunks));
          resolve();
        });
        doc.end();
      }),
  ),
);
