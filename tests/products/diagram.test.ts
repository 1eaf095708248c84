/**
 * The diagrams as laid out: every text at 12 pt or more on the page, none overlapping another,
 * all inside the view; the SVG and the PDF drawn from one shape list; a label that cannot fit
 * fails the build naming the step; a long row is folded into ranges and says what it leaves out.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/products/diagrams/derive.js";
import { arc, fold, layoutFrame, MIN } from "../../src/products/diagrams/layout.js";
import { diagrams, frameSvg } from "../../src/products/diagrams/draw.js";
import { drawSvg } from "../../src/products/diagrams/pens.js";
import { overlaps, VIEW, type Drawing } from "../../src/products/diagrams/shapes.js";
import { OverflowError } from "../../src/render/fit.js";
import { measurer } from "../../src/render/measure.js";
import { mm, PAPER } from "../../src/render/units.js";
import { assets, kitOf, options, shipped } from "../helpers.js";

const measure = measurer(assets.fonts);

/** Every pair of texts that overlap, and every text outside the view or under the minimum size. */
function problems(d: Drawing): string[] {
  const out: string[] = [];
  d.texts.forEach((a, i) => {
    const { box } = a;
    if (box.x < -0.5 || box.y < -0.5 || box.x + box.w > VIEW.width + 0.5 || box.y + box.h > VIEW.height + 0.5)
      out.push(`"${a.text}" leaves the view`);
    for (const b of d.texts.slice(i + 1)) if (overlaps(box, b.box)) out.push(`"${a.text}" overlaps "${b.text}"`);
  });
  for (const s of d.shapes) if (s.kind === "text" && s.size < MIN) out.push(`"${s.text}" is set at ${s.size}`);
  return out;
}

describe("the minimum size", () => {
  it("is 12 pt or more once the view is scaled onto a landscape Letter or A4 page", () => {
    for (const paper of ["letter", "a4"] as const) {
      const page = { width: PAPER[paper].height, height: PAPER[paper].width };
      const scale = Math.min((page.width - 2 * mm(12)) / VIEW.width, (page.height - 2 * mm(12)) / VIEW.height);
      expect(MIN * scale).toBeGreaterThanOrEqual(12);
    }
  });
});

describe.each(shipped)("the diagrams of %s", (name) => {
  const kit = kitOf(name);
  it("set every text at 12 pt or more, inside the page, none over another", () => {
    for (const frame of kit.frames)
      expect(problems(layoutFrame(frame, measure)), `${frame.title} ${frame.moment ?? ""}`).toEqual([]);
  });
});

describe("a link's arc", () => {
  it("is the 17 points of its parabola, made once per geometry and shared, frozen", () => {
    const plain = (x1: number, x2: number, y: number, apex: number) =>
      Array.from({ length: 17 }, (_, k) => {
        const t = k / 16;
        return [x1 + (x2 - x1) * t, y - 4 * (y - apex) * t * (1 - t)];
      });
    // A few values each, so that geometries share some of their numbers and repeat.
    const value = fc.constantFrom(0, 84.5, 110, 207.25, 410.5, 593.5, 796.75);
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value, value), { minLength: 1, maxLength: 30 }), (geometries) => {
        for (const [x1, x2, y, apex] of geometries) {
          const points = arc(x1, x2, y, apex);
          expect(points).toEqual(plain(x1, x2, y, apex));
          expect(Object.isFrozen(points) && points.every((p) => Object.isFrozen(p))).toBe(true);
          expect(arc(x1, x2, y, apex)).toBe(points);
        }
      }),
    );
  });
});

describe("the legend", () => {
  it("is laid out once per kit's words and marks: the same drawing as a legend laid out afresh", () => {
    let shared = 0;
    for (const name of shipped) {
      const frames = kitOf(name).frames;
      const drawings = frames.map((f) => layoutFrame(f, measure));
      // New words (equal, not the same object) lay the legend out again.
      frames.forEach((f, i) => expect(layoutFrame({ ...f, words: { ...f.words } }, measure)).toEqual(drawings[i]));
      // Frames with the same marks share the legend's texts: fewer legends than frames.
      const titles = drawings.map((d) => d.texts.find((t) => t.text === frames[0]!.words.legend_title));
      shared += titles.length - new Set(titles).size;
    }
    expect(shared).toBeGreaterThan(50);
  });
});

describe("a server's box", () => {
  it("is laid out once per box, place, measure and words: the same drawing as boxes laid out afresh", () => {
    for (const name of ["failover-failback.yaml", "slots.yaml", "split-brain.yaml"]) {
      const frames = kitOf(name).frames;
      const drawings = frames.map((f) => layoutFrame(f, measure));
      // Copies of the boxes (equal, not the same objects) are laid out again, to the same drawing.
      frames.forEach((f, i) =>
        expect(layoutFrame({ ...f, servers: structuredClone(f.servers) }, measure)).toEqual(drawings[i]),
      );
      // A box shown again just so, in the same place, brings the texts laid out the first time.
      const names = new Set(frames[0]!.servers.map((s) => s.label));
      const texts = drawings.flatMap((d) => d.texts.filter((t) => names.has(t.text)));
      expect(new Set(texts).size, name).toBeLessThan(texts.length);
    }
  });
});

function frame(labels: string[], row: number[] = [1, 2]): Frame {
  return {
    step: 4,
    title: "Step 4. Choose",
    servers: labels.map((label, i) => ({
      id: `s${i}`,
      label,
      heading: "STANDBY · timeline 1",
      up: i > 0,
      empty: false,
      row: row.map((n) => ({ text: String(n), style: "row", timeline: 1, pastFork: false })),
      tray: [],
      queries: [],
    })),
    clients: [{ id: "w", label: "Busy web application", kind: "writer", lines: [], alarm: false }],
    links: [],
    flows: [],
    floor: [],
    archive: null,
    bin: [],
    errors: [],
    footer: "footer",
    words: Object.fromEntries(
      ["down", "row", "tray", "paused", "archive", "floor", "bin", "reserve", "legend_title", "legend_row"].map((k) => [
        k,
        k,
      ]),
    ),
  };
}

describe("diagram text", () => {
  it("wraps a long server label onto two lines at the minimum size rather than shrinking it further", () => {
    const d = layoutFrame(
      frame(["The primary in the north", "Replica in Amsterdam", "Replica in Singapore", "A fourth server"]),
      measure,
    );
    expect(problems(d)).toEqual([]);
    const sizes = d.shapes
      .filter((s) => s.kind === "text" && /north|Amsterdam|Singapore/.test(s.text))
      .map((s) => (s as { size: number }).size);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(MIN);
  });

  it("fails, naming the step and the text, when a text cannot fit even on two lines at the smallest size", () => {
    const crowded = frame(["Primary", "Standby"]);
    crowded.servers[0]!.heading =
      "A heading far too long to fit in a server box even when it is wrapped onto two lines of text";
    expect(() => layoutFrame(crowded, measure)).toThrow(OverflowError);
    expect(() => layoutFrame(crowded, measure)).toThrow(/diagram of step 4: the text "A heading far too long/);
  });

  it("folds a long row into ranges, and says how many cards it leaves out when even that is too long", () => {
    const cells = Array.from({ length: 35 }, (_, i) => ({
      text: String(i + 1),
      style: "row" as const,
      timeline: 1,
      pastFork: false,
    }));
    expect(fold(cells, 8).map((c) => c.text)).toEqual(["1–35"]);
    const gaps = cells.filter((c) => Number(c.text) % 2 === 0);
    const folded = fold(gaps, 6);
    expect(folded[0]!.text).toBe(`+${gaps.length - 4}`);
    expect(folded.slice(1).map((c) => c.text)).toEqual(["28", "30", "32", "34"]);
    const d = layoutFrame(
      frame(
        ["Primary", "Standby"],
        cells.map((c) => Number(c.text)),
      ),
      measure,
    );
    expect(d.texts.map((t) => t.text)).toContain("1–35");
    expect(problems(d)).toEqual([]);
  });

  it("writes the same drawing as SVG: every text of the shape list, escaped", () => {
    const d = layoutFrame(frame(["Primary & <co>", "Standby"]), measure);
    const svg = drawSvg(d, {});
    expect(svg).toContain("Primary &amp; &lt;co&gt;");
    expect((svg.match(/<text /g) ?? []).length).toBe(d.texts.length);
  });
});

describe("frameSvg", () => {
  it("gives each frame the SVG that --svg writes for it", async () => {
    const kit = kitOf("failover-failback.yaml");
    const rendered = await diagrams.render(kit, options("letter", { svg: true }), assets);
    expect(rendered.extras.length).toBe(kit.frames.length);
    kit.frames.forEach((frame, i) => {
      const svg = frameSvg(frame, assets.fonts);
      expect(svg.startsWith("<svg ")).toBe(true);
      expect(new TextDecoder().decode(rendered.extras[i]!.bytes)).toBe(svg);
    });
  });
});
