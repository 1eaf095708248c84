/**
 * deriveScript as it was before its repeated work was taken out (2026-12-02: moves counted, not
 * gathered; each list of objects read once; each step's cues sorted once), kept verbatim with the
 * TableWords and numbers it used, as an oracle: tests/products/script-oracle.test.ts compares
 * today's script with this one, field for field.
 */
import type { Options } from "../../../src/options.js";
import { ARCHIVE } from "../../../src/stage/plan.js";
import type { Scenario } from "../../../src/scenario/model.js";
import { settingsLine } from "../../../src/products/settings.js";
import { printCommand } from "../../../src/sim/commands.js";
import type { Snapshot, Trace } from "../../../src/sim/trace.js";
import { areaOf, hand, ownerOf, type DeckObject, type Place, type StageModel } from "../../../src/stage/index.js";
import { cardsPhrase, listPhrase, type Templates } from "../../../src/wording.js";
import { deletedOn, FACILITATOR, lineUp, type Cue } from "../../../src/products/cues.js";
import { clock, planTiming } from "../../../src/products/script/timing.js";
import type { Script, ScriptRun, ScriptStep } from "../../../src/products/script/derive.js";

export function deriveScriptBefore(
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
  const count = (kind: string) => stage.deck.filter((o) => o.kind === kind);
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
  const bundles = Math.max(
    0,
    ...scenario.runs.map(
      (run) =>
        stage.steps
          .filter((s) => s.run === run.number)
          .flatMap((s) => s.moments.flatMap((m) => m.acts))
          .filter(
            (a) =>
              a.event >= 0 &&
              a.moves.filter(
                (mv) => areaOf(mv.from) === "hand" && labels.has(ownerOf(mv.from)!) && isClient(ownerOf(mv.from)!),
              ).length >= 2,
          ).length,
    ),
  );
  function isClient(id: string) {
    const kind = scenario.roles.find((r) => r.id === id)?.kind;
    return kind === "writer" || kind === "application" || kind === "reader";
  }
  // A cut string cannot be cut again: one length for every cut, in every run.
  const cutPairs = trace.steps.flatMap((s) =>
    s.events.filter((e) => e.kind === "cut").map((e) => [label(e.from!), label(e.to!)].sort()),
  );
  const cutList = cutPairs.map((pair) => pair.join(" – "));
  const linksCut = [...new Set(cutList)];
  const cuts = linksCut.map((link) => {
    const times = cutList.filter((c) => c === link).length;
    return times > 1 ? `${link} × ${times}` : link;
  });
  const heals = trace.steps.some((s) => s.events.some((e) => e.kind === "heal"));
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
  const kinds = new Set(stage.deck.map((o) => o.kind));
  const events = new Set(trace.steps.flatMap((s) => s.events.map((e) => e.kind)));
  const table = [
    text("table_row"),
    text("table_tray"),
    text("table_bundle"),
    ...(everUsed("floor") ? [text("table_floor")] : []),
    ...(everUsed("archive") ? [text("table_archive")] : []),
    ...(events.has("clone") ? [text("table_clone")] : []),
    ...(kinds.has("delete") ? [text("table_delete")] : []),
    ...(events.has("rewind") ? [text("table_rewind")] : []),
    ...(kinds.has("read") ? [text("table_read")] : []),
    ...(kinds.has("ack") ? [text("table_ack")] : []),
    ...(events.has("promote") ? [text("table_tokens")] : []),
    ...(stage.deck.some((o) => o.label?.startsWith("SLOT ")) ? [text("table_slot")] : []),
    ...(events.has("crash") || events.has("stop") ? [text("table_down")] : []),
  ];

  // Setting the stage: who stands where, holding what.
  const holds = (place: Place, places: Record<Place, readonly string[]>) => {
    const objects = places[place]!;
    const copies = objects.filter((o) => ["write", "joker", "delete"].includes(words.object(o).kind));
    const acks = objects.filter((o) => words.object(o).kind === "ack");
    const told = new Set([...copies, ...acks]);
    const rest = objects.filter((o) => !told.has(o));
    // One phrase per make-up of bundle: cards whose bundles hold the same copies are listed together.
    const makeUp = new Map<number, { joker: boolean; del: boolean; parts: string[] }>();
    // WAL copies by kind, card and timeline: how many copies of the same segment there are.
    const walKey = (d: DeckObject) => `${d.kind}|${d.card}|${d.timeline ?? 1}`;
    const walCount = new Map<string, number>();
    for (const c of copies) {
      const d = words.object(c);
      if (d.mark === "WAL") walCount.set(walKey(d), (walCount.get(walKey(d)) ?? 0) + 1);
    }
    const ackCount = new Map<number | undefined, number>();
    for (const a of acks) ackCount.set(words.object(a).card, (ackCount.get(words.object(a).card) ?? 0) + 1);
    for (const o of copies) {
      const d = words.object(o);
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
      const moves = staged
        .get(s.number)!
        .moments.filter((m) => m.kind !== "reset")
        .flatMap((m) => m.acts.flatMap((a) => a.moves)).length;
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
        const acting = (moment: "do" | "flow") =>
          everyone
            .flatMap((role) =>
              (cuesOf.get(role.id)?.get(step.number) ?? [])
                .filter((c) => c.moment === moment)
                .map((cue) => ({ role: role.label, cue })),
            )
            .sort((a, b) => a.cue.order - b.cue.order);
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
      // A commit still waiting for its ack: the primary's own copy, in hand, out of its row.
      const unseen = places[hand(id)]!.filter((o) => words.object(o).kind === "write");
      if (unseen.length)
        out.push(
          text("watch_unconfirmed", {
            label: label(id),
            cards: cardsPhrase(unseen.map((o) => words.object(o).card!).sort((a, b) => a - b)),
            many: unseen.length > 1,
          }),
        );
      // Acks that came back from standbys and wait to go on to the writer (a quorum gathers them).
      const gathered = places[hand(id)]!.filter((o) => words.object(o).kind === "ack");
      if (gathered.length) out.push(text("watch_hand", { label: label(id), objects: words.describe(gathered) }));
      const lent = places[hand(id)]!.filter((o) => words.object(o).kind === "read");
      if (lent.length)
        out.push(text("watch_with", { objects: words.describe(lent), many: lent.length > 1, server: label(id) }));
    }
    for (const [id, c] of Object.entries(after.clients)) {
      // Acks that came back; those still clipped to bundles not yet written are not news.
      const kept = places[hand(id)]!.filter(
        (o) => words.object(o).kind === "ack" && c.acked.includes(words.object(o).card!),
      );
      if (kept.length) out.push(text("watch_hand", { label: label(id), objects: words.describe(kept) }));
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

/** "1–5, 7, 9–10": numbers as ranges, for lists a facilitator checks at a glance. */
function numbers(list: readonly number[]): string {
  // A row or tray is usually in number order already: then there is nothing to sort out.
  const ascending = list.every((n, i) => i === 0 || n > list[i - 1]!);
  const sorted = ascending ? list : [...new Set(list)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return parts.join(", ");
}

class TableWords {
  private readonly deck: Map<string, DeckObject>;
  constructor(
    stage: StageModel,
    private readonly t: Templates,
    private readonly labels: Map<string, string>,
  ) {
    this.deck = new Map(stage.deck.map((o) => [o.object, o]));
  }

  object(id: string): DeckObject {
    return this.deck.get(id)!;
  }

  /**
   * A place's objects as one phrase. In a server's row its own copies are plain numbers; in its
   * tray they are the ones not replayed yet; other marks say whose copy it is, or WAL.
   */
  describe(objects: readonly string[], place?: string): string {
    const owner = place?.includes(".") ? this.labels.get(place.slice(0, place.lastIndexOf("."))) : undefined;
    const area = place ? areaOf(place) : undefined;
    // Each group keeps what its phrase needs (its template, a copy's owner, its timeline); the
    // phrase is made once per group, at the end.
    interface Group {
      key: string;
      order: number;
      cards: number[];
      template: string;
      timeline: number;
      owner?: string;
    }
    const groups = new Map<string, Group>();
    const add = (key: string, order: number, card: number, template: string, timeline = 0, owner?: string) => {
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, order, cards: [], template, timeline, owner }));
      g.cards.push(card);
    };
    const tokens: string[] = [];
    for (const id of objects) {
      const o = this.object(id);
      const timeline = o.timeline && o.timeline > 1 ? o.timeline : 0;
      if (o.kind === "write") {
        if (o.mark === owner && area === "data") add(`own${timeline}`, 0, o.card!, "objects_own", timeline);
        else if (o.mark === owner) add(`unreplayed${timeline}`, 1, o.card!, "objects_unreplayed", timeline);
        else if (o.mark === "WAL") add(`wal${timeline}`, 2, o.card!, "objects_wal", timeline);
        else if (o.mark === ARCHIVE)
          add(`archive${timeline}`, 3, o.card!, area === "wal" ? "objects_to_archive" : "objects_archive", timeline);
        else add(`for:${o.mark}${timeline}`, 3, o.card!, "objects_for", timeline, o.mark);
      } else if (o.kind === "joker") add("joker", 5, o.card!, "objects_joker");
      else if (o.kind === "delete") add("delete", 5, o.card!, "objects_delete");
      else if (o.kind === "read") add("read", 5, o.card!, "objects_read");
      else if (o.kind === "ack") add("ack", 6, o.card!, "objects_ack");
      else tokens.push(o.label!);
    }
    const phrase = (g: Group, cards: string) => {
      const said =
        g.template === "objects_for"
          ? this.t.text("script", g.template, { owner: g.owner, cards })
          : this.t.text("script", g.template, {
              cards: g.template === "objects_read" ? cards.replace(/(\d+)/g, "R$1") : cards,
            });
      return g.timeline ? this.t.text("script", "objects_timeline", { cards: said, timeline: g.timeline }) : said;
    };
    const parts = [...groups.values()]
      .sort((a, b) => a.order - b.order || a.key.localeCompare(b.key))
      .map((g) => phrase(g, numbers(g.cards)));
    const counted = [...new Set(tokens)].map((label) => {
      const n = tokens.filter((x) => x === label).length;
      return n > 1 ? `${n} × ${label}` : label;
    });
    if (counted.length) parts.push(listPhrase(counted));
    return parts.length ? parts.join("; ") : this.t.text("script", "nothing");
  }
}
