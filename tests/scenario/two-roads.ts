/**
 * The fast YAML reader against the `yaml` library, on one text: the same value, the same tree of
 * positions, the same answers from `Positions` (tests/scenario/fast-yaml*.test.ts).
 */
import { isDeepStrictEqual } from "node:util";
import { LineCounter, parseDocument } from "yaml";
import { readFastYaml } from "../../src/scenario/fast-yaml.js";
import { Positions, fromDocument, type Path, type Spot } from "../../src/scenario/positions.js";

const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

export type Verdict =
  | { road: "fast" }
  | { road: "slow"; errors: number }
  /** A difference: what it is, for the failure message. */
  | { road: "differs"; why: string };

/** Reads `source` both ways; when the fast reader answers, every answer must be the library's. */
export function twoRoads(source: string, depth = 24): Verdict {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, ...OPTIONS });
  const errors = doc.errors.length + doc.warnings.length;
  const fast = readFastYaml(source, depth);
  if (!fast) return { road: "slow", errors };
  if (errors > 0) return { road: "differs", why: `fast read what the library refuses: ${doc.errors[0]?.message}` };
  const raw: unknown = doc.toJS();
  if (!isDeepStrictEqual(fast.raw, raw))
    return { road: "differs", why: `value ${JSON.stringify(fast.raw)} ≠ ${JSON.stringify(raw)}` };
  const slowTree = fromDocument(doc);
  const tree = sameTree(fast.root, slowTree, []);
  if (tree) return { road: "differs", why: tree };
  const quick = new Positions(fast.root, fast.lines, () => new Positions(slowTree, lines));
  const exact = new Positions(slowTree, lines);
  const asked = askAll(raw, source);
  for (const [what, ask] of asked) {
    const a = JSON.stringify(ask(quick));
    const b = JSON.stringify(ask(exact));
    if (a !== b) return { road: "differs", why: `${what}: ${a} ≠ ${b}` };
  }
  return { road: "fast" };
}

/** The two trees: the same kinds, keys and starts, and the same ends of scalars. */
function sameTree(a: Spot | null, b: Spot | null, path: Path): string | undefined {
  const at = JSON.stringify(path);
  if (!a || !b) return a === b ? undefined : `${at}: node missing`;
  if (a.kind !== b.kind || a.start !== b.start) return `${at}: ${a.kind}@${a.start} ≠ ${b.kind}@${b.start}`;
  if (a.kind === "scalar") return a.end === b.end ? undefined : `${at}: scalar ends at ${a.end} ≠ ${b.end}`;
  if (a.kind === "map" && b.kind === "map") {
    if (a.keys.length !== b.keys.length) return `${at}: ${a.keys.length} keys ≠ ${b.keys.length}`;
    for (let i = 0; i < a.keys.length; i++) {
      const [x, y] = [a.keys[i]!, b.keys[i]!];
      if (x.name !== y.name || x.start !== y.start) return `${at}: key ${x.name}@${x.start} ≠ ${y.name}@${y.start}`;
      const inner = sameTree(x.value, y.value, [...path, x.name]);
      if (inner) return inner;
    }
  }
  if (a.kind === "seq" && b.kind === "seq") {
    if (a.items.length !== b.items.length) return `${at}: ${a.items.length} items ≠ ${b.items.length}`;
    for (let i = 0; i < a.items.length; i++) {
      const inner = sameTree(a.items[i]!, b.items[i]!, [...path, i]);
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * Every question a caller may ask: `value` of each path (and of a path past its end), `key` of
 * each key (and of a missing one), `find` of each character of each value's text.
 */
function askAll(raw: unknown, source: string): [string, (p: Positions) => unknown][] {
  const asked: [string, (p: Positions) => unknown][] = [];
  const visit = (value: unknown, path: (string | number)[]) => {
    const at = JSON.stringify(path);
    asked.push([`value ${at}`, (p) => p.value(path)]);
    asked.push([`value ${at}+`, (p) => p.value([...path, "missing", 0])]);
    const chars = new Set(typeof value === "string" ? value : JSON.stringify(value));
    for (const ch of [...chars, "#", ":", "-", "\n"]) asked.push([`find ${at} ${ch}`, (p) => p.find(path, ch, source)]);
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (value !== null && typeof value === "object") {
      asked.push([`key ${at} missing`, (p) => p.key(path, "missing")]);
      for (const [k, v] of Object.entries(value)) {
        asked.push([`key ${at} ${k}`, (p) => p.key(path, k)]);
        visit(v, [...path, k]);
      }
    }
  };
  visit(raw, []);
  return asked;
}
