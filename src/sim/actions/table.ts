/** The shape of the simulator's table of actions: one entry per action word of the scenario language. */
import type { ActionArgs, ActionName } from "../../scenario/schema.js";
import type { Stage } from "../state.js";

/** How the model carries out one action. */
export interface ActionModel<K extends ActionName> {
  perform(stage: Stage, args: ActionArgs<K>): void;
}

/** Every action has an entry: adding a word to the language makes the compiler ask for it here. */
export type ActionTable = { [K in ActionName]: ActionModel<K> };
