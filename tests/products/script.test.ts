/** The script's content as data, before any PDF: what the facilitator reads, checked against the stage. */
import { describe, expect, it } from "vitest";
import { assets, kitOf, options, shipped } from "../helpers.js";

describe("facilitator script of failover-failback", () => {
  const kit = kitOf("failover-failback.yaml");
  const steps = kit.script.runs.flatMap((r) => r.steps);
  const step = (n: number) => steps.find((s) => s.number === n)!;

  it("says what each server's row and WAL tray hold, and marks what changed since the step before", () => {
    const three = step(3).watch;
    expect(three.find((w) => w.text.startsWith("Server A"))).toEqual({
      text: "Server A — primary, timeline 1, DOWN (seated). Row: 1–4. Tray: WAL 1–4.",
      changed: false,
    });
    expect(three.find((w) => w.text.startsWith("Server B"))).toEqual({
      text: "Server B — primary, timeline 2. Row: 1–3. Tray: empty.",
      changed: true,
    });
    expect(step(1).watch.every((w) => w.changed)).toBe(true);
    expect(step(7).watch.map((w) => w.text)).toContain("In the bin: WAL 1–4; Server A's 1–4.");
  });

  it("lists one line per volunteer, in the order they act, what they do and then what flows", () => {
    expect(step(2).do.map((d) => d.role)).toEqual(["Writer", "Server A"]);
    expect(step(2).then.map((d) => d.role)).toEqual(["Server B"]);
    expect(step(1).then.find((d) => d.role === "Server B")!.text).toBe(
      // Server B keeps WAL copies too: the ones it drops on the floor after its promotion.
      "Take your copies of cards 1, 2 and 3 from Server A's tray: lay them in your row; the WAL copies of cards 1 and 2 into your tray.",
    );
    expect(step(5).postgres).toEqual([
      {
        role: "Server A",
        text: "LOG:  new timeline 2 forked off current database system timeline 1 before current recovery point 0/5000060",
      },
    ]);
    expect(step(7).do.find((d) => d.role === "You")!.text).toMatch(
      /^Take copies of cards 1, 2, 3, 5 and 6 from your reserve/,
    );
  });

  it("announces each step's number at the start of what to say, as the role cards number their cues", () => {
    for (const s of steps) expect(s.say.startsWith(`Step ${s.number}.`)).toBe(true);
  });
});

describe.each(shipped)("timing of %s", (name) => {
  const kit = kitOf(name);
  it("adds casting, steps, resets and debrief up to the scenario's minutes, in half minutes", () => {
    const steps = kit.script.runs.flatMap((r) => r.steps);
    const resets = kit.script.runs.filter((r) => r.reset).length;
    const sum = (lines: string[]) => lines.map((l) => Number(/([\d.]+) min/.exec(l)![1])).reduce((a, b) => a + b, 0);
    const casting = sum(kit.script.timing.filter((l) => l.startsWith("Casting")));
    const reset = sum(kit.script.timing.filter((l) => l.startsWith("Each reset")));
    const debrief = sum(kit.script.timing.filter((l) => l.startsWith("Debrief")));
    const total = casting + reset * resets + debrief + steps.reduce((a, s) => a + s.minutes, 0);
    expect(total).toBe(kit.scenario.minutes);
    for (const s of steps) expect(s.minutes * 2).toBe(Math.round(s.minutes * 2));
    expect(casting).toBeGreaterThan(0);
  });
});

describe.each(shipped)("the script pages of %s", (name) => {
  const kit = kitOf(name);
  it.each(["letter", "a4"] as const)(
    "on %s: steps whole, headings with their text, no page but the last under a quarter full",
    async (paper) => {
      const { createDocument } = await import("../../src/render/pdf.js");
      const { scriptPages } = await import("../../src/products/script/draw.js");
      const { assets, options } = await import("../helpers.js");
      const doc = createDocument(
        assets.fonts,
        options().date,
        { title: "t", subject: "s", keywords: "k" },
        { width: 612, height: 792 },
      );
      const { blocks, pages, height } = scriptPages(doc, kit.script, true, paper);
      const pageOf = new Map(pages.flatMap((page, i) => page.map((p) => [p, i] as const)));
      for (const b of blocks) {
        const on = new Set(b.paras.map((p) => pageOf.get(p)));
        // paginate() may split a step longer than three quarters of a page rather than leave a page
        // less than a quarter full (a step with many servers on stage).
        const tall = b.paras.reduce((sum, p) => sum + p.height!, 0) > height * 0.75;
        if (b.whole && !tall) expect(on.size, b.paras[0]!.text).toBe(1);
        if (!b.whole) expect(pageOf.get(b.paras[0]!), `heading ${b.paras[0]!.text}`).toBe(pageOf.get(b.paras[1]!));
      }
      pages.slice(0, -1).forEach((page, i) =>
        expect(
          page.reduce((sum, p) => sum + p.height!, 0),
          `page ${i + 1}`,
        ).toBeGreaterThanOrEqual(height / 4),
      );
    },
  );
});

describe("facilitator script of load-balancing", () => {
  const steps = kitOf("load-balancing.yaml").script.runs.flatMap((r) => r.steps);
  const watch = (n: number) => steps.find((s) => s.number === n)!.watch.map((w) => w.text);

  it("names the card a read of the newest answered, and a newer card still on its way", () => {
    expect(watch(3)).toContain(
      "Application's read R4 from Standby: answered card 4, its newest; card 5 was still in Primary's tray, on the way.",
    );
    expect(watch(1).filter((t) => t.includes("read R1"))).toEqual([
      "Application's read R1 from Primary: answered card 2, its newest.",
    ]);
  });
});

describe("facilitator script of accidental-delete", () => {
  const kit = kitOf("accidental-delete.yaml");
  const step = (n: number) => kit.script.runs.flatMap((r) => r.steps).find((s) => s.number === n)!;

  it("says a read of a deleted card found it gone, not stale", () => {
    expect(step(4).watch.map((w) => w.text)).toContain(
      "App's read R1 from Primary: not found: card 3 was deleted there.",
    );
    expect(step(4).do.find((d) => d.role === "Primary")!.text).toContain(
      "card 3 is not in your row any more: it was deleted",
    );
    expect(JSON.stringify(kit.frames.filter((f) => f.step === 4))).not.toContain("STALE");
  });
});

describe("the script's layout, kept with the script", () => {
  const probe = async (fonts = assets.fonts) => {
    const { createDocument } = await import("../../src/render/pdf.js");
    return createDocument(
      fonts,
      options().date,
      { title: "t", subject: "s", keywords: "k" },
      { width: 612, height: 792 },
    );
  };

  it("is made once per paper and commands, and again for other fonts, to the same pages", async () => {
    const { scriptPages } = await import("../../src/products/script/draw.js");
    const { script } = kitOf("slots.yaml");
    const first = scriptPages(await probe(), script, true, "letter");
    expect(scriptPages(await probe(), script, true, "letter")).toBe(first);
    expect(scriptPages(await probe(), script, false, "letter")).not.toBe(first);
    expect(scriptPages(await probe(), script, true, "a4")).not.toBe(first);
    const otherFonts = scriptPages(await probe({ ...assets.fonts }), script, true, "letter");
    expect(otherFonts).not.toBe(first);
    expect(otherFonts).toEqual(first);
  });

  it("draws the same bytes whether or not the workshop's agenda laid the script out first", async () => {
    const { scriptPages, facilitatorScript } = await import("../../src/products/script/draw.js");
    for (const name of ["slots.yaml", "failover-failback.yaml"]) {
      const fresh = await facilitatorScript.render(kitOf(name), options(), assets);
      const kit = kitOf(name);
      scriptPages(await probe(), kit.script, options().commands, "letter");
      expect(await facilitatorScript.render(kit, options(), assets)).toEqual(fresh);
    }
  });
});
