/**
 * The real PostgreSQL operation behind each scenario action, as the text a DBA would type. The
 * script prints it under each step, and `replikit verify` runs the same operations.
 */
import type { Scenario } from "../scenario/model.js";
import type { Action } from "../scenario/schema.js";

/**
 * The SQL a card, a read and a vacuum joker stand for: verify runs exactly these, each statement
 * in its own transaction. One card is one WAL segment: each write first switches to a new one,
 * so that, as in the model, the newest card sits in the segment still being written — neither
 * archived nor removable by a checkpoint until the next card closes it.
 */
export const SQL = {
  write: (card: number) => ["SELECT pg_switch_wal();", `INSERT INTO cards VALUES (${card});`],
  readLatest: () => "SELECT max(n) FROM cards;",
  readCard: (card: number) => `SELECT n FROM cards WHERE n = ${card};`,
  /** A reader holding its snapshot: an open REPEATABLE READ transaction, still reading. */
  hold: () => ["BEGIN ISOLATION LEVEL REPEATABLE READ;", "SELECT max(n) FROM cards;", "SELECT pg_sleep(3600);"],
  /** A joker: dead rows made and removed, so that VACUUM logs a cleanup a standby query may conflict with. */
  vacuum: () => ["SELECT pg_switch_wal();", "INSERT INTO victims SELECT generate_series(1, 10);", "DELETE FROM victims;", "VACUUM victims;"],
  promote: () => "SELECT pg_promote();",
  checkpoint: () => ["CHECKPOINT;"],
  positions: () => "SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn();",
};

/** The commands behind one action, for the facilitator script (labels stand for hosts and folders). */
export function commandsFor(action: Action, scenario: Scenario): string[] {
  const label = (id: string) => scenario.roles.find((r) => r.id === id)?.label ?? id;
  const on = (id: string, sql: string) => `${label(id)}=# ${sql}`;
  switch (action.name) {
    case "write": {
      const target = action.args.to ? label(action.args.to) : label(action.args.via!);
      return [`${target}=# INSERT INTO cards VALUES (…);${(action.args.count ?? 1) > 1 ? `  -- ${action.args.count} times` : ""}`];
    }
    case "read": {
      const target = action.args.from ? label(action.args.from) : label(action.args.via!);
      const sql = action.args.wants === "own-last-write" ? "SELECT n FROM cards WHERE n = <my last card>;" : SQL.readLatest();
      return [action.args.hold ? `${target}=# BEGIN ISOLATION LEVEL REPEATABLE READ; ${sql}  -- kept open` : `${target}=# ${sql}`];
    }
    case "release":
      return [`${label(action.args)}: COMMIT;  -- the long query ends`];
    case "cancel":
      return [`${label(action.args)}: Ctrl-C  -- pg_cancel_backend() on the waiting commit`];
    case "vacuum":
      return [on(action.args.on, "DELETE FROM victims; VACUUM victims;")];
    case "clone":
      return [`$ pg_basebackup -h ${label(action.args.from)} -D ${label(action.args.to)} -R -X stream`];
    case "start":
      return [`$ pg_ctl start -D ${label(action.args)}`];
    case "stop":
      return [`$ pg_ctl stop -m fast -D ${label(action.args)}`];
    case "crash":
      return [`$ pg_ctl stop -m immediate -D ${label(action.args)}`];
    case "promote":
      return [on(action.args, SQL.promote())];
    case "follow":
      return [`${label(action.args.server)}: primary_conninfo = 'host=${label(action.args.upstream)}'  -- then SELECT pg_reload_conf();`];
    case "failover":
      return [
        ...action.args.candidates.map((c) => on(c, SQL.positions())),
        "-- promote the furthest with SELECT pg_promote(); point the others at it with a new primary_conninfo",
      ];
    case "checkpoint":
      return [on(action.args, "CHECKPOINT;")];
    case "cut":
      return [`-- the network between ${label(action.args[0])} and ${label(action.args[1])} fails`];
    case "heal":
      return [`-- the network between ${label(action.args[0])} and ${label(action.args[1])} is back`];
    case "wait":
      return [`-- ${action.args} seconds pass`];
  }
}
