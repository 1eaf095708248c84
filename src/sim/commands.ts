/**
 * The real PostgreSQL operation behind each scenario action, as the text a DBA would type. The
 * script prints it under each step, and `replikit verify` runs the same operations.
 */
import type { Scenario } from "../scenario/model.js";
import type { Action, ActionArgs, ActionName } from "../scenario/schema.js";

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
  vacuum: () => [
    "SELECT pg_switch_wal();",
    "INSERT INTO victims SELECT generate_series(1, 10);",
    "DELETE FROM victims;",
    "VACUUM victims;",
  ],
  promote: () => "SELECT pg_promote();",
  checkpoint: () => ["CHECKPOINT;"],
  positions: () => "SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn();",
};

type Describe<K extends ActionName> = (args: ActionArgs<K>, label: (id: string) => string) => string[];

/** The commands behind each action word, for the facilitator script (labels stand for hosts and folders). */
const COMMANDS: { [K in ActionName]: Describe<K> } = {
  write: (a, label) => [
    `${label(a.to ?? a.via!)}=# INSERT INTO cards VALUES (…);${(a.count ?? 1) > 1 ? `  -- ${a.count} times` : ""}`,
  ],
  read: (a, label) => {
    const sql = a.wants === "own-last-write" ? "SELECT n FROM cards WHERE n = <my last card>;" : SQL.readLatest();
    return [
      a.hold
        ? `${label(a.from ?? a.via!)}=# BEGIN ISOLATION LEVEL REPEATABLE READ; ${sql}  -- kept open`
        : `${label(a.from ?? a.via!)}=# ${sql}`,
    ];
  },
  release: (a, label) => [`${label(a)}: COMMIT;  -- the long query ends`],
  cancel: (a, label) => [`${label(a)}: Ctrl-C  -- pg_cancel_backend() on the waiting commit`],
  vacuum: (a, label) => [`${label(a.on)}=# DELETE FROM victims; VACUUM victims;`],
  clone: (a, label) => [`$ pg_basebackup -h ${label(a.from)} -D ${label(a.to)} -R -X stream`],
  start: (a, label) => [`$ pg_ctl start -D ${label(a)}`],
  stop: (a, label) => [`$ pg_ctl stop -m fast -D ${label(a)}`],
  crash: (a, label) => [`$ pg_ctl stop -m immediate -D ${label(a)}`],
  promote: (a, label) => [`${label(a)}=# ${SQL.promote()}`],
  follow: (a, label) => [
    `${label(a.server)}: primary_conninfo = 'host=${label(a.upstream)}'  -- then SELECT pg_reload_conf();`,
  ],
  failover: (a, label) => [
    ...a.candidates.map((c) => `${label(c)}=# ${SQL.positions()}`),
    "-- promote the furthest with SELECT pg_promote(); point the others at it with a new primary_conninfo",
  ],
  checkpoint: (a, label) => [`${label(a)}=# CHECKPOINT;`],
  cut: (a, label) => [`-- the network between ${label(a[0])} and ${label(a[1])} fails`],
  heal: (a, label) => [`-- the network between ${label(a[0])} and ${label(a[1])} is back`],
  wait: (a) => [`-- ${a} seconds pass`],
};

/** The commands behind one action, for the facilitator script (labels stand for hosts and folders). */
export function commandsFor(action: Action, scenario: Scenario): string[] {
  const label = (id: string) => scenario.roles.find((r) => r.id === id)?.label ?? id;
  return (COMMANDS[action.name] as Describe<typeof action.name>)(action.args, label);
}
