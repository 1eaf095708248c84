/**
 * Scenario → Trace. Pure and deterministic: no clock, no randomness, iteration in role order.
 */
import { ScenarioError, type Diagnostic } from "../scenario/diagnostics.js";
import type { Scenario } from "../scenario/model.js";
import { perform, StepProblem } from "./actions/index.js";
import { settle, walsenders } from "./flow.js";
import { syncStates } from "./syncrep.js";
import { lsn } from "./messages.js";
import { activeUser, heldCard, walStatus } from "./slots.js";
import { deletedCards, freshStage, visibleCards, type Server, type Stage } from "./state.js";
import { TRACE_FORMAT, type SlotSnapshot, type Snapshot, type Trace, type TraceStep } from "./trace.js";

/** Cards no server (nor the archive) holds any more: they are gone for good. */
function noteLosses(stage: Stage): void {
  // The cards not known lost yet, less each one found held: the primary mostly holds them all, so
  // the search mostly ends in its WAL.
  const missing = new Set<number>();
  for (const card of stage.written) if (!stage.lost.has(card)) missing.add(card);
  for (const s of stage.servers.values()) {
    if (missing.size === 0) return;
    if (s.exists) for (const r of s.wal) if (missing.delete(r.card) && missing.size === 0) return;
  }
  for (const a of stage.archive) if (missing.delete(a.record.card) && missing.size === 0) return;
  if (missing.size === 0) return;
  const gone = [...missing].sort((a, b) => a - b);
  for (const card of gone) stage.lost.add(card);
  stage.events.push({ kind: "lost", actor: "facilitator", cards: gone });
}

/** Cards in ascending order: sorted only when they are not already (a plain WAL's are). */
function ascending(cards: number[]): number[] {
  for (let i = 1; i < cards.length; i++) if (cards[i - 1]! > cards[i]!) return cards.sort((a, b) => a - b);
  return cards;
}

function slotsSnapshot(stage: Stage, s: Server): Record<string, SlotSnapshot> | undefined {
  const names = Object.keys(s.slots).sort();
  if (names.length === 0) return undefined;
  return Object.fromEntries(
    names.map((name) => {
      const slot = s.slots[name]!;
      return [
        name,
        {
          active: activeUser(stage, s, name) !== undefined,
          walStatus: walStatus(stage, s, slot),
          holds: heldCard(s, slot),
        },
      ];
    }),
  );
}

function snapshot(stage: Stage): Snapshot {
  const servers: Snapshot["servers"] = {};
  for (const s of stage.servers.values()) {
    servers[s.id] = {
      mode: s.mode,
      up: s.up,
      timeline: s.timeline,
      cards: ascending(visibleCards(s)),
      // A DELETE waiting for its ack hides nothing: its rows stay visible until it is confirmed.
      unconfirmed: s.pending
        .filter((p) => s.wal.find((r) => r.card === p.card)?.kind === "write")
        .map((p) => p.card)
        .sort((a, b) => a - b),
      unreplayed: s.wal.slice(s.replayed).map((r) => r.card),
      received: s.wal.length,
      replayed: s.replayed,
      lsn: lsn(s.wal.length),
      upstream: s.upstream ?? null,
      walreceiver: s.mode === "standby" && s.up ? s.receiver : "off",
      replayPaused: s.paused,
      replayConflict: s.conflictSince !== undefined ? true : undefined,
      pgWal: s.mode === "primary" ? s.wal.slice(s.recycled).map((r) => r.card) : [],
      error: s.problem ?? null,
      slots: slotsSnapshot(stage, s),
      deleted: deletedCards(s),
    };
  }
  if (stage.settings.synchronous_standby_names.length > 0) {
    for (const p of stage.servers.values()) {
      if (p.mode !== "primary" || !p.up) continue;
      const senders = walsenders(stage, p).map((s) => s.id);
      for (const [id, state] of syncStates(stage.settings, senders)) servers[id]!.syncState = state;
    }
  }
  const clients: Snapshot["clients"] = {};
  for (const role of stage.scenario.roles) {
    const c = stage.clients.get(role.id);
    if (!c) continue;
    clients[role.id] = {
      kind: role.kind,
      wrote: [...c.wrote],
      acked: [...c.acked],
      waiting: c.waiting?.card ?? null,
      holding: c.holding ? { ...c.holding } : null,
      lastRead: c.lastRead ? { ...c.lastRead } : null,
    };
  }
  return {
    clock: stage.clock,
    servers,
    clients,
    archive: stage.settings.archive ? stage.archive.map((a) => a.record.card) : null,
    cut: [...stage.cut].sort().map((k) => k.split("|") as [string, string]),
    lost: [...stage.lost].sort((a, b) => a - b),
  };
}

/** Simulates every run of a scenario. Throws ScenarioError when an action cannot be done at its moment. */
export function simulate(scenario: Scenario): Trace {
  const { trace, problems } = simulateLeniently(scenario);
  if (problems.length > 0) throw new ScenarioError(problems);
  return trace;
}

/**
 * Simulates every run, skipping actions that cannot be done at their moment and returning them
 * as problems beside the trace (for tests that explore random action sequences).
 */
export function simulateLeniently(scenario: Scenario): { trace: Trace; problems: Diagnostic[] } {
  const problems: Diagnostic[] = [];
  const steps: TraceStep[] = [];
  const deck = {
    writes: new Set<number>(),
    jokers: new Set<number>(),
    deletes: new Set<number>(),
    reads: new Set<number>(),
    acks: new Set<number>(),
  };
  for (const run of scenario.runs) {
    const stage = freshStage(scenario, run.settings);
    for (const step of run.steps) {
      stage.events = [];
      stage.commands = [];
      for (const [index, action] of step.actions.entries()) {
        stage.action = index;
        try {
          perform(stage, action);
        } catch (error) {
          if (!(error instanceof StepProblem)) throw error;
          if (!error.echo)
            problems.push({
              file: scenario.file,
              position: (error.key ? action.keysAt?.[error.key] : undefined) ?? action.at,
              message: `step ${step.number}, ${action.name}: ${error.message}`,
            });
        }
        noteLosses(stage);
      }
      // What the volunteers did ends here; what follows flowed when time passed at the step's end.
      const flowFrom = stage.events.length;
      settle(stage);
      noteLosses(stage);
      for (const e of stage.events) {
        if (e.kind === "write") deck.writes.add(e.card!);
        if (e.kind === "vacuum") deck.jokers.add(e.card!);
        if (e.kind === "delete") deck.deletes.add(e.card!);
        if (e.kind === "read" || (e.kind === "read-failed" && e.query)) deck.reads.add(e.query!);
        if (e.kind === "standby-ack") deck.acks.add(e.card!);
      }
      steps.push({
        number: step.number,
        run: run.number,
        title: step.title,
        events: stage.events,
        flowFrom,
        commands: stage.commands,
        after: snapshot(stage),
      });
    }
  }
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  const trace: Trace = {
    format: TRACE_FORMAT,
    scenario: { id: scenario.id, title: scenario.title },
    runs: scenario.runs.map((r) => ({ number: r.number, title: r.title, settings: { ...r.settings } })),
    deck: {
      writes: sorted(deck.writes),
      jokers: sorted(deck.jokers),
      // DELETE records, when the scenario has any (left out otherwise: earlier traces stay as they were).
      deletes: deck.deletes.size > 0 ? sorted(deck.deletes) : undefined,
      reads: sorted(deck.reads),
      acks: sorted(deck.acks),
    },
    steps,
  };
  return { trace, problems };
}
