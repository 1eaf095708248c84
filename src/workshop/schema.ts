/**
 * The workshop file: a session plan of several interactives (workshops/<id>.yaml). Its schema is
 * checked like a scenario's, every problem at its line; `replikit schema --workshop` prints it.
 */
import { z } from "zod";
import { ID_PATTERN } from "../scenario/ids.js";

const text = (max: number) => z.string().trim().min(1).max(max);
const minutes = z.number().min(0).max(120);

/** One item of the plan: an interactive (a scenario, some of its runs, its own length) or a break. */
export const itemSchema = z.strictObject({
  /** A shipped scenario's id, or a path to a scenario file relative to the workshop file. */
  scenario: text(200).optional(),
  /** Which runs to play, by number (default: all). */
  runs: z.array(z.number().int().min(1).max(20)).min(1).max(20).optional(),
  /** The interactive's length here (default: the scenario's minutes, or its share for the runs played). */
  minutes: z.number().min(1).max(240).optional(),
  /** A break's length in minutes (instead of a scenario). */
  break: z.number().min(1).max(60).optional(),
  /** What the agenda calls the item (default: the scenario's title, or "Break"). */
  title: text(80).optional(),
});

export const workshopSchema = z.strictObject({
  id: z.string().regex(ID_PATTERN),
  title: text(80),
  /** The session's length in minutes: the agenda adds up to exactly this. */
  minutes: z.number().int().min(10).max(480),
  audience: text(300),
  summary: text(800).optional(),
  /** Minutes for the welcome before the first interactive. */
  welcome: minutes.optional(),
  /** Minutes to clear and set the stage between two interactives (not after a break). */
  reset: minutes.optional(),
  /** The closing debrief takes what is left, and needs at least this many minutes. */
  debrief: minutes.optional(),
  interactives: z.array(itemSchema).min(1).max(12),
});

export const WORKSHOP_DEFAULTS = { welcome: 3, reset: 2, debrief: 5 } as const;

/** JSON Schema for YAML editors (the modeline of each shipped workshop points at schema/workshop.schema.json). */
export function workshopJsonSchema(): object {
  return {
    $id: "https://replikit.invalid/workshop.schema.json",
    title: "replikit workshop",
    ...z.toJSONSchema(workshopSchema, { target: "draft-7" }),
  };
}
