/** Workshops: the session plan, its agenda's arithmetic, casting, materials, and kit.pdf as a reader sees it. */
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { describe, expect, it } from "vitest";
import { resolveScenario } from "../../src/node/workshop.js";
import { formatDiagnostics, ScenarioError } from "../../src/scenario/diagnostics.js";
import { simulate } from "../../src/sim/simulate.js";
import { planAgenda } from "../../src/workshop/agenda.js";
import { castWorkshop } from "../../src/workshop/casting.js";
import { buildWorkshop, loadWorkshop } from "../../src/workshop/build.js";
import { parseWorkshop, type Workshop } from "../../src/workshop/parse.js";
import { workshopJsonSchema } from "../../src/workshop/schema.js";
import { selectRuns } from "../../src/workshop/select.js";
import { readPdf } from "../pdf.js";
import { assets, kitOf, loadShipped, options, root, templates } from "../helpers.js";

const workshopFile = (name: string) => join(root, "workshops", name);
const text = (name: string) => readFileSync(workshopFile(name), "utf8");
/** Builds a workshop text as if it were the file workshops/NAME (scenario ids resolve to scenarios/). */
const build = (source: string, name = "test.yaml") =>
  buildWorkshop(source, `workshops/${name}`, (ref) => resolveScenario(ref, workshopFile(name)), options(), assets);

async function outlineAndLabels(bytes: Uint8Array) {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const outline = await pdf.getOutline();
  const labels = await pdf.getPageLabels();
  const pageOf = async (dest: unknown) => pdf.getPageIndex((dest as [{ num: number; gen: number }])[0]);
  const flat: { title: string; depth: number; page: number }[] = [];
  interface Item {
    title: string;
    dest: unknown;
    items: Item[];
  }
  const walk = async (items: Item[], depth: number) => {
    for (const item of items) {
      flat.push({ title: item.title, depth, page: await pageOf(item.dest) });
      await walk(item.items, depth + 1);
    }
  };
  await walk(outline, 0);
  const pages = pdf.numPages;
  await pdf.destroy();
  return { flat, labels: labels ?? [], pages };
}

/** Expects the workshop text to be refused with exactly these messages (FILE:LINE:COL: …). */
async function refused(source: string): Promise<string> {
  const result = await build(source);
  expect(result.ok).toBe(false);
  if (result.ok) return "";
  return formatDiagnostics(result.diagnostics, source)
    .split("\n")
    .filter((l) => /^\S+:\d+:\d+: |^workshops\/\S+: /.test(l))
    .join("\n");
}

const base = `id: test
title: A test workshop
minutes: 45
audience: testers
interactives:
  - scenario: streaming
`;

describe("shipped workshops", () => {
  for (const [name, minutes, count] of [
    ["intro.yaml", 45, 3],
    ["failure-clinic.yaml", 90, 4],
  ] as const) {
    it(`${name}: builds; kit.pdf has cover, agenda, casting, materials, every product, bookmarks for every section and step, and page labels`, async () => {
      const result = await build(text(name), name);
      if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
      const kit = result.files.find((f) => f.path === "kit.pdf")!;
      const products = result.files.filter((f) => f.path.endsWith(".pdf") && f.path !== "kit.pdf");
      expect(products).toHaveLength(4 * count);
      expect(result.files.some((f) => f.path === "presenter/index.html")).toBe(true);
      const { flat, labels, pages } = await outlineAndLabels(kit.bytes);
      const productPages = products.reduce((n, f) => n + f.pages!, 0);
      expect(pages).toBe(kit.pages);
      const front = pages - productPages;
      expect(front).toBeGreaterThanOrEqual(4);
      const top = flat.filter((b) => b.depth === 0).map((b) => b.title);
      expect(top.slice(0, 4)).toEqual(["Cover", "Agenda", "Casting", "Materials and print list"]);
      expect(top).toHaveLength(4 + count);
      // Each interactive: its four products, and under the script and the diagrams every step.
      const interactives = flat.filter((b) => b.depth === 0).slice(4);
      for (const it of interactives) expect(it.page).toBeGreaterThanOrEqual(front);
      const script = flat.filter((b) => b.depth === 1 && b.title === "Facilitator script");
      expect(script).toHaveLength(count);
      const steps = flat.filter((b) => b.depth === 2 && /^Step \d+\./.test(b.title));
      expect(steps.length).toBeGreaterThan(count * 10);
      // Bookmarks point at pages in order, inside the file.
      for (const b of flat) expect(b.page).toBeLessThan(pages);
      expect(labels.slice(0, 3)).toEqual(["i", "ii", "iii"]);
      expect(labels[front]).toBe("1 Facilitator script 1");
      expect(labels[pages - 1]).toMatch(new RegExp(`^${count} Data cards \\d+$`));
      // Written without object streams: each object as the products wrote it.
      expect(Buffer.from(kit.bytes).toString("latin1")).not.toContain("/ObjStm");

      const read = await readPdf(kit.bytes);
      const agenda = read[1]!.text;
      expect(agenda).toContain("Agenda");
      expect(agenda).toContain(`${minutes}:00`);
      expect(agenda).toContain("Closing debrief");
      expect(read[2]!.text).toContain("The most volunteers on stage at once");
      expect(
        read
          .slice(3, front)
          .map((p) => p.text)
          .join(" "),
      ).toContain("Cards: how many copies of each");
      // The products' pages are the per-product PDFs' pages, unchanged: same text.
      const first = await readPdf(products.find((f) => f.path.endsWith("facilitator-script.pdf"))!.bytes);
      expect(read[front]!.text).toBe(first[0]!.text);
    });
  }

  it("failure-clinic's presenter shows its break, between split-brain and remastering, with what to set up next", async () => {
    const result = await build(text("failure-clinic.yaml"), "failure-clinic.yaml");
    if (!result.ok) throw new Error(formatDiagnostics(result.diagnostics));
    const html = new TextDecoder().decode(result.files.find((f) => f.path === "presenter/index.html")!.bytes);
    const json = /<script type="application\/json" id="screens">(.*?)<\/script>/s.exec(html)![1]!;
    const index = JSON.parse(json) as { section: string; title: string; start: number; minutes: number }[];
    const at = index.findIndex((s) => s.section === "Break");
    expect(index[at]).toMatchObject({ title: "Break (the stage is set for remastering meanwhile)", minutes: 10 });
    expect(index[at - 1]!.section).toBe("2. Split brain");
    expect(index[at + 1]!.section).toMatch(/^3\. Remastering/);
    expect(index[at + 1]!.start).toBe(index[at]!.start + 10);
    // The screen says what comes next; the facilitator's notes list what to set up for it.
    expect(html).toMatch(/Next: Remastering/);
    const escape = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    expect(html).toContain(escape(kitOf("remastering.yaml").script.setup[0]!));
  });

  it("the same workshop gives the same bytes, kit.pdf and presenter alike", async () => {
    const a = await build(text("intro.yaml"), "intro.yaml");
    const b = await build(text("intro.yaml"), "intro.yaml");
    if (!a.ok || !b.ok) throw new Error("did not build");
    expect(a.files.map((f) => f.path)).toEqual(b.files.map((f) => f.path));
    a.files.forEach((f, i) => expect(Buffer.compare(f.bytes, b.files[i]!.bytes), f.path).toBe(0));
  });

  it("the committed schema/workshop.schema.json is what `replikit schema --workshop` prints", () => {
    const committed = readFileSync(join(root, "schema", "workshop.schema.json"), "utf8");
    expect(committed).toBe(JSON.stringify(workshopJsonSchema(), null, 2) + "\n");
    for (const name of ["intro.yaml", "failure-clinic.yaml"])
      expect(text(name).split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/workshop.schema.json");
  });

  it("plays only the nine shipped scenarios", () => {
    for (const name of ["intro.yaml", "failure-clinic.yaml"]) {
      const w = parseWorkshop(text(name), name);
      for (const item of w.items)
        if (item.kind === "interactive") expect(resolveScenario(item.scenario, workshopFile(name)).ok).toBe(true);
    }
  });
});

describe("the agenda", () => {
  const workshop = (minutes: number, items: number[], extra: Partial<Workshop> = {}): Workshop => ({
    file: "w.yaml",
    id: "w",
    title: "W",
    minutes,
    audience: "a",
    welcome: 3,
    reset: 2,
    debrief: 5,
    minutesAt: { line: 3, column: 10 },
    items: items.map((m) =>
      m < 0
        ? { kind: "break", minutes: -m, at: { line: 1, column: 1 } }
        : { kind: "interactive", scenario: "s", at: { line: 1, column: 1 }, runsAt: { line: 1, column: 1 } },
    ),
    ...extra,
  });
  const clockOf = (total: number) => ({ casting: 2, reset: 0, steps: [total - 6], debrief: 4, total });

  it("adds up to the workshop's length, row after row, or is refused with the numbers", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 240 }),
        fc.array(fc.oneof(fc.integer({ min: 8, max: 40 }), fc.integer({ min: -15, max: -5 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 10 }),
        (minutes, items, welcome, debrief) => {
          const w = workshop(minutes, items, { welcome, debrief });
          const interactives = items.filter((m) => m > 0).map((m) => ({ title: "I", clock: clockOf(m) }));
          const plan = planAgenda(w, interactives, templates);
          const breaks = items.filter((m) => m < 0).reduce((a, b) => a - b, 0);
          const resets = items.slice(1).filter((m, i) => m > 0 && items[i]! > 0).length;
          const need = welcome + interactives.reduce((n, i) => n + i.clock.total, 0) + breaks + 2 * resets + debrief;
          if (need > minutes) {
            expect(plan.ok).toBe(false);
            if (!plan.ok) {
              expect(plan.diagnostic.message).toContain(`does not fit in ${minutes} minutes: it needs ${need}`);
              expect(plan.diagnostic.position).toEqual({ line: 3, column: 10 });
            }
            return;
          }
          expect(plan.ok).toBe(true);
          if (!plan.ok) return;
          let at = 0;
          for (const row of plan.rows) {
            expect(row.start).toBe(at);
            expect(row.minutes).toBeGreaterThan(0);
            at += row.minutes;
          }
          expect(at).toBe(minutes);
          // The closing debrief takes what is left; with nothing left (and no debrief asked for) it has no row.
          if (minutes - need + debrief > 0) expect(plan.rows.at(-1)!.kind).toBe("closing");
          else expect(plan.rows.some((r) => r.kind === "closing")).toBe(false);
          expect(plan.rows.filter((r) => r.kind === "reset")).toHaveLength(resets);
          expect(plan.rows.filter((r) => r.kind === "casting")).toHaveLength(interactives.length);
        },
      ),
    );
  });

  it("takes each interactive's casting, steps and questions from the script's clock", () => {
    const kit = kitOf("streaming.yaml");
    const plan = planAgenda(workshop(30, [1]), [{ title: "Streaming", clock: kit.script.clock }], templates);
    if (!plan.ok) throw new Error(plan.diagnostic.message);
    const mine = plan.rows.filter((r) => r.interactive === 0);
    expect(mine.map((r) => r.kind)).toEqual(["casting", "play", "questions"]);
    expect(mine[0]!.minutes).toBe(kit.script.clock.casting);
    expect(mine[2]!.minutes).toBe(kit.script.clock.debrief);
    expect(mine.reduce((n, r) => n + r.minutes, 0)).toBe(kit.scenario.minutes);
    const steps = kit.script.runs.flatMap((r) => r.steps).reduce((n, s) => n + s.minutes, 0);
    expect(mine[1]!.minutes).toBe(steps + kit.script.clock.reset * (kit.scenario.runs.length - 1));
  });
});

describe("casting", () => {
  it("doubles only parts that never act in the same step, never a server, and keeps parts with volunteers", () => {
    const kits = ["streaming.yaml", "archiving.yaml", "failover-failback.yaml", "load-balancing.yaml"].map((n) => ({
      title: n,
      kit: kitOf(n),
    }));
    const casting = castWorkshop(kits);
    expect(casting.most).toBe(Math.max(...kits.map((k) => k.kit.scenario.roles.length)));
    casting.interactives.forEach((c, i) => {
      const { kit } = kits[i]!;
      const byLabel = new Map(kit.scenario.roles.map((r) => [r.label, r]));
      expect(c.slots.filter(Boolean).sort()).toEqual(kit.scenario.roles.map((r) => r.label).sort());
      for (const d of c.doublings) {
        const roles = d.labels.map((l) => byLabel.get(l)!);
        for (const r of roles) expect(["primary", "standby"]).not.toContain(r.kind);
        const steps = roles.map((r) => (kit.cues.get(r.id) ?? []).map((cue) => cue.step));
        const all = steps.flat();
        expect(new Set(all).size).toBe(all.length - steps.reduce((n, s) => n + s.length - new Set(s).size, 0));
      }
      expect(c.fewest).toBe(c.roles.length - c.doublings.reduce((n, d) => n + d.labels.length - 1, 0));
    });
    // The primary of each interactive plays in the same slot.
    const primarySlots = casting.interactives.map((c, i) =>
      c.slots.indexOf(kits[i]!.kit.scenario.roles.find((r) => r.kind === "primary")!.label),
    );
    expect(new Set(primarySlots).size).toBe(1);
  });
});

describe("playing some runs", () => {
  it("a run played alone simulates as it does within the whole scenario", () => {
    const { scenario, trace } = loadShipped("archiving.yaml");
    const picked = selectRuns(scenario, [2], undefined, "w.yaml", { line: 1, column: 1 });
    if (!picked.ok) throw new Error(picked.diagnostic.message);
    const alone = simulate(picked.scenario);
    const within = trace.steps.filter((s) => s.run === 2);
    expect(alone.steps.map((s) => s.events)).toEqual(within.map((s) => s.events));
    expect(alone.steps.map((s) => s.number)).toEqual(within.map((_, i) => i + 1));
    expect(picked.scenario.minutes).toBeLessThan(scenario.minutes);
  });
});

describe("bad workshops: FILE:LINE:COL messages", () => {
  it("an unknown key, with a guess", async () => {
    expect(await refused(base.replace("audience:", "audeince:"))).toBe(
      'workshops/test.yaml:4:1: unknown key "audeince"; did you mean "audience"?',
    );
  });

  it("a scenario that is not shipped, with a guess", async () => {
    expect(await refused(base.replace("scenario: streaming", "scenario: straeming"))).toMatch(
      /^workshops\/test\.yaml:6:15: no scenario "straeming"; did you mean "streaming"\? \(the shipped ones: accidental-delete, archiving, /,
    );
  });

  it("a run the scenario does not have", async () => {
    expect(await refused(base + "    runs: [3]\n")).toBe(
      'workshops/test.yaml:7:11: "streaming" has one run; there is no run 3',
    );
  });

  it("an item that is both a scenario and a break", async () => {
    expect(await refused(base + "    break: 5\n")).toBe(
      'workshops/test.yaml:6:5: an item names either a "scenario" to play or a "break" in minutes, not both and not neither',
    );
  });

  it("a plan that does not fit, with the numbers", async () => {
    expect(await build(base.replace("minutes: 45", "minutes: 20"))).toMatchObject({ ok: true });
    expect(await refused(base.replace("minutes: 45", "minutes: 19"))).toBe(
      'workshops/test.yaml:3:10: the plan does not fit in 19 minutes: it needs 20 (welcome 3, Streaming replication 12, closing debrief at least 5); lengthen the workshop by 1 min, shorten an interactive ("minutes:"), or play fewer runs',
    );
  });

  it("YAML syntax", async () => {
    expect(await refused(base + "  - scenario: [\n")).toMatch(/^workshops\/test\.yaml:\d+:\d+: YAML: /);
  });

  it("nesting too deep for the YAML parser's stack, at its line and column, as in a scenario", async () => {
    expect(await refused(`title: ${"[".repeat(5_000)}\n`)).toMatch(
      /^workshops\/test\.yaml:1:\d+: nesting deeper than 24 levels/,
    );
  });

  it("parses the shipped files without problems and throws ScenarioError on bad ones", () => {
    expect(() => parseWorkshop("id: 3", "w.yaml")).toThrow(ScenarioError);
    const loaded = loadWorkshop(text("intro.yaml"), "workshops/intro.yaml", (ref) =>
      resolveScenario(ref, workshopFile("intro.yaml")),
    );
    expect(loaded.ok).toBe(true);
  });
});
