/**
 * A frame laid out as shapes in the 1000 × 700 view: clients down the left, servers in a grid
 * (each with its row and its WAL tray), replication links arched above them, what moved as arrows
 * routed under them, the floor, the archive table and the bin along the bottom, then losses,
 * PostgreSQL's messages and a legend of exactly the marks used. No text is smaller than MIN (12 pt
 * on a Letter or A4 page), and labels that can move are placed where they overlap no other text.
 */
import { OverflowError } from "../../render/fit.js";
import { wrap, type Measure } from "../../render/measure.js";
import { FONT } from "../../render/pdf.js";
import { COLOURS } from "../../render/units.js";
import type { Cell, Flow, Frame, LinkState, ServerBox } from "./derive.js";
import { overlaps, textBox, VIEW, type Box, type Drawing, type Shape } from "./shapes.js";

/** Orange dark enough to read as text on white. */
const DARK_ORANGE = "#8A5A00";

/** The smallest text in a diagram, in view units: 12 pt once the view is scaled onto a landscape page. */
export const MIN = 17;

const LINK_STYLE: Record<LinkState, { colour: string; dash?: number[]; width: number }> = {
  streaming: { colour: COLOURS.blue, width: 3 },
  waiting: { colour: COLOURS.grey, dash: [8, 6], width: 2.5 },
  error: { colour: COLOURS.vermillion, dash: [3, 4], width: 3 },
  off: { colour: COLOURS.light, dash: [2, 6], width: 2 },
  cut: { colour: COLOURS.vermillion, width: 2.5 },
};

const FLOW_COLOUR: Record<Flow["kind"], string> = {
  card: COLOURS.black,
  joker: COLOURS.purple,
  delete: COLOURS.orange,
  read: COLOURS.vermillion,
  ack: COLOURS.blue,
  copy: COLOURS.green,
  token: COLOURS.green,
};

const CELL_STYLE: Record<Cell["style"], { stroke: string; width: number; dash?: number[]; text: string }> = {
  row: { stroke: COLOURS.black, width: 2, text: COLOURS.black },
  wal: { stroke: COLOURS.grey, width: 1.5, dash: [6, 4], text: "#444444" },
  queued: { stroke: COLOURS.black, width: 2, dash: [2, 3], text: COLOURS.black },
  owed: { stroke: COLOURS.blue, width: 1.5, text: COLOURS.blue },
  joker: { stroke: COLOURS.purple, width: 2, text: COLOURS.purple },
  delete: { stroke: COLOURS.orange, width: 3, text: COLOURS.vermillion },
  deleteQueued: { stroke: COLOURS.orange, width: 3, dash: [3, 3], text: COLOURS.vermillion },
  unconfirmed: { stroke: COLOURS.orange, width: 2.5, dash: [4, 3], text: COLOURS.vermillion },
};

type Text = Extract<Shape, { kind: "text" }>;

export function layoutFrame(frame: Frame, measure: Measure): Drawing {
  const shapes: Shape[] = [];
  const texts: Drawing["texts"] = [];
  /** The box of each text so far, in order (what flow labels must not cover). */
  const textBoxes: Box[] = [];
  const used = new Set<string>();
  /** The marks of the server box being laid out, kept with its layout for the frames that reuse it. */
  let pieceMarks: Set<string> | undefined;
  /** Notes a mark the legend must explain. */
  const mark = (m: string) => {
    used.add(m);
    pieceMarks?.add(m);
  };
  /** Adds a piece laid out before (its shapes, texts and marks) to this drawing. */
  const replay = (known: Piece) => {
    for (const shape of known.shapes) shapes.push(shape);
    for (const text of known.texts) {
      texts.push(text);
      textBoxes.push(text.box);
    }
    for (const m of known.marks) used.add(m);
  };
  const where = `diagram of step ${frame.step}`;
  const W = frame.words;

  const put = (t: Omit<Text, "kind" | "width">): Box => {
    // Every field named, in one order: texts (and boxes, below) share one object layout, which
    // keeps the pens' reads of them fast.
    const width = measure(t.text, t.font, t.size);
    const shape: Text = {
      kind: "text",
      x: t.x,
      y: t.y,
      text: t.text,
      size: t.size,
      font: t.font,
      fill: t.fill,
      anchor: t.anchor,
      width,
    };
    shapes.push(shape);
    const box = textBox(shape, width);
    texts.push({ text: t.text, box });
    textBoxes.push(box);
    return box;
  };
  /** The largest size from `size` down to MIN at which one line fits `width`; past that the build fails. */
  const fit = (s: string, font: string, size: number, width: number) => {
    const natural = measure(s, font, size);
    if (natural <= width) return size;
    const shrunk = Math.floor(((size * width) / natural) * 2) / 2;
    if (shrunk < MIN) throw new OverflowError(where, s, MIN);
    return shrunk;
  };
  /** One line if it fits at MIN or more, else wrapped into at most `lines` lines at MIN. */
  const fitLines = (
    s: string,
    font: string,
    size: number,
    width: number,
    lines = 2,
  ): { size: number; lines: string[] } => {
    const natural = measure(s, font, size);
    if (natural <= width) return { size, lines: [s] };
    const shrunk = Math.floor(((size * width) / natural) * 2) / 2;
    if (shrunk >= MIN) return { size: shrunk, lines: [s] };
    const wrapped = wrap(s, width, (x) => measure(x, font, MIN));
    if (wrapped.length > lines || wrapped.some((l) => measure(l, font, MIN) > width))
      throw new OverflowError(where, s, MIN);
    return { size: MIN, lines: wrapped };
  };
  const rect = (b: Box, style: Omit<Extract<Shape, { kind: "rect" }>, "kind" | "x" | "y" | "w" | "h">) =>
    shapes.push({
      kind: "rect",
      x: b.x,
      y: b.y,
      w: b.w,
      h: b.h,
      r: style.r,
      fill: style.fill,
      stroke: style.stroke,
      width: style.width,
      dash: style.dash,
      hatch: style.hatch,
    });

  rect({ x: 0, y: 0, w: VIEW.width, h: VIEW.height }, { fill: "#FFFFFF" });
  const title = fitLines(frame.title, FONT.bold, 28, VIEW.width, 1);
  put({ text: title.lines[0]!, x: 0, y: 30, size: title.size, font: FONT.bold, fill: COLOURS.black, anchor: "start" });
  const sub = [frame.run, frame.moment].filter(Boolean).join(" · ");
  if (sub)
    put({
      text: sub,
      x: 0,
      y: 58,
      size: fit(sub, FONT.bold, 19, VIEW.width),
      font: FONT.bold,
      fill: COLOURS.blue,
      anchor: "start",
    });

  // Clients down the left; the facilitator's reserve under them when copies come from it.
  const boxes = new Map<string, Box>();
  const people = frame.clients.filter((c) => c.kind !== "proxy");
  const proxies = frame.clients.filter((c) => c.kind === "proxy");
  const reserveUsed = frame.flows.some((f) => f.from === "reserve" || f.to === "reserve");
  const clientW = people.length || reserveUsed ? 185 : 0;
  const proxyW = proxies.length ? 150 : 0;
  let cy = 84;
  const clientSpace = 530 - cy;
  const nameOf = (c: Frame["clients"][number], w: number) => fitLines(c.label, FONT.bold, 20, w - 20);
  const heightOf = (c: Frame["clients"][number], w: number) =>
    12 +
    nameOf(c, w).lines.length * 22 +
    (c.kind.toLowerCase() !== c.label.toLowerCase() ? 22 : 0) +
    22 * c.lines.length +
    6;
  const clientHeights = people.map((c) => heightOf(c, clientW));
  const squeeze = Math.min(
    1,
    (clientSpace - 12 * people.length - (reserveUsed ? 60 : 0)) /
      Math.max(
        1,
        clientHeights.reduce((a, b) => a + b, 0),
      ),
  );
  if (squeeze < 0.75) throw new OverflowError(where, people.map((c) => c.label).join(", "), MIN);
  const column = (c: Frame["clients"][number], b: Box) => {
    boxes.set(c.id, b);
    const alarm = c.alarm ? COLOURS.vermillion : COLOURS.black;
    rect(b, { r: 10, fill: "#FFFFFF", stroke: alarm, width: c.alarm ? 3 : 1.5 });
    const name = nameOf(c, b.w);
    let y = b.y + 2;
    for (const line of name.lines) {
      y += 22;
      put({ text: line, x: b.x + 10, y, size: name.size, font: FONT.bold, fill: COLOURS.black, anchor: "start" });
    }
    if (c.kind.toLowerCase() !== c.label.toLowerCase()) {
      y += 22;
      put({
        text: c.kind,
        x: b.x + 10,
        y,
        size: fit(c.kind, FONT.regular, MIN, b.w - 20),
        font: FONT.regular,
        fill: COLOURS.grey,
        anchor: "start",
      });
    }
    for (const line of c.lines) {
      y += 22;
      const font = c.alarm ? FONT.bold : FONT.regular;
      put({ text: line, x: b.x + 10, y, size: fit(line, font, MIN, b.w - 20), font, fill: alarm, anchor: "start" });
    }
  };
  people.forEach((c, i) => {
    column(c, { x: 0, y: cy, w: clientW, h: clientHeights[i]! });
    cy += clientHeights[i]! + 12;
  });
  // A proxy stands between the clients and the servers.
  proxies.forEach((c, i) => column(c, { x: clientW + 20, y: 170 + i * 110, w: proxyW, h: heightOf(c, proxyW) }));
  if (reserveUsed) {
    const b = { x: 0, y: Math.min(cy, 470), w: clientW, h: 46 };
    boxes.set("reserve", b);
    rect(b, { r: 6, fill: "#FFFFFF", stroke: COLOURS.green, width: 2, dash: [6, 4] });
    put({
      text: W.reserve!,
      x: b.x + 10,
      y: b.y + 30,
      size: fit(W.reserve!, FONT.bold, MIN, b.w - 20),
      font: FONT.bold,
      fill: COLOURS.green,
      anchor: "start",
    });
  }

  // PostgreSQL's messages are the point of their step: the drawing moves up to make room for them
  // (the server boxes have room to spare), instead of folding them into "see the script".
  const messageLines = frame.errors.flatMap((e) =>
    wrap(`${e.role}: ${e.message}`, VIEW.width, (x) => measure(x, FONT.mono, MIN)).slice(0, 3),
  ).length;
  const lift = Math.min(120, Math.max(0, (messageLines + (frame.lost ? 2 : 0)) * 20 - 20));

  // Servers in a grid: one row up to four, then as many rows as needed.
  const n = frame.servers.length;
  const rows = Math.ceil(n / 4);
  const cols = Math.ceil(n / rows);
  const gx0 = proxyW ? clientW + proxyW + 42 : clientW ? clientW + 22 : 0;
  const top = 110;
  const bottom = 455 - lift;
  const gap = 20;
  const rowGap = rows > 1 ? 48 : 0;
  const bw = (VIEW.width - gx0 - gap * (cols - 1)) / cols;
  const bh = (bottom - top - rowGap * (rows - 1)) / rows;
  const cell = rows > 2 ? 30 : 36;
  const cellText = rows > 2 ? MIN : 19;
  // Most frames of a long scenario show boxes that an earlier frame showed just so (a 480-step
  // kit's 1,920 server boxes are 132 different ones): each is laid out once per measure and words.
  const laidServers = piecesOf(servers, measure, W, () => ({
    byBox: new WeakMap<ServerBox, ServerPiece[]>(),
    count: 0,
  }));
  frame.servers.forEach((s, i) => {
    const b = { x: gx0 + (i % cols) * (bw + gap), y: top + Math.floor(i / cols) * (bh + rowGap), w: bw, h: bh };
    boxes.set(s.id, b);
    let laid = laidServers.byBox.get(s);
    const known = laid?.find(
      (p) => p.cell === cell && p.box.x === b.x && p.box.y === b.y && p.box.w === b.w && p.box.h === b.h,
    );
    if (known) return replay(known);
    const [fromShape, fromText] = [shapes.length, texts.length];
    pieceMarks = new Set<string>();
    server(s, b);
    if (laidServers.count >= SERVER_PIECES) {
      laidServers.byBox = new WeakMap();
      laidServers.count = 0;
      laid = undefined;
    }
    if (!laid) laidServers.byBox.set(s, (laid = []));
    laid.push({ ...piece(fromShape, fromText, pieceMarks), box: b, cell });
    laidServers.count++;
    pieceMarks = undefined;
  });

  /** A server's box, its name, heading and badges, its row and its WAL tray with the tray's markers. */
  function server(s: ServerBox, b: Box): void {
    rect(b, {
      r: 12,
      fill: s.up ? "#FFFFFF" : "#F2F2F2",
      stroke: s.empty ? COLOURS.grey : COLOURS.black,
      width: s.up ? 2.5 : 1.5,
      dash: s.up ? undefined : [10, 6],
    });
    const badgeText = s.badge ?? W.down!;
    const badge = !s.up && !s.empty ? measure(badgeText, FONT.bold, MIN) + 16 : 0;
    // The DOWN badge sits beside the label, or, in a narrow box, on a line of its own under the heading.
    let name: { size: number; lines: string[] };
    let beside = badge > 0;
    try {
      name = fitLines(s.label, FONT.bold, 22, b.w - 24 - (beside ? badge + 8 : 0));
    } catch (error) {
      if (!beside) throw error;
      beside = false;
      name = fitLines(s.label, FONT.bold, 22, b.w - 24);
    }
    const drawBadge = (x: number, y: number) => {
      rect({ x, y, w: badge, h: 26 }, { r: 4, fill: COLOURS.vermillion });
      put({
        text: badgeText,
        x: x + badge / 2,
        y: y + 19,
        size: MIN,
        font: FONT.bold,
        fill: "#FFFFFF",
        anchor: "middle",
      });
    };
    if (badge && beside) drawBadge(b.x + b.w - badge - 10, b.y + 9);
    let y = b.y + 28;
    for (const line of name.lines) {
      put({ text: line, x: b.x + 12, y, size: name.size, font: FONT.bold, fill: COLOURS.black, anchor: "start" });
      y += name.size + 2;
    }
    // "STANDBY · timeline 1 · sync" that does not fit breaks at its "·"s, never inside "timeline 1".
    const parts = s.heading.split(" · ");
    const packed: string[] = [];
    for (const part of parts) {
      const joined = packed.length ? `${packed.at(-1)!} · ${part}` : part;
      if (packed.length && measure(joined, FONT.bold, MIN) <= b.w - 24) packed[packed.length - 1] = joined;
      else packed.push(part);
    }
    const heading =
      measure(s.heading, FONT.bold, MIN) > b.w - 24 &&
      packed.length <= 3 &&
      packed.every((p) => measure(p, FONT.bold, MIN) <= b.w - 24)
        ? { size: MIN, lines: packed }
        : fitLines(s.heading, FONT.bold, MIN, b.w - 24);
    for (const line of heading.lines) {
      put({
        text: line,
        x: b.x + 12,
        y: y + 1,
        size: heading.size,
        font: FONT.bold,
        fill: s.empty ? COLOURS.grey : COLOURS.black,
        anchor: "start",
      });
      y += 22;
    }
    if (badge && !beside) {
      drawBadge(b.x + 12, y - 14);
      y += 28;
    }
    if (s.fork) {
      for (const line of fitLines(s.fork, FONT.regular, MIN, b.w - 24).lines) {
        put({ text: line, x: b.x + 12, y, size: MIN, font: FONT.regular, fill: DARK_ORANGE, anchor: "start" });
        y += 22;
      }
    }
    if (s.empty) return;
    // Red cards lying with the server: a query is running on it.
    let qx = b.x + 12;
    for (const q of s.queries) {
      const w = measure(q, FONT.bold, MIN) + 14;
      rect({ x: qx, y: y - 4, w, h: 26 }, { r: 6, fill: "#FFFFFF", stroke: COLOURS.vermillion, width: 2.5 });
      put({
        text: q,
        x: qx + w / 2,
        y: y + 15,
        size: MIN,
        font: FONT.bold,
        fill: COLOURS.vermillion,
        anchor: "middle",
      });
      mark("query");
      qx += w + 6;
    }
    if (s.queries.length) y += 30;

    const trayH = Math.max(cell + 34, Math.min(cell * 2 + 40, (b.y + b.h - y) * 0.45));
    const trayBox = { x: b.x + 8, y: b.y + b.h - trayH - 8, w: b.w - 16, h: trayH };
    const rowBox = { x: b.x + 10, y: y + 2, w: b.w - 20, h: trayBox.y - y - 8 };
    cells(s.row, rowBox, `${s.label} ${W.row}`);
    rect(trayBox, { r: 8, stroke: COLOURS.grey, width: 1, dash: [4, 3] });
    // Slot markers in the tray's top corner, right to left: the card each slot keeps WAL from, or LOST.
    // In a narrow box they take the corner the words "WAL tray" would have (the legend says what a tray is).
    const markers = (s.slots ?? []).map((slot) => measure(slot.text, FONT.bold, MIN) + 14);
    const labelW = measure(W.tray!, FONT.regular, MIN) + 16;
    const markersW = markers.reduce((a, w) => a + w + 6, 0) + (s.paused ? measure(s.paused, FONT.bold, MIN) + 20 : 0);
    const trayLabel = markersW + labelW <= trayBox.w;
    if (trayLabel)
      put({
        text: W.tray!,
        x: trayBox.x + 8,
        y: trayBox.y + 20,
        size: MIN,
        font: FONT.regular,
        fill: COLOURS.grey,
        anchor: "start",
      });
    /** A marker in the tray's top corner, left of `right`: its box and words; where the next one ends. */
    const marker = (text: string, colour: string, right: number, r: number, dash?: number[]) => {
      const w = measure(text, FONT.bold, MIN) + 14;
      const box = { x: right - w, y: trayBox.y + 3, w, h: 24 };
      if (box.x < trayBox.x + (trayLabel ? labelW : 4)) throw new OverflowError(where, text, MIN);
      rect(box, { r, fill: "#FFFFFF", stroke: colour, width: 2.5, dash });
      put({ text, x: box.x + 7, y: box.y + 18, size: MIN, font: FONT.bold, fill: colour, anchor: "start" });
      return box.x - 6;
    };
    let right = trayBox.x + trayBox.w - 6;
    for (const slot of s.slots ?? []) {
      right = marker(
        slot.text,
        slot.alarm ? COLOURS.vermillion : COLOURS.green,
        right,
        6,
        slot.alarm ? [5, 3] : undefined,
      );
      mark("slot");
    }
    if (s.paused) marker(s.paused, COLOURS.purple, right, 4);
    cells(
      s.tray,
      { x: trayBox.x + 6, y: trayBox.y + 28, w: trayBox.w - 12, h: trayBox.h - 32 },
      `${s.label} ${W.tray}`,
    );
  }

  /** Lays cards out in a box: card by card, or with runs folded into ranges ("1–12") when they do not fit. */
  function cells(list: Cell[], box: Box, what: string): void {
    const step = cell + 5;
    const perLine = Math.max(1, Math.floor((box.w + 5) / step));
    const lines = Math.max(1, Math.floor((box.h + 5) / step));
    const shown = fold(list, perLine * lines);
    let x = box.x;
    let y = box.y;
    for (const c of shown) {
      const slots = c.text.includes("–") || c.text.startsWith("+") ? 2 : 1;
      const w = slots * cell + (slots - 1) * 5;
      if (x + w > box.x + box.w + 0.5) {
        x = box.x;
        y += step;
      }
      if (y + cell > box.y + box.h + 0.5) throw new OverflowError(where, `${what}: ${list.length} cards`, MIN);
      const style = CELL_STYLE[c.style];
      mark(c.style);
      const b = { x, y, w, h: cell };
      // One box filled and stroked (one path on the PDF page), unless the hatching goes between.
      const hatched = c.timeline > 1;
      if (hatched) {
        mark("timeline");
        rect(b, { r: 4, fill: "#FFFFFF" });
        rect({ x: b.x, y: b.y, w: b.w, h: cell * 0.3 }, { hatch: COLOURS.orange });
      }
      rect(b, {
        r: 4,
        fill: hatched ? undefined : "#FFFFFF",
        stroke: c.pastFork ? COLOURS.vermillion : style.stroke,
        width: c.pastFork ? 3.5 : style.width,
        dash: c.pastFork ? undefined : style.dash,
      });
      if (c.pastFork) mark("fork");
      if (c.style === "owed")
        shapes.push({
          kind: "path",
          d: `M${x + w - 10} ${y + 2} L${x + w - 2} ${y + 2} L${x + w - 2} ${y + 10} Z`,
          fill: COLOURS.blue,
        });
      put({
        text: c.text,
        x: x + w / 2,
        y: y + cell / 2 + cellText * 0.36,
        size: fit(c.text, FONT.bold, cellText, w - 4),
        font: FONT.bold,
        fill: style.text,
        anchor: "middle",
      });
      x += w + 5;
    }
  }

  // Replication links, arched above the boxes of one row; straight between rows.
  const arcTexts: Box[] = [];
  const arcLabels: (() => void)[] = [];
  frame.links.forEach((link, i) => {
    const a = boxes.get(link.from);
    const b = boxes.get(link.to);
    if (!a || !b) return;
    const style = LINK_STYLE[link.state];
    mark(`link:${link.state}`);
    let points: [number, number][];
    let mid: [number, number];
    if (Math.abs(a.y - b.y) < 1) {
      const x1 = a.x + a.w / 2;
      const x2 = b.x + b.w / 2;
      const lift = 26 + (i % 2) * 14;
      const apex = Math.min(a.y, b.y) - lift;
      points = arc(x1, x2, a.y, apex);
      // Several arcs from one server share their start: each label sits near its own end instead.
      const sameRow = frame.links.filter((l) => boxes.get(l.from)?.y === a.y && boxes.get(l.to)?.y === a.y);
      const t =
        sameRow.filter((l) => l.to === link.to).length > 1
          ? 0.25
          : sameRow.filter((l) => l.from === link.from).length > 1
            ? 0.75
            : 0.5;
      mid = [x1 + (x2 - x1) * t, a.y - 4 * (a.y - apex) * t * (1 - t)];
    } else {
      const [upper, lower] = a.y < b.y ? [a, b] : [b, a];
      points = [
        [upper.x + upper.w / 2, upper.y + upper.h],
        [lower.x + lower.w / 2, lower.y],
      ];
      mid = [(points[0]![0] + points[1]![0]) / 2, (points[0]![1] + points[1]![1]) / 2];
    }
    shapes.push({ kind: "line", points, stroke: style.colour, width: style.width, dash: style.dash });
    if (link.state === "cut" || link.state === "error") cross(mid[0], mid[1], 9, COLOURS.vermillion);
    if (link.label) {
      const size = MIN;
      const w = measure(link.label, FONT.bold, size);
      let y = mid[1] - 12;
      let box = { x: mid[0] - w / 2 - 4, y: y - size * 0.75 - 2, w: w + 8, h: size + 4 };
      for (const dy of [0, -20, 20, -40]) {
        const candidate = { ...box, y: box.y + dy };
        if (!arcTexts.some((o) => overlaps(o, candidate)) && !texts.some((t) => overlaps(t.box, candidate))) {
          box = candidate;
          y += dy;
          break;
        }
      }
      const [label, at] = [link.label, mid[0]];
      // Drawn once every arc is: a later arc must not cross an earlier arc's label.
      arcLabels.push(() => {
        rect(box, { r: 4, fill: "#FFFFFF" });
        put({ text: label, x: at, y, size, font: FONT.bold, fill: style.colour, anchor: "middle" });
      });
      arcTexts.push(box);
    }
  });
  for (const draw of arcLabels) draw();

  function cross(x: number, y: number, r: number, colour: string) {
    shapes.push({
      kind: "line",
      points: [
        [x - r, y - r],
        [x + r, y + r],
      ],
      stroke: colour,
      width: 3,
    });
    shapes.push({
      kind: "line",
      points: [
        [x - r, y + r],
        [x + r, y - r],
      ],
      stroke: colour,
      width: 3,
    });
  }

  // The floor, the archive table and the bin along the bottom.
  const bandY = 540 - lift;
  const band = (id: string, label: string, list: Cell[], x: number, w: number, colour: string, hatch = false) => {
    const b = { x, y: bandY, w, h: 58 };
    boxes.set(id, b);
    rect(b, { r: 6, fill: "#FFFFFF", stroke: colour, width: 2, dash: hatch ? [2, 4] : undefined });
    const lw = measure(label, FONT.bold, MIN);
    put({ text: label, x: b.x + 8, y: b.y + 22, size: MIN, font: FONT.bold, fill: colour, anchor: "start" });
    cellsSmall(list, { x: b.x + lw + 16, y: b.y + 6, w: b.w - lw - 22, h: b.h - 10 }, label);
  };
  function cellsSmall(list: Cell[], box: Box, what: string) {
    // The same cards, one line of smaller boxes, runs folded into ranges when needed.
    const size = 30;
    const perLine = Math.max(1, Math.floor((box.w + 4) / (size + 4)));
    const lines = Math.max(1, Math.floor((box.h + 4) / (size + 4)));
    const shown = fold(list, perLine * lines);
    let x = box.x;
    let y = box.y;
    for (const c of shown) {
      const slots = c.text.includes("–") || c.text.startsWith("+") ? 2 : 1;
      const w = slots * size + (slots - 1) * 4;
      if (x + w > box.x + box.w + 0.5) {
        x = box.x;
        y += size + 4;
      }
      if (y + size > box.y + box.h + 0.5) throw new OverflowError(where, `${what}: ${list.length} cards`, MIN);
      const style = CELL_STYLE[c.style];
      mark(c.style);
      const b = { x, y, w, h: size };
      // One box filled and stroked (one path on the PDF page), unless the hatching goes between.
      const hatched = c.timeline > 1;
      if (hatched) {
        mark("timeline");
        rect(b, { r: 3, fill: "#FFFFFF" });
        rect({ x, y, w, h: size * 0.3 }, { hatch: COLOURS.orange });
      }
      rect(b, {
        r: 3,
        fill: hatched ? undefined : "#FFFFFF",
        stroke: c.pastFork ? COLOURS.vermillion : style.stroke,
        width: c.pastFork ? 3 : style.width,
        dash: c.pastFork ? undefined : style.dash,
      });
      if (c.pastFork) mark("fork");
      put({
        text: c.text,
        x: x + w / 2,
        y: y + size / 2 + MIN * 0.36,
        size: fit(c.text, FONT.bold, MIN, w - 4),
        font: FONT.bold,
        fill: style.text,
        anchor: "middle",
      });
      x += w + 4;
    }
  }
  const floorUsed = frame.floor.length > 0 || frame.flows.some((f) => f.to === "floor");
  const binUsed = frame.bin.length > 0 || frame.flows.some((f) => f.to === "bin");
  const archiveUsed = frame.archive !== null;
  const bandParts = [floorUsed && "floor", archiveUsed && "archive", binUsed && "bin"].filter(Boolean) as string[];
  const bandW = (VIEW.width - gx0 - 16 * (bandParts.length - 1)) / Math.max(1, bandParts.length);
  bandParts.forEach((id, i) => {
    const x = gx0 + i * (bandW + 16);
    if (id === "floor") band("floor", W.floor!, frame.floor, x, bandW, COLOURS.grey, true);
    if (id === "archive") band("archive", W.archive!, frame.archive ?? [], x, bandW, COLOURS.green);
    if (id === "bin") band("bin", W.bin!, frame.bin, x, bandW, COLOURS.black);
  });

  // What moved in this moment: arrows routed under the server boxes, each on its own lane.
  const lanesTop = bottom + 16;
  // One lane per flow, so that no two horizontal stretches share a line: 22 apart, closer (down to
  // 14) when a step moves many things at once; above the floor, archive and bin when they are drawn
  // (there, lanes are shared again once they run out).
  const laneRoom = bandParts.length ? bandY - 18 - lanesTop : 150;
  const laneGap = Math.max(14, Math.min(22, laneRoom / Math.max(1, frame.flows.length - 1)));
  const laneCount = Math.max(1, Math.floor(laneRoom / laneGap) + 1);
  // Every box is placed by now: the labels avoid them all.
  const solid = [...boxes.values()];
  frame.flows.forEach((flow, i) => {
    const a = boxes.get(flow.from);
    const b = boxes.get(flow.to);
    if (!a || !b) return;
    mark("flow");
    const colour = FLOW_COLOUR[flow.kind];
    const lane = lanesTop + (i % laneCount) * laneGap;
    const side = (box: Box) => box.x + box.w < gx0;
    const shift = ((i % 3) - 1) * 16;
    const points: [number, number][] = [];
    const bottomOf = (box: Box, dx: number): [number, number] => [box.x + box.w / 2 + dx, box.y + box.h];
    const topOf = (box: Box, dx: number): [number, number] => [box.x + box.w / 2 + dx, box.y];
    const single = rows === 1;
    if (side(a) && side(b)) {
      // Between the clients' column and the proxy's: out of one side, into the facing side.
      const [l, r] = a.x < b.x ? [a, b] : [b, a];
      const x = (l.x + l.w + r.x) / 2 + ((i % 3) - 1) * 5;
      const ya = a.y + a.h / 2 + ((i % 3) - 1) * 6;
      const yb = b.y + b.h / 2 + ((i % 3) - 1) * 6;
      if (Math.abs(a.x - b.x) < 1)
        points.push([a.x + a.w, ya], [a.x + a.w + 10 + i * 4, ya], [a.x + a.w + 10 + i * 4, yb], [b.x + b.w, yb]);
      else points.push([a === l ? a.x + a.w : a.x, ya], [x, ya], [x, yb], [b === l ? b.x + b.w : b.x, yb]);
    } else if (side(a)) {
      const entry = b.y >= bandY ? topOf(b, shift) : bottomOf(b, shift);
      const gutter = a.x + a.w + 8 + (i % 3) * 5;
      points.push([a.x + a.w, a.y + a.h / 2], [gutter, a.y + a.h / 2]);
      if (single || b.y >= bandY) points.push([gutter, lane], [entry[0], lane], entry);
      else points.push([gutter, entry[1] + 8], [entry[0], entry[1] + 8], entry);
    } else if (side(b)) {
      const start = bottomOf(a, -shift);
      const gutter = b.x + b.w + 8 + (i % 3) * 5;
      points.push(
        start,
        [start[0], lane],
        [gutter, lane],
        [gutter, Math.min(b.y + b.h - 10, lane)],
        [b.x + b.w, Math.min(b.y + b.h - 10, lane)],
      );
    } else if (b.y >= bandY) {
      const start = bottomOf(a, shift);
      const entry = topOf(b, 0);
      const x = Math.min(Math.max(start[0], b.x + 12), b.x + b.w - 12);
      points.push(start, [start[0], lane], [x, lane], [x, entry[1]]);
    } else if (a.y >= bandY) {
      const start = topOf(a, -40 + (i % 3) * 20);
      const entry = bottomOf(b, shift);
      points.push(start, [start[0], lane], [entry[0], lane], entry);
    } else if (single || Math.abs(a.y - b.y) < 1) {
      const start = bottomOf(a, shift);
      const entry = bottomOf(b, -shift);
      const laneY = a.y + a.h + 16 + (i % laneCount) * laneGap;
      points.push(start, [start[0], laneY], [entry[0], laneY], entry);
    } else {
      const [from, to] = [bottomOf(a, shift), a.y < b.y ? topOf(b, shift) : bottomOf(b, shift)];
      points.push(from, to);
    }
    shapes.push({ kind: "line", points, stroke: colour, width: 2.5, arrow: true });
    label(flow.label, colour, points);
  });

  /** A flow's label on the longest horizontal stretch of its arrow, where it covers no other text. */
  function label(s: string, colour: string, points: [number, number][]): void {
    const size = MIN;
    const w = measure(s, FONT.bold, size) + 12;
    const h = size + 6;
    const spot = labelSpot(points, w, h, solid, textBoxes);
    if (!spot) throw new OverflowError(where, s, MIN);
    rect({ x: spot[0] - w / 2, y: spot[1] - h / 2, w, h }, { r: 6, fill: "#FFFFFF", stroke: colour, width: 1.5 });
    put({ text: s, x: spot[0], y: spot[1] + size * 0.36, size, font: FONT.bold, fill: colour, anchor: "middle" });
  }

  // Losses and messages go right under the drawing, so that they are not squeezed above the legend.
  const contentBottom = lowestEdge(shapes, textBoxes);
  // The footer and the legend from the bottom up; above them losses and PostgreSQL's messages.
  const footer = frame.footer;
  put({
    text: footer,
    x: VIEW.width,
    y: 694,
    size: fit(footer, FONT.regular, MIN, VIEW.width * 0.62),
    font: FONT.regular,
    fill: COLOURS.grey,
    anchor: "end",
  });
  const legendTop = legend(668);
  let y = Math.min(612 - lift, contentBottom + 24);
  if (frame.lost) {
    const w = measure(frame.lost, FONT.bold, 20) + 20;
    rect({ x: 0, y: y - 4, w, h: 30 }, { r: 6, fill: "#FFFFFF", stroke: COLOURS.vermillion, width: 3 });
    put({ text: frame.lost, x: 10, y: y + 18, size: 20, font: FONT.bold, fill: COLOURS.vermillion, anchor: "start" });
    y += 34;
  }
  const errorLines = frame.errors.flatMap((e) =>
    wrap(`${e.role}: ${e.message}`, VIEW.width, (x) => measure(x, FONT.mono, MIN)).slice(0, 3),
  );
  const room = Math.max(0, Math.floor((legendTop - 22 - y) / 20));
  const shownErrors =
    errorLines.length > room
      ? [...errorLines.slice(0, Math.max(0, room - 1)), `+ ${frame.errors.length} message(s): see the script`]
      : errorLines;
  for (const line of shownErrors) {
    y += 19;
    put({ text: line, x: 0, y, size: MIN, font: FONT.mono, fill: COLOURS.vermillion, anchor: "start" });
  }

  /** Draws the legend with its last line at `ly`, lines stacked upwards; returns the top line's baseline. */
  function legend(ly: number): number {
    const marks = LEGEND_MARKS.filter((m) => used.has(m));
    if (!marks.length) return ly;
    // Every frame of a kit draws one of a few legends: each is laid out once per words and marks.
    const kept = piecesOf(legends, measure, W, () => new Map<string, Legend>());
    const key = `${ly} ${marks.join(" ")}`;
    const known = kept.get(key);
    if (known) {
      replay(known);
      return known.first;
    }
    type Item = { key: string; text: string; draw: (x: number, y: number) => void };
    const sample =
      (style: Cell["style"], extra?: Partial<Extract<Shape, { kind: "rect" }>>) => (x: number, y: number) => {
        const s = CELL_STYLE[style];
        rect(
          { x, y: y - 14, w: 20, h: 20 },
          { r: 3, fill: "#FFFFFF", stroke: s.stroke, width: s.width, dash: s.dash, ...extra },
        );
      };
    const items = (
      [
        ...(["streaming", "waiting", "error", "cut"] as LinkState[]).map((state) => ({
          key: `link:${state}`,
          text: W[`legend_${state === "streaming" ? "stream" : state}`]!,
          draw: (x: number, y: number) => {
            const s = LINK_STYLE[state];
            shapes.push({
              kind: "line",
              points: [
                [x, y - 4],
                [x + 26, y - 4],
              ],
              stroke: s.colour,
              width: s.width,
              dash: s.dash,
            });
            if (state === "cut" || state === "error") cross(x + 13, y - 4, 5, COLOURS.vermillion);
          },
        })),
        {
          key: "flow",
          text: W.legend_flow!,
          draw: (x: number, y: number) =>
            shapes.push({
              kind: "line",
              points: [
                [x, y - 4],
                [x + 26, y - 4],
              ],
              stroke: COLOURS.black,
              width: 2.5,
              arrow: true,
            }),
        },
        { key: "row", text: W.legend_row!, draw: sample("row") },
        { key: "wal", text: W.legend_wal!, draw: sample("wal") },
        { key: "queued", text: W.legend_queued!, draw: sample("queued") },
        { key: "owed", text: W.legend_owed!, draw: sample("owed") },
        { key: "unconfirmed", text: W.legend_unconfirmed!, draw: sample("unconfirmed") },
        { key: "joker", text: W.legend_joker!, draw: sample("joker") },
        { key: "delete", text: W.legend_delete!, draw: sample("delete") },
        { key: "deleteQueued", text: W.legend_delete_queued!, draw: sample("deleteQueued") },
        {
          key: "timeline",
          text: W.legend_timeline!,
          draw: (x: number, y: number) => {
            rect({ x, y: y - 14, w: 20, h: 7 }, { hatch: COLOURS.orange });
            rect({ x, y: y - 14, w: 20, h: 20 }, { r: 3, stroke: COLOURS.black, width: 2 });
          },
        },
        { key: "fork", text: W.legend_fork!, draw: sample("row", { stroke: COLOURS.vermillion, width: 3.5 }) },
        {
          key: "query",
          text: W.legend_query!,
          draw: (x: number, y: number) =>
            rect({ x, y: y - 14, w: 20, h: 20 }, { r: 4, stroke: COLOURS.vermillion, width: 2.5 }),
        },
        {
          key: "slot",
          text: W.legend_slot!,
          draw: (x: number, y: number) =>
            rect({ x, y: y - 14, w: 20, h: 20 }, { r: 6, stroke: COLOURS.green, width: 2.5 }),
        },
      ] satisfies Item[]
    ).filter((item) => used.has(item.key));
    if (items.map((item) => item.key).join(" ") !== marks.join(" "))
      throw new Error("LEGEND_MARKS is not the legend's order");
    const [fromShape, fromText] = [shapes.length, texts.length];
    const titleText = W.legend_title!;
    // Lines first, then drawn from the top one down to `ly`.
    const lines: { x: number; item: (typeof items)[number] }[][] = [[]];
    let x = measure(titleText, FONT.bold, MIN) + 14;
    for (const item of items) {
      const w = 32 + measure(item.text, FONT.regular, MIN) + 16;
      if (x + w > VIEW.width) {
        lines.push([]);
        x = 0;
      }
      lines[lines.length - 1]!.push({ x, item });
      x += w;
    }
    const first = ly - 24 * (lines.length - 1);
    put({ text: titleText, x: 0, y: first, size: MIN, font: FONT.bold, fill: COLOURS.black, anchor: "start" });
    lines.forEach((line, k) => {
      for (const { x, item } of line) {
        item.draw(x, first + 24 * k);
        put({
          text: item.text,
          x: x + 32,
          y: first + 24 * k,
          size: MIN,
          font: FONT.regular,
          fill: COLOURS.black,
          anchor: "start",
        });
      }
    });
    kept.set(key, { ...piece(fromShape, fromText, []), first });
    return first;
  }

  /** What was drawn since the counts given, frozen, with the marks it uses: to be replayed. */
  function piece(fromShape: number, fromText: number, marks: Iterable<string>): Piece {
    return {
      shapes: shapes.slice(fromShape).map((shape) => Object.freeze(shape)),
      texts: texts.slice(fromText).map((text) => Object.freeze(text)),
      marks: [...marks],
    };
  }

  return { shapes, texts };
}

const arcs = new Map<number, Map<number, Map<number, Map<number, [number, number][]>>>>();
let arcCount = 0;

/**
 * The 17 points of a replication link's arc from x1 to x2 on a row's top edge `y`, rising to
 * `apex`; made once per geometry and shared, read-only, by the frames that draw it (a kit's
 * links mostly stay where they are from step to step, and the PDF pen keeps each line's operators).
 */
export function arc(x1: number, x2: number, y: number, apex: number): [number, number][] {
  let byX2 = arcs.get(x1);
  if (!byX2) arcs.set(x1, (byX2 = new Map<number, Map<number, Map<number, [number, number][]>>>()));
  let byY = byX2.get(x2);
  if (!byY) byX2.set(x2, (byY = new Map<number, Map<number, [number, number][]>>()));
  let byApex = byY.get(y);
  if (!byApex) byY.set(y, (byApex = new Map<number, [number, number][]>()));
  let points = byApex.get(apex);
  if (!points) {
    points = [];
    for (let k = 0; k <= 16; k++) {
      const t = k / 16;
      points.push(Object.freeze([x1 + (x2 - x1) * t, y - 4 * (y - apex) * t * (1 - t)]) as [number, number]);
    }
    Object.freeze(points);
    if (++arcCount > 4096) {
      arcs.clear();
      arcCount = 0;
    }
    byApex.set(apex, points);
  }
  return points;
}

/**
 * The lowest edge of every rect, line point and text box (Math.max, without spreading thousands
 * of arguments). A function of its own, and indexed loops: layoutFrame runs a few hundred times
 * a kit, mostly before the engine optimises it, and a for-of there makes an object per step.
 */
function lowestEdge(shapes: readonly Shape[], boxes: readonly Box[]): number {
  let bottom = 0;
  for (let i = 0; i < shapes.length; i++) {
    const shape = shapes[i]!;
    if (shape.kind === "rect") bottom = Math.max(bottom, shape.y + shape.h);
    else if (shape.kind === "line")
      for (let k = 0; k < shape.points.length; k++) bottom = Math.max(bottom, shape.points[k]![1]);
  }
  for (let i = 0; i < boxes.length; i++) bottom = Math.max(bottom, boxes[i]!.y + boxes[i]!.h);
  return bottom;
}

/** The marks a legend can explain, in its order (the keys of its items). */
const LEGEND_MARKS = [
  "link:streaming",
  "link:waiting",
  "link:error",
  "link:cut",
  "flow",
  "row",
  "wal",
  "queued",
  "owed",
  "unconfirmed",
  "joker",
  "delete",
  "deleteQueued",
  "timeline",
  "fork",
  "query",
  "slot",
];

/** A legend as laid out: its shapes and texts (shared, read-only, by every drawing with it) and its top line's baseline. */
interface Legend extends Piece {
  first: number;
}

/** Part of a drawing laid out once: its shapes and texts (shared, read-only, by every drawing with it) and the legend marks it uses. */
interface Piece {
  shapes: readonly Shape[];
  texts: Drawing["texts"];
  marks: readonly string[];
}

/** Laid-out pieces of one kind, by the measure and the kit's words they were laid out with. */
type Pieces<T> = WeakMap<Measure, WeakMap<Frame["words"], T>>;

/** The legends, by their baseline and marks. */
const legends: Pieces<Map<string, Legend>> = new WeakMap();

/** A server's box as laid out at a place, with cards of a size. */
interface ServerPiece extends Piece {
  box: Box;
  cell: number;
}

/**
 * The server boxes, by box: equal boxes of a kit are one object (shared.ts), and a frame is read
 * only. At most SERVER_PIECES, forgotten all at once past that: a box of 99 cards is some 40 KB,
 * and the kit at the documented limits must stay under 1 GB.
 */
const servers: Pieces<{ byBox: WeakMap<ServerBox, ServerPiece[]>; count: number }> = new WeakMap();
const SERVER_PIECES = 1024;

/** The pieces laid out with this measure for a kit's words (made by `make` the first time). */
function piecesOf<T>(pieces: Pieces<T>, measure: Measure, words: Frame["words"], make: () => T): T {
  let byWords = pieces.get(measure);
  if (!byWords) pieces.set(measure, (byWords = new WeakMap<Frame["words"], T>()));
  let known = byWords.get(words);
  if (known === undefined) byWords.set(words, (known = make()));
  return known;
}

/** Where along a stretch a label is tried, in order, and how far above or below it after that. */
const ALONG = [0.5, 0.3, 0.7, 0.15, 0.85];
const ASIDE = [-16, 16, -32, 32];

/**
 * The centre of a w × h label on an arrow through `points`: the first spot inside the view's width
 * that overlaps none of `solid` (the boxes, 1 apart) and none of `taken` (the texts, 2 apart),
 * else the first that overlaps no text. Spots are tried on the stretches longest across first
 * (then longest down), at each stretch's ALONG points, then each of those moved by ASIDE. Each
 * spot is made only when it is tried: the first one is nearly always free.
 */
export function labelSpot(
  points: [number, number][],
  w: number,
  h: number,
  solid: Box[],
  taken: Box[],
): [number, number] | undefined {
  const segments = points
    .slice(1)
    .map((p, k) => ({ a: points[k]!, b: p }))
    .sort(
      (x, y) =>
        Math.abs(y.b[0] - y.a[0]) - Math.abs(x.b[0] - x.a[0]) || Math.abs(y.b[1] - y.a[1]) - Math.abs(x.b[1] - x.a[1]),
    );
  const free = (x: number, y: number, avoidBoxes: boolean) => {
    const box = { x: x - w / 2, y: y - h / 2, w, h };
    // The few boxes before the many texts: the same answer, sooner.
    return (
      box.x >= 0 &&
      box.x + box.w <= VIEW.width &&
      !(avoidBoxes && solid.some((o) => overlaps(o, box, 1))) &&
      !taken.some((o) => overlaps(o, box, 2))
    );
  };
  const along = segments.length * ALONG.length;
  for (const avoidBoxes of [true, false])
    for (let k = 0; k < along * (1 + ASIDE.length); k++) {
      // Spot k: on the stretches for k < along, else spot (k − along) / 4 moved by ASIDE.
      const base = k < along ? k : Math.floor((k - along) / ASIDE.length);
      const { a, b } = segments[Math.floor(base / ALONG.length)]!;
      const t = ALONG[base % ALONG.length]!;
      const x = a[0] + (b[0] - a[0]) * t;
      let y = a[1] + (b[1] - a[1]) * t;
      if (k >= along) y += ASIDE[(k - along) % ASIDE.length]!;
      if (free(x, y, avoidBoxes)) return [x, y];
    }
  return undefined;
}

/** Cards to show in `capacity` slots: consecutive cards of one look folded into ranges, oldest first; "+N" says what does not fit. */
export function fold(list: Cell[], capacity: number): Cell[] {
  const slots = (cells: Cell[]) =>
    cells.reduce((sum, c) => sum + (c.text.includes("–") || c.text.startsWith("+") ? 2 : 1), 0);
  // Each card takes a slot or more: a list longer than the slots does not fit as it is.
  if (list.length <= capacity && slots(list) <= capacity) return list;
  const same = (a: Cell, b: Cell) => a.style === b.style && a.timeline === b.timeline && a.pastFork === b.pastFork;
  /** A card's number when its text is only digits (as /^\d+$/ tells), else undefined. */
  const numberOf = (text: string) => {
    if (text.length === 0) return undefined;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 48 || code > 57) return undefined;
    }
    return Number(text);
  };
  // Runs of consecutive numbers of one look; each cell is tested once, not again as the next one's predecessor.
  const runs: Cell[][] = [];
  let run: Cell[] | undefined;
  let prev: Cell | undefined;
  let prevNumber: number | undefined;
  for (const c of list) {
    const n = numberOf(c.text);
    if (run && prev && same(prev, c) && n !== undefined && prevNumber !== undefined && n === prevNumber + 1)
      run.push(c);
    else runs.push((run = [c]));
    prev = c;
    prevNumber = n;
  }
  const folded: Cell[] = [];
  for (const r of runs) {
    if (r.length >= 3) folded.push({ ...r[0]!, text: `${r[0]!.text}–${r[r.length - 1]!.text}` });
    else folded.push(...r);
  }
  if (slots(folded) <= capacity) return folded;
  // Still too many: keep the newest, and say how many are left out.
  const kept: Cell[] = [];
  let room = capacity - 2;
  for (let i = folded.length - 1; i >= 0 && room > 0; i--) {
    const s = slots([folded[i]!]);
    if (s > room) break;
    kept.unshift(folded[i]!);
    room -= s;
  }
  const hidden =
    list.length -
    kept.reduce(
      (n, c) => n + (c.text.includes("–") ? Number(c.text.split("–")[1]) - Number(c.text.split("–")[0]) + 1 : 1),
      0,
    );
  return [{ text: `+${hidden}`, style: folded[0]!.style, timeline: 1, pastFork: false }, ...kept];
}
