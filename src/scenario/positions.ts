/** Mapping a path in the parsed data back to a line and column of the YAML text. */
import { isMap, isSeq, isScalar, type Document, type LineCounter, type Node } from "yaml";
import type { Position } from "./diagnostics.js";

export type Path = readonly (string | number)[];

export class Positions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  private at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** The node at a path, or the deepest existing node on the way there. */
  private deepest(path: Path): { node: Node | null; rest: Path } {
    let node: Node | null = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      let next: unknown;
      if (isMap(node)) next = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step))?.value;
      else if (isSeq(node) && typeof step === "number") next = node.items[step];
      if (!next || typeof next !== "object") return { node, rest: path.slice(i) };
      node = next as Node;
    }
    return { node, rest: [] };
  }

  /** Where the value at `path` starts (or its nearest enclosing node, when it does not exist). */
  value(path: Path): Position {
    const { node } = this.deepest(path);
    return this.at(node?.range?.[0] ?? 0);
  }

  /**
   * Where the character `ch` is written inside the value at `path`, when it is written there
   * literally (not through an escape); undefined otherwise.
   */
  find(path: Path, ch: string, source: string): Position | undefined {
    const { node, rest } = this.deepest(path);
    const range = node?.range;
    if (rest.length > 0 || !range) return undefined;
    const at = source.indexOf(ch, range[0]);
    return at >= 0 && at < range[1] ? this.at(at) : undefined;
  }

  /** Where the key `name` of the map at `path` is written (for unknown keys). */
  key(path: Path, name: string): Position {
    const { node, rest } = this.deepest(path);
    if (rest.length === 0 && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
      const range = (pair?.key as Node | undefined)?.range;
      if (range) return this.at(range[0]);
    }
    return this.at(node?.range?.[0] ?? 0);
  }
}

/** The value at a path in the data parsed from the YAML (undefined where the path leads nowhere). */
export function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path)
    value =
      value !== null && typeof value === "object" ? (value as Record<string, unknown>)[step as string] : undefined;
  return value;
}
