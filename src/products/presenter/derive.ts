/**
 * The presenter's screens, as plain data: a title screen, one screen per diagram frame (a step, or
 * each of a step's two moments) with its drawing as SVG, the step's title and what to watch for,
 * and a questions screen; each with the facilitator's notes (say, do, then, why, timing).
 */
import type { Assets } from "../../assets.js";
import type { Kit } from "../../kit.js";
import { measurer } from "../../render/measure.js";
import { FONT } from "../../render/pdf.js";
import { drawingSvg, frameDrawing, frameNames, keepsDrawings } from "../diagrams/draw.js";
import { VIEW } from "../diagrams/shapes.js";
import type { ScriptLine } from "../script/derive.js";

export interface Screen {
  kind: "title" | "step" | "questions";
  /** The interactive, in a workshop; the scenario's title otherwise. */
  section: string;
  /** "3", "3a": what the number keys jump to is `step`. */
  label: string;
  step?: number;
  title: string;
  /** "1 of 2 · as the volunteers act", for a step drawn in two moments. */
  moment?: string;
  svg?: string;
  watch: { text: string; changed: boolean }[];
  /** Lines for a title or questions screen. */
  lines: string[];
  notes: {
    say?: string;
    do: ScriptLine[];
    then: ScriptLine[];
    why?: string;
    timing?: string;
    /** Planned start, in minutes since the session began. */
    start: number;
    minutes: number;
    extra: string[];
  };
}

/** The SVG pen's font names are the kit's faces; the page declares each as its own family. */
export const PRESENTER_FONTS: Record<string, string> = {
  [FONT.regular]: `${FONT.regular}, sans-serif`,
  [FONT.bold]: `${FONT.bold}, sans-serif`,
  [FONT.mono]: `${FONT.mono}, monospace`,
};

/** One frame's drawing as inline SVG: sized by the page, its ids made unique within the page. */
export function frameSvg(kit: Kit, index: number, assets: Assets, prefix: string): string {
  const drawing = frameDrawing(kit.frames[index]!, measurer(assets.fonts), keepsDrawings(kit.frames));
  const svg = drawingSvg(drawing, PRESENTER_FONTS);
  // The SVG pen's first line is its head, sized 1000 × 700: here the page sizes it. Cut, not
  // searched: a search or a replace copied each frame's SVG whole, twice.
  const sized = `${PRESENTER_HEAD}${svg.slice(svg.indexOf("\n"))}`;
  // Only a hatched card's clip has an id (the pen escapes every quote in a text): other frames
  // have nothing to prefix.
  if (!drawing.shapes.some((s) => s.kind === "rect" && s.hatch)) return sized;
  const ids = sized.replace(/id="/g, `id="${prefix}`);
  return ids.replace(/url\(#/g, `url(#${prefix}`);
}

/** The SVG pen's head for a drawing the page sizes. */
const PRESENTER_HEAD = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW.width} ${VIEW.height}" preserveAspectRatio="xMidYMid meet" role="img">`;

export function scenarioScreens(
  kit: Kit,
  assets: Assets,
  context: { section?: string; offset?: number; prefix?: string } = {},
): Screen[] {
  const script = kit.script;
  const section = context.section ?? kit.scenario.title;
  const offset = context.offset ?? 0;
  const prefix = context.prefix ?? "f";
  const clock = script.clock;
  const screens: Screen[] = [];
  const none = { do: [], then: [], extra: [] };
  screens.push({
    kind: "title",
    section,
    label: "",
    title: kit.scenario.title,
    watch: [],
    lines: [kit.scenario.summary, ...kit.scenario.goals.map((g) => `• ${g}`)],
    notes: {
      ...none,
      say: script.summary,
      timing: `casting ${clock.casting} min`,
      start: offset,
      minutes: clock.casting,
      extra: [...script.volunteers, ...script.setup],
    },
  });
  const steps = script.runs.flatMap((r) => r.steps);
  const names = frameNames(kit.frames);
  let elapsed = offset + clock.casting;
  const startOf = new Map<number, number>();
  script.runs.forEach((run, r) => {
    if (r > 0) elapsed += clock.reset;
    for (const step of run.steps) {
      startOf.set(step.number, elapsed);
      elapsed += step.minutes;
    }
  });
  const stepOf = new Map<number, (typeof steps)[number]>();
  for (const s of steps) if (!stepOf.has(s.number)) stepOf.set(s.number, s);
  const titleOf = new Map<number, string>();
  for (const s of kit.scenario.runs.flatMap((r) => r.steps)) if (!titleOf.has(s.number)) titleOf.set(s.number, s.title);
  const framesOf = new Map<number, number>();
  for (const f of kit.frames) framesOf.set(f.step, (framesOf.get(f.step) ?? 0) + 1);
  kit.frames.forEach((frame, i) => {
    const step = stepOf.get(frame.step)!;
    const title = titleOf.get(frame.step)!;
    const several = framesOf.get(frame.step)! > 1;
    screens.push({
      kind: "step",
      section,
      label: names[i]!.replace(/^0/, ""),
      step: frame.step,
      title,
      moment: several ? frame.title : undefined,
      svg: frameSvg(kit, i, assets, `${prefix}${i}-`),
      watch: step.watch,
      lines: frame.run ? [frame.run] : [],
      notes: {
        say: step.say,
        do: step.do,
        then: step.then,
        why: step.why,
        timing: step.timing,
        start: startOf.get(step.number)!,
        minutes: step.minutes,
        extra: step.postgres.map((p) => `${p.role}: ${p.text}`),
      },
    });
  });
  screens.push({
    kind: "questions",
    section,
    label: "",
    title: `${kit.scenario.title}: questions`,
    watch: [],
    lines: script.debrief.map((d) => d.question),
    notes: {
      ...none,
      timing: script.debriefTime,
      start: elapsed,
      minutes: clock.debrief,
      extra: script.debrief.map((d) => `${d.question} — ${d.answer}`),
    },
  });
  return screens;
}
