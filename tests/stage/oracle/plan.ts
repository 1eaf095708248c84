/**
 * The stage's first pass as it was before f1809a4: `bundle` and `recordsOf` as they were. The rest
 * of src/stage/plan.ts has not changed since and is used as it is; planRun is src's (its bundle
 * gives the same copies in the same order, which this oracle's replay, using the old one, checks).
 */
import type { TraceStep } from "../../../src/sim/trace.js";
import type { Copy, Node, Records } from "../../../src/stage/plan.js";

export { eventKey, planRun, Timelines, type Copy, type Node, type RunPlan } from "../../../src/stage/plan.js";

/** Every copy in a node's bundle: its own, its segment, and those of every node below it. */
export function bundle(node: Node): Copy[] {
  const out: Copy[] = [];
  if (node.own) out.push(node.own);
  if (node.segment && node.segment !== node.own) out.push(node.segment);
  for (const child of node.children) out.push(...bundle(child));
  return out;
}

/** The records of a run's steps: its jokers and its DELETEs. */
export function recordsOf(steps: TraceStep[]): Records {
  const events = steps.flatMap((s) => s.events);
  return {
    jokers: new Set(events.filter((e) => e.kind === "vacuum").map((e) => e.card!)),
    deletes: new Map(events.filter((e) => e.kind === "delete").map((e) => [e.card!, e.cards ?? []])),
    updates: new Map(
      events.filter((e) => e.kind === "write" && e.replaces !== undefined).map((e) => [e.card!, e.replaces!]),
    ),
  };
}
