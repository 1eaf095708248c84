/**
 * zod's validation issues, told in a facilitator's terms and placed at their line: "missing
 * required key", "unknown key … did you mean …?", the workshop's words mapped to PostgreSQL's.
 */
import type { z } from "zod";
import { closest, didYouMean, type Position } from "./diagnostics.js";
import { valueAt, type Path, type Positions } from "./positions.js";

/** The keys an object schema accepts at a path below `schema`, for "did you mean". */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let current: z.ZodType | undefined = schema;
  for (const step of [...path, null]) {
    while (current && (current.def.type === "optional" || current.def.type === "nullable")) {
      current = (current as unknown as { unwrap(): z.ZodType }).unwrap();
    }
    if (!current) return [];
    if (step === null) break;
    if (current.def.type === "object")
      current = (current as z.ZodObject).shape[step as string] as z.ZodType | undefined;
    else if (current.def.type === "array") current = (current as z.ZodArray<z.ZodType>).element;
    else return [];
  }
  return current && current.def.type === "object" ? Object.keys((current as z.ZodObject).shape) : [];
}

function describeValue(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") return `the text "${value.length > 30 ? value.slice(0, 30) + "…" : value}"`;
  if (typeof value === "number") return `${Number.isInteger(value) ? "the whole number" : "the number"} ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  return `a ${typeof value}`;
}

/** The workshop notes' words for roles, and PostgreSQL's. */
const SYNONYMS: Record<string, string> = {
  master: "primary",
  replica: "standby",
  slave: "standby",
  clone: "standby",
  pg_basebackup: "basebackup",
  client: "writer",
};

const EXPECTED_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a map",
  tuple: "a list",
};

/** One zod issue as a positioned message in the facilitator's terms. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  base: Path,
  root: unknown,
  positions: Positions,
  schema: z.ZodType,
): [Position, string] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const local = issue.path as (string | number)[];
  const value = valueAt(root, path);
  const last = path[path.length - 1];
  const where = typeof last === "string" ? `"${last}"` : last === undefined ? "the scenario" : `item ${last + 1}`;
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0]!;
      const extra =
        issue.keys.length > 1
          ? ` (and ${issue.keys
              .slice(1)
              .map((k) => `"${k}"`)
              .join(", ")})`
          : "";
      return [positions.key(path, key), `unknown key "${key}"${extra}${didYouMean(key, keysAt(schema, local))}`];
    }
    case "invalid_type": {
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      if (value === undefined && typeof last === "string") {
        return [positions.value(path.slice(0, -1)), `missing required key "${last}" (${expected})`];
      }
      return [positions.value(path), `${where} should be ${expected}, not ${describeValue(value)}`];
    }
    case "invalid_value": {
      const options = issue.values.map(String);
      const synonym = typeof value === "string" ? SYNONYMS[value.toLowerCase()] : undefined;
      const guess =
        synonym && options.includes(synonym)
          ? `; did you mean "${synonym}"? (PostgreSQL's word for "${String(value)}")`
          : typeof value === "string"
            ? didYouMean(value, options)
            : "";
      return [
        positions.value(path),
        `${where} should be one of: ${options.join(", ")}; found ${describeValue(value)}${guess}`,
      ];
    }
    case "too_small": {
      const what =
        issue.origin === "array"
          ? `at least ${issue.minimum} item(s)`
          : issue.origin === "string"
            ? "some text"
            : `at least ${issue.minimum}`;
      return [positions.value(path), `${where} needs ${what}`];
    }
    case "too_big": {
      const what =
        issue.origin === "array"
          ? `at most ${issue.maximum} items`
          : issue.origin === "string"
            ? `at most ${issue.maximum} characters`
            : `at most ${issue.maximum}`;
      return [positions.value(path), `${where} allows ${what}`];
    }
    case "invalid_format":
      return [positions.value(path), `${where} should be ${issue.message}; found ${describeValue(value)}`];
    case "invalid_union":
      return [positions.value(path), `${where} is not valid here; found ${describeValue(value)}`];
    default:
      return [positions.value(path), `${where}: ${issue.message}`];
  }
}

/** Drops "missing key X" where the same map has an unknown key that is a misspelling of X. */
export function withoutEchoes(issues: z.core.$ZodIssue[], schema: z.ZodType): z.core.$ZodIssue[] {
  const suggested = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    const keys = keysAt(schema, issue.path as (string | number)[]);
    for (const key of issue.keys) {
      const guess = closest(key, keys);
      if (guess) suggested.add(JSON.stringify([...issue.path, guess]));
    }
  }
  return issues.filter((issue) => !(issue.code === "invalid_type" && suggested.has(JSON.stringify(issue.path))));
}
