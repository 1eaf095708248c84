/**
 * Workshop YAML → Workshop, with the scenario parser's machinery: every problem a Diagnostic at
 * its line and column (FILE:LINE:COL, exit 2), all of a file's problems reported together.
 */
import { ScenarioError, type Diagnostic, type Position } from "../scenario/diagnostics.js";
import { describeIssue, withoutEchoes } from "../scenario/issues.js";
import { readYaml } from "../scenario/yaml.js";
import { WORKSHOP_DEFAULTS, workshopSchema } from "./schema.js";

export type WorkshopItem =
  | {
      kind: "interactive";
      /** The scenario as written: a shipped id, or a path relative to the workshop file. */
      scenario: string;
      runs?: number[];
      minutes?: number;
      title?: string;
      at: Position;
      runsAt: Position;
    }
  | { kind: "break"; minutes: number; title?: string; at: Position };

export interface Workshop {
  file: string;
  id: string;
  title: string;
  minutes: number;
  audience: string;
  summary?: string;
  welcome: number;
  reset: number;
  debrief: number;
  items: WorkshopItem[];
  /** Where the workshop's length is written: a plan that does not fit is reported there. */
  minutesAt: Position;
}

const LIMIT_BYTES = 64 * 1024;

export function parseWorkshop(source: string, file: string): Workshop {
  const problems: Diagnostic[] = [];
  const report = (position: Position | undefined, message: string) => problems.push({ file, position, message });
  if (Buffer.byteLength(source, "utf8") > LIMIT_BYTES) {
    report(undefined, `file is larger than ${LIMIT_BYTES / 1024} KiB; a workshop is a page of text`);
    throw new ScenarioError(problems);
  }
  // The same reading as a scenario: nesting guarded before the parser, aliases limited.
  const { raw, positions } = readYaml(source, problems, report, { depth: 24, aliases: 20 });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    report({ line: 1, column: 1 }, "a workshop is a map with keys such as id, title, minutes and interactives");
    throw new ScenarioError(problems);
  }
  const parsed = workshopSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of withoutEchoes(parsed.error.issues, workshopSchema))
      report(...describeIssue(issue, [], raw, positions, workshopSchema));
    throw new ScenarioError(problems);
  }
  const data = parsed.data;
  const items: WorkshopItem[] = [];
  data.interactives.forEach((item, i) => {
    const path = ["interactives", i];
    const at = positions.value(path);
    if ((item.scenario === undefined) === (item.break === undefined)) {
      report(at, 'an item names either a "scenario" to play or a "break" in minutes, not both and not neither');
      return;
    }
    if (item.break !== undefined) {
      for (const key of ["runs", "minutes"] as const)
        if (item[key] !== undefined) report(positions.key(path, key), `a break has no "${key}"; give "break: MINUTES"`);
      items.push({ kind: "break", minutes: item.break, title: item.title, at });
      return;
    }
    if (item.runs && new Set(item.runs).size !== item.runs.length)
      report(positions.value([...path, "runs"]), "each run is listed once");
    items.push({
      kind: "interactive",
      scenario: item.scenario!,
      runs: item.runs,
      minutes: item.minutes,
      title: item.title,
      at: positions.value([...path, "scenario"]),
      runsAt: positions.value([...path, item.runs ? "runs" : "scenario"]),
    });
  });
  if (problems.length === 0 && !items.some((item) => item.kind === "interactive"))
    report(positions.value(["interactives"]), "a workshop plays at least one interactive");
  if (problems.length > 0) throw new ScenarioError(problems);
  return {
    file,
    id: data.id,
    title: data.title,
    minutes: data.minutes,
    audience: data.audience,
    summary: data.summary,
    welcome: data.welcome ?? WORKSHOP_DEFAULTS.welcome,
    reset: data.reset ?? WORKSHOP_DEFAULTS.reset,
    debrief: data.debrief ?? WORKSHOP_DEFAULTS.debrief,
    items,
    minutesAt: positions.value(["minutes"]),
  };
}
