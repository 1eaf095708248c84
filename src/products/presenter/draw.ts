/**
 * presenter/index.html: one self-contained page (inline SVG, CSS, script and fonts; nothing is
 * fetched) for the laptop driving the projector. Each screen is a 16:9 stage with the step's
 * diagram large, its title and what to watch for; a second view (key F opens it in its own window,
 * V switches this one) shows the facilitator the script's Say, Do, Then, Why, the timing and a
 * running clock. The two windows follow each other.
 */
import type { FontSet } from "../../render/pdf.js";
import { FONT } from "../../render/pdf.js";
import type { Product, RenderedFile } from "../product.js";
import { CLIENT } from "./client.js";
import { scenarioScreens, type Screen } from "./derive.js";
import { STYLE } from "./style.js";

const esc = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const faces = new WeakMap<FontSet, string>();

/** The three faces as CSS, base64 inside: made once per font set (every kit's and workshop's page has them). */
function fontFaces(fonts: FontSet): string {
  let css = faces.get(fonts);
  if (css === undefined) {
    const face = (name: string, bytes: Uint8Array) =>
      `@font-face{font-family:"${name}";src:url(data:font/ttf;base64,${Buffer.from(bytes).toString("base64")}) format("truetype");font-display:block}`;
    css = [face(FONT.regular, fonts.regular), face(FONT.bold, fonts.bold), face(FONT.mono, fonts.mono)].join("\n");
    faces.set(fonts, css);
  }
  return css;
}

function projectorScreen(s: Screen, i: number): string {
  const head = `<div class="section">${esc(s.section)}</div>`;
  if (s.kind !== "step")
    return `<section class="screen ${s.kind}" data-i="${i}" hidden><div class="top">${head}</div><div class="big"><h1>${esc(s.title)}</h1><div class="lines">${s.lines.map((l) => `<p>${esc(l)}</p>`).join("")}</div></div></section>`;
  const watch = s.watch.map((w) => `<li${w.changed ? ' class="changed"' : ""}>${esc(w.text)}</li>`).join("");
  return (
    `<section class="screen step" data-i="${i}" hidden><div class="top">${head}` +
    `<h1><span class="num">${esc(s.label)}</span>${esc(s.title)}</h1>` +
    (s.moment ? `<div class="moment">${esc(s.moment)}</div>` : "") +
    `</div><div class="diagram">${s.svg ?? ""}</div>` +
    `<aside class="watch"><h2>Watch for</h2><ul>${watch}</ul></aside></section>`
  );
}

function lines(title: string, list: { role: string; text: string }[]): string {
  if (!list.length) return "";
  return `<h2>${esc(title)}</h2><ul>${list.map((l) => `<li>${l.role ? `<span class="who">${esc(l.role)}:</span> ` : ""}${esc(l.text)}</li>`).join("")}</ul>`;
}

function notesScreen(s: Screen, i: number): string {
  const n = s.notes;
  const parts = [
    n.say ? `<h2>Say</h2><p>${esc(n.say)}</p>` : "",
    lines("Do", n.do),
    lines("Then", n.then),
    n.why ? `<h2>Why</h2><p>${esc(n.why)}</p>` : "",
    s.kind !== "step" && s.lines.length ? `<ul>${s.lines.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : "",
    n.extra.length ? `<ul class="extra">${n.extra.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>` : "",
  ].join("");
  return (
    `<section class="notes" data-i="${i}" hidden><div class="left"><div class="head"><div class="section">${esc(s.section)}</div>` +
    `<h1>${s.label ? `Step ${esc(s.label)}. ` : ""}${esc(s.title)}</h1><div class="timing">${esc(n.timing ?? "")}</div></div>` +
    `<div class="body">${parts}</div></div></section>`
  );
}

export interface PresenterInput {
  title: string;
  subtitle: string;
  screens: Screen[];
  fonts: FontSet;
  hash: string;
}

export function presenterPage(input: PresenterInput): string {
  const { screens } = input;
  const index = screens.map((s) => ({
    section: s.section,
    step: s.step ?? null,
    label: s.label,
    title: s.title,
    start: s.notes.start,
    minutes: s.notes.minutes,
  }));
  // JSON inside a script element: "<" is escaped so that no text can close the element.
  const json = JSON.stringify(index).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; font-src data:; img-src data:">
<meta name="replikit-title" content="${esc(input.title)}">
<meta name="generator" content="replikit · version ${esc(input.hash)}">
<title>${esc(input.title)}</title>
<link rel="icon" href="data:,">
<style>
${fontFaces(input.fonts)}
${STYLE}
</style>
</head>
<body data-view="projector" data-theme="light">
<div class="stage" id="projector">
${screens.map(projectorScreen).join("\n")}
<div class="hint">${esc(input.title)} · → next · ← back · number + Enter: step · F: facilitator window · D: dark/light</div>
<div class="count"></div>
<div class="bar"><i></i></div>
</div>
<div class="stage" id="facilitator">
${screens.map(notesScreen).join("\n")}
<div class="right"><div class="clock">0:00</div><div class="plan"></div><div class="preview"></div><div class="next">Next<b></b></div>
<div class="keys">→ / Space / PageDown next · ← / PageUp back · Home / End · number + Enter: step<br>T: restart the clock · V: projector view · D: dark/light · <span class="count"></span></div></div>
</div>
<script type="application/json" id="screens">${json}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}

export const presenter: Product<RenderedFile> = {
  file: "presenter/index.html",
  description: "a self-contained presenter view: one screen per step for the projector, the script for the facilitator",
  async render(kit, _options, assets) {
    const html = presenterPage({
      title: kit.scenario.title,
      subtitle: kit.scenario.summary,
      screens: scenarioScreens(kit, assets),
      fonts: assets.fonts,
      hash: kit.hash,
    });
    return Promise.resolve({ bytes: new TextEncoder().encode(html), extras: [] });
  },
};
