/**
 * One step as an SVG drawing (svg.js on svgdom): servers as boxes with their cards, standbys
 * linked to their upstream, cards in flight as labelled arrows, clients, proxy, archive, losses
 * and errors, and a legend. Every state is shown by shape and word as well as colour.
 */
import { registerWindow, SVG, type Container, type Svg } from "@svgdotjs/svg.js";
import { createSVGWindow } from "svgdom";
import type { Flow, Frame, LinkState } from "./derive.js";
import type { Templates } from "../../wording.js";
import { OverflowError } from "../../render/fit.js";
import { wrap, type Measure } from "../../render/measure.js";
import { FONT } from "../../render/pdf.js";
import { COLOURS } from "../../render/units.js";

export const VIEW = { width: 1000, height: 700 };

let registered = false;
function canvas() {
  if (!registered) {
    const window = createSVGWindow();
    registerWindow(window, window.document);
    registered = true;
  }
  return SVG().size(VIEW.width, VIEW.height).viewbox(0, 0, VIEW.width, VIEW.height);
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}
const topCentre = (b: Box) => ({ x: b.x + b.w / 2, y: b.y });

function text(
  g: Container,
  s: string,
  x: number,
  y: number,
  size: number,
  font: string = FONT.regular,
  colour: string = COLOURS.black,
  anchor = "start",
) {
  g.plain(s).attr({ x, y, "font-family": font, "font-size": size, fill: colour, "text-anchor": anchor });
}

const LINK_STYLE: Record<LinkState, { colour: string; dash?: string; width: number }> = {
  streaming: { colour: COLOURS.blue, width: 3 },
  waiting: { colour: COLOURS.grey, dash: "8 6", width: 2 },
  error: { colour: COLOURS.vermillion, dash: "3 4", width: 3 },
  off: { colour: COLOURS.light, dash: "2 6", width: 2 },
  cut: { colour: COLOURS.vermillion, width: 2 },
};

const FLOW_COLOUR: Record<Flow["kind"], string> = {
  card: COLOURS.black,
  joker: COLOURS.purple,
  read: COLOURS.vermillion,
  ack: COLOURS.blue,
  copy: COLOURS.green,
  refused: COLOURS.vermillion,
};

function cross(g: Container, x: number, y: number, r: number, colour: string) {
  g.line(x - r, y - r, x + r, y + r).stroke({ color: colour, width: 3 });
  g.line(x - r, y + r, x + r, y - r).stroke({ color: colour, width: 3 });
}

/** An arrowhead at `to`, pointing away from `from`. */
function arrowhead(g: Container, from: { x: number; y: number }, to: { x: number; y: number }, colour: string) {
  const a = Math.atan2(to.y - from.y, to.x - from.x);
  const p = (d: number, da: number) =>
    `${(to.x - d * Math.cos(a + da)).toFixed(1)},${(to.y - d * Math.sin(a + da)).toFixed(1)}`;
  g.polygon(`${to.x.toFixed(1)},${to.y.toFixed(1)} ${p(12, 0.45)} ${p(12, -0.45)}`).fill(colour);
}

function card(g: Container, n: number, x: number, y: number, style: "replayed" | "queued" | "joker", measure: Measure) {
  const colour = style === "joker" ? COLOURS.purple : COLOURS.black;
  g.rect(34, 34)
    .move(x, y)
    .attr({
      rx: 4,
      fill: "#FFFFFF",
      stroke: colour,
      "stroke-width": style === "replayed" ? 2 : 1.5,
      "stroke-dasharray": style === "replayed" ? null : "4 3",
    });
  const label = style === "joker" ? `J${n}` : String(n);
  const size = measure(label, FONT.bold, 16) > 30 ? 12 : 16;
  text(g, label, x + 17, y + 23, size, FONT.bold, colour, "middle");
}

/** A drawn step: the svg.js drawing, to serialise or to place in a PDF. */
export function drawFrame(frame: Frame, t: Templates, measure: Measure, footer: string): Svg {
  const svg = canvas();
  /** The size at which a text fits a width: `size`, or smaller down to `min`; past that the build fails. */
  const fit = (s: string, font: string, size: number, min: number, width: number) => {
    const natural = measure(s, font, size);
    if (natural <= width) return size;
    const shrunk = Math.floor(((size * width) / natural) * 2) / 2;
    if (shrunk < min) throw new OverflowError(`diagram of step ${frame.number}`, s, min);
    return shrunk;
  };
  svg.rect(VIEW.width, VIEW.height).fill("#FFFFFF");
  text(svg, frame.title, 0, 30, fit(frame.title, FONT.bold, 26, 14, VIEW.width), FONT.bold);

  const boxes = new Map<string, Box>();
  // Clients (and tools) down the left; a proxy beside them; servers in a row.
  const people = frame.clients.filter((c) => c.kind !== "proxy");
  const proxies = frame.clients.filter((c) => c.kind === "proxy");
  people.forEach((c, i) => boxes.set(c.id, { x: 0, y: 80 + i * 88, w: 170, h: 76 }));
  proxies.forEach((c, i) => boxes.set(c.id, { x: 215, y: 160 + i * 100, w: 130, h: 76 }));
  const left = proxies.length ? 385 : 215;
  const gap = 24;
  const n = frame.servers.length;
  const w = Math.min(260, (VIEW.width - left - gap * (n - 1)) / n);
  frame.servers.forEach((s, i) => boxes.set(s.id, { x: left + i * (w + gap), y: 130, w, h: 250 }));
  boxes.set("archive", { x: VIEW.width - 250, y: 520, w: 250, h: 64 });
  boxes.set("floor", { x: left, y: 500, w: 200, h: 36 });

  const isPersonBox = (id: string) => frame.clients.some((c) => c.id === id);
  for (const c of frame.clients) {
    const b = boxes.get(c.id)!;
    const alarm = c.alarm ? COLOURS.vermillion : COLOURS.black;
    svg
      .rect(b.w, b.h)
      .move(b.x, b.y)
      .attr({ rx: 10, fill: "#FFFFFF", stroke: alarm, "stroke-width": c.alarm ? 3 : 1.5 });
    text(svg, c.label, b.x + 10, b.y + 24, fit(c.label, FONT.bold, 17, 9, b.w - 20), FONT.bold);
    if (c.kind.toLowerCase() !== c.label.toLowerCase())
      text(svg, c.kind, b.x + 10, b.y + 40, 11, FONT.regular, COLOURS.grey);
    c.notes.slice(0, 2).forEach((note, i) => {
      const font = c.alarm ? FONT.bold : FONT.regular;
      text(svg, note, b.x + 10, b.y + 56 + i * 14, fit(note, font, 11, 7, b.w - 20), font, alarm);
    });
  }

  for (const s of frame.servers) {
    const b = boxes.get(s.id)!;
    const stroke = s.empty ? COLOURS.grey : COLOURS.black;
    svg
      .rect(b.w, b.h)
      .move(b.x, b.y)
      .attr({
        rx: 12,
        fill: s.up ? "#FFFFFF" : "#F2F2F2",
        stroke,
        "stroke-width": s.up ? 2.5 : 1.5,
        "stroke-dasharray": s.up ? null : "10 6",
      });
    const badge = !s.up && !s.empty ? 80 : 0;
    text(svg, s.label, b.x + 12, b.y + 28, fit(s.label, FONT.bold, 20, 7, b.w - 24 - badge), FONT.bold);
    text(
      svg,
      s.heading,
      b.x + 12,
      b.y + 47,
      fit(s.heading, FONT.bold, 11.5, 7, b.w - 24),
      FONT.bold,
      s.empty ? COLOURS.grey : COLOURS.black,
    );
    if (!s.up && !s.empty) {
      svg
        .rect(64, 24)
        .move(b.x + b.w - 76, b.y + 10)
        .attr({ rx: 4, fill: COLOURS.vermillion });
      text(svg, t.text("diagrams", "down"), b.x + b.w - 44, b.y + 27, 13, FONT.bold, "#FFFFFF", "middle");
    }
    const perRow = Math.max(1, Math.floor((b.w - 16) / 39));
    const cells: { n: number; style: "replayed" | "queued" | "joker" }[] = [
      ...s.cards.map((n) => ({ n, style: "replayed" as const })),
      ...s.queued.map((q) => ({ n: q.card, style: q.joker ? ("joker" as const) : ("queued" as const) })),
    ];
    cells
      .slice(0, perRow * 4)
      .forEach((c, i) =>
        card(svg, c.n, b.x + 10 + (i % perRow) * 39, b.y + 62 + Math.floor(i / perRow) * 40, c.style, measure),
      );
    if (s.queued.length)
      text(svg, t.text("diagrams", "queued"), b.x + 12, b.y + b.h - 12, 11, FONT.regular, COLOURS.grey);
    if (s.paused) {
      const label = t.text("diagrams", "paused");
      const lw = measure(label, FONT.bold, 12) + 14;
      svg
        .rect(lw, 22)
        .move(b.x + 10, b.y + b.h - 50)
        .attr({ rx: 4, fill: "#FFFFFF", stroke: COLOURS.purple, "stroke-width": 2.5 });
      text(svg, label, b.x + 17, b.y + b.h - 34, 12, FONT.bold, COLOURS.purple);
    }
  }

  // Standbys to their upstream, and any other cut link: arcs above the row, styled by state.
  const arcs = frame.links.map((l) => ({ from: l.standby, to: l.upstream, state: l.state }));
  for (const [a, b] of frame.cuts) {
    const covered = arcs.some((l) => (l.from === a && l.to === b) || (l.from === b && l.to === a));
    if (!covered) arcs.push({ from: a, to: b, state: "cut" });
  }
  arcs.forEach((link, i) => {
    const a = boxes.get(link.from);
    const u = boxes.get(link.to);
    if (!a || !u) return;
    const style = LINK_STYLE[link.state];
    const from = isPersonBox(link.from) ? { x: a.x + a.w / 2, y: a.y } : topCentre(a);
    const to = topCentre(u);
    const lift = 45 + (i % 3) * 16;
    const mid = { x: (from.x + to.x) / 2, y: Math.min(from.y, to.y) - lift };
    svg
      .path(`M${from.x} ${from.y} Q${mid.x} ${mid.y - lift / 2} ${to.x} ${to.y}`)
      .fill("none")
      .stroke({ color: style.colour, width: style.width, dasharray: style.dash });
    const label =
      link.state === "cut"
        ? "CUT"
        : link.state === "error"
          ? "ERROR"
          : link.state === "streaming"
            ? "streaming"
            : link.state === "waiting"
              ? "retrying"
              : "";
    if (link.state === "cut" || link.state === "error") cross(svg, mid.x, mid.y - 4, 9, COLOURS.vermillion);
    if (label) text(svg, label, mid.x, mid.y - 16, 12, FONT.bold, style.colour, "middle");
  });

  // Cards in flight: routed down a gutter, along a lane under the servers, and up into the
  // target, so that no arrow crosses a box. Each flow has its own lane.
  const isPerson = isPersonBox;
  frame.flows.forEach((flow, i) => {
    const a = boxes.get(flow.from);
    const b = boxes.get(flow.to);
    if (!a || !b) return;
    const colour = FLOW_COLOUR[flow.kind];
    // Lanes a label's height apart, so labels on neighbouring lanes never overlap.
    const lane = 400 + (i % 6) * 24;
    const gutter = (box: Box) => box.x + box.w + 12 + (i % 3) * 6;
    const points: { x: number; y: number }[] = [];
    if (isPerson(flow.from)) {
      const start = { x: a.x + a.w, y: a.y + a.h / 2 };
      points.push(start, { x: gutter(a), y: start.y });
      if (isPerson(flow.to)) {
        const entry = b.y + b.h / 2 - 14 + (i % 3) * 14;
        points.push({ x: gutter(a), y: entry }, { x: b.x, y: entry });
      } else {
        points.push(
          { x: gutter(a), y: lane },
          { x: b.x + b.w / 2 - 20 + (i % 3) * 20, y: lane },
          { x: b.x + b.w / 2 - 20 + (i % 3) * 20, y: b.y + b.h },
        );
      }
    } else if (isPerson(flow.to)) {
      // Answers and acks going back to a client arrive on its lower edge.
      const start = { x: a.x + a.w / 2 + 20 - (i % 3) * 20, y: a.y + a.h };
      points.push(
        start,
        { x: start.x, y: lane },
        { x: gutter(b), y: lane },
        { x: gutter(b), y: b.y + b.h - 12 },
        { x: b.x + b.w, y: b.y + b.h - 12 },
      );
    } else {
      const sx = a.x + a.w / 2 + (flow.from === "archive" ? -60 : 20 - (i % 3) * 20);
      const ex = b.x + b.w / 2 + (flow.to === "archive" || flow.to === "floor" ? -60 : 20 - (i % 3) * 20);
      const sy = flow.from === "archive" ? a.y : a.y + a.h;
      const ey = flow.to === "archive" || flow.to === "floor" ? b.y : b.y + b.h;
      points.push({ x: sx, y: sy }, { x: sx, y: lane }, { x: ex, y: lane }, { x: ex, y: ey });
    }
    const d = points.map((p, k) => `${k ? "L" : "M"}${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ");
    svg
      .path(d)
      .fill("none")
      .stroke({ color: colour, width: 2.5, dasharray: flow.kind === "refused" ? "6 4" : undefined, linejoin: "round" });
    arrowhead(svg, points[points.length - 2]!, points[points.length - 1]!, colour);
    // The label sits on the longest horizontal stretch.
    const spans = points.slice(1).map((p, k) => ({ k, width: Math.abs(p.x - points[k]!.x) }));
    const best = spans.reduce((a, b) => (b.width > a.width ? b : a)).k;
    const p0 = points[best]!;
    const p1 = points[best + 1]!;
    const lw = measure(flow.label, FONT.bold, 13) + 14;
    const lx = (p0.x + p1.x) / 2;
    const ly = (p0.y + p1.y) / 2;
    svg
      .rect(lw, 22)
      .move(lx - lw / 2, ly - 11)
      .attr({ rx: 6, fill: "#FFFFFF", stroke: colour, "stroke-width": 1.5 });
    text(svg, flow.label, lx, ly + 5, 13, FONT.bold, colour, "middle");
  });

  if (frame.archive) {
    const b = boxes.get("archive")!;
    svg.rect(b.w, b.h).move(b.x, b.y).attr({ rx: 6, fill: "#FFFFFF", stroke: COLOURS.green, "stroke-width": 2 });
    text(svg, t.text("diagrams", "archive"), b.x + 10, b.y + 20, 13, FONT.bold, COLOURS.green);
    text(svg, frame.archive.join(" ") || "—", b.x + 10, b.y + 46, 14, FONT.bold);
  }
  if (frame.floor.length) {
    const b = boxes.get("floor")!;
    svg.line(b.x, b.y + b.h, b.x + b.w, b.y + b.h).stroke({ color: COLOURS.grey, width: 2, dasharray: "2 4" });
    text(
      svg,
      `${t.text("diagrams", "floor")}: ${frame.floor.join(", ")}`,
      b.x,
      b.y + b.h - 8,
      13,
      FONT.bold,
      COLOURS.grey,
    );
  }
  let y = 570;
  if (frame.lost.length) {
    const label = t.text("diagrams", "lost", { cards: frame.lost.join(", ") });
    const lw = measure(label, FONT.bold, 16) + 20;
    svg
      .rect(lw, 30)
      .move(0, y - 22)
      .attr({ rx: 6, fill: "#FFFFFF", stroke: COLOURS.vermillion, "stroke-width": 3 });
    text(svg, label, 10, y, 16, FONT.bold, COLOURS.vermillion);
    y += 24;
  }
  for (const e of frame.errors.slice(0, 3)) {
    const width = frame.archive ? VIEW.width - 270 : VIEW.width;
    for (const line of wrap(`${e.role}: ${e.message}`, width, (s) => measure(s, FONT.mono, 12)).slice(0, 2)) {
      text(svg, line, 0, (y += 17), 12, FONT.mono, COLOURS.vermillion);
    }
  }

  legend(svg, t, measure);
  text(svg, footer, VIEW.width, VIEW.height - 4, 10, FONT.regular, COLOURS.grey, "end");
  return svg;
}

function legend(svg: Container, t: Templates, measure: Measure) {
  const y = 668;
  let x = 0;
  const item = (draw: () => void, label: string) => {
    draw();
    text(svg, label, x + 36, y + 4, 11, FONT.regular, COLOURS.black);
    x += 36 + measure(label, FONT.regular, 11) + 22;
  };
  text(svg, t.text("diagrams", "legend_title"), 0, y - 16, 11, FONT.bold);
  for (const [state, key] of [
    ["streaming", "legend_stream"],
    ["waiting", "legend_waiting"],
    ["error", "legend_error"],
    ["cut", "legend_cut"],
  ] as const) {
    item(
      () => {
        const s = LINK_STYLE[state];
        svg.line(x, y, x + 28, y).stroke({ color: s.colour, width: s.width, dasharray: s.dash });
        if (state === "cut" || state === "error") cross(svg, x + 14, y, 5, COLOURS.vermillion);
      },
      t.text("diagrams", key),
    );
  }
  item(
    () => {
      svg.line(x, y, x + 22, y).stroke({ color: COLOURS.black, width: 2.5 });
      arrowhead(svg, { x, y }, { x: x + 28, y }, COLOURS.black);
    },
    t.text("diagrams", "legend_flow"),
  );
  item(
    () =>
      svg
        .rect(16, 16)
        .move(x + 6, y - 8)
        .attr({ rx: 3, fill: "#FFFFFF", stroke: COLOURS.black, "stroke-width": 2 }),
    t.text("diagrams", "legend_card"),
  );
  item(
    () =>
      svg
        .rect(16, 16)
        .move(x + 6, y - 8)
        .attr({ rx: 3, fill: "#FFFFFF", stroke: COLOURS.black, "stroke-width": 1.5, "stroke-dasharray": "3 2" }),
    t.text("diagrams", "legend_queued"),
  );
}

export interface PlacedText {
  text: string;
  x: number;
  y: number;
  size: number;
  font: string;
  fill: string;
  anchor: string;
}

/**
 * Takes the text out of a drawing, as data. svg-to-pdfkit sets SVG text glyph by glyph, which was
 * half the cost of placing a diagram; pdfkit sets the same text, in the same fonts, far faster.
 */
export function detachText(svg: Svg): PlacedText[] {
  return svg.find("text").map((node) => {
    const placed = {
      text: node.node.textContent ?? "",
      x: Number(node.attr("x")),
      y: Number(node.attr("y")),
      size: Number(node.attr("font-size")),
      font: String(node.attr("font-family")),
      fill: String(node.attr("fill")),
      anchor: String(node.attr("text-anchor") ?? "start"),
    };
    node.remove();
    return placed;
  });
}
