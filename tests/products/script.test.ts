/** The script's content as data, before any PDF. */
import { describe, expect, it } from "vitest";
import { kitOf } from "../helpers.js";

describe("facilitator script", () => {
  const steps = kitOf("failover-failback.yaml").script.runs.flatMap((r) => r.steps);
  const step = (n: number) => steps.find((s) => s.number === n)!;

  it("marks what changed since the step before, so the facilitator's eye goes there", () => {
    const three = step(3).watch;
    expect(three.find((w) => w.text.startsWith("Server A"))).toEqual({
      text: "Server A: primary on timeline 1, DOWN — cards 1 to 4.",
      changed: false,
    });
    expect(three.find((w) => w.text.startsWith("Server B"))).toEqual({
      text: "Server B: primary on timeline 2 — cards 1, 2 and 3.",
      changed: true,
    });
    expect(step(1).watch.every((w) => w.changed)).toBe(true);
  });

  it("lists volunteers in the order they act, with PostgreSQL's messages and the commands behind the actions", () => {
    expect(step(2).do.map((d) => d.role)).toEqual(["Writer", "Server A", "Server B"]);
    expect(step(5).postgres).toEqual([
      {
        role: "Server A",
        text: "LOG:  new timeline 2 forked off current database system timeline 1 before current recovery point 0/5000060",
      },
    ]);
    expect(step(2).commands).toEqual([
      "Server A=# INSERT INTO cards VALUES (…);",
      "$ pg_ctl stop -m immediate -D Server A",
    ]);
  });

  it("spreads the scenario's minutes over the steps, leaving time for the debrief", () => {
    expect(step(1).timing).toBe("1.5 min · at 0:00");
    expect(step(9).timing).toBe("1.5 min · at 12:00");
  });
});
