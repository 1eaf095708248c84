/**
 * Equal cells, card lists and server boxes made one object per kit, shared by every frame that
 * shows them (frames are read only). A long scenario's frames mostly show boxes an earlier frame
 * showed just so — the 480-step kit's 1,920 server boxes are 132 different ones, its runs
 * repeating the first — and the layout lays each box out once (layout.ts keeps it by the box).
 */
import type { Cell, ServerBox } from "./derive.js";

/** A list of cells, as a path from the empty list: each list is one node, found by its cells. */
interface List {
  cells: Cell[] | undefined;
  id: number;
  next: Map<Cell, List>;
}

/** Fields of a key, parted by a character no word of a kit holds (control characters are refused). */
const PART = "\u0000";
const ITEM = "\u0001";
const NONE = "\u0002";

export class SharedBoxes {
  private readonly cells = new Map<string, Cell>();
  private readonly lists: List = { cells: undefined, id: 0, next: new Map() };
  private listCount = 0;
  private readonly servers = new Map<string, ServerBox>();

  /** The kit's cell equal to `cell`: `cell` itself the first time. */
  cell(cell: Cell): Cell {
    const key = `${cell.text}${PART}${cell.style}${PART}${cell.timeline}${PART}${cell.pastFork ? 1 : 0}`;
    const known = this.cells.get(key);
    if (known) return known;
    this.cells.set(key, cell);
    return cell;
  }

  /**
   * The kit's server box equal to `box`: `box` itself the first time, its row and tray then the
   * kit's lists of those cells. Its cells must be the kit's (made by `cell`): lists are told
   * apart by their cells' identity.
   */
  server(box: ServerBox): ServerBox {
    const row = this.list(box.row);
    const tray = this.list(box.tray);
    const slots = box.slots ? box.slots.map((s) => `${s.text}${ITEM}${s.alarm ? 1 : 0}`).join(ITEM) : NONE;
    const key = [
      box.id,
      box.label,
      box.heading,
      box.fork ?? NONE,
      box.up ? 1 : 0,
      box.badge ?? NONE,
      box.empty ? 1 : 0,
      row.id,
      tray.id,
      box.paused ?? NONE,
      box.queries.join(ITEM),
      slots,
    ].join(PART);
    const known = this.servers.get(key);
    if (known) return known;
    box.row = row.cells!;
    box.tray = tray.cells!;
    this.servers.set(key, box);
    return box;
  }

  /** The node of a list of cells, made the first time with `cells` as its list. */
  private list(cells: Cell[]): List {
    let node = this.lists;
    for (const cell of cells) {
      let next = node.next.get(cell);
      if (!next) node.next.set(cell, (next = { cells: undefined, id: ++this.listCount, next: new Map() }));
      node = next;
    }
    node.cells ??= cells;
    return node;
  }
}
