/**
 * pg_rewind, as PostgreSQL 15 does it (src/bin/pg_rewind/pg_rewind.c, and seen on a real 15):
 *
 * 1. It connects to the source (a running server).
 * 2. A target not cleanly shut down is first run once in single-user mode to finish crash recovery
 *    (automatic since 13; --no-ensure-shutdown turns it off). That fails on a running target (its
 *    postmaster.pid) and on one with a standby.signal ("standby mode is not supported by
 *    single-user servers"); it succeeds on a crashed primary, whose end-of-recovery checkpoint
 *    recycles WAL like any checkpoint.
 * 3. It refuses a target without data checksums or wal_log_hints.
 * 4. It finds where the two histories diverged (their timeline histories). Same timeline, or a
 *    target that ends at or before the divergence: "no rewind required".
 * 5. It reads the target's own WAL back from the divergence to the last checkpoint before it; a
 *    segment already removed there ends it ("could not find previous WAL record").
 * 6. Else it copies what changed from the source; with -R it writes standby.signal and a
 *    primary_conninfo to the source. Started, the target replays the source's WAL and follows it.
 */
import type { ActionArgs } from "../../scenario/schema.js";
import { emit, must, run } from "../act.js";
import { messages } from "../messages.js";
import { rowsOf, server, visibleCards, type Server, type Stage } from "../state.js";
import { moveSlot, operator, recycle } from "./servers.js";

/** A server's timeline history, oldest first: each timeline and the position where it ends (Infinity: its current). */
export function history(s: Server): { timeline: number; end: number }[] {
  const out: { timeline: number; end: number }[] = [{ timeline: s.timeline, end: Infinity }];
  for (;;) {
    const branch = s.branches.find((b) => b.timeline === out[0]!.timeline);
    if (!branch) return out;
    out.unshift({ timeline: branch.parent, end: branch.forkAt });
  }
}

/** Where two histories part: the last timeline they share and the position where one leaves it. */
function divergence(source: Server, target: Server): { position: number; timeline: number } {
  const a = history(source);
  const b = history(target);
  let i = 0;
  while (i + 1 < a.length && i + 1 < b.length && a[i + 1]!.timeline === b[i + 1]!.timeline) i++;
  return { position: Math.min(a[i]!.end, b[i]!.end), timeline: b[i]!.timeline };
}

/** The timeline a position of the target's WAL is on, by its history. */
function timelineAt(s: Server, position: number): number {
  return history(s).find((h) => position <= h.end)?.timeline ?? s.timeline;
}

export function rewind(stage: Stage, { from, to, by }: ActionArgs<"rewind">): void {
  const f = server(stage, from);
  const t = server(stage, to);
  must(f.exists && f.up, `cannot rewind from "${from}": it is not running at this point (pg_rewind connects to it)`);
  must(t.exists, `cannot rewind "${to}": it has no data yet; clone onto it instead`);
  const actor = by ?? operator(stage, ["admin"]);
  const failed = (message: string, detail?: string) =>
    emit(stage, { kind: "rewind-failed", actor, from, to, message, detail });

  // PostgreSQL 15's pg_rewind reads the source's timeline from its last checkpoint: on a server
  // whose promotion's checkpoint has not finished yet it still reads the old one ("source and
  // target cluster are on the same timeline"). In the model that checkpoint is done at once, and
  // verify waits for it before it runs pg_rewind. (An extra CHECKPOINT, as PostgreSQL's manual
  // suggests, would recycle the new primary's WAL since the fork, which the rewound server needs.)
  run(stage, {
    kind: "shell",
    line: [
      "pg_rewind --target-pgdata=",
      { dir: to },
      ' --source-server="',
      { conninfo: { upstream: from, standby: to } },
      ' dbname=postgres" --write-recovery-conf',
    ],
  });

  if (!t.clean) {
    // ensureCleanShutdown: `postgres --single` on the target, to finish crash recovery.
    if (t.up) return failed(messages.rewindSingleUserFailed(), messages.lockFileExists());
    if (t.mode === "standby") return failed(messages.rewindSingleUserFailed(), messages.singleUserStandby());
    emit(stage, { kind: "crash-recovery", actor, to, message: messages.rewindCrashRecovery() });
    recycle(stage, t);
    t.clean = true;
  }
  if (!stage.settings.wal_log_hints && !stage.settings.data_checksums) return failed(messages.rewindNeedsHints());

  const fork = divergence(f, t);
  const sourceWal = f.wal.slice(0, f.mode === "primary" ? f.wal.length : f.replayed);
  let message: string;
  let detail: string | undefined;
  let rewound = false;
  if (f.timeline === t.timeline) {
    message = messages.rewindNotRequired();
    detail = messages.rewindSameTimeline();
  } else if (t.wal.length <= fork.position) {
    message = messages.rewindNotRequired();
    detail = messages.rewindDiverged(fork.position, fork.timeline);
  } else {
    const checkpoint = Math.max(-1, ...t.checkpoints.filter((c) => c <= fork.position));
    if (checkpoint < t.walFrom) {
      // Read backwards from the divergence: the first segment it misses ends it.
      const missing = Math.min(fork.position, t.walFrom - 1);
      return failed(
        messages.rewindNoRecord(fork.position),
        messages.rewindNoSegment(to, timelineAt(t, missing), missing),
      );
    }
    message = messages.rewindDiverged(fork.position, fork.timeline);
    detail = messages.rewindFrom(checkpoint, timelineAt(t, checkpoint));
    rewound = true;
  }

  // What the target keeps of its own (the rows it shows that it had replayed before the fork and
  // still has afterwards), what it takes from the source (the rest of its rows afterwards), and the
  // rows it gives up (past the fork, or deleted on the source since).
  const before = new Set(visibleCards(t));
  let common = 0;
  while (
    common < fork.position &&
    common < t.wal.length &&
    common < sourceWal.length &&
    t.wal[common]!.card === sourceWal[common]!.card
  )
    common++;
  const ownBeforeFork = t.wal
    .slice(0, Math.min(common, t.replayed))
    .filter((r) => r.kind === "write" && before.has(r.card))
    .map((r) => r.card);
  const records = rewound ? sourceWal : t.wal;
  const after = new Set(rowsOf(records, new Set()));
  const kept = new Set(ownBeforeFork.filter((c) => after.has(c)));
  const copied = rewound ? [...after].filter((c) => !kept.has(c)) : [];
  const discarded = rewound ? [...before].filter((c) => !after.has(c)) : [];

  if (rewound) {
    Object.assign(t, {
      timeline: f.timeline,
      branches: f.branches.map((b) => ({ ...b })),
      wal: [...records],
      replayed: records.length,
      recycled: 0,
      archived: 0,
      // pg_control is the source's, "in archive recovery", until the target has run.
      clean: false,
      checkpoints: [
        ...new Set([
          ...t.checkpoints.filter((c) => c <= fork.position),
          ...f.checkpoints.filter((c) => c > fork.position),
        ]),
      ].filter((c) => c <= records.length),
    } satisfies Partial<Server>);
  }
  Object.assign(t, {
    mode: "standby",
    // Its last record (a shutdown checkpoint, or the source's newest) lies inside a segment.
    atBoundary: false,
    upstream: from,
    receiver: "off",
    problem: undefined,
    learnt: undefined,
    conflictSince: undefined,
    slots: {},
    pending: [],
    paused: false,
  } satisfies Partial<Server>);
  // With slots, its slot moves to the source; -R names none, so primary_slot_name is added.
  const slot = moveSlot(stage, t, from);
  if (slot !== undefined)
    run(stage, {
      kind: "shell",
      line: [`echo "primary_slot_name = '${slot}'" >> `, { dir: to }, "/postgresql.auto.conf"],
    });
  emit(stage, {
    kind: "rewind",
    actor,
    from,
    to,
    cards: copied,
    position: fork.position,
    timeline: fork.timeline,
    result: rewound ? "rewound" : "not required",
    message,
    detail,
  });
  if (discarded.length > 0) emit(stage, { kind: "discard", actor: to, cards: discarded });
}
