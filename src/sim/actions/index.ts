/**
 * The simulator's actions, one table entry per action word (servers.ts: what servers, their
 * operators and the facilitator do; clients.ts: what clients do). A word missing from the table
 * is a compile error here.
 */
import type { Action } from "../../scenario/schema.js";
import type { Stage } from "../state.js";
import { clientActions } from "./clients.js";
import { serverActions } from "./servers.js";
import type { ActionModel, ActionTable } from "./table.js";

export { StepProblem } from "../act.js";

export const ACTIONS: ActionTable = { ...clientActions, ...serverActions };

/** Carries out one action on the stage. */
export function perform(stage: Stage, action: Action): void {
  (ACTIONS[action.name] as ActionModel<typeof action.name>).perform(stage, action.args);
}
