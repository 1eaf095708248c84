/** What every action has: its events, and the problems that make it impossible at its moment. */
import type { Command } from "./commands.js";
import type { Stage } from "./state.js";
import type { TraceEvent } from "./trace.js";

/**
 * An action that cannot be done at its moment (cloning from a server that is down, promoting a
 * primary): the scenario's mistake, reported at the action's line.
 */
export class StepProblem extends Error {
  /** An echo of a problem already reported in this run (the deck ran out): not reported again. */
  constructor(
    message: string,
    readonly echo = false,
    /** The argument the problem is about (a delete's `cards`): reported at that key when it is written. */
    readonly key?: string,
  ) {
    super(message);
  }
}

export function emit(stage: Stage, event: TraceEvent): void {
  stage.events.push(event);
}

type Unnumbered<T> = T extends unknown ? Omit<T, "action"> : never;

/** Records a real command of the action being performed (see commands.ts). */
export function run(stage: Stage, command: Unnumbered<Command>): void {
  stage.commands.push({ ...command, action: stage.action });
}

export function must(condition: unknown, message: string, key?: string): asserts condition {
  if (!condition) throw new StepProblem(message, false, key);
}
