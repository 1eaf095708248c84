/** Diagram text fits its boxes: it shrinks, and past a floor the build fails naming the step. */
import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/products/diagrams/derive.js";
import { drawFrame } from "../../src/products/diagrams/frame.js";
import { OverflowError } from "../../src/render/fit.js";
import { measurer } from "../../src/render/measure.js";
import { FONT } from "../../src/render/pdf.js";
import { assets, templates } from "../helpers.js";

const measure = measurer(assets.fonts);

function frame(labels: string[]): Frame {
  return {
    number: 4,
    title: "Step 4. Choose",
    servers: labels.map((label, i) => ({
      id: `s${i}`,
      label,
      heading: "STANDBY · timeline 1",
      up: i > 0,
      empty: false,
      cards: [1, 2],
      queued: [],
      paused: false,
    })),
    clients: [{ id: "w", label: "Busy web application", kind: "writer", notes: [], alarm: false }],
    links: [],
    cuts: [],
    flows: [],
    archive: null,
    floor: [],
    lost: [],
    errors: [],
  };
}

/** The font size of the first text element with exactly this content. */
function sizeOf(svg: string, content: string): number {
  const match = new RegExp(`<text[^>]*font-size="([\\d.]+)"[^>]*>${content}</text>`).exec(svg);
  return Number(match?.[1]);
}

describe("diagram text", () => {
  it("shrinks a long label to fit its box, clear of the DOWN badge", () => {
    const svg = drawFrame(
      frame(["The primary in the north", "Replica in Amsterdam", "Replica in Singapore"]),
      templates,
      measure,
      "footer",
    ).svg();
    const size = sizeOf(svg, "The primary in the north");
    expect(size).toBeLessThan(20);
    const box = (1000 - 215 - 2 * 24) / 3;
    expect(measure("The primary in the north", FONT.bold, size)).toBeLessThanOrEqual(box - 24 - 80);
    expect(sizeOf(svg, "Busy web application")).toBeLessThan(17);
    expect(sizeOf(svg, "Replica in Amsterdam")).toBeLessThanOrEqual(20);
  });

  it("keeps a short label at full size", () => {
    expect(sizeOf(drawFrame(frame(["Primary", "Standby"]), templates, measure, "footer").svg(), "Standby")).toBe(20);
  });

  it("fails, naming the step and the text, when a label cannot fit even at the smallest size", () => {
    const crowded = frame(Array.from({ length: 12 }, (_, i) => `A rather long label ${i}`));
    expect(() => drawFrame(crowded, templates, measure, "footer")).toThrow(OverflowError);
    expect(() => drawFrame(crowded, templates, measure, "footer")).toThrow(
      /diagram of step 4: the text "A rather long label \d+" does not fit/,
    );
  });
});
