/**
 * The facilitator script as plain data, every word applied: what to print and bring, how the table
 * works, how to set the stage, each step's Say / Do / Then / Watch for / PostgreSQL says / Commands /
 * Why, the reset between runs, the timing and the debrief — all read off the stage model, so that
 * the script never asks for an object that was not printed.
 */
import type { Options } from "../../options.js";
import { ARCHIVE } from "../../stage/plan.js";
import type { Scenario } from "../../scenario/model.js";
import { settingsLine } from "../settings.js";
import { printCommand } from "../../sim/commands.js";
import type { Snapshot, Trace } from "../../sim/trace.js";
import { areaOf, hand, ownerOf, type DeckObject, type Place, type StageModel } from "../../stage/index.js";
import { cardsPhrase, listPhrase, type Templates } from "../../wording.js";
import { deletedOn, FACILITATOR, lineUp, type Cue } from "../cues.js";
import { numbers, TableWords } from "./table.js";
import { clock, planTiming, type Timing } from "./timing.js";

export interface ScriptLine {
  role: string;
  text: string;
}

export interface ScriptStep {
  number: number;
  heading: string;
  minutes: number;
  timing: string;
  say: string;
  do: ScriptLine[];
  then: ScriptLine[];
  /** What the room should see; `changed` marks what differs from the step before. */
  watch: { text: string; changed: boolean }[];
  postgres: ScriptLine[];
  /** The real PostgreSQL operation behind each action (what `replikit verify` runs). */
  commands: string[];
  why?: string;
}

export interface ScriptRun {
  heading?: string;
  intro?: string;
  settings?: string;
  /** Before a run after the first: how to set the stage again. */
  reset?: { heading: string; timing: string; lines: string[] };
  steps: ScriptStep[];
}

export interface Script {
  title: string;
  summary: string;
  duration: string;
  headings: Record<string, string>;
  labels: Record<"say" | "do" | "then" | "watch" | "postgres" | "commands" | "why", string>;
  goals: string[];
  volunteers: string[];
  materials: string[];
  table: string[];
  setup: string[];
  simplifications: string[];
  timing: string[];
  /** The clock behind the timing lines, in minutes (the workshop agenda reads it). */
  clock: Timing;
  runs: ScriptRun[];
  debrief: { question: string; answer: string }[];
  debriefTime: string;
  /** The running footer, with {page} and {pages} left for the page layout to fill. */
  footer: string;
  header: string;
}

export function deriveScript(
  scenario: Scenario,
  trace: Trace,
  stage: StageModel,
  cues: Map<string, Cue[]>,
  options: Options,
  t: Templates,
  hash: string,
  /** How many role cards the role-card product lays out (a volunteer with many cues needs two). */
  roleCardCount = scenario.roles.length,
): Script {
  const labels = new Map(scenario.roles.map((r) => [r.id, r.label]));
  const label = (id: string) => labels.get(id) ?? id;
  const words = new TableWords(stage, t, labels);
  const text = (key: string, data: object = {}) => t.text("script", key, data);
  const servers = scenario.roles.filter((r) => r.kind === "primary" || r.kind === "standby");
  const used = new Map<Place, boolean>();
  const everUsed = (place: Place) => {
    let known = used.get(place);
    if (known === undefined)
      used.set(place, (known = stage.steps.some((s) => s.moments.some((m) => m.places[place]!.length > 0))));
    return known;
  };
  const flip = options.duplex.edge;

  // Print and bring, from the deck and the places the stage uses.
  const byKind = new Map<string, DeckObject[]>();
  for (const o of stage.deck) {
    const same = byKind.get(o.kind);
    if (same) same.push(o);
    else byKind.set(o.kind, [o]);
  }
  const count = (kind: string) => byKind.get(kind) ?? [];
  const writes = count("write");
  const tokens = count("token").map((o) => o.label!);
  const tokenList = listPhrase(
    [...new Set(tokens)].map(
      (l) => `${l}${tokens.filter((x) => x === l).length > 1 ? ` × ${tokens.filter((x) => x === l).length}` : ""}`,
    ),
  );
  const cardList = [
    writes.length
      ? text("cards_write", {
          writes: writes.length,
          range: numbers(writes.map((o) => o.card!)),
          archive: writes.some((o) => o.mark === ARCHIVE),
        })
      : "",
    count("joker").length ? text("cards_joker", { jokers: count("joker").length }) : "",
    count("delete").length ? text("cards_delete", { deletes: count("delete").length }) : "",
    count("read").length ? text("cards_read", { reads: count("read").length }) : "",
    count("ack").length ? text("cards_ack", { acks: count("ack").length }) : "",
    tokens.length ? text("cards_token", { tokens: tokens.length, list: tokenList }) : "",
    stage.deck.some((o) => (o.timeline ?? 1) > 1) ? text("cards_timeline") : "",
  ].filter(Boolean);
  // Clips: the most bundles a run hands over (acts that move two or more cards from a client's hand).
  const clients = new Set(
    scenario.roles
      .filter((r) => r.kind === "writer" || r.kind === "application" || r.kind === "reader")
      .map((r) => r.id),
  );
  const bundlesIn = new Map<number, number>();
  for (const s of stage.steps)
    for (const m of s.moments)
      for (const a of m.acts) {
        if (a.event < 0) continue;
        let fromClients = 0;
        for (const mv of a.moves) if (areaOf(mv.from) === "hand" && clients.has(ownerOf(mv.from)!)) fromClients++;
        if (fromClients >= 2) bundlesIn.set(s.run, (bundlesIn.get(s.run) ?? 0) + 1);
      }
  const bundles = Math.max(0, ...scenario.runs.map((run) => bundlesIn.get(run.number) ?? 0));
  // The trace read once: the kinds of event it has, and each link it cuts.
  const events = new Set<string>();
  const cutPairs: string[][] = [];
  for (const s of trace.steps)
    for (const e of s.events) {
      events.add(e.kind);
      if (e.kind === "cut") cutPairs.push([label(e.from!), label(e.to!)].sort());
    }
  // A cut string cannot be cut again: one length for every cut, in every run.
  const cutList = cutPairs.map((pair) => pair.join(" – "));
  const linksCut = [...new Set(cutList)];
  const cuts = linksCut.map((link) => {
    const times = cutList.filter((c) => c === link).length;
    return times > 1 ? `${link} × ${times}` : link;
  });
  const heals = events.has("heal");
  const materials = [
    text("material_roles", {
      cards: roleCardCount,
      sheets: Math.ceil(roleCardCount / 2),
      volunteers: scenario.roles.length,
      flip,
    }),
    text("material_cards", {
      sheets: Math.ceil(stage.deck.length / 9),
      cards: stage.deck.length,
      list: cardList.join("; "),
      flip,
    }),
    text("material_script"),
    ...(bundles ? [text("material_clips", { clips: bundles })] : []),
    text("material_chairs", { chairs: servers.length }),
    text("material_trays", { trays: servers.length }),
    ...(everUsed("floor") ? [text("material_floor")] : []),
    ...(everUsed("archive") ? [text("material_archive")] : []),
    ...(everUsed("bin")
      ? [text("material_bin", { jokers: count("joker").length > 0, deletes: count("delete").length > 0 })]
      : []),
    ...(cuts.length ? [text("material_links", { links: listPhrase(cuts), lengths: cutList.length, heals })] : []),
    ...scenario.props,
  ];

  // How the table works: only what this scenario uses.
  const table = [
    text("table_row"),
    text("table_tray"),
    text("table_bundle"),
    ...(everUsed("floor") ? [text("table_floor")] : []),
    ...(everUsed("archive") ? [text("table_archive")] : []),
    ...(events.has("clone") ? [text("table_clone")] : []),
    ...(byKind.has("delete") ? [text("table_delete")] : []),
    ...(events.has("rewind") ? [text("table_rewind")] : []),
    ...(byKind.has("read") ? [text("table_read")] : []),
    ...(byKind.has("ack") ? [text("table_ack")] : []),
    ...(events.has("promote") ? [text("table_tokens")] : []),
    ...(stage.deck.some((o) => o.label?.startsWith("SLOT ")) ? [text("table_slot")] : []),
    ...(events.has("crash") || events.has("stop") ? [text("table_down")] : []),
  ];

  // Setting the stage: who stands where, holding what.
  const holds = (place: Place, places: Record<Place, readonly string[]>) => {
    // The copies in bundles, the acks clipped to them, and the rest, each object looked up once.
    const copies: DeckObject[] = [];
    const acks: DeckObject[] = [];
    const rest: string[] = [];
    for (const id of places[place]!) {
      const o = words.object(id);
      if (o.kind === "write" || o.kind === "joker" || o.kind === "delete") copies.push(o);
      else if (o.kind === "ack") acks.push(o);
      else rest.push(id);
    }
    // One phrase per make-up of bundle: cards whose bundles hold the same copies are listed together.
    const makeUp = new Map<number, { joker: boolean; del: boolean; parts: string[] }>();
    // WAL copies by kind, card and timeline: how many copies of the same segment there are.
    const walKey = (d: DeckObject) => `${d.kind}|${d.card}|${d.timeline ?? 1}`;
    const walCount = new Map<string, number>();
    for (const d of copies) if (d.mark === "WAL") walCount.set(walKey(d), (walCount.get(walKey(d)) ?? 0) + 1);
    const ackCount = new Map<number | undefined, number>();
    for (const a of acks) ackCount.set(a.card, (ackCount.get(a.card) ?? 0) + 1);
    for (const d of copies) {
      const entry = makeUp.get(d.card!) ?? { joker: d.kind === "joker", del: d.kind === "delete", parts: [] };
      const suffix = d.kind === "joker" ? "_joker" : d.kind === "delete" ? "_delete" : "";
      const part =
        d.mark === "WAL"
          ? text(`bundle_part_wal${suffix}`)
          : d.mark === ARCHIVE
            ? text("bundle_part_archive")
            : text(`bundle_part_own${suffix}`, { owner: d.mark });
      // Two WAL copies of one card (the primary's own, and one a standby keeps) are said as two.
      const wals = d.mark === "WAL" && !suffix ? walCount.get(walKey(d))! : 1;
      const said = wals > 1 ? text("bundle_part_wals", { n: wals }) : part;
      const striped = (d.timeline ?? 1) > 1 ? text("bundle_part_timeline", { part: said, timeline: d.timeline }) : said;
      if (!entry.parts.includes(striped)) entry.parts.push(striped);
      makeUp.set(d.card!, entry);
    }
    for (const [card, entry] of makeUp) {
      const n = ackCount.get(card) ?? 0;
      if (n) entry.parts.push(text("bundle_part_ack", { acks: n, many: n > 1 }));
    }
    const groups = new Map<string, { joker: boolean; del: boolean; parts: string[]; cards: number[] }>();
    for (const [card, m] of [...makeUp].sort((a, b) => a[0] - b[0])) {
      const key = `${m.joker}|${m.del}|${m.parts.join("|")}`;
      const g = groups.get(key) ?? { ...m, cards: [] };
      g.cards.push(card);
      groups.set(key, g);
    }
    const phrases = [...groups.values()].map((g) =>
      text(g.joker ? "bundles_joker" : g.del ? "bundles_delete" : "bundles", {
        many: g.cards.length > 1,
        range: numbers(g.cards),
        parts: listPhrase(g.parts),
      }),
    );
    const parts = phrases.length ? [listPhrase(phrases)] : [];
    if (phrases.length > 1 || groups.size === 1) parts[0] = text("bundles_in_order", { bundles: parts[0] });
    if (rest.length) parts.push(words.describe(rest));
    // "the bundles of cards 1–7 …, in number order, and red R1": the comma keeps the two apart.
    return parts.length > 1 && phrases.length
      ? `${parts.slice(0, -1).join(", ")}, and ${parts.at(-1)}`
      : listPhrase(parts);
  };
  // The strings that stand for network links that will be cut, each held by the two at its ends.
  const strings = linksCut.map((link) => text("setup_string", { ends: listPhrase(cutPairs[cutList.indexOf(link)]!) }));
  const firstPrimary = scenario.roles.find((x) => x.kind === "primary")!.id;
  const setup = scenario.roles.map((r) => {
    const held = holds(hand(r.id), stage.start);
    if (r.kind === "primary") return text("setup_primary", { label: r.label, holds: held });
    if (r.kind === "standby")
      return r.starts === "empty"
        ? text("setup_empty", { label: r.label })
        : text("setup_standby", { label: r.label, upstream: label(r.upstream ?? firstPrimary), holds: held });
    if (r.kind === "proxy") return text("setup_proxy", { label: r.label });
    if (r.kind === "basebackup" || r.kind === "admin") return text("setup_tool", { label: r.label });
    return text("setup_client", { label: r.label, holds: held });
  });
  setup.push(...strings);
  if (stage.start.reserve!.length) setup.push(text("setup_reserve", { holds: words.describe(stage.start.reserve!) }));

  // The clock: casting, weighted steps, resets, debrief.
  const steps = scenario.runs.flatMap((r) => r.steps);
  const staged = new Map(stage.steps.map((s) => [s.step, s]));
  // Each role's cues by step (in their order), and which roles have a cue in each step: read once, not per step.
  const cuesOf = new Map<string, Map<number, Cue[]>>();
  const actingIn = new Map<number, Set<string>>();
  for (const [role, list] of cues) {
    const bySteps = new Map<number, Cue[]>();
    for (const c of list) {
      const here = bySteps.get(c.step);
      if (here) here.push(c);
      else bySteps.set(c.step, [c]);
      const roles = actingIn.get(c.step);
      if (roles) roles.add(c.role);
      else actingIn.set(c.step, new Set([c.role]));
    }
    cuesOf.set(role, bySteps);
  }
  const tracedSteps = new Map<number, Trace["steps"][number]>();
  for (const s of trace.steps) if (!tracedSteps.has(s.number)) tracedSteps.set(s.number, s);
  const timing = planTiming({
    minutes: scenario.minutes,
    volunteers: scenario.roles.length,
    resets: scenario.runs.length - 1,
    questions: scenario.debrief.length,
    steps: steps.map((s) => {
      const acting = actingIn.get(s.number)?.size ?? 0;
      let moves = 0;
      for (const m of staged.get(s.number)!.moments)
        if (m.kind !== "reset") for (const a of m.acts) moves += a.moves.length;
      return {
        weight: 1 + 0.4 * acting + 0.03 * Math.min(moves, 30) + s.say.split(/\s+/).length / 50,
        fixed: s.minutes,
      };
    }),
  });
  const minutesOf = new Map(steps.map((s, i) => [s.number, timing.steps[i]!]));

  // Whoever may have a cue in a step: the volunteers in the scenario's order, then the facilitator.
  const everyone = [
    ...scenario.roles.map((r) => ({ id: r.id, label: r.label })),
    { id: FACILITATOR, label: text("facilitator") },
  ];
  let elapsed = timing.casting;
  let previous: string[] = [];
  const runs: ScriptRun[] = scenario.runs.map((run, r) => {
    let reset: ScriptRun["reset"];
    if (r > 0) {
      const first = staged.get(run.steps[0]!.number)!;
      // The whole start of the run, not only what moved: the volunteers have just handed everything back.
      const start = first.moments[0]!.places;
      const lines = [
        ...scenario.roles
          .filter((role) => start[hand(role.id)]!.length > 0)
          .map((role) => text("reset_line", { place: role.label, objects: holds(hand(role.id), start) })),
        ...(start.reserve!.length ? [text("reset_reserve", { objects: words.describe(start.reserve!) })] : []),
      ];
      reset = {
        heading: text("reset_heading"),
        timing: text("step_minutes", { minutes: timing.reset, clock: clock(elapsed) }),
        lines: [
          text("reset_intro", {
            places: listPhrase(
              [
                text("reset_place_rows"),
                text("reset_place_trays"),
                text("reset_place_hands"),
                ...(everUsed("floor") ? [text("reset_place_floor")] : []),
                ...(everUsed("archive") ? [text("reset_place_archive")] : []),
                ...(everUsed("bin") ? [text("reset_place_bin")] : []),
              ].filter(Boolean),
            ),
          }),
          text("reset_stand"),
          ...lines,
          ...strings,
        ],
      };
      elapsed += timing.reset;
      previous = [];
    }
    return {
      heading: scenario.runs.length > 1 ? text("run_heading", { number: run.number, title: run.title }) : undefined,
      intro: run.intro,
      settings: ((line) => (line ? text("run_settings", { settings: line }) : undefined))(
        settingsLine(run.settings, label, false, scenario.roles),
      ),
      reset,
      steps: run.steps.map((step): ScriptStep => {
        const traced = tracedSteps.get(step.number)!;
        const here = staged.get(step.number)!;
        const minutes = minutesOf.get(step.number)!;
        const stepTiming = text("step_minutes", { minutes, clock: clock(elapsed) });
        elapsed += minutes;
        const acting = (moment: "do" | "flow") => {
          const found: { role: string; cue: Cue }[] = [];
          for (const role of everyone)
            for (const cue of cuesOf.get(role.id)?.get(step.number) ?? [])
              if (cue.moment === moment) found.push({ role: role.label, cue });
          return found.sort((a, b) => a.cue.order - b.cue.order);
        };
        const lines = watchLines(
          traced.after,
          here.moments.at(-1)!.places,
          here.moments.find((m) => m.kind === "do")!.places,
          traced.events,
        );
        const watch = [
          ...(step.watch ? [{ text: step.watch, changed: true }] : []),
          ...lines.map((line) => ({ text: line, changed: !previous.includes(line) })),
        ];
        previous = lines;
        const done = acting("do");
        const flowing = acting("flow");
        return {
          number: step.number,
          heading: text("step_heading", { number: step.number, title: step.title }),
          minutes,
          timing: stepTiming,
          say: `${text("say_step", { number: step.number })} ${step.say}`,
          do: done.length || flowing.length ? lineUp(done) : [{ role: "", text: text("nobody_acts") }],
          then: lineUp(flowing),
          watch,
          postgres: [...done, ...flowing].flatMap(({ role, cue }) => cue.messages.map((m) => ({ role, text: m }))),
          commands: traced.commands.map((c) => printCommand(c, label)),
          why: step.why,
        };
      }),
    };
  });

  /** What the room should see after a step: each server's row and tray, hands, floor, archive, bin. */
  function watchLines(
    after: Snapshot,
    places: Record<Place, readonly string[]>,
    beforeFlow: Record<Place, readonly string[]>,
    stepEvents: Trace["steps"][number]["events"],
  ): string[] {
    const out: string[] = [];
    for (const [id, s] of Object.entries(after.servers)) {
      if (s.mode === "empty") {
        out.push(text("watch_empty", { label: label(id) }));
        continue;
      }
      const walState = !s.up
        ? "off"
        : s.replayConflict
          ? "paused"
          : s.replayPaused
            ? s.walreceiver === "streaming"
              ? "paused_streaming"
              : "paused_waiting"
            : s.walreceiver === "off"
              ? "off"
              : s.walreceiver;
      const state =
        s.mode === "primary"
          ? text("state_primary", { timeline: s.timeline, up: s.up })
          : text("state_standby", {
              upstream: label(s.upstream ?? ""),
              timeline: s.timeline,
              state: text(`state_${walState}`),
            });
      out.push(
        text("watch_server", {
          label: label(id),
          state,
          row: words.describe(places[`${id}.data`]!, `${id}.data`),
          tray: words.describe(places[`${id}.wal`]!, `${id}.wal`),
        }),
      );
      // Its replication slots: the SLOT token, which card it keeps WAL from, or lost (face down).
      for (const [name, slot] of Object.entries(s.slots ?? {}))
        out.push(
          text("watch_slot", {
            label: label(id),
            name,
            card: slot.holds ?? "",
            lost: slot.walStatus === "lost",
            over: slot.walStatus === "unreserved",
            active: slot.active,
          }),
        );
      const held = places[hand(id)]!;
      // A commit still waiting for its ack: the primary's own copy, in hand, out of its row.
      const unseen = words.ofKind(held, "write");
      if (unseen.length)
        out.push(
          text("watch_unconfirmed", {
            label: label(id),
            cards: cardsPhrase(unseen.map((o) => o.card!).sort((a, b) => a - b)),
            many: unseen.length > 1,
          }),
        );
      // Acks that came back from standbys and wait to go on to the writer (a quorum gathers them).
      const gathered = words.ofKind(held, "ack");
      if (gathered.length) out.push(text("watch_hand", { label: label(id), objects: words.describe(ids(gathered)) }));
      const lent = words.ofKind(held, "read");
      if (lent.length)
        out.push(text("watch_with", { objects: words.describe(ids(lent)), many: lent.length > 1, server: label(id) }));
    }
    for (const [id, c] of Object.entries(after.clients)) {
      // Acks that came back; those still clipped to bundles not yet written are not news.
      const acks = words.ofKind(places[hand(id)]!, "ack");
      const acked = acks.length ? new Set(c.acked) : undefined;
      const kept = acks.filter((o) => acked!.has(o.card!));
      if (kept.length) out.push(text("watch_hand", { label: label(id), objects: words.describe(ids(kept)) }));
      if (c.waiting !== null) out.push(text("watch_waiting", { label: label(id), card: c.waiting }));
      const reads = stepEvents.filter((e) => e.kind === "read" && e.actor === id);
      for (const read of reads) {
        let result = text(`read_${read.result}`);
        if (read.result === "found" && read.wants === undefined && read.card !== undefined) {
          // The newest card it saw, and any newer card on its way to that server (a lagging standby).
          const newer = Object.entries(beforeFlow).flatMap(([p, list]) =>
            areaOf(p) === "wal"
              ? list
                  .map((o) => words.object(o))
                  .filter((o) => o.kind === "write" && o.mark === label(read.from!) && o.card! > read.card!)
                  .map((o) => ({ card: o.card!, tray: ownerOf(p)! }))
              : [],
          );
          const trays = [...new Set(newer.map((n) => n.tray))];
          result = text("read_found_newest", {
            card: read.card,
            behind: newer.length ? cardsPhrase(newer.map((n) => n.card).sort((a, b) => a - b)) : undefined,
            many: newer.length > 1,
            own: trays.length === 1 && trays[0] === read.from,
            place: trays.map((t) => text("place_tray", { label: label(t) })).join(", "),
          });
        }
        if (read.result === "stale" && deletedOn(after, read.from, read.card))
          result = text("read_gone", { card: read.card });
        else if (read.result === "stale" && read.card !== undefined) {
          const copy = Object.entries(beforeFlow).find(
            ([p, list]) =>
              areaOf(p) === "wal" &&
              list.some(
                (o) =>
                  words.object(o).kind === "write" &&
                  words.object(o).card === read.card &&
                  words.object(o).mark === label(read.from!),
              ),
          );
          if (copy)
            result = text("read_stale_where", {
              card: read.card,
              query: read.query,
              place: text("place_tray", { label: label(ownerOf(copy[0])!) }),
              server: label(read.from!),
              row: words.describe(beforeFlow[`${read.from!}.data`]!, `${read.from!}.data`),
              arrived: places[`${read.from!}.data`]!.some((o) => words.object(o).card === read.card),
            });
        }
        out.push(text("watch_read", { label: label(id), query: read.query, server: label(read.from!), result }));
      }
      if (
        reads.length === 0 &&
        c.lastRead &&
        stepEvents.some((e) => e.query === c.lastRead!.query && e.kind !== "read")
      ) {
        out.push(
          text("watch_read", {
            label: label(id),
            query: c.lastRead.query,
            server: label(c.lastRead.from),
            result: text(`read_${c.lastRead.result}`),
          }),
        );
      }
    }
    if (places.floor!.length) out.push(text("watch_floor", { objects: words.describe(places.floor!, "floor") }));
    if (places.archive!.length)
      out.push(text("watch_archive", { objects: words.describe(places.archive!, "archive") }));
    if (places.bin!.length) out.push(text("watch_bin", { objects: words.describe(places.bin!, "bin") }));
    if (after.lost.length) out.push(text("watch_lost", { cards: numbers(after.lost) }));
    return out;
  }

  function ids(objects: readonly DeckObject[]): string[] {
    return objects.map((o) => o.object);
  }

  const stepMinutes = timing.steps.reduce((a, b) => a + b, 0);
  return {
    title: scenario.title,
    summary: scenario.summary,
    duration: text("duration", { minutes: scenario.minutes, people: scenario.roles.length }),
    headings: Object.fromEntries(
      [
        "overview",
        "goals",
        "volunteers",
        "materials",
        "table",
        "setup",
        "simplifications",
        "timing",
        "steps",
        "debrief",
      ].map((k) => [k, text(`heading_${k}`)]),
    ),
    labels: {
      say: text("label_say"),
      do: text("label_do"),
      then: text("label_then"),
      watch: text("label_watch"),
      postgres: text("label_postgres"),
      commands: text("label_commands"),
      why: text("label_why"),
    },
    goals: scenario.goals,
    volunteers: scenario.roles.map((r) =>
      text("volunteer", {
        label: r.label,
        kind: text(`kind_${r.kind === "standby" && r.starts === "empty" ? "standby_empty" : r.kind}`),
        brief: r.brief ?? "",
      }),
    ),
    materials,
    table,
    setup,
    simplifications: scenario.simplifications,
    timing: [
      text("timing_casting", { minutes: timing.casting }),
      ...(timing.reset ? [text("timing_reset", { minutes: timing.reset })] : []),
      text("timing_steps", { minutes: stepMinutes }),
      ...(timing.debrief ? [text("timing_debrief", { minutes: timing.debrief })] : []),
      ...(timing.total > scenario.minutes
        ? [text("timing_over", { total: timing.total, minutes: scenario.minutes })]
        : []),
    ],
    clock: timing,
    runs,
    debrief: scenario.debrief,
    debriefTime: text("debrief_time", { minutes: timing.debrief }),
    footer: text("footer", { title: scenario.title, id: scenario.id, hash, page: "{page}", pages: "{pages}" }),
    header: scenario.title,
  };
}
