/**
 * Checks of meaning that need no simulation: every role an action or expectation names exists
 * and is of a kind that can do it. Checks that depend on the moment (cloning from a server that
 * is down) are the simulator's.
 */
import { didYouMean, type Diagnostic, type Position } from "./diagnostics.js";
import { commitWaits, standbySlot, type Role, type Scenario } from "./model.js";
import { SLOT_NAME_PATTERN, type ActionArgs, type ActionName, type RoleKind } from "./schema.js";

const SERVERS: RoleKind[] = ["primary", "standby"];
const CLIENTS: RoleKind[] = ["writer", "reader", "application"];
const TOOLS: RoleKind[] = ["basebackup", "admin"];
const ANYONE: RoleKind[] = ["primary", "standby", "writer", "reader", "application", "proxy", "basebackup", "admin"];

const KIND_WORDS: Record<string, string> = {
  "primary,standby": "a server (primary or standby)",
  "writer,reader,application": "a client (writer, reader or application)",
  proxy: "a proxy",
  "basebackup,admin": "a base-backup tool or an admin",
};

/** What an action's check can use: role references, distinct pairs, plain reports, at the action's line. */
interface Checker {
  ref(id: string | undefined, at: Position, kinds: RoleKind[], what: string): void;
  distinct(a: string, b: string, at: Position, what: string): void;
  report(at: Position, message: string): void;
  role(id: string): Role | undefined;
  at: Position;
  what: string;
}
type ActionCheck<K extends ActionName> = (args: ActionArgs<K>, c: Checker) => void;

/** The roles each action names, and what they must be. Adding an action word makes the compiler ask for it here. */
const ACTION_CHECKS: { [K in ActionName]: ActionCheck<K> } = {
  write: (a, c) => targetChecks(a, a.to, "to", c),
  read: (a, c) => {
    targetChecks(a, a.from, "from", c);
    if (a.wants === "own-last-write" && c.role(a.by)?.kind === "reader") {
      c.report(
        c.at,
        `${c.what}: "${a.by}" is a reader and writes nothing; "own-last-write" needs a writer or an application`,
      );
    }
  },
  delete: (a, c) => {
    targetChecks(a, a.to, "to", c);
    const twice = a.cards.filter((n, i) => a.cards.indexOf(n) !== i);
    if (twice.length > 0) c.report(c.at, `${c.what}: card ${twice[0]} is named twice`);
  },
  update: (a, c) => targetChecks(a, a.to, "to", c),
  release: (a, c) => c.ref(a, c.at, CLIENTS, c.what),
  cancel: (a, c) => c.ref(a, c.at, CLIENTS, c.what),
  pause: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  resume: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  vacuum: (a, c) => {
    c.ref(a.by, c.at, CLIENTS, `${c.what} "by"`);
    c.ref(a.on, c.at, SERVERS, `${c.what} "on"`);
  },
  clone: (a, c) => {
    c.ref(a.from, c.at, SERVERS, `${c.what} "from"`);
    c.ref(a.to, c.at, SERVERS, `${c.what} "to"`);
    c.ref(a.by, c.at, TOOLS, `${c.what} "by"`);
    c.distinct(a.from, a.to, c.at, c.what);
  },
  rewind: (a, c) => {
    c.ref(a.from, c.at, SERVERS, `${c.what} "from"`);
    c.ref(a.to, c.at, SERVERS, `${c.what} "to"`);
    c.ref(a.by, c.at, TOOLS, `${c.what} "by"`);
    c.distinct(a.from, a.to, c.at, c.what);
  },
  start: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  stop: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  crash: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  promote: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  checkpoint: (a, c) => c.ref(a, c.at, SERVERS, c.what),
  follow: (a, c) => {
    c.ref(a.server, c.at, SERVERS, `${c.what} "server"`);
    c.ref(a.upstream, c.at, SERVERS, `${c.what} "upstream"`);
    c.distinct(a.server, a.upstream, c.at, c.what);
  },
  failover: (a, c) => {
    for (const id of a.candidates) c.ref(id, c.at, SERVERS, `${c.what} candidate`);
    if (new Set(a.candidates).size !== a.candidates.length) c.report(c.at, `${c.what}: a candidate is named twice`);
    c.ref(a.by, c.at, TOOLS, `${c.what} "by"`);
  },
  cut: (a, c) => pairChecks(a, c),
  heal: (a, c) => pairChecks(a, c),
  wait: () => {},
  create_slot: (a, c) => slotChecks(a, c),
  drop_slot: (a, c) => slotChecks(a, c),
};

/** A slot action names a server to run on, maybe its operator, and a slot (a server's id or a slot name). */
function slotChecks(a: { on: string; slot: string; by?: string }, c: Checker): void {
  c.ref(a.on, c.at, SERVERS, `${c.what} "on"`);
  c.ref(a.by, c.at, TOOLS, `${c.what} "by"`);
  slotRefCheck(
    a.slot,
    c.at,
    `${c.what} "slot"`,
    (id) => c.role(id),
    (at, m) => c.report(at, m),
  );
}

/** A slot reference that is no server's id must be a slot name PostgreSQL accepts. */
function slotRefCheck(
  ref: string,
  at: Position,
  what: string,
  role: (id: string) => Role | undefined,
  report: (at: Position, message: string) => void,
): void {
  const r = role(ref);
  if (r && r.kind !== "primary" && r.kind !== "standby")
    report(at, `${what}: "${ref}" is a ${r.kind}; name a server (its slot) or a slot`);
  else if (!r && !SLOT_NAME_PATTERN.test(ref))
    report(
      at,
      `${what}: no server "${ref}", and a slot name may only contain lower case letters, numbers, and the underscore character`,
    );
}

/** A client's statement goes either straight to a server or through a proxy. */
function targetChecks(a: { by: string; via?: string }, target: string | undefined, key: string, c: Checker): void {
  c.ref(a.by, c.at, CLIENTS, `${c.what} "by"`);
  if ((target === undefined) === (a.via === undefined))
    c.report(c.at, `${c.what}: give either "${key}" (a server) or "via" (a proxy)`);
  c.ref(target, c.at, SERVERS, `${c.what} "${key}"`);
  c.ref(a.via, c.at, ["proxy"], `${c.what} "via"`);
}

function pairChecks(pair: [string, string], c: Checker): void {
  for (const r of pair) c.ref(r, c.at, ANYONE, c.what);
  c.distinct(pair[0], pair[1], c.at, c.what);
}

/** Servers on one stage: the diagrams give each its own box in one row. */
export const MAX_SERVERS = 4;

export function checkMeaning(scenario: Scenario): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const report = (at: Position, message: string) => problems.push({ file: scenario.file, position: at, message });
  const roles = new Map<string, Role>();
  for (const role of scenario.roles) {
    if (roles.has(role.id)) report(role.at, `duplicate role id "${role.id}"`);
    else roles.set(role.id, role);
  }

  /** Reports a reference to a role that does not exist or is of the wrong kind. */
  const ref = (id: string | undefined, at: Position, kinds: RoleKind[], what: string) => {
    if (id === undefined) return;
    const role = roles.get(id);
    if (!role) report(at, `${what}: no role "${id}"${didYouMean(id, roles.keys())}`);
    else if (!kinds.includes(role.kind)) {
      report(
        at,
        `${what}: "${id}" is a ${role.kind}, but this needs ${KIND_WORDS[kinds.join(",")] ?? kinds.join(" or ")}`,
      );
    }
  };
  const distinct = (a: string, b: string, at: Position, what: string) => {
    if (a === b) report(at, `${what}: "${a}" is named twice; name two different roles`);
  };

  // The step diagrams draw at most four servers legibly (one row of boxes, 12 pt text at the least).
  const servers = scenario.roles.filter((r) => r.kind === "primary" || r.kind === "standby");
  if (servers.length > MAX_SERVERS)
    report(
      servers[MAX_SERVERS]!.at,
      `role "${servers[MAX_SERVERS]!.id}": at most ${MAX_SERVERS} servers (a primary and standbys) fit the step diagrams`,
    );

  for (const role of scenario.roles) {
    if (role.kind !== "standby" && role.upstream) report(role.at, `role "${role.id}": only a standby has an upstream`);
    if (role.synchronousCommit && !CLIENTS.includes(role.kind))
      report(role.at, `role "${role.id}": synchronous_commit is a client's setting (a writer, reader or application)`);
    if (role.kind !== "standby" && role.applyDelay > 0)
      report(role.at, `role "${role.id}": only a standby has a recovery_min_apply_delay`);
    const server = role.kind === "primary" || role.kind === "standby";
    if (!server && role.slot !== undefined)
      report(role.at, `role "${role.id}": a slot is a server's setting (the slot it streams through as a standby)`);
    if (!server && role.hotStandbyFeedback !== undefined)
      report(role.at, `role "${role.id}": hot_standby_feedback is a server's setting (a standby sends it)`);
    if (role.kind !== "proxy" && role.backends.length > 0)
      report(role.at, `role "${role.id}": only a proxy has backends`);
    if (role.kind === "proxy" && role.backends.length === 0)
      report(role.at, `role "${role.id}": a proxy needs "backends", the servers it routes to`);
    ref(role.upstream, role.at, SERVERS, `role "${role.id}" upstream`);
    if (role.upstream === role.id) report(role.at, `role "${role.id}" cannot follow itself`);
    for (const b of role.backends) ref(b, role.at, SERVERS, `role "${role.id}" backend`);
  }
  if (!scenario.roles.some((r) => r.kind === "primary")) {
    report(
      scenario.roles[0]?.at ?? { line: 1, column: 1 },
      "no role is a primary: someone has to play the server that takes writes",
    );
  }

  for (const run of scenario.runs) {
    const names = run.settings.synchronous_standby_names;
    for (const name of names) if (name !== "*") ref(name, run.settingsAt, SERVERS, "synchronous_standby_names");
    if (new Set(names).size !== names.length)
      report(run.settingsAt, "synchronous_standby_names: a standby is named twice");
    const rule = run.settings.synchronous_rule;
    if (rule && !names.includes("*") && rule.num > names.length)
      report(
        run.settingsAt,
        `synchronous_standby_names: ${rule.method} ${rule.num} names only ${names.length} standby(s), so every commit would wait forever`,
      );
    // Two standbys streaming through one slot: the second would be refused ("is active for PID").
    const slotOwners = new Map<string, string>();
    for (const role of scenario.roles) {
      const name = standbySlot(run.settings, role);
      if (name === undefined) continue;
      const other = slotOwners.get(name);
      if (other)
        report(role.at, `role "${role.id}": slot "${name}" is already "${other}"'s; give each standby its own slot`);
      else slotOwners.set(name, role.id);
    }
    for (const step of run.steps) {
      for (const action of step.actions) {
        // One psql session commits one card at a time: it cannot send the next before the ack of the last.
        if (
          action.name === "write" &&
          (action.args.count ?? 1) > 1 &&
          commitWaits(run.settings, roles.get(action.args.by))
        )
          report(
            action.keysAt?.count ?? action.at,
            `write: "count: ${action.args.count}" under synchronous commit: the client waits for each card's ack before it can send the next, and acks come only when time passes; write one card per step`,
          );
        (ACTION_CHECKS[action.name] as ActionCheck<typeof action.name>)(action.args, {
          ref,
          distinct,
          report,
          role: (id) => roles.get(id),
          at: action.at,
          what: action.name,
        });
      }
      for (const e of step.expect) {
        const at = e.at;
        switch (e.name) {
          case "server":
            ref(e.claim.server, at, SERVERS, "expect server");
            ref(e.claim.upstream, at, SERVERS, "expect upstream");
            break;
          case "client":
            ref(e.claim.client, at, CLIENTS, "expect client");
            break;
          case "error":
            ref(e.claim.on, at, ANYONE, "expect error on");
            break;
          case "streamed":
            ref(e.claim.to, at, SERVERS, "expect streamed to");
            if (e.claim.from !== "archive") ref(e.claim.from, at, SERVERS, "expect streamed from");
            break;
          case "diverged":
            for (const r of e.claim.diverged) ref(r, at, SERVERS, "expect diverged");
            distinct(e.claim.diverged[0], e.claim.diverged[1], at, "expect diverged");
            break;
          case "promoted":
            ref(e.claim.promoted, at, SERVERS, "expect promoted");
            break;
          case "slot":
            ref(e.claim.on, at, SERVERS, "expect slot on");
            slotRefCheck(e.claim.slot, at, "expect slot", (id) => roles.get(id), report);
            break;
          case "lost":
            break;
        }
      }
    }
  }
  return problems;
}
