/**
 * The session's agenda: welcome, then each interactive (casting its volunteers, playing its steps,
 * its own questions), a reset of the stage between two interactives, breaks, and the closing
 * debrief, which takes the minutes left. The times add up to the workshop's length exactly; a
 * plan that does not fit is refused with the numbers.
 */
import type { Diagnostic } from "../scenario/diagnostics.js";
import type { Timing } from "../products/script/timing.js";
import type { Templates } from "../wording.js";
import type { Workshop } from "./parse.js";

export type AgendaKind = "welcome" | "casting" | "play" | "questions" | "reset" | "break" | "closing";

export interface AgendaRow {
  kind: AgendaKind;
  /** Minutes since the start of the session. */
  start: number;
  minutes: number;
  title: string;
  /** The interactive the row belongs to (its index among the workshop's interactives). */
  interactive?: number;
}

/** What the agenda needs of one interactive: its title and the script's clock for it. */
export interface PlannedInteractive {
  title: string;
  clock: Timing;
}

const fmt = (m: number) => String(Math.round(m * 2) / 2);

export function planAgenda(
  workshop: Workshop,
  interactives: PlannedInteractive[],
  t: Templates,
): { ok: true; rows: AgendaRow[] } | { ok: false; diagnostic: Diagnostic } {
  const rows: AgendaRow[] = [];
  let at = 0;
  const add = (row: Omit<AgendaRow, "start">) => {
    if (row.minutes <= 0) return;
    rows.push({ ...row, start: at });
    at += row.minutes;
  };
  add({
    kind: "welcome",
    minutes: workshop.welcome,
    title: t.text("workshop", "agenda_welcome"),
  });
  let k = 0;
  let previous: "interactive" | "break" | undefined;
  const parts: string[] = [`welcome ${fmt(workshop.welcome)}`];
  let resets = 0;
  for (const item of workshop.items) {
    if (item.kind === "break") {
      add({ kind: "break", minutes: item.minutes, title: item.title ?? t.text("workshop", "agenda_break") });
      parts.push(`break ${fmt(item.minutes)}`);
      previous = "break";
      continue;
    }
    const planned = interactives[k]!;
    if (previous === "interactive") {
      add({ kind: "reset", minutes: workshop.reset, title: t.text("workshop", "agenda_reset") });
      resets++;
    }
    const title = item.title ?? planned.title;
    const c = planned.clock;
    const playing = c.total - c.casting - c.debrief;
    add({
      kind: "casting",
      minutes: c.casting,
      title: t.text("workshop", "agenda_casting", { title }),
      interactive: k,
    });
    add({ kind: "play", minutes: playing, title, interactive: k });
    add({
      kind: "questions",
      minutes: c.debrief,
      title: t.text("workshop", "agenda_questions", { title }),
      interactive: k,
    });
    parts.push(`${title} ${fmt(c.total)}`);
    previous = "interactive";
    k++;
  }
  if (resets) parts.push(`${resets} reset${resets > 1 ? "s" : ""} × ${fmt(workshop.reset)}`);
  const left = workshop.minutes - at;
  if (left < workshop.debrief) {
    return {
      ok: false,
      diagnostic: {
        file: workshop.file,
        position: workshop.minutesAt,
        message:
          `the plan does not fit in ${workshop.minutes} minutes: it needs ${fmt(at + workshop.debrief)} ` +
          `(${parts.join(", ")}, closing debrief at least ${fmt(workshop.debrief)}); ` +
          `lengthen the workshop by ${fmt(at + workshop.debrief - workshop.minutes)} min, shorten an interactive ("minutes:"), or play fewer runs`,
      },
    };
  }
  add({ kind: "closing", minutes: left, title: t.text("workshop", "agenda_closing") });
  return { ok: true, rows };
}
