/** The script reads in the order things happen: a taker never before the one who hands it over. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Scenario } from "../../src/scenario/model.js";
import { arrange, deriveCues, FACILITATOR, type Cue } from "../../src/products/cues.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import type { Trace } from "../../src/sim/trace.js";
import { deriveStage } from "../../src/stage/index.js";
import { loadShipped, shipped, templates } from "../helpers.js";
import { randomScenario } from "../sim/arbitraries.js";

type Acting = { role: string; cue: Cue }[];
type Lines = { role: string; parts: Cue["parts"] }[];

/** What is wrong with the order of one moment's lines, as sentences; nothing is the goal. */
function problemsOf(acting: Acting, lines: Lines): string[] {
  const problems: string[] = [];
  const placed = lines.flatMap((l, index) => l.parts.map((part) => ({ role: l.role, part, index })));
  // Every sentence is read once, and each volunteer's in their own order.
  const said = acting.flatMap(({ cue }) => cue.parts);
  if (placed.length !== said.length) problems.push(`${said.length} said, ${placed.length} read`);
  for (const { role, cue } of acting) {
    const mine = placed.filter((p) => p.role === role).map((p) => p.part);
    if (mine.some((p, i) => p !== cue.parts[i])) problems.push(`${role}'s sentences reordered`);
  }
  // Within one event, whoever acts (hands over, runs the command) is read first.
  for (const p of placed)
    for (const q of placed)
      if (
        q.part.event === p.part.event &&
        q.role !== p.role &&
        q.part.actor === q.role &&
        q.part.at < p.part.at &&
        q.index > p.index
      )
        problems.push(`"${p.part.text}" (${p.role}) is read before "${q.part.text}" (${q.role})`);
  if (lines.some((l, i) => i > 0 && lines[i - 1]!.role === l.role))
    problems.push("two lines of one volunteer in a row");
  return problems;
}

function momentsOf(scenario: Scenario, trace: Trace): { step: number; acting: Acting }[] {
  const cues = deriveCues(scenario, trace, deriveStage(scenario, trace), templates);
  return trace.steps.flatMap((step) =>
    (["do", "flow"] as const).map((moment) => ({
      step: step.number,
      acting: [...cues].flatMap(([role, list]) =>
        list.filter((c) => c.step === step.number && c.moment === moment).map((cue) => ({ role, cue })),
      ),
    })),
  );
}

function disorder(scenario: Scenario, trace: Trace): string[] {
  return momentsOf(scenario, trace).flatMap(({ step, acting }) =>
    problemsOf(acting, arrange(acting)).map((p) => `step ${step}: ${p}`),
  );
}

/** WAL copies handed into someone's tray that their cue does not mention: none is the goal. */
function unsaidWal(scenario: Scenario, trace: Trace): string[] {
  const stage = deriveStage(scenario, trace);
  const cues = deriveCues(scenario, trace, stage, templates);
  const deck = new Map(stage.deck.map((o) => [o.object, o]));
  const problems: string[] = [];
  for (const step of stage.steps)
    for (const moment of step.moments)
      for (const m of moment.acts.flatMap((a) => a.moves)) {
        const [owner, area] = m.to.split(".");
        if (area !== "wal" || deck.get(m.object)!.mark !== "WAL" || m.from.split(".")[0] === owner) continue;
        if (m.from === "reserve" || !cues.has(owner!)) continue;
        const said = cues.get(owner!)!.filter((c) => c.step === step.step && c.moment === moment.kind);
        if (!said.some((c) => c.text.includes("WAL")))
          problems.push(`step ${step.step}: ${owner} takes ${m.object} into its tray, unsaid`);
      }
  return problems;
}

describe("the order of the script's lines", () => {
  it.each(shipped)("%s: givers before takers, every sentence once, every WAL copy taken said", (name) => {
    const { scenario, trace } = loadShipped(name);
    expect(disorder(scenario, trace)).toEqual([]);
    expect(unsaidWal(scenario, trace)).toEqual([]);
  });

  it("holds over random scenarios, one or two runs", () => {
    fc.assert(
      fc.property(randomScenario, (scenario) => {
        const { trace } = simulateLeniently(scenario);
        expect(disorder(scenario, trace)).toEqual([]);
        expect(unsaidWal(scenario, trace)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("notices a taker read before the giver (the old one-line-per-volunteer order)", () => {
    const { scenario, trace } = loadShipped("failover-failback.yaml");
    const nine = momentsOf(scenario, trace).find((m) => m.step === 9)!.acting;
    // One line per volunteer, by where each first acts: Server A took card 8 before Writer handed it over.
    const old = [...nine]
      .sort((a, b) => a.cue.order - b.cue.order)
      .map(({ role, cue }) => ({ role, parts: cue.parts }));
    expect(problemsOf(nine, old)).toEqual([
      expect.stringMatching(
        /^"Take the bundle of card 8 from Writer.*\(alpha\) is read before "Hand Server A the bundle of card 8\." \(writer\)$/,
      ),
    ]);
    const lines = arrange(nine);
    const first = (role: string, text: RegExp) =>
      lines.findIndex((l) => l.role === role && l.parts.some((p) => text.test(p.text)));
    expect(first(FACILITATOR, /TIMELINE 3 and PRIMARY/)).toBeLessThan(first("alpha", /You are promoted/));
    expect(first("writer", /card 8/)).toBeLessThan(first("alpha", /bundle of card 8/));
  });
});
