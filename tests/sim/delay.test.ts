/** recovery_min_apply_delay and pg_wal_replay_pause()/resume(): replay held, receipt not. */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/scenario/parse.js";
import { simulate } from "../../src/sim/simulate.js";
import { HEAD } from "./fixture.js";

const trace = (steps: string[], delay = 60) =>
  simulate(
    parseScenario(
      `${HEAD}roles:
  - { id: p, label: P, kind: primary }
  - { id: s, label: S, kind: standby, settings: { recovery_min_apply_delay: ${delay} } }
  - { id: w, label: W, kind: writer }
steps:
${steps.map((a, i) => `  - title: s${i}\n    say: "-"\n    actions: [${a}]\n`).join("")}`,
      "d.yaml",
    ),
  ).steps.map((s) => s.after.servers.s!);

describe("a delayed standby", () => {
  it("receives at once and replays each commit only once it is old enough", () => {
    const [written, early, late] = trace(["{ write: { by: w, to: p } }", "{ wait: 59 }", "{ wait: 1 }"]);
    expect(written!.received).toBe(1);
    expect(written!.cards).toEqual([]);
    expect(written!.replayPaused).toBe(false);
    expect(early!.cards).toEqual([]);
    expect(late!.cards).toEqual([1]);
  });

  it("holds replay while paused, past the delay, and replays on resume", () => {
    const [paused, waited, resumed] = trace(
      ["{ write: { by: w, to: p } }, { pause: s }", "{ wait: 120 }", "{ resume: s }"],
      60,
    );
    expect(paused!.replayPaused).toBe(true);
    expect(waited!.cards).toEqual([]);
    expect(waited!.received).toBe(1);
    expect(resumed!.replayPaused).toBe(false);
    expect(resumed!.cards).toEqual([1]);
  });

  it("a paused standby keeps streaming, but one that lost its connection stays away until resumed", () => {
    const [paused, cut, healed, resumed] = trace(
      [
        "{ pause: s }, { write: { by: w, to: p } }",
        "{ cut: [p, s] }, { write: { by: w, to: p } }",
        "{ heal: [p, s] }",
        "{ resume: s }",
      ],
      0,
    );
    expect(paused!.walreceiver).toBe("streaming");
    expect(paused!.received).toBe(1);
    expect(cut!.walreceiver).toBe("waiting");
    expect(healed!.walreceiver).toBe("waiting");
    expect(healed!.received).toBe(1);
    expect(resumed!.walreceiver).toBe("streaming");
    expect(resumed!.cards).toEqual([1, 2]);
  });

  it("forgets a pause when restarted", () => {
    const [, restarted] = trace(["{ pause: s }, { write: { by: w, to: p } }", "{ stop: s }, { start: s }"], 0);
    expect(restarted!.replayPaused).toBe(false);
    expect(restarted!.cards).toEqual([1]);
  });

  it("refuses a pause on a primary, and a delay on anything but a standby", () => {
    expect(() => trace(["{ pause: p }"])).toThrow(/cannot pause replay on "p": it is a primary, it replays nothing/);
    expect(() =>
      parseScenario(
        `id: d\ntitle: d\nsummary: d\ngoals: [d]\nminutes: 5\nroles:\n  - { id: p, label: P, kind: primary, settings: { recovery_min_apply_delay: 5 } }\nsteps:\n  - { title: t, say: s }\n`,
        "d.yaml",
      ),
    ).toThrow(/role "p": only a standby has a recovery_min_apply_delay/);
  });
});
