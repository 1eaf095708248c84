/**
 * Mapping a path in the parsed data back to a line and column of the YAML text, over a small
 * tree of where each node starts (and, for scalars, ends). Both readers build that tree: the
 * fast one (fast-yaml.ts) as it reads, the `yaml` library's Document through `fromDocument`.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { Position } from "./diagnostics.js";

export type Path = readonly (string | number)[];

/**
 * A node of the text: `start` and `end` are the Document's `range[0]` and `range[1]`. A map's
 * keys are listed in order, as written (only scalar keys: a path cannot name another kind).
 */
export type Spot =
  | { kind: "map"; start?: number; end?: number; keys: { name: string; start?: number; value: Spot | null }[] }
  | { kind: "seq"; start?: number; end?: number; items: (Spot | null)[] }
  | { kind: "scalar"; start?: number; end?: number };

/** The tree of a Document made by the `yaml` library. */
export function fromDocument(doc: Document): Spot | null {
  const spot = (node: unknown): Spot | null => {
    if (!node || typeof node !== "object") return null;
    const [start, end] = (node as Node).range ?? [];
    if (isMap(node)) {
      const keys = node.items.flatMap((p) =>
        isScalar(p.key) ? [{ name: String(p.key.value), start: p.key.range?.[0], value: spot(p.value) }] : [],
      );
      return { kind: "map", start, end, keys };
    }
    if (isSeq(node)) return { kind: "seq", start, end, items: node.items.map(spot) };
    return { kind: "scalar", start, end };
  };
  return spot(doc.contents);
}

export class Positions {
  /**
   * `exact`, when given, answers `find` inside a map or a sequence: the fast reader does not work
   * out where those end (that depends on the comments after them), and no caller of ours needs it.
   */
  constructor(
    private readonly root: Spot | null,
    private readonly lines: LineCounter,
    private readonly exact?: () => Positions,
  ) {}

  private at(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** The node at a path, or the deepest existing node on the way there. */
  private deepest(path: Path): { node: Spot | null; rest: Path } {
    let node = this.root;
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      let next: Spot | null | undefined;
      if (node?.kind === "map") next = node.keys.find((k) => k.name === String(step))?.value;
      else if (node?.kind === "seq" && typeof step === "number") next = node.items[step];
      if (!next) return { node, rest: path.slice(i) };
      node = next;
    }
    return { node, rest: [] };
  }

  /** Where the value at `path` starts (or its nearest enclosing node, when it does not exist). */
  value(path: Path): Position {
    const { node } = this.deepest(path);
    return this.at(node?.start ?? 0);
  }

  /**
   * Where the character `ch` is written inside the value at `path`, when it is written there
   * literally (not through an escape); undefined otherwise.
   */
  find(path: Path, ch: string, source: string): Position | undefined {
    const { node, rest } = this.deepest(path);
    if (this.exact && rest.length === 0 && node && node.kind !== "scalar") return this.exact().find(path, ch, source);
    if (rest.length > 0 || node?.start === undefined || node.end === undefined) return undefined;
    const at = source.indexOf(ch, node.start);
    return at >= 0 && at < node.end ? this.at(at) : undefined;
  }

  /** Where the key `name` of the map at `path` is written (for unknown keys). */
  key(path: Path, name: string): Position {
    const { node, rest } = this.deepest(path);
    if (rest.length === 0 && node?.kind === "map") {
      const start = node.keys.find((k) => k.name === name)?.start;
      if (start !== undefined) return this.at(start);
    }
    return this.at(node?.start ?? 0);
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
