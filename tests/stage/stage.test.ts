/**
 * The stage model's guarantees, on every shipped scenario and on random ones: every printed object
 * is in exactly one place at every moment; the moves, replayed from the start, give every moment's
 * places, each listed in deck order; each server's row equals the trace's cards at the end of every
 * step; every printed object is used; the same scenario gives the same stage.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type Scenario } from "../../src/scenario/model.js";
import { simulateLeniently } from "../../src/sim/simulate.js";
import type { Trace } from "../../src/sim/trace.js";
import { deriveStage, placesOf, stageJson, type StageModel } from "../../src/stage/index.js";
import { canonicalJson } from "../../src/sim/trace.js";
import { loadShipped, shipped } from "../helpers.js";
import { deleting, randomScenario, scenarioOfRuns, settings } from "../sim/arbitraries.js";

/** Every broken guarantee, as a sentence; empty when the stage holds. */
function violations(scenario: Scenario, trace: Trace, model: StageModel): string[] {
  const out: string[] = [];
  const objects = model.deck.map((o) => o.object);
  const deckOrder = new Map(objects.map((o, i) => [o, i]));
  if (new Set(objects).size !== objects.length) out.push("an object is printed twice under one name");
  const places = placesOf(scenario);
  const partition = (p: Record<string, readonly string[]>, where: string) => {
    if (JSON.stringify(Object.keys(p).sort()) !== JSON.stringify([...places].sort()))
      out.push(`${where}: the places are not the stage's places`);
    const all = Object.values(p).flat();
    if (all.length !== objects.length || new Set(all).size !== objects.length)
      out.push(`${where}: not every object is in exactly one place`);
  };
  partition(model.start, "start");
  const at = new Map<string, string>();
  for (const [place, list] of Object.entries(model.start)) for (const o of list) at.set(o, place);
  const used = new Set<string>();
  for (const o of objects) if (at.get(o) !== "reserve") used.add(o);
  for (const step of model.steps) {
    for (const [i, moment] of step.moments.entries()) {
      const where = `step ${step.step}, moment ${i + 1} (${moment.kind})`;
      for (const m of moment.acts.flatMap((a) => a.moves)) {
        if (at.get(m.object) !== m.from)
          out.push(`${where}: ${m.object} moves from ${m.from} but is at ${at.get(m.object)}`);
        if (!places.includes(m.to)) out.push(`${where}: ${m.object} moves to ${m.to}, which is not a place`);
        at.set(m.object, m.to);
        used.add(m.object);
      }
      partition(moment.places, where);
      for (const [place, list] of Object.entries(moment.places)) {
        for (const o of list)
          if (at.get(o) !== place)
            out.push(`${where}: ${o} is listed in ${place} but the moves put it in ${at.get(o)}`);
        if (list.some((o, k) => k > 0 && deckOrder.get(o)! < deckOrder.get(list[k - 1]!)!))
          out.push(`${where}: ${place} does not list its objects in deck order`);
      }
    }
    const traced = trace.steps.find((s) => s.number === step.step)!;
    const last = step.moments.at(-1)!.places;
    for (const [id, s] of Object.entries(traced.after.servers)) {
      const row = last[`${id}.data`]!.map((o) => model.deck.find((d) => d.object === o)!);
      const cards = row
        .filter((d) => d.kind === "write")
        .map((d) => d.card!)
        .sort((a, b) => a - b);
      if (JSON.stringify(cards) !== JSON.stringify(s.cards))
        out.push(`step ${step.step}: ${id}'s row holds [${cards.join(", ")}], the trace says [${s.cards.join(", ")}]`);
      if (row.some((d) => d.kind !== "write"))
        out.push(`step ${step.step}: ${id}'s row holds something other than write cards`);
    }
  }
  for (const o of objects) if (!used.has(o)) out.push(`${o} is printed but never used`);
  return out;
}

describe.each(shipped)("the stage of %s", (name) => {
  const { scenario, trace } = loadShipped(name);
  const model = deriveStage(scenario, trace);

  it("keeps every object in one place, agrees with its moves and with the trace, and uses all it prints", () => {
    expect(violations(scenario, trace, model)).toEqual([]);
  });

  it("is the same JSON every time", () => {
    expect(canonicalJson(stageJson(deriveStage(scenario, trace)))).toBe(canonicalJson(stageJson(model)));
  });
});

describe("the stage of random scenarios", () => {
  it("keeps every guarantee, over one or two runs", () => {
    fc.assert(
      fc.property(randomScenario, (scenario) => {
        const { trace } = simulateLeniently(scenario);
        const model = deriveStage(scenario, trace);
        expect(violations(scenario, trace, model)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps every guarantee with DELETEs of cards written: rows leave for the bin when each server replays one", () => {
    let replayed = 0;
    fc.assert(
      fc.property(settings, deleting, (config, plan) => {
        const scenario = scenarioOfRuns([{ config: { ...DEFAULT_SETTINGS, ...config }, plan }]);
        const { trace } = simulateLeniently(scenario);
        const model = deriveStage(scenario, trace);
        expect(violations(scenario, trace, model)).toEqual([]);
        const deletes = new Set(
          trace.steps.flatMap((s) => s.events.filter((e) => e.kind === "delete").map((e) => e.card)),
        );
        if (trace.steps.some((s) => s.events.some((e) => e.kind === "replay" && deletes.has(e.card)))) replayed++;
      }),
      { numRuns: 200 },
    );
    // The property is about DELETEs: most runs must have standbys replaying one.
    expect(replayed).toBeGreaterThan(50);
  });
});

describe("the stage checks themselves", () => {
  const { scenario, trace } = loadShipped("archiving.yaml");
  const fresh = () => deriveStage(scenario, trace);

  it("notice a move that is left out", () => {
    const model = fresh();
    const act = model.steps.find((s) => s.step === 3)!.moments[0]!.acts[0]!;
    act.moves.shift();
    expect(violations(scenario, trace, model).join("\n")).toMatch(
      /listed in floor but the moves put it in primary.wal/,
    );
  });

  it("notice a checkpoint that drops a row instead of a WAL segment", () => {
    const model = fresh();
    for (const s of model.steps.filter((s) => s.step >= 3 && s.run === 1)) {
      for (const m of s.moments) {
        // New lists: a moment's lists may be shared with the moment before.
        const row = m.places["primary.data"]!;
        m.places = { ...m.places, floor: [...m.places.floor!, row[0]!], "primary.data": row.slice(1) };
      }
    }
    expect(violations(scenario, trace, model).join("\n")).toMatch(
      /primary's row holds \[2, 3, 4, 5, 6\], the trace says \[1, 2, 3, 4, 5, 6\]/,
    );
  });

  it("notice an object printed but never used, and one in two places", () => {
    const model = fresh();
    model.deck.push({ object: "card-99#1", kind: "write", card: 99, copy: 1, mark: "WAL", timeline: 1 });
    const adding = (places: Record<string, readonly string[]>, place: string, object: string) => ({
      ...places,
      [place]: [...places[place]!, object],
    });
    model.start = adding(model.start, "reserve", "card-99#1");
    for (const s of model.steps) for (const m of s.moments) m.places = adding(m.places, "reserve", "card-99#1");
    const first = model.steps[0]!.moments[0]!;
    first.places = adding(first.places, "bin", "card-1#1");
    const said = violations(scenario, trace, model).join("\n");
    expect(said).toMatch(/card-99#1 is printed but never used/);
    expect(said).toMatch(/not every object is in exactly one place/);
  });
});
