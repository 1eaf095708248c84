/**
 * Equal cells, card lists and server boxes of a kit are one object each, shared by the frames
 * that show them; boxes that differ in anything stay apart.
 */
import { describe, expect, it } from "vitest";
import type { Cell, ServerBox } from "../../src/products/diagrams/derive.js";
import { SharedBoxes } from "../../src/products/diagrams/shared.js";
import { kitOf, shipped } from "../helpers.js";

const cell = (text: string, more: Partial<Cell> = {}): Cell => ({
  text,
  style: "row",
  timeline: 1,
  pastFork: false,
  ...more,
});

function box(shared: SharedBoxes, more: Partial<ServerBox> = {}): ServerBox {
  return {
    id: "s1",
    label: "Standby 1",
    heading: "STANDBY · timeline 1",
    fork: undefined,
    up: true,
    badge: undefined,
    empty: false,
    row: ["1", "2"].map((t) => shared.cell(cell(t))),
    tray: [shared.cell(cell("3", { style: "wal" }))],
    paused: undefined,
    queries: [],
    slots: undefined,
    ...more,
  };
}

describe("shared boxes", () => {
  it("give one object for equal cells, and keep cells that differ in anything apart", () => {
    const shared = new SharedBoxes();
    const first = shared.cell(cell("7"));
    expect(shared.cell(cell("7"))).toBe(first);
    for (const other of [
      cell("8"),
      cell("7", { style: "wal" }),
      cell("7", { timeline: 2 }),
      cell("7", { pastFork: true }),
    ])
      expect(shared.cell(other)).toBe(other);
  });

  it("give one object for equal server boxes, their rows and trays shared too", () => {
    const shared = new SharedBoxes();
    const first = shared.server(box(shared));
    const again = box(shared);
    expect(shared.server(again)).toBe(first);
    // A box with the same cards shares the lists even when it differs elsewhere.
    const down = shared.server(box(shared, { up: false, badge: "DOWN" }));
    expect(down).not.toBe(first);
    expect(down.row).toBe(first.row);
    expect(down.tray).toBe(first.tray);
  });

  it("keep boxes that differ in any field apart", () => {
    const shared = new SharedBoxes();
    const first = shared.server(box(shared));
    const variants: Partial<ServerBox>[] = [
      { id: "s2" },
      { label: "Standby 2" },
      { heading: "PRIMARY · timeline 1" },
      { fork: "forked after card 3" },
      { up: false },
      { badge: "DOWN" },
      { empty: true },
      { row: [shared.cell(cell("1"))] },
      { row: [] },
      { tray: [] },
      { tray: [shared.cell(cell("1")), shared.cell(cell("2"))] },
      { paused: "paused" },
      { queries: ["R5"] },
      { slots: [] },
      { slots: [{ text: "slot s1: from 3", alarm: false }] },
      { slots: [{ text: "slot s1: from 3", alarm: true }] },
    ];
    const made = variants.map((v) => shared.server(box(shared, v)));
    for (const m of made) expect(m).not.toBe(first);
    expect(new Set(made).size).toBe(made.length);
  });

  it("leave the shipped kits' frames with fewer box objects than boxes", () => {
    let boxes = 0;
    let objects = 0;
    for (const name of shipped) {
      const servers = kitOf(name).frames.flatMap((f) => f.servers);
      boxes += servers.length;
      objects += new Set(servers).size;
    }
    expect(objects).toBeLessThan(boxes * 0.7);
  });
});
