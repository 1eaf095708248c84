/**
 * Hover help for YAML editors: a description for every key of the scenario language, added to
 * the JSON Schema that `replikit schema` prints. Keyed "parent.key" (the parent is the key, action
 * or expectation the key sits in; "" at the top), with "*.key" for a key that means the same
 * wherever it appears. tests/scenario/schema.test.ts checks that no key is left undescribed.
 */
export const DESCRIPTIONS: Record<string, string> = {
  ".id": "The scenario's id: lower-case letters, digits and '-'. Also the kit's folder name (OUT/<id>/).",
  ".title": "The interactive's title, printed on every product.",
  ".summary": "A short paragraph on what the room will see, printed at the top of the script.",
  ".goals": "What the room should take away, one line each (at most 10).",
  ".minutes": "How long the interactive takes, in minutes.",
  ".roles": "Who is on stage: every server and client, one volunteer each (at most 12).",
  ".settings": "PostgreSQL settings for every run (each run may override them).",
  ".simplifications": "What the workshop simplifies on purpose, said once in the script.",
  ".props": "Extra things to bring, besides the materials replikit lists itself.",
  ".steps": "What the facilitator asks the volunteers to do, in order (one run). Give steps or runs, not both.",
  ".runs": "Several runs of the interactive, each from a fresh stage with its own settings and steps.",
  ".debrief": "Questions for the end, each with its answer, printed in the script.",
  "roles.id": "The role's id, used by actions and claims.",
  "roles.label": "The name printed huge on the role card (at most 24 characters).",
  "roles.kind": "What the role is: primary, standby, writer, reader, application, proxy, basebackup or admin.",
  "roles.starts":
    "Standbys only: streaming (already cloned and following, the default) or empty (a machine still to be cloned).",
  "roles.upstream": "Standbys only: the server it follows (default: the first primary).",
  "roles.backends": "Proxies only: the servers it routes to.",
  "roles.brief": "A line for the role card, in the facilitator's words.",
  "roles.settings": "This server's own settings, in its own postgresql.conf.",
  "settings.recovery_min_apply_delay":
    "Standbys only: seconds each commit waits before this standby replays it (replay, not receipt, is delayed).",
  "settings.archive": "archive_mode = on, with an archive_command on primaries and a restore_command on standbys.",
  "settings.wal_keep_size": "How many cards (one card stands for one 16 MB segment) pg_wal keeps after a checkpoint.",
  "settings.replication_slots":
    "Each standby has a replication slot on its upstream, which keeps the WAL it still needs.",
  "settings.synchronous_standby_names":
    'The synchronous standbys, by role id: a list (FIRST 1), or PostgreSQL\'s own text: "FIRST 2 (a, b, c)", "ANY 2 (a, b, c)", "*".',
  "settings.synchronous_commit":
    "How long a commit waits: off, local, remote_write, on (flushed on the synchronous standby) or remote_apply (replayed there).",
  "settings.max_standby_streaming_delay":
    "Seconds a standby delays replay for a conflicting query before cancelling it; -1 waits forever.",
  "settings.slot":
    "Servers only: a physical replication slot on its upstream, its primary_slot_name: true (named after its role id), a slot name, or false (none, whatever replication_slots says).",
  "settings.max_slot_wal_keep_size":
    "How many cards (16 MB segments) a replication slot may hold back; a checkpoint invalidates a slot holding more (wal_status lost). -1 (the default): no limit.",
  "settings.hot_standby_feedback":
    "Standbys tell their upstream which rows their queries still need, so VACUUM keeps them (in a server's own settings: that standby only).",
  "settings.wal_log_hints":
    "wal_log_hints = on on every server (default off): pg_rewind needs it, or data checksums, on the server it rewinds.",
  "settings.data_checksums":
    "initdb --data-checksums (default off): chosen when the primary is made, inherited by its clones; pg_rewind accepts it instead of wal_log_hints.",
  "steps.title": "The step's title, printed in the script and on the diagram.",
  "steps.say": "What the facilitator says to the room at this step.",
  "steps.actions": "What the volunteers do, in order: each action is one real PostgreSQL operation.",
  "steps.why": "The teaching point of the step, for the facilitator.",
  "steps.watch": "What the room should watch for during the step.",
  "steps.minutes": "How long the step takes, in minutes (for the script's timing).",
  "steps.expect": "Claims about the outcome, checked against the simulation by replikit check.",
  "runs.title": "The run's title.",
  "runs.intro": "What the facilitator says before the run starts.",
  "runs.settings": "PostgreSQL settings for this run, over the scenario's.",
  "runs.steps": "The run's steps, from a fresh stage.",
  "debrief.question": "A question for the room.",
  "debrief.answer": "Its answer, for the facilitator.",
  "actions.write": "A client commits new cards (INSERT), to a server or through a proxy.",
  "actions.delete":
    "A client deletes given cards (DELETE FROM cards WHERE n IN (…)): a DELETE record in the WAL, which removes the rows on each server when it replays it.",
  "actions.update":
    "A client updates a card (UPDATE cards SET n = new WHERE n = card): a new card replaces it, and each server that replays it drops the old row.",
  "actions.read":
    "A client reads (SELECT): the newest card it can see, or its own last write; hold keeps the snapshot open.",
  "actions.release": "A reader ends its held query and gives back what it held.",
  "actions.vacuum": "A client runs VACUUM on a primary: a joker card that removes dead rows.",
  "actions.clone": "pg_basebackup -R: copy a running server onto a stopped or empty one, set up to follow the source.",
  "actions.start": "pg_ctl start: start a stopped server.",
  "actions.stop": "pg_ctl stop -m fast: a clean shutdown; a primary first sends its standbys all they lack.",
  "actions.crash": "pg_ctl stop -m immediate: nothing more leaves the server.",
  "actions.promote": "pg_promote(): the standby becomes a primary on a new timeline.",
  "actions.follow": "A new primary_conninfo (and standby.signal for a stopped primary): follow another upstream.",
  "actions.failover": "Promote the candidate holding the most WAL, then re-point the others to it.",
  "actions.checkpoint": "CHECKPOINT: the primary recycles WAL that nothing still needs.",
  "actions.rewind":
    "pg_rewind -R: a stopped server that wrote past a fork gives up what it wrote since and takes what the source wrote since, then follows the source.",
  "actions.cut": "The network link between two roles is cut.",
  "actions.heal": "The network link between two roles is mended.",
  "actions.wait": "Time passes, in seconds.",
  "actions.cancel": "A client waiting for a synchronous commit gives up waiting (Ctrl-C).",
  "actions.pause": "pg_wal_replay_pause(): the standby stops replaying (it still receives).",
  "actions.resume": "pg_wal_replay_resume(): the standby replays again.",
  "actions.create_slot":
    "pg_create_physical_replication_slot(name, true) on a primary: a slot that keeps WAL from now on for the standby that streams through it.",
  "actions.drop_slot":
    "pg_drop_replication_slot(name): the slot goes, and the WAL it kept may be recycled; refused while a standby streams through it.",
  "create_slot.on": "The primary the slot is made on.",
  "create_slot.slot": "The slot: a server's role id (the slot it streams through) or a slot name.",
  "create_slot.by": "The role that runs it (default: an admin, if any).",
  "drop_slot.on": "The server the slot is dropped on.",
  "drop_slot.slot": "The slot: a server's role id (the slot it streams through) or a slot name.",
  "drop_slot.by": "The role that runs it (default: an admin, if any).",
  "write.by": "The client that writes.",
  "write.to": "The server it writes to (or give via).",
  "write.via": "The proxy it writes through (or give to).",
  "write.count": "How many cards (default 1).",
  "delete.by": "The client that runs the DELETE.",
  "delete.cards": "The cards (rows) it deletes, at most 4; each must be on that server at that moment.",
  "delete.to": "The server it runs on (or give via): a standby refuses it.",
  "delete.via": "The proxy it goes through (or give to): writes go to the primary.",
  "update.by": "The client that runs the UPDATE.",
  "update.card": "The card it updates: it must be on that server; a new card replaces it.",
  "update.to": "The server it runs on (or give via): a standby refuses it.",
  "update.via": "The proxy it goes through (or give to): writes go to the primary.",
  "read.by": "The client that reads.",
  "read.from": "The server it reads from (or give via).",
  "read.via": "The proxy it reads through (or give from).",
  "read.wants": "latest (the newest card it can see, the default) or own-last-write (its own last write).",
  "read.hold": "Keep the snapshot open (REPEATABLE READ) until release.",
  "vacuum.by": "The client that runs VACUUM.",
  "vacuum.on": "The primary it runs on.",
  "clone.from": "The running server copied.",
  "clone.to": "The stopped or empty server that receives the copy.",
  "clone.by": "The role that runs pg_basebackup (default: a basebackup role, if any).",
  "rewind.from": "The running server whose history wins (the new primary): pg_rewind's --source-server.",
  "rewind.to": "The stopped server rewound (the old primary): pg_rewind's --target-pgdata.",
  "rewind.by": "The role that runs pg_rewind (default: an admin, if any; else the facilitator).",
  "follow.server": "The server that is re-pointed.",
  "follow.upstream": "The server it follows from now on.",
  "failover.candidates": "The standbys that may be promoted (at least two).",
  "failover.by": "The role that carries out the failover (an admin).",
  "expect.server": "A claim about a server's state after the step: the server's role id.",
  "expect.mode": "primary, standby or empty.",
  "expect.up": "Whether the server is running.",
  "expect.timeline": "Its timeline.",
  "expect.cards": "Exactly the cards it holds.",
  "expect.has": "Cards it holds (among others).",
  "expect.lacks": "Cards it does not hold.",
  "expect.deleted": "Cards a DELETE removed here: the server had them and has replayed the DELETE.",
  "expect.streaming": "Whether it is streaming from its upstream.",
  "expect.upstream": "The server it follows.",
  "expect.replay_paused": "Replay paused by pg_wal_replay_pause() (not a conflict's wait, nor a delay).",
  "expect.replay_conflict":
    "Replay waits at a vacuum record for a query it would disturb (max_standby_streaming_delay).",
  "expect.lag": "How many cards it is behind its upstream.",
  "expect.sync_state":
    "pg_stat_replication.sync_state on the primary it streams from: sync, potential, quorum or async.",
  "expect.client": "A claim about a client after the step: the client's role id.",
  "expect.waiting": "Whether it is waiting for a synchronous commit.",
  "expect.acked": "The cards whose commit it has seen confirmed.",
  "expect.read": "What its last read got: found, stale, canceled or error.",
  "expect.holding": "Whether it holds a snapshot open.",
  "expect.error": "An error message a server logs at this step (PostgreSQL's words).",
  "expect.on": "error: the role that logs it or is told it; slot: the server the slot is on.",
  "expect.slot":
    "A claim about a replication slot (pg_replication_slots): a server's role id (the slot it streams through) or a slot name.",
  "expect.exists": "Whether the slot exists on that server.",
  "expect.active": "Whether a standby streams through the slot now.",
  "expect.wal_status":
    "pg_replication_slots.wal_status: reserved (its WAL is kept), unreserved (it holds more than max_slot_wal_keep_size: the next checkpoint invalidates it), lost (invalidated), extended.",
  "expect.streamed": "These cards reach a server at this step.",
  "expect.to": "The server they reach.",
  "expect.from": "Where they come from: a server, or archive.",
  "expect.lost": "These cards are lost at this step.",
  "expect.diverged": "These two servers hold histories that cannot be joined.",
  "expect.promoted": "This server is promoted at this step.",
};

type Json = { [key: string]: unknown };

/** Adds the descriptions to a JSON Schema made from the scenario schema (in place); returns the keys left undescribed. */
export function describeSchema(schema: object): string[] {
  const missing = new Set<string>();
  const visit = (node: unknown, parent: string) => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, parent);
      return;
    }
    const n = node as Json;
    const properties = n.properties as Record<string, Json> | undefined;
    if (properties && typeof properties === "object") {
      for (const [key, value] of Object.entries(properties)) {
        const text = DESCRIPTIONS[`${parent}.${key}`] ?? DESCRIPTIONS[`*.${key}`];
        if (text) value.description ??= text;
        else if (value.description === undefined) missing.add(`${parent}.${key}`);
        visit(value, key);
      }
    }
    for (const [key, value] of Object.entries(n)) if (key !== "properties") visit(value, parent);
  };
  visit(schema, "");
  return [...missing].sort();
}
