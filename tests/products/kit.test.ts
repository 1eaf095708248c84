/** The built kit, read back through a real PDF reader: what a facilitator and volunteers will see. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import PDFDocument from "pdfkit";
import { beforeAll, describe, expect, it } from "vitest";
import { FONT } from "../../src/render/pdf.js";
import { capHeightRatio } from "../../src/products/role-cards/draw.js";
import { mm, PAPER } from "../../src/render/units.js";
import { assets, kitOf, options, renderAll, root, shipped } from "../helpers.js";
import { readPdf, squash, type PdfPage } from "../pdf.js";

/** Cap height of Atkinson Hyperlegible Bold as a fraction of the font size. */
const capRatio = (() => {
  const doc = new PDFDocument({ autoFirstPage: false });
  doc.registerFont(FONT.bold, Buffer.from(assets.fonts.bold));
  return capHeightRatio(doc, FONT.bold);
})();

describe.each(shipped)("kit of %s", (name) => {
  const kit = kitOf(name);
  let pdfs: Map<string, PdfPage[]>;
  beforeAll(async () => {
    const files = await renderAll(name);
    pdfs = new Map();
    for (const [file, bytes] of files) pdfs.set(file, await readPdf(bytes));
  });

  it("the print list gives the sheets and role cards that role-cards.pdf really has", () => {
    const pages = pdfs.get("role-cards.pdf")!.length;
    const line = kit.script.materials.find((m) => m.startsWith("role-cards.pdf"))!;
    const [, sheets, cards] = /(\d+) sheets?, (\d+) role cards?/.exec(line)!;
    expect(Number(sheets)).toBe(pages / 2);
    const fronts = pdfs.get("role-cards.pdf")!.filter((_, i) => i % 2 === 0);
    const labelled = fronts.flatMap((p) => p.items).filter((it) => kit.scenario.roles.some((r) => r.label === it.str));
    expect(Number(cards)).toBe(labelled.length);
  });

  it("role cards: two to a Letter sheet, fronts then backs, every label large, every cue on its back at 11 pt or more", () => {
    const pages = pdfs.get("role-cards.pdf")!;
    for (const p of pages) expect([p.width, p.height]).toEqual([612, 792]);
    const fronts = pages.filter((_, i) => i % 2 === 0);
    const backs = squash(
      pages
        .filter((_, i) => i % 2 === 1)
        .map((p) => p.text)
        .join(" "),
    );
    for (const role of kit.scenario.roles) {
      const label = fronts.flatMap((p) => p.items).find((it) => it.str === role.label);
      expect(label, `label of ${role.id}`).toBeDefined();
      if (role.label.length <= 10) expect(label!.size * capRatio).toBeGreaterThanOrEqual(mm(20));
    }
    for (const card of kit.roleCards) {
      for (const entry of card.entries) {
        if ("run" in entry) continue;
        expect(backs).toContain(squash(entry.cue));
        for (const m of entry.messages) expect(backs).toContain(squash(m));
      }
    }
    // One size for every cue of the set, and never under 11 pt.
    const cueSizes = new Set(
      pages
        .filter((_, i) => i % 2 === 1)
        .flatMap((p) => p.items.filter((it) => /^Step \d+ —/.test(it.str)).map((it) => Math.round(it.size * 10) / 10)),
    );
    expect(cueSizes.size).toBeLessThanOrEqual(1);
    for (const size of cueSizes) expect(size).toBeGreaterThanOrEqual(11);
  });

  it("data cards: exactly the stage's deck, every number at least 30 mm tall, every copy saying whose it is", () => {
    const pages = pdfs.get("data-cards.pdf")!;
    expect(pages).toHaveLength(2 * Math.ceil(kit.deck.length / 9));
    const fronts = pages.filter((_, i) => i % 2 === 0);
    const big = fronts.flatMap((p) => p.items.filter((it) => it.size * capRatio >= mm(30) - 0.01).map((it) => it.str));
    expect(big.sort()).toEqual(
      kit.deck
        .filter((c) => c.numeric)
        .map((c) => c.face)
        .sort(),
    );
    expect(kit.deck.map((c) => c.object)).toEqual(kit.stage.deck.map((o) => o.object));
    const text = squash(fronts.map((p) => p.text).join(" "));
    for (const card of kit.deck) expect(text).toContain(squash(card.note));
    for (const n of kit.trace.deck.writes) expect(big).toContain(String(n));
  });

  it("facilitator script: setup, every step with its words, every PostgreSQL message, page numbers", () => {
    const pages = pdfs.get("facilitator-script.pdf")!;
    const all = squash(pages.map((p) => p.text).join(" "));
    for (const g of kit.scenario.goals) expect(all).toContain(squash(g));
    for (const role of kit.scenario.roles) expect(all).toContain(squash(role.label));
    for (const run of kit.scenario.runs) {
      for (const step of run.steps) {
        expect(all).toContain(squash(`Step ${step.number}. ${step.title}`));
        expect(all).toContain(squash(step.say));
      }
    }
    for (const e of kit.trace.steps.flatMap((s) => s.events)) {
      if (e.message && ["error", "start-failed", "write-failed", "query-canceled", "cancel-wait"].includes(e.kind))
        expect(all).toContain(squash(e.message));
    }
    pages.forEach((p, i) => expect(squash(p.text)).toContain(squash(`page ${i + 1} of ${pages.length}`)));
  });

  it("diagrams: one landscape page per frame, every step drawn, each page naming its step and its servers", () => {
    const pages = pdfs.get("diagrams.pdf")!;
    expect(pages).toHaveLength(kit.frames.length);
    expect(new Set(kit.frames.map((f) => f.step))).toEqual(new Set(kit.trace.steps.map((s) => s.number)));
    pages.forEach((p, i) => {
      expect(p.width).toBeGreaterThan(p.height);
      const frame = kit.frames[i]!;
      const step = kit.trace.steps.find((s) => s.number === frame.step)!;
      expect(squash(p.text)).toContain(squash(`Step ${step.number}. ${step.title}`));
      for (const s of kit.scenario.roles.filter((r) => r.kind === "primary" || r.kind === "standby"))
        expect(squash(p.text)).toContain(squash(s.label));
    });
  });
});

describe("the kit as a whole", () => {
  it("is byte-identical when built twice", async () => {
    const a = await renderAll("failover-failback.yaml");
    const b = await renderAll("failover-failback.yaml");
    for (const [file, bytes] of a) expect(Buffer.from(b.get(file)!).equals(Buffer.from(bytes)), file).toBe(true);
  });

  it("prints A4 sheets with the same card sizes", async () => {
    const letter = await renderAll("streaming.yaml", "letter");
    const a4 = await renderAll("streaming.yaml", "a4");
    const [l, a] = [await readPdf(letter.get("role-cards.pdf")!), await readPdf(a4.get("role-cards.pdf")!)];
    expect([a[0]!.width, a[0]!.height]).toEqual(
      [PAPER.a4.width, PAPER.a4.height].map((n) => Math.round(n * 100) / 100),
    );
    const size = (pages: PdfPage[]) => pages[0]!.items.find((it) => it.str === "Primary")!.size;
    expect(size(a)).toBeCloseTo(size(l), 3);
    const cards = await readPdf(a4.get("data-cards.pdf")!);
    expect(cards[0]!.width).toBeCloseTo(PAPER.a4.width, 1);
  });

  it("shows the real PostgreSQL command behind each action in the script, unless told not to", async () => {
    const { facilitatorScript } = await import("../../src/products/script/draw.js");
    const kit = kitOf("failover-failback.yaml");
    const text = async (commands: boolean) =>
      squash(
        (await readPdf((await facilitatorScript.render(kit, options("letter", { commands }), assets)).pdf))
          .map((p) => p.text)
          .join(" "),
      );
    const withCommands = await text(true);
    for (const c of [
      "$ pg_ctl stop -m immediate -D data/alpha",
      '$ psql -h beta -c "SELECT pg_promote();"',
      "$ pg_basebackup -h beta -D data/alpha -R -X stream -c fast",
      // An old primary comes back as a standby: standby.signal, and its new primary_conninfo.
      "$ touch data/alpha/standby.signal",
      `$ echo "primary_conninfo = 'host=beta application_name=alpha'" >> data/alpha/postgresql.auto.conf`,
    ])
      expect(withCommands).toContain(squash(c));
    const without = await text(false);
    expect(without).not.toContain(squash("pg_ctl stop -m immediate"));
    expect(without).toContain(squash("Step 2. Server A goes down"));
  });

  it("puts the scenario's version hash on every card back and every script page", async () => {
    const files = await renderAll("synchronous.yaml");
    const backs = (await readPdf(files.get("data-cards.pdf")!)).filter((_, i) => i % 2 === 1);
    for (const p of backs) expect(p.text).toContain("cafe1234");
    for (const p of await readPdf(files.get("facilitator-script.pdf")!)) expect(p.text).toContain("cafe1234");
  });
});

describe("hostile scenario text", () => {
  it("prints template syntax from a scenario literally, never executing it", async () => {
    const { parseScenario } = await import("../../src/scenario/parse.js");
    const { simulate } = await import("../../src/sim/simulate.js");
    const { deriveKit } = await import("../../src/kit.js");
    const { facilitatorScript } = await import("../../src/products/script/draw.js");
    const { roleCards } = await import("../../src/products/role-cards/draw.js");
    const source = readFileSync(join(root, "scenarios", "streaming.yaml"), "utf8")
      .replace("title: Streaming replication", 'title: "{{#each roles}}X{{/each}} {{constructor}}"')
      .replace("label: Writer", 'label: "{{label}}"')
      .replace(
        "say: Writer, two more cards to the primary. Primary, pass each one to the standby as it comes.",
        "say: \"{{> partial}} {{lookup this 'x'}} two more cards\"",
      );
    const scenario = parseScenario(source, "hostile.yaml");
    const kit = deriveKit(scenario, simulate(scenario), "00000000", options(), assets);
    const script = squash(
      (await readPdf((await facilitatorScript.render(kit, options(), assets)).pdf)).map((p) => p.text).join(" "),
    );
    expect(script).toContain(squash("{{#each roles}}X{{/each}} {{constructor}}"));
    expect(script).toContain(squash("{{> partial}} {{lookup this 'x'}} two more cards"));
    const cards = (await readPdf((await roleCards.render(kit, options(), assets)).pdf)).map((p) => p.text).join(" ");
    expect(cards).toContain("{{label}}");
  });
});
