/** What each role card says, every word applied: the sign for the audience, the cues for the volunteer. */
import type { Scenario } from "../../scenario/model.js";
import type { Templates } from "../../wording.js";
import type { Cue } from "../cues.js";

export interface RoleCardText {
  role: string;
  label: string;
  /** "starts as the primary". */
  kind: string;
  scenario: string;
  hash: string;
  backTitle: string;
  /** The title of the backs after the first, with {part} and {parts} left for the layout to fill. */
  continued: string;
  /** "card {part} of {parts}", for the fronts of a role with several cards. */
  part: string;
  brief?: string;
  /** The cues in order: a run heading when runs change, then one entry per step the role acts in. */
  entries: ({ run: string } | { cue: string; messages: string[] })[];
  /** What the back says when the role has no cue. */
  none: string;
  version: string;
}

export function deriveRoleCards(
  scenario: Scenario,
  cues: Map<string, Cue[]>,
  t: Templates,
  hash: string,
): RoleCardText[] {
  const text = (key: string, data: object = {}) => t.text("cards", key, data);
  const runOf = new Map(scenario.runs.flatMap((r) => r.steps.map((s) => [s.number, r] as const)));
  return scenario.roles.map((role) => {
    const entries: RoleCardText["entries"] = [];
    let run = 0;
    // The role's cues by step, steps in the order they first come (grouped once, not filtered per step).
    const byStep = new Map<number, Cue[]>();
    for (const c of cues.get(role.id) ?? []) {
      const list = byStep.get(c.step);
      if (list) list.push(c);
      else byStep.set(c.step, [c]);
    }
    for (const [step, here] of byStep) {
      const current = runOf.get(step)!;
      if (scenario.runs.length > 1 && current.number !== run) {
        run = current.number;
        entries.push({ run: text("role_run", { number: run, title: current.title }) });
      }
      entries.push({
        cue: text("role_cue", { step, text: here.map((c) => c.text).join(" ") }),
        messages: [...new Set(here.flatMap((c) => c.messages))],
      });
    }
    return {
      role: role.id,
      label: role.label,
      kind: text(`role_kind_${role.kind === "standby" && role.starts === "empty" ? "standby_empty" : role.kind}`),
      scenario: scenario.title,
      hash,
      backTitle: text("role_back_title", { label: role.label }),
      continued: text("role_back_continued", { label: role.label, part: "{part}", parts: "{parts}" }),
      part: text("role_part", { part: "{part}", parts: "{parts}" }),
      brief: role.brief,
      entries,
      none: text("role_no_cues"),
      version: `${text("back_scenario", { title: scenario.title })} · ${text("back_version", { hash })}`,
    };
  });
}
