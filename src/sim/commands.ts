/**
 * The real commands behind each action, as an operator would type them. The simulator emits them
 * while it performs the action (so they follow its choices: which candidate a failover promotes,
 * which backend a proxy routes to, whether the old primary is running), they go into the trace,
 * the script prints them, and `replikit verify` runs the very same lines with the holes filled in:
 * a host becomes `-h 127.0.0.1 -p PORT`, a data folder its real path.
 */

/** A part of a command line that depends on the stage it runs on. */
export type Hole =
  /** Connection options for a server: `-h alpha` printed, `-h 127.0.0.1 -p PORT …` when run. */
  | { host: string }
  /** A server's data folder: `data/alpha` printed, its real folder when run. */
  | { dir: string }
  /** What a standby connects to: `host=beta application_name=alpha` printed, with a port and user when run. */
  | { conninfo: { upstream: string; standby: string } };

export type Command =
  /** A shell line. A client's psql may keep running: a commit waiting for its ack, a query held open. */
  | { action: number; kind: "shell"; line: (string | Hole)[]; client?: string; session?: "waits" | "holds" }
  /** Ctrl-C in a client's running psql: it cancels the statement (psql sends a cancel request). */
  | { action: number; kind: "interrupt"; client: string }
  /** The network between two roles fails or comes back: no command, something a cable does. */
  | { action: number; kind: "network"; cut: boolean; between: [string, string] }
  | { action: number; kind: "sleep"; seconds: number };

/**
 * The SQL a card, a read and a vacuum joker stand for. One card is one WAL segment: each write first
 * switches to a new one, so that, as in the model, the newest card sits in the segment still being
 * written — neither archived nor removable by a checkpoint until the next card closes it.
 */
export const SQL = {
  write: (card: number) => ["SELECT pg_switch_wal();", `INSERT INTO cards VALUES (${card});`],
  /** A DELETE of given cards: its record, like a card, begins a segment of its own. */
  delete: (cards: number[]) => ["SELECT pg_switch_wal();", `DELETE FROM cards WHERE n IN (${cards.join(", ")});`],
  /** An UPDATE: the card's row becomes a new card, in a segment of its own. */
  update: (card: number, next: number) => [
    "SELECT pg_switch_wal();",
    `UPDATE cards SET n = ${next} WHERE n = ${card};`,
  ],
  readLatest: () => ["SELECT max(n) FROM cards;"],
  readCard: (card: number) => [`SELECT n FROM cards WHERE n = ${card};`],
  /** A reader holding its snapshot: an open REPEATABLE READ transaction, still reading. */
  hold: () => ["BEGIN ISOLATION LEVEL REPEATABLE READ;", "SELECT max(n) FROM cards;", "SELECT pg_sleep(3600);"],
  /** A joker: dead rows made and removed, so that VACUUM logs a cleanup a standby query may conflict with. */
  vacuum: () => [
    "SELECT pg_switch_wal();",
    "INSERT INTO victims SELECT generate_series(1, 10);",
    "DELETE FROM victims;",
    "VACUUM victims;",
  ],
  promote: () => ["SELECT pg_promote();"],
  checkpoint: () => ["CHECKPOINT;"],
  positions: () => ["SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn();"],
  reload: () => ["SELECT pg_reload_conf();"],
  /** A physical slot reserving WAL at once (immediately_reserve), as a standby's slot must. */
  createSlot: (name: string) => `SELECT pg_create_physical_replication_slot('${name}', true);`,
  dropSlot: (name: string) => `SELECT pg_drop_replication_slot('${name}');`,
};

export { slotName } from "../scenario/model.js";

/** A psql line running each statement in turn on a server. */
export function psql(server: string, statements: string[]): (string | Hole)[] {
  const line: (string | Hole)[] = ["psql ", { host: server }];
  for (const s of statements) line.push(" -c ", quote(s));
  return line;
}

/** A word as the shell must see it: bare when it is safe, else quoted. */
export function quote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  if (!/[\\"$`!]/.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** How a command reads in the script: holes as the role ids that name hosts and data folders. */
export function printCommand(command: Command, label: (id: string) => string): string {
  switch (command.kind) {
    case "shell":
      return `$ ${command.line.map((part) => (typeof part === "string" ? part : printHole(part))).join("")}`;
    case "interrupt":
      return `Ctrl-C  # in ${label(command.client)}'s psql`;
    case "network":
      return `# the network between ${label(command.between[0])} and ${label(command.between[1])} ${command.cut ? "fails" : "is back"}`;
    case "sleep":
      return `$ sleep ${command.seconds}`;
  }
}

export function printHole(hole: Hole): string {
  if ("host" in hole) return `-h ${hole.host}`;
  if ("dir" in hole) return `data/${hole.dir}`;
  return `host=${hole.conninfo.upstream} application_name=${hole.conninfo.standby}`;
}
