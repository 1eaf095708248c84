/**
 * YAML text → Scenario. Every problem — syntax, schema or meaning — becomes a Diagnostic with
 * the line and column it was written at; all of a file's problems are reported together.
 */
import { z } from "zod";
import { ScenarioError, didYouMean, type Diagnostic, type Position } from "./diagnostics.js";
import { describeIssue, withoutEchoes } from "./issues.js";
import { valueAt, type Path, type Positions } from "./positions.js";
import { readYaml } from "./yaml.js";
import {
  ACTION_NAMES,
  EXPECTATION_NAMES,
  actionSchemas,
  expectationSchemas,
  parseSyncNames,
  scenarioSchema,
  type Action,
  type Expectation,
} from "./schema.js";
import { DEFAULT_SETTINGS, type Role, type Run, type Scenario, type Settings, type Step } from "./model.js";
import { checkMeaning } from "./meaning.js";
import { textProblems } from "./text.js";

import { LIMITS, TOO_LARGE } from "./limits.js";

export { LIMITS };

type Raw = Record<string, unknown>;

/**
 * Parses and validates a scenario. Throws ScenarioError carrying every problem found. `printable`
 * is the set of characters the kit's fonts can print (see render/fonts/coverage.ts); without it,
 * only control characters and right-to-left text are refused.
 */
export function parseScenario(source: string, file: string, printable?: ReadonlySet<number>): Scenario {
  const problems: Diagnostic[] = [];
  const report = (position: Position | undefined, message: string) => problems.push({ file, position, message });

  if (Buffer.byteLength(source, "utf8") > LIMITS.bytes) {
    report(undefined, TOO_LARGE);
    throw new ScenarioError(problems);
  }

  const { raw, positions } = readYaml(source, problems, report, LIMITS);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    report({ line: 1, column: 1 }, "a scenario is a map with keys such as id, title, roles and steps");
    throw new ScenarioError(problems);
  }

  problems.push(...textProblems(raw, positions, source, file, printable));

  // The frame first, with actions and expectations left open; then each of those on its own,
  // so that an error inside one names the action it is in.
  const frame = frameSchema();
  const parsed = frame.safeParse(raw);
  if (!parsed.success) {
    for (const issue of withoutEchoes(parsed.error.issues, frame))
      report(...describeIssue(issue, [], raw, positions, frame));
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
      actions.set(
        String(path),
        step.actions.flatMap((a, i) => parseAction(a, [...path, "actions", i], raw, positions, report)),
      );
    }
    if (Array.isArray(step.expect)) {
      expectations.set(
        String(path),
        step.expect.flatMap((e, i) => parseExpectation(e, [...path, "expect", i], raw, positions, report)),
      );
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ScenarioError(problems);

  const scenario = build(parsed.data, file, positions, (path) => ({
    actions: actions.get(String(path)) ?? [],
    expect: expectations.get(String(path)) ?? [],
  }));
  problems.push(...checkMeaning(scenario));
  if (problems.length > 0) throw new ScenarioError(problems);
  return scenario;
}

/**
 * The scenario's frame (actions and expectations left open), built once: a zod schema is
 * immutable, and zod compiles a schema's fast path on its first parse, so a schema built afresh
 * for every scenario paid for that again each time.
 */
let builtFrame: ReturnType<typeof scenarioSchema> | undefined;
function frameSchema(): ReturnType<typeof scenarioSchema> {
  return (builtFrame ??= scenarioSchema(z.unknown(), z.unknown()));
}

function isMap(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
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
    for (const issue of result.error.issues)
      report(...describeIssue(issue, [...path, name], root, positions, schema as z.ZodType));
    return [];
  }
  const args = (value as Raw)[name];
  const keysAt = isMap(args)
    ? Object.fromEntries(Object.keys(args).map((k) => [k, positions.key([...path, name], k)]))
    : undefined;
  return [{ name, args: result.data, at: positions.key(path, name), keysAt } as Action];
}

function parseExpectation(
  value: unknown,
  path: Path,
  root: unknown,
  positions: Positions,
  report: Report,
): Expectation[] {
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

function settingsOf(...layers: (Partial<Settings> | undefined)[]): Settings {
  const settings = Object.assign({}, DEFAULT_SETTINGS, ...layers.filter(Boolean)) as Settings;
  const { names, rule } = parseSyncNames(settings.synchronous_standby_names);
  settings.synchronous_standby_names = names;
  // A plain list (FIRST 1) keeps no rule, so that the trace of such a run reads as before.
  if (rule && !(rule.method === "FIRST" && rule.num === 1)) settings.synchronous_rule = rule;
  else delete settings.synchronous_rule;
  return settings;
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
    applyDelay: (r.settings as { recovery_min_apply_delay?: number } | undefined)?.recovery_min_apply_delay ?? 0,
    synchronousCommit: (r.settings as { synchronous_commit?: Role["synchronousCommit"] } | undefined)
      ?.synchronous_commit,
    slot: (r.settings as { slot?: boolean | string } | undefined)?.slot,
    hotStandbyFeedback: (r.settings as { hot_standby_feedback?: boolean } | undefined)?.hot_standby_feedback,
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
    settingsAt: raw.settings
      ? positions.value([...path, "settings"])
      : data.settings
        ? positions.value(["settings"])
        : positions.value([]),
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
