/**
 * `expect:` claims checked against the trace. A teaching claim that the simulation does not
 * bear out is a failure (exit 1); a claim about a card the run never uses is bad input (exit 2).
 */
import type { Diagnostic } from "../scenario/diagnostics.js";
import { resolveSlot, type Run, type Scenario } from "../scenario/model.js";
import type { Expectation } from "../scenario/schema.js";
import type { Trace, TraceStep } from "./trace.js";

export interface ExpectationReport {
  /** Claims the simulation contradicts. */
  failures: Diagnostic[];
  /** Claims that cannot be checked (a card that does not exist in that run). */
  problems: Diagnostic[];
  checked: number;
}

const show = (v: unknown) =>
  Array.isArray(v) ? `[${v.join(", ")}]` : v === null || v === undefined ? "nothing" : JSON.stringify(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function cardsIn(claim: Expectation): number[] {
  const c = claim.claim as Record<string, unknown>;
  return ["cards", "has", "lacks", "deleted", "acked", "streamed", "lost"].flatMap((k) =>
    Array.isArray(c[k]) ? (c[k] as number[]) : [],
  );
}

/** Each mismatch of one claim against one step, as "expected …, simulated …". */
function mismatches(e: Expectation, step: TraceStep, scenario: Scenario, run: Run): string[] {
  const out: string[] = [];
  const compare = (what: string, expected: unknown, actual: unknown) => {
    if (expected !== undefined && !same(expected, actual))
      out.push(`${what}: expected ${show(expected)}, simulated ${show(actual)}`);
  };
  const { servers, clients } = step.after;
  switch (e.name) {
    case "server": {
      const c = e.claim;
      const s = servers[c.server]!;
      const who = `server "${c.server}"`;
      compare(`${who} mode`, c.mode, s.mode);
      compare(`${who} up`, c.up, s.up);
      compare(`${who} timeline`, c.timeline, s.timeline);
      compare(`${who} cards`, c.cards ? [...c.cards].sort((a, b) => a - b) : undefined, s.cards);
      // has and lacks speak of what the server holds: its rows and its commits still waiting for an ack.
      const held = [...s.cards, ...s.unconfirmed].sort((a, b) => a - b);
      const missing = (c.has ?? []).filter((n) => !held.includes(n));
      if (missing.length)
        out.push(`${who} has: expected cards ${show(c.has)}, simulated cards ${show(held)} (missing ${show(missing)})`);
      const present = (c.lacks ?? []).filter((n) => held.includes(n));
      if (present.length)
        out.push(
          `${who} lacks: expected none of ${show(c.lacks)}, simulated cards ${show(held)} (holds ${show(present)})`,
        );
      // deleted: it had them, and has replayed the DELETE that took them away (lacks holds for cards never received, too).
      const kept = (c.deleted ?? []).filter((n) => !(s.deleted ?? []).includes(n));
      if (kept.length)
        out.push(
          `${who} deleted: expected a replayed DELETE of ${show(c.deleted)}, simulated ${
            s.deleted ? `deleted ${show(s.deleted)}` : "no card deleted there"
          } (not deleted: ${show(kept)})`,
        );
      compare(`${who} streaming`, c.streaming, s.walreceiver === "streaming");
      compare(`${who} upstream`, c.upstream, s.upstream);
      compare(`${who} replay_paused`, c.replay_paused, s.replayPaused);
      compare(`${who} replay_conflict`, c.replay_conflict, s.replayConflict === true);
      compare(`${who} lag`, c.lag, s.received - s.replayed);
      // Every walsender has a sync_state; a standby not streaming has none (it is not in pg_stat_replication).
      const state = s.syncState ?? (s.walreceiver === "streaming" ? "async" : "not streaming");
      compare(`${who} sync_state`, c.sync_state, state);
      break;
    }
    case "client": {
      const c = e.claim;
      const s = clients[c.client]!;
      const who = `client "${c.client}"`;
      compare(`${who} waiting`, c.waiting, s.waiting !== null);
      compare(`${who} acked`, c.acked, s.acked);
      compare(`${who} read`, c.read, s.lastRead?.result ?? null);
      compare(`${who} holding`, c.holding, s.holding !== null);
      break;
    }
    case "error": {
      const { error, on } = e.claim;
      const said = step.events.filter((ev) => (ev.actor === on || ev.to === on) && ev.message).map((ev) => ev.message!);
      if (!said.some((m) => m.includes(error))) {
        out.push(
          `error on "${on}": expected a message containing ${JSON.stringify(error)}, simulated ${said.length ? said.map((m) => JSON.stringify(m)).join("; ") : "no message"}`,
        );
      }
      break;
    }
    case "streamed": {
      const { streamed, to, from } = e.claim;
      const got = step.events
        .filter(
          (ev) =>
            (ev.kind === "stream" && ev.to === to && (from === undefined || ev.actor === from)) ||
            (ev.kind === "restore" && ev.actor === to && (from === undefined || from === "archive")),
        )
        .map((ev) => ev.card!);
      compare(
        `cards reaching "${to}"${from ? ` from ${from === "archive" ? "the archive" : `"${from}"`}` : ""}`,
        streamed,
        got,
      );
      break;
    }
    case "lost":
      compare(
        "lost cards",
        [...e.claim.lost].sort((a, b) => a - b),
        step.after.lost,
      );
      break;
    case "diverged": {
      const [a, b] = e.claim.diverged;
      const ca = servers[a]!.cards;
      const cb = servers[b]!.cards;
      const onlyA = ca.filter((n) => !cb.includes(n));
      const onlyB = cb.filter((n) => !ca.includes(n));
      if (!onlyA.length || !onlyB.length) {
        out.push(
          `diverged: expected each of "${a}" and "${b}" to hold a card the other lacks, simulated ${show(ca)} and ${show(cb)}`,
        );
      }
      break;
    }
    case "slot": {
      const c = e.claim;
      const name = resolveSlot(run.settings, scenario.roles, c.slot);
      const slot = servers[c.on]!.slots?.[name];
      const who = `slot "${name}" on "${c.on}"`;
      compare(`${who} exists`, c.exists, slot !== undefined);
      if ((c.active !== undefined || c.wal_status !== undefined) && !slot && c.exists !== false)
        out.push(`${who}: expected it to exist, simulated no such slot`);
      else if (slot) {
        compare(`${who} active`, c.active, slot.active);
        compare(`${who} wal_status`, c.wal_status, slot.walStatus);
      }
      break;
    }
    case "promoted": {
      const promoted = step.events.filter((ev) => ev.kind === "promote").map((ev) => ev.actor);
      if (!promoted.includes(e.claim.promoted))
        out.push(
          `promoted: expected "${e.claim.promoted}", simulated ${promoted.length ? promoted.map((p) => `"${p}"`).join(", ") : "no promotion"}`,
        );
      break;
    }
  }
  return out;
}

export function checkExpectations(scenario: Scenario, trace: Trace): ExpectationReport {
  const report: ExpectationReport = { failures: [], problems: [], checked: 0 };
  const byNumber = new Map(trace.steps.map((s) => [s.number, s]));
  for (const run of scenario.runs) {
    // The cards the run uses, read from its events only when one of its steps makes a claim.
    if (!run.steps.some((step) => step.expect.length > 0)) continue;
    const used = new Set<number>();
    for (const s of trace.steps) {
      if (s.run !== run.number) continue;
      for (const ev of s.events) {
        if (ev.card) used.add(ev.card);
        if (ev.cards) for (const n of ev.cards) if (n) used.add(n);
      }
    }
    const highest = Math.max(0, ...used);
    for (const step of run.steps) {
      const traced = byNumber.get(step.number)!;
      for (const e of step.expect) {
        report.checked++;
        const unknown = cardsIn(e).filter((n) => !used.has(n));
        if (unknown.length) {
          report.problems.push({
            file: scenario.file,
            position: e.at,
            message: `step ${step.number}: no card ${unknown.join(", ")} in this run (${highest > 1 ? `its cards are 1 to ${highest}` : highest === 1 ? "its only card is 1" : "it uses no cards"})`,
          });
          continue;
        }
        for (const m of mismatches(e, traced, scenario, run))
          report.failures.push({
            file: scenario.file,
            position: e.at,
            message: `step ${step.number} "${step.title}": ${m}`,
          });
      }
    }
  }
  return report;
}
