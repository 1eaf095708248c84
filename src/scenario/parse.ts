/**
 * YAML text → Scenario. Every problem — syntax, schema or meaning — becomes a Diagnostic with
 * the line and column it was written at; all of a file's problems are reported together.
 */
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ScenarioError, closest, didYouMean, type Diagnostic, type Position } from "./diagnostics.js";
import { Positions, type Path } from "./positions.js";
import {
  ACTION_NAMES,
  EXPECTATION_NAMES,
  actionSchemas,
  expectationSchemas,
  scenarioSchema,
  type Action,
  type Expectation,
} from "./schema.js";
import { DEFAULT_SETTINGS, type Role, type Run, type Scenario, type Settings, type Step } from "./model.js";
import { checkMeaning } from "./meaning.js";

/** Limits that keep a hostile or mistaken file from hanging or exhausting the machine. */
export const LIMITS = { bytes: 256 * 1024, aliases: 50, depth: 24 } as const;

type Raw = Record<string, unknown>;

/** Parses and validates a scenario. Throws ScenarioError carrying every problem found. */
export function parseScenario(source: string, file: string): Scenario {
  const problems: Diagnostic[] = [];
  const report = (position: Position | undefined, message: string) => problems.push({ file, position, message });

  if (Buffer.byteLength(source, "utf8") > LIMITS.bytes) {
    report(undefined, `file is larger than ${LIMITS.bytes / 1024} KiB; a scenario is a few pages of text`);
    throw new ScenarioError(problems);
  }

  const deep = flowTooDeep(source, LIMITS.depth);
  if (deep) {
    report(deep, `nesting deeper than ${LIMITS.depth} levels`);
    throw new ScenarioError(problems);
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  // The first syntax error is the one to fix: those after it are mostly its echoes.
  const syntax = [...doc.errors, ...doc.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (syntax.length > 0) {
    const first = syntax[0]!;
    const { line, col } = lines.linePos(first.pos[0]);
    const more = syntax.length > 1 ? ` (${syntax.length - 1} more YAML error(s) may follow from it)` : "";
    report({ line, column: col }, `YAML: ${first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}${more}`);
    throw new ScenarioError(problems);
  }

  const positions = new Positions(doc, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: LIMITS.aliases });
  } catch (error) {
    report({ line: 1, column: 1 }, `YAML: ${(error as Error).message} (at most ${LIMITS.aliases} aliases)`);
    throw new ScenarioError(problems);
  }
  const tooDeep = depthPath(raw, LIMITS.depth);
  if (tooDeep) {
    report(positions.value(tooDeep), `nesting deeper than ${LIMITS.depth} levels`);
    throw new ScenarioError(problems);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    report({ line: 1, column: 1 }, "a scenario is a map with keys such as id, title, roles and steps");
    throw new ScenarioError(problems);
  }

  // The frame first, with actions and expectations left open; then each of those on its own,
  // so that an error inside one names the action it is in.
  const frame = scenarioSchema(z.unknown(), z.unknown());
  const parsed = frame.safeParse(raw);
  if (!parsed.success) {
    for (const issue of withoutEchoes(parsed.error.issues, frame)) report(...describeIssue(issue, [], raw, positions, frame));
  }
  const top = raw as Raw;
  if (top.steps !== undefined && top.runs !== undefined) {
    report(positions.key([], "runs"), 'give either "steps" (one run) or "runs" (several), not both');
  } else if (top.steps === undefined && top.runs === undefined) {
    report(positions.value([]), 'missing "steps": what the facilitator asks the volunteers to do');
  }

  const stepPaths = listSteps(top);
  const actions = new Map<string, Action[]>();
  const expectations = new Map<string, Expectation[]>();
  for (const path of stepPaths) {
    const step = valueAt(raw, path) as Raw | undefined;
    if (!isMap(step)) continue;
    if (Array.isArray(step.actions)) {
      actions.set(String(path), step.actions.flatMap((a, i) => parseAction(a, [...path, "actions", i], raw, positions, report)));
    }
    if (Array.isArray(step.expect)) {
      expectations.set(String(path), step.expect.flatMap((e, i) => parseExpectation(e, [...path, "expect", i], raw, positions, report)));
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ScenarioError(problems);

  const scenario = build(parsed.data as Raw, file, positions, (path) => ({
    actions: actions.get(String(path)) ?? [],
    expect: expectations.get(String(path)) ?? [],
  }));
  problems.push(...checkMeaning(scenario));
  if (problems.length > 0) throw new ScenarioError(problems);
  return scenario;
}

/** Drops "missing key X" where the same map has an unknown key that is a misspelling of X. */
function withoutEchoes(issues: z.core.$ZodIssue[], schema: z.ZodType): z.core.$ZodIssue[] {
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

/**
 * Where flow collections ([ and {) nest deeper than the limit, found before the YAML parser
 * recurses into them (it would exhaust the stack long before any check of ours could run).
 */
function flowTooDeep(source: string, limit: number): Position | undefined {
  let depth = 0;
  let line = 1;
  let column = 0;
  let quote: string | undefined;
  let comment = false;
  for (const ch of source) {
    column++;
    if (ch === "\n") {
      line++;
      column = 0;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") comment = true;
    else if (ch === "[" || ch === "{") {
      if (++depth > limit) return { line, column };
    } else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
  }
  return undefined;
}

function isMap(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const step of path) value = isMap(value) || Array.isArray(value) ? (value as Raw)[step as string] : undefined;
  return value;
}

function depthPath(value: unknown, limit: number, path: (string | number)[] = []): Path | undefined {
  if (path.length > limit) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = depthPath(value[i], limit, [...path, i]);
      if (found) return found;
    }
  } else if (isMap(value)) {
    for (const key of Object.keys(value)) {
      const found = depthPath(value[key], limit, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

function listSteps(top: Raw): Path[] {
  const paths: Path[] = [];
  if (Array.isArray(top.steps)) top.steps.forEach((_, i) => paths.push(["steps", i]));
  if (Array.isArray(top.runs)) {
    top.runs.forEach((run, r) => {
      if (isMap(run) && Array.isArray(run.steps)) run.steps.forEach((_, i) => paths.push(["runs", r, "steps", i]));
    });
  }
  return paths;
}

type Report = (position: Position | undefined, message: string) => void;

function parseAction(value: unknown, path: Path, root: unknown, positions: Positions, report: Report): Action[] {
  const keys = isMap(value) ? Object.keys(value) : [];
  if (keys.length !== 1) {
    report(positions.value(path), `an action is a single key naming what happens, one of: ${ACTION_NAMES.join(", ")}`);
    return [];
  }
  const name = keys[0]!;
  if (!(ACTION_NAMES as string[]).includes(name)) {
    report(positions.key(path, name), `unknown action "${name}"${didYouMean(name, ACTION_NAMES)}`);
    return [];
  }
  const schema = actionSchemas[name as keyof typeof actionSchemas];
  const result = (schema as z.ZodType).safeParse((value as Raw)[name]);
  if (!result.success) {
    for (const issue of result.error.issues) report(...describeIssue(issue, [...path, name], root, positions, schema as z.ZodType));
    return [];
  }
  return [{ name, args: result.data, at: positions.key(path, name) } as Action];
}

function parseExpectation(value: unknown, path: Path, root: unknown, positions: Positions, report: Report): Expectation[] {
  const name = isMap(value) ? EXPECTATION_NAMES.find((n) => n in value) : undefined;
  if (!name) {
    const first = isMap(value) ? Object.keys(value)[0] : undefined;
    const hint = first ? `; found "${first}"${didYouMean(first, EXPECTATION_NAMES)}` : "";
    report(positions.value(path), `an expectation starts with one of: ${EXPECTATION_NAMES.join(", ")}${hint}`);
    return [];
  }
  const schema = expectationSchemas[name] as z.ZodType;
  const result = schema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) report(...describeIssue(issue, path, root, positions, schema));
    return [];
  }
  return [{ name, claim: result.data, at: positions.value(path) } as Expectation];
}

/** The keys an object schema accepts at a path below `schema`, for "did you mean". */
function keysAt(schema: z.ZodType, path: Path): string[] {
  let current: z.ZodType | undefined = schema;
  for (const step of [...path, null]) {
    while (current && (current.def.type === "optional" || current.def.type === "nullable")) {
      current = (current as unknown as { unwrap(): z.ZodType }).unwrap();
    }
    if (!current) return [];
    if (step === null) break;
    if (current.def.type === "object") current = (current as z.ZodObject).shape[step as string] as z.ZodType | undefined;
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
  return `${typeof value === "number" && Number.isInteger(value) ? "the whole number" : "the " + typeof value} ${String(value)}`;
}

/** The workshop notes' words for roles, and PostgreSQL's. */
const SYNONYMS: Record<string, string> = { master: "primary", replica: "standby", slave: "standby", clone: "standby", "pg_basebackup": "basebackup", client: "writer" };

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
function describeIssue(issue: z.core.$ZodIssue, base: Path, root: unknown, positions: Positions, schema: z.ZodType): [Position, string] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const local = issue.path as (string | number)[];
  const value = valueAt(root, path);
  const last = path[path.length - 1];
  const where = typeof last === "string" ? `"${last}"` : last === undefined ? "the scenario" : `item ${last + 1}`;
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0]!;
      const extra = issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).map((k) => `"${k}"`).join(", ")})` : "";
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
        synonym && options.includes(synonym) ? `; did you mean "${synonym}"? (PostgreSQL's word for "${value}")` :
        typeof value === "string" ? didYouMean(value, options) : "";
      return [positions.value(path), `${where} should be one of: ${options.join(", ")}; found ${describeValue(value)}${guess}`];
    }
    case "too_small": {
      const what = issue.origin === "array" ? `at least ${issue.minimum} item(s)` : issue.origin === "string" ? "some text" : `at least ${issue.minimum}`;
      return [positions.value(path), `${where} needs ${what}`];
    }
    case "too_big": {
      const what = issue.origin === "array" ? `at most ${issue.maximum} items` : issue.origin === "string" ? `at most ${issue.maximum} characters` : `at most ${issue.maximum}`;
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

function settingsOf(...layers: (Partial<Settings> | undefined)[]): Settings {
  return Object.assign({}, DEFAULT_SETTINGS, ...layers.filter(Boolean)) as Settings;
}

function build(
  data: Raw,
  file: string,
  positions: Positions,
  contents: (path: Path) => { actions: Action[]; expect: Expectation[] },
): Scenario {
  const roles: Role[] = (data.roles as Raw[]).map((r, i) => ({
    id: r.id as string,
    label: r.label as string,
    kind: r.kind as Role["kind"],
    starts: (r.starts as Role["starts"]) ?? "streaming",
    upstream: r.upstream as string | undefined,
    backends: (r.backends as string[] | undefined) ?? [],
    brief: r.brief as string | undefined,
    at: positions.value(["roles", i]),
  }));
  const rawRuns: { raw: Raw; path: Path }[] = Array.isArray(data.runs)
    ? (data.runs as Raw[]).map((raw, i) => ({ raw, path: ["runs", i] }))
    : [{ raw: { title: data.title, steps: data.steps }, path: [] }];
  let number = 0;
  const runs: Run[] = rawRuns.map(({ raw, path }, r) => ({
    number: r + 1,
    title: raw.title as string,
    intro: raw.intro as string | undefined,
    settings: settingsOf(data.settings as Partial<Settings>, raw.settings as Partial<Settings>),
    steps: (raw.steps as Raw[]).map((s, i): Step => {
      const stepPath = [...path, "steps", i];
      return {
        number: ++number,
        run: r + 1,
        title: s.title as string,
        say: s.say as string,
        why: s.why as string | undefined,
        watch: s.watch as string | undefined,
        minutes: s.minutes as number | undefined,
        ...contents(stepPath),
        at: positions.value(stepPath),
      };
    }),
  }));
  return {
    file,
    id: data.id as string,
    title: data.title as string,
    summary: data.summary as string,
    goals: data.goals as string[],
    minutes: data.minutes as number,
    roles,
    simplifications: (data.simplifications as string[] | undefined) ?? [],
    props: (data.props as string[] | undefined) ?? [],
    runs,
    debrief: (data.debrief as Scenario["debrief"] | undefined) ?? [],
  };
}
