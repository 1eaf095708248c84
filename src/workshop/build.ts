/**
 * Building a workshop in memory: the workshop file, the scenario files it names (supplied by the
 * caller through `resolve`), each interactive's kit and products, and the workshop's own files:
 * kit.pdf (front matter, then every product, bookmarked and page-labelled) and the presenter view.
 * Like src/index.ts's build: no disk, no clock.
 */
import { createHash } from "node:crypto";
import type { Assets } from "../assets.js";
import { load, versionOf, type BuildOutcome, type KitFile } from "../index.js";
import { deriveKit, type Kit } from "../kit.js";
import type { Options } from "../options.js";
import { PRODUCTS } from "../products/index.js";
import { kitKey, kitOnce, renderOnce } from "../products/memo.js";
import { scenarioScreens, type Screen } from "../products/presenter/derive.js";
import { presenterPage } from "../products/presenter/draw.js";
import { frameNames } from "../products/diagrams/draw.js";
import { scriptPages } from "../products/script/draw.js";
import { OverflowError } from "../render/fit.js";
import { createDocument } from "../render/pdf.js";
import { PAPER } from "../render/units.js";
import { ScenarioError, type Diagnostic } from "../scenario/diagnostics.js";
import { checkExpectations } from "../sim/expect.js";
import type { Scenario } from "../scenario/model.js";
import { simulate } from "../sim/simulate.js";
import type { Trace } from "../sim/trace.js";
import { clock } from "../products/script/timing.js";
import { planAgenda } from "./agenda.js";
import { castWorkshop } from "./casting.js";
import { drawFront } from "./front.js";
import { workshopMaterials } from "./materials.js";
import { mergePdfs, type Bookmark, type PageLabel } from "./merge.js";
import { parseWorkshop, type Workshop } from "./parse.js";
import { selectRuns } from "./select.js";

/** A scenario's text as the caller found it, or why it could not (said at the item's line). */
export type Resolved = { ok: true; source: string; file: string } | { ok: false; message: string };

const READ_FIRST = ["facilitator-script.pdf", "diagrams.pdf"];
const rank = (file: string) => (READ_FIRST.includes(file) ? READ_FIRST.indexOf(file) : READ_FIRST.length);

interface Played {
  title: string;
  folder: string;
  kit: Kit;
  files: { path: string; bytes: Uint8Array; pages: number }[];
  extras: KitFile[];
}

/** The workshop's version: its text and every scenario text it plays. */
function workshopHash(source: string, sources: string[]): string {
  const hash = createHash("sha256").update(source);
  for (const s of sources) hash.update("\0").update(s);
  return hash.digest("hex").slice(0, 8);
}

/** An interactive as the workshop plays it: the scenario cut to its runs and length, simulated. */
export interface PlayedScenario {
  title: string;
  scenario: Scenario;
  trace: Trace;
  /** The scenario file's text (the workshop's version hashes it). */
  source: string;
  /** Printed on its pages and cards. */
  version: string;
}

export type LoadedWorkshop =
  | { ok: true; workshop: Workshop; interactives: PlayedScenario[] }
  | { ok: false; diagnostics: Diagnostic[]; sources: Map<string, string> };

/** Parses the workshop and loads every interactive it plays; the positioned problems otherwise. */
export function loadWorkshop(
  source: string,
  file: string,
  resolve: (ref: string, from: string) => Resolved,
  allowFailingClaims = false,
): LoadedWorkshop {
  const sources = new Map<string, string>([[file, source]]);
  let workshop: Workshop;
  try {
    workshop = parseWorkshop(source, file);
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, diagnostics: error.diagnostics, sources };
    throw error;
  }
  const problems: Diagnostic[] = [];
  const interactives: PlayedScenario[] = [];
  for (const item of workshop.items) {
    if (item.kind !== "interactive") continue;
    const found = resolve(item.scenario, file);
    if (!found.ok) {
      problems.push({ file, position: item.at, message: found.message });
      continue;
    }
    sources.set(found.file, found.source);
    let loaded;
    try {
      loaded = load(found.source, found.file);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      problems.push({
        file,
        position: item.at,
        message: `"${item.scenario}" cannot be played: ${found.file} has problems (below)`,
      });
      problems.push(...error.diagnostics);
      continue;
    }
    const picked = selectRuns(loaded.scenario, item.runs, item.minutes, file, item.runsAt);
    if (!picked.ok) {
      problems.push(picked.diagnostic);
      continue;
    }
    const cut = item.runs !== undefined || item.minutes !== undefined;
    const trace = cut ? simulate(picked.scenario) : loaded.trace;
    // As for a scenario's own kit: one whose claims the simulation contradicts is not printed unless asked for.
    const claims = checkExpectations(picked.scenario, trace);
    if (claims.problems.length || (claims.failures.length && !allowFailingClaims)) {
      problems.push({
        file,
        position: item.at,
        message: `"${item.scenario}" cannot be played: its claims fail (below)`,
      });
      problems.push(...claims.problems, ...claims.failures);
      continue;
    }
    interactives.push({
      title: item.title ?? picked.scenario.title,
      scenario: picked.scenario,
      trace,
      source: found.source,
      version: cut
        ? versionOf(`${found.source}\0${JSON.stringify([item.runs, item.minutes])}`)
        : versionOf(found.source),
    });
  }
  if (problems.length) return { ok: false, diagnostics: problems, sources };
  return { ok: true, workshop, interactives };
}

/** Which page of the facilitator script each step starts on. */
function scriptStepPages(kit: Kit, options: Options, assets: Assets): Map<number, number> {
  const probe = createDocument(
    assets.fonts,
    options.date,
    { title: "", subject: "", keywords: "" },
    PAPER[options.paper],
  );
  const { pages } = scriptPages(probe, kit.script, options.commands, options.paper);
  const out = new Map<number, number>();
  const steps = kit.script.runs.flatMap((r) => r.steps);
  for (const step of steps) {
    const page = pages.findIndex((paras) => paras.some((p) => p.text === step.heading));
    out.set(step.number, page < 0 ? (out.get(step.number - 1) ?? 0) : page);
  }
  return out;
}

export async function buildWorkshop(
  source: string,
  file: string,
  resolve: (ref: string, from: string) => Resolved,
  options: Options,
  assets: Assets,
  between: (next: string) => Promise<void> = async () => {},
): Promise<BuildOutcome & { sources?: Map<string, string> }> {
  const loaded = loadWorkshop(source, file, resolve, options.allowFailingClaims);
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics, sources: loaded.sources };
  const { workshop } = loaded;
  const hash = workshopHash(
    source,
    loaded.interactives.map((i) => i.source),
  );
  const folders = new Map<string, number>();
  // The agenda first, from the scripts' clocks: a plan that does not fit is refused before any rendering.
  const kits = loaded.interactives.map((it) =>
    kitOnce(assets, kitKey(it.scenario, it.version, options), () =>
      deriveKit(it.scenario, it.trace, it.version, options, assets),
    ),
  );
  const agenda = planAgenda(
    workshop,
    loaded.interactives.map((it, i) => ({ title: it.title, clock: kits[i]!.script.clock })),
    assets.wording,
  );
  if (!agenda.ok) return { ok: false, diagnostics: [agenda.diagnostic] };
  const played: Played[] = [];
  try {
    for (const [i, it] of loaded.interactives.entries()) {
      const kit = kits[i]!;
      const seen = (folders.get(it.scenario.id) ?? 0) + 1;
      folders.set(it.scenario.id, seen);
      const folder = seen > 1 ? `${it.scenario.id}-${seen}` : it.scenario.id;
      const files: Played["files"] = [];
      const extras: KitFile[] = [];
      for (const product of PRODUCTS) {
        await between(`${folder}/${product.file}`);
        const rendered = await renderOnce(assets, kitKey(it.scenario, it.version, options), product.file, () =>
          product.render(kit, options, assets),
        );
        if ("pdf" in rendered) files.push({ path: product.file, bytes: rendered.pdf, pages: rendered.pages });
        else extras.push({ path: `${folder}/${product.file}`, bytes: rendered.bytes });
        for (const e of rendered.extras) extras.push({ path: `${folder}/${e.path}`, bytes: e.bytes });
      }
      // kit.pdf is read in order: the script and the diagrams first, then what goes to the printer.
      files.sort((a, b) => rank(a.path) - rank(b.path));
      played.push({ title: it.title, folder, kit, files, extras });
    }
  } catch (error) {
    if (error instanceof OverflowError) return { ok: false, diagnostics: [{ file, message: error.message }] };
    throw error;
  }

  const front = await drawFront(
    {
      workshop,
      hash,
      interactives: played.map((p) => ({
        title: p.title,
        summary: p.kit.scenario.summary,
        minutes: p.kit.script.clock.total,
      })),
      agenda: agenda.rows,
      casting: castWorkshop(played.map((p) => ({ title: p.title, kit: p.kit }))),
      materials: workshopMaterials(played, options.paper),
    },
    options.paper,
    options.date,
    assets.fonts,
    assets.wording,
  );
  const text = (key: string, data: object = {}) => assets.wording.text("workshop", key, data);

  // The outline and labels: the front matter's sections, then each interactive's products, with
  // a bookmark for every step in the script and in the diagrams.
  const outline: Bookmark[] = front.sections.map((s) => ({ title: s.title, page: s.page }));
  const labels: PageLabel[] = [{ page: 0, style: "roman" }];
  let page = front.pages;
  played.forEach((p, n) => {
    const children: Bookmark[] = [];
    const first = page;
    const stepTitle = (number: number) =>
      p.kit.script.runs.flatMap((r) => r.steps).find((s) => s.number === number)!.heading;
    for (const f of p.files) {
      // What each product is called in the bookmarks and page labels.
      const title = text(`product_${f.path.replace(/\.pdf$/, "")}`);
      labels.push({ page, style: "decimal", prefix: `${n + 1} ${title} ` });
      let steps: Bookmark[] = [];
      if (f.path === "facilitator-script.pdf") {
        const at = scriptStepPages(p.kit, options, assets);
        steps = [...at].map(([step, i]) => ({ title: stepTitle(step), page: page + i }));
      } else if (f.path === "diagrams.pdf") {
        const names = frameNames(p.kit.frames);
        steps = p.kit.frames.map((frame, i) => ({ title: `${stepTitle(frame.step)} (${names[i]})`, page: page + i }));
      }
      children.push({ title, page, children: steps.length ? steps : undefined });
      page += f.pages;
    }
    outline.push({ title: `${n + 1}. ${p.title}`, page: first, children, open: true });
  });
  const merged = mergePdfs([front.pdf, ...played.flatMap((p) => p.files.map((f) => f.bytes))], outline, labels, {
    title: text("kit_title", { title: workshop.title }),
    subject: workshop.id,
    keywords: hash,
    date: options.date,
  });

  const screens: Screen[] = [];
  const rows = agenda.rows;
  const none = { do: [], then: [], extra: [] };
  const welcome = rows.find((r) => r.kind === "welcome");
  screens.push({
    kind: "title",
    section: text("screen_opening_section", { minutes: workshop.minutes }),
    label: "",
    title: workshop.title,
    watch: [],
    lines: [workshop.summary ?? workshop.audience, ...played.map((p, n) => `${n + 1}. ${p.title}`)],
    notes: {
      ...none,
      say: welcome?.title,
      timing: text("screen_timing", { minutes: welcome?.minutes ?? 0, clock: clock(0) }),
      start: 0,
      minutes: welcome?.minutes ?? 0,
      extra: rows.map((r) => `${clock(r.start)}  ${r.title} (${r.minutes} min)`),
    },
  });
  // Each interactive's screens where its casting starts; a break gets a screen of its own, with
  // what to set up for the interactive that follows it.
  for (const row of rows) {
    const n = row.interactive;
    if (row.kind === "casting" && n !== undefined) {
      const p = played[n]!;
      screens.push(
        ...scenarioScreens(p.kit, assets, { section: `${n + 1}. ${p.title}`, offset: row.start, prefix: `w${n}f` }),
      );
    } else if (row.kind === "break") {
      const next = played[rows.find((r) => r.start > row.start && r.interactive !== undefined)?.interactive ?? -1];
      screens.push({
        kind: "title",
        section: text("screen_break_section"),
        label: "",
        title: row.title,
        watch: [],
        lines: next ? [text("screen_break_next", { title: next.title })] : [],
        notes: {
          ...none,
          say: row.title,
          timing: text("screen_timing", { minutes: row.minutes, clock: clock(row.start) }),
          start: row.start,
          minutes: row.minutes,
          extra: next ? [...next.kit.script.volunteers, ...next.kit.script.setup] : [],
        },
      });
    }
  }
  const closing = rows.find((r) => r.kind === "closing")!;
  screens.push({
    kind: "title",
    section: workshop.title,
    label: "",
    title: text("screen_closing_title"),
    watch: [],
    lines: played.map((p, n) => `${n + 1}. ${p.title}: ${p.kit.scenario.goals[0] ?? ""}`),
    notes: {
      ...none,
      say: closing.title,
      timing: text("screen_timing", { minutes: closing.minutes, clock: clock(closing.start) }),
      start: closing.start,
      minutes: closing.minutes,
      extra: [],
    },
  });
  const html = presenterPage({
    title: workshop.title,
    subtitle: workshop.audience,
    screens,
    fonts: assets.fonts,
    hash,
  });

  const files: KitFile[] = [
    { path: "kit.pdf", bytes: merged.pdf, pages: merged.pages },
    ...played.flatMap((p) => [
      ...p.files.map((f) => ({ path: `${p.folder}/${f.path}`, bytes: f.bytes, pages: f.pages })),
      ...p.extras,
    ]),
    { path: "presenter/index.html", bytes: new TextEncoder().encode(html) },
  ];
  return { ok: true, id: workshop.id, files };
}
