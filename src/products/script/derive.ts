/** The facilitator script as plain data: setup, each step's Say/Do/Watch/Why, debrief, timing. */
import type { Scenario, Settings } from "../../scenario/model.js";
import { DEFAULT_SETTINGS } from "../../scenario/model.js";
import type { Snapshot, Trace } from "../../sim/trace.js";
import type { Cue } from "../cues.js";
import type { DataCard } from "../data-cards/derive.js";
import { commandsFor } from "../../sim/commands.js";
import { cardsPhrase, type Templates } from "../../wording.js";

export interface ScriptStep {
  number: number;
  heading: string;
  timing: string;
  say: string;
  do: { role: string; text: string }[];
  /** What the room should see; `changed` marks what differs from the step before. */
  watch: { text: string; changed: boolean }[];
  postgres: { role: string; text: string }[];
  /** The real PostgreSQL operation behind each action (what `replikit verify` runs). */
  commands: string[];
  why?: string;
}

export interface Script {
  duration: string;
  goals: string[];
  volunteers: string[];
  materials: string[];
  setup: string[];
  simplifications: string[];
  runs: { heading?: string; intro?: string; settings?: string; steps: ScriptStep[] }[];
  debrief: { question: string; answer: string }[];
  debriefTime: string;
}

/** Non-default settings, as the postgresql.conf lines they stand for. */
function settingsLine(s: Settings, label: (id: string) => string): string | undefined {
  const lines: string[] = [];
  if (s.archive) lines.push("archive_mode = on, with archive_command and restore_command");
  if (s.wal_keep_size !== DEFAULT_SETTINGS.wal_keep_size)
    lines.push(`wal_keep_size = ${s.wal_keep_size * 16}MB (${s.wal_keep_size} cards)`);
  if (s.replication_slots) lines.push("a replication slot per standby");
  if (s.synchronous_standby_names.length)
    lines.push(`synchronous_standby_names = 'FIRST 1 (${s.synchronous_standby_names.map(label).join(", ")})'`);
  if (s.synchronous_commit !== DEFAULT_SETTINGS.synchronous_commit)
    lines.push(`synchronous_commit = ${s.synchronous_commit}`);
  if (s.max_standby_streaming_delay !== DEFAULT_SETTINGS.max_standby_streaming_delay)
    lines.push(
      `max_standby_streaming_delay = ${s.max_standby_streaming_delay < 0 ? "-1" : `${s.max_standby_streaming_delay}s`}`,
    );
  if (s.hot_standby_feedback) lines.push("hot_standby_feedback = on");
  return lines.length ? lines.join("; ") : undefined;
}

const clock = (minutes: number) => `${Math.floor(minutes)}:${String(Math.round((minutes % 1) * 60)).padStart(2, "0")}`;

/** What the room should see after a step, from its snapshot (and what changed since the last). */
function watchLines(
  after: Snapshot,
  before: Snapshot | undefined,
  t: Templates,
  label: (id: string) => string,
): string[] {
  const lines: string[] = [];
  for (const [id, s] of Object.entries(after.servers)) {
    const cards = s.cards.length ? cardsPhrase(s.cards) : "no cards";
    if (s.mode === "empty") lines.push(t.text("script", "watch_empty", { label: label(id) }));
    else if (s.mode === "primary")
      lines.push(t.text("script", "watch_primary", { label: label(id), timeline: s.timeline, up: s.up, cards }));
    else {
      const state = !s.up ? "off" : s.replayPaused ? "paused" : s.walreceiver === "off" ? "off" : s.walreceiver;
      lines.push(
        t.text("script", "watch_standby", {
          label: label(id),
          upstream: label(s.upstream ?? ""),
          timeline: s.timeline,
          cards,
          state: t.text("script", `state_${state}`),
          queued: s.unreplayed.join(", "),
        }),
      );
    }
  }
  for (const [id, c] of Object.entries(after.clients)) {
    if (c.waiting !== null) lines.push(t.text("script", "watch_waiting", { label: label(id), card: c.waiting }));
    if (c.holding) lines.push(t.text("script", "watch_holding", { label: label(id), server: label(c.holding.server) }));
    const previous = before?.clients[id]?.lastRead;
    if (
      (c.lastRead && c.lastRead.query !== previous?.query) ||
      (c.lastRead && previous && c.lastRead.result !== previous.result)
    ) {
      lines.push(
        t.text("script", "watch_read", {
          label: label(id),
          query: c.lastRead.query,
          server: label(c.lastRead.from),
          result: t.text("script", `read_${c.lastRead.result}`),
        }),
      );
    }
  }
  if (after.lost.length) lines.push(t.text("script", "watch_lost", { cards: cardsPhrase(after.lost) }));
  if (after.archive?.length) lines.push(t.text("script", "watch_archive", { cards: cardsPhrase(after.archive) }));
  return lines;
}

export function deriveScript(
  scenario: Scenario,
  trace: Trace,
  cues: Map<string, Cue[]>,
  deck: DataCard[],
  t: Templates,
): Script {
  const label = (id: string) => scenario.roles.find((r) => r.id === id)?.label ?? id;
  const kindKey = (r: Scenario["roles"][number]) =>
    r.kind === "standby" && r.starts === "empty" ? "standby_empty" : r.kind;

  const steps = scenario.runs.flatMap((r) => r.steps);
  const debriefMinutes = scenario.debrief.length ? Math.max(2, Math.min(10, scenario.debrief.length * 2)) : 0;
  const fixed = steps.reduce((sum, s) => sum + (s.minutes ?? 0), 0);
  const open = steps.filter((s) => s.minutes === undefined).length;
  const each = open ? Math.max(0.5, Math.round(((scenario.minutes - debriefMinutes - fixed) / open) * 2) / 2) : 0;

  const count = (kind: DataCard["kind"]) => deck.filter((c) => c.kind === kind).length;
  const writes = deck.filter((c) => c.kind === "write").map((c) => c.number);
  const cardList = [
    writes.length
      ? t.text("script", "cards_write", {
          count: writes.length,
          range: writes.length > 1 ? `${writes[0]}–${writes[writes.length - 1]}` : String(writes[0]),
        })
      : "",
    count("joker") ? t.text("script", "cards_joker", { count: count("joker") }) : "",
    count("read") ? t.text("script", "cards_read", { count: count("read") }) : "",
    count("ack") ? t.text("script", "cards_ack", { count: count("ack") }) : "",
  ].filter(Boolean);

  const setup = scenario.roles.map((r) => {
    const firstPrimary = scenario.roles.find((x) => x.kind === "primary")!.id;
    if (r.kind === "primary") return t.text("script", "setup_primary", { label: r.label });
    if (r.kind === "standby")
      return t.text("script", r.starts === "empty" ? "setup_empty" : "setup_standby", {
        label: r.label,
        upstream: label(r.upstream ?? firstPrimary),
      });
    if (r.kind === "basebackup" || r.kind === "admin") return t.text("script", "setup_tool", { label: r.label });
    return t.text("script", `setup_${r.kind}`, { label: r.label });
  });
  if (scenario.runs.length > 1) setup.push(t.text("script", "setup_between_runs"));

  let elapsed = 0;
  let previous: string[] = [];
  const runs = scenario.runs.map((run) => ({
    heading:
      scenario.runs.length > 1 ? t.text("script", "run_heading", { number: run.number, title: run.title }) : undefined,
    intro: run.intro,
    settings: ((line) => (line ? t.text("script", "run_settings", { settings: line }) : undefined))(
      settingsLine(run.settings, label),
    ),
    steps: run.steps.map((step): ScriptStep => {
      const index = trace.steps.findIndex((s) => s.number === step.number);
      const traced = trace.steps[index]!;
      const minutes = step.minutes ?? each;
      const timing = t.text("script", "step_minutes", { minutes, clock: clock(elapsed) });
      elapsed += minutes;
      const acting = scenario.roles
        .flatMap((r) =>
          (cues.get(r.id) ?? []).filter((c) => c.step === step.number).map((c) => ({ role: r.label, cue: c })),
        )
        .sort((a, b) => a.cue.order - b.cue.order);
      const before = index > 0 && trace.steps[index - 1]!.run === step.run ? trace.steps[index - 1]!.after : undefined;
      const lines = watchLines(traced.after, before, t, label);
      if (!before) previous = [];
      const watch = [
        ...(step.watch ? [{ text: step.watch, changed: true }] : []),
        ...lines.map((text) => ({ text, changed: !previous.includes(text) })),
      ];
      previous = lines;
      return {
        number: step.number,
        heading: t.text("script", "step_heading", { number: step.number, title: step.title }),
        timing,
        say: step.say,
        do: acting.length
          ? acting.map(({ role, cue }) => ({ role, text: cue.text }))
          : [{ role: "", text: t.text("script", "nobody_acts") }],
        watch,
        postgres: acting.flatMap(({ role, cue }) => cue.messages.map((text) => ({ role, text }))),
        commands: step.actions.flatMap((a) => commandsFor(a, scenario)),
        why: step.why,
      };
    }),
  }));

  return {
    duration: t.text("script", "duration", { minutes: scenario.minutes, people: scenario.roles.length }),
    goals: scenario.goals,
    volunteers: scenario.roles.map((r) =>
      t.text("script", "volunteer", {
        label: r.label,
        kind: t.text("script", `kind_${kindKey(r)}`),
        brief: r.brief ?? "",
      }),
    ),
    materials: [
      t.text("script", "material_roles"),
      t.text("script", "material_cards", { sheets: Math.ceil(deck.length / 9), list: cardList.join(", ") }),
      t.text("script", "material_script"),
      ...scenario.props,
    ],
    setup,
    simplifications: scenario.simplifications,
    runs,
    debrief: scenario.debrief,
    debriefTime: t.text("script", "debrief_time", { minutes: debriefMinutes }),
  };
}
