/**
 * Checks of meaning that need no simulation: every role an action or expectation names exists
 * and is of a kind that can do it. Checks that depend on the moment (cloning from a server that
 * is down) are the simulator's.
 */
import { didYouMean, type Diagnostic, type Position } from "./diagnostics.js";
import type { Role, Scenario } from "./model.js";
import type { RoleKind } from "./schema.js";

const SERVERS: RoleKind[] = ["primary", "standby"];
const CLIENTS: RoleKind[] = ["writer", "reader", "application"];
const ANYONE: RoleKind[] = ["primary", "standby", "writer", "reader", "application", "proxy", "basebackup", "admin"];

const KIND_WORDS: Record<string, string> = {
  "primary,standby": "a server (primary or standby)",
  "writer,reader,application": "a client (writer, reader or application)",
  proxy: "a proxy",
  "basebackup,admin": "a base-backup tool or an admin",
};

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
      report(at, `${what}: "${id}" is a ${role.kind}, but this needs ${KIND_WORDS[kinds.join(",")] ?? kinds.join(" or ")}`);
    }
  };
  const distinct = (a: string, b: string, at: Position, what: string) => {
    if (a === b) report(at, `${what}: "${a}" is named twice; name two different roles`);
  };

  for (const role of scenario.roles) {
    if (role.kind !== "standby" && role.upstream) report(role.at, `role "${role.id}": only a standby has an upstream`);
    if (role.kind !== "proxy" && role.backends.length > 0) report(role.at, `role "${role.id}": only a proxy has backends`);
    if (role.kind === "proxy" && role.backends.length === 0) report(role.at, `role "${role.id}": a proxy needs "backends", the servers it routes to`);
    ref(role.upstream, role.at, SERVERS, `role "${role.id}" upstream`);
    if (role.upstream === role.id) report(role.at, `role "${role.id}" cannot follow itself`);
    for (const b of role.backends) ref(b, role.at, SERVERS, `role "${role.id}" backend`);
  }
  if (!scenario.roles.some((r) => r.kind === "primary")) {
    report(scenario.roles[0]?.at ?? { line: 1, column: 1 }, "no role is a primary: someone has to play the server that takes writes");
  }

  for (const run of scenario.runs) {
    for (const name of run.settings.synchronous_standby_names) ref(name, run.settingsAt, SERVERS, "synchronous_standby_names");
    for (const step of run.steps) {
      for (const action of step.actions) {
        const at = action.at;
        const what = `${action.name}`;
        switch (action.name) {
          case "write":
          case "read": {
            const a = action.args;
            ref(a.by, at, CLIENTS, `${what} "by"`);
            const target = action.name === "write" ? action.args.to : action.args.from;
            const targetKey = action.name === "write" ? "to" : "from";
            if ((target === undefined) === (a.via === undefined)) report(at, `${what}: give either "${targetKey}" (a server) or "via" (a proxy)`);
            ref(target, at, SERVERS, `${what} "${targetKey}"`);
            ref(a.via, at, ["proxy"], `${what} "via"`);
            if (action.name === "read" && action.args.wants === "own-last-write" && roles.get(a.by)?.kind === "reader") {
              report(at, `${what}: "${a.by}" is a reader and writes nothing; "own-last-write" needs a writer or an application`);
            }
            break;
          }
          case "release":
          case "cancel":
            ref(action.args, at, CLIENTS, what);
            break;
          case "vacuum":
            ref(action.args.by, at, CLIENTS, `${what} "by"`);
            ref(action.args.on, at, SERVERS, `${what} "on"`);
            break;
          case "clone":
            ref(action.args.from, at, SERVERS, `${what} "from"`);
            ref(action.args.to, at, SERVERS, `${what} "to"`);
            ref(action.args.by, at, ["basebackup", "admin"], `${what} "by"`);
            distinct(action.args.from, action.args.to, at, what);
            break;
          case "start":
          case "stop":
          case "crash":
          case "promote":
          case "checkpoint":
            ref(action.args, at, SERVERS, what);
            break;
          case "follow":
            ref(action.args.server, at, SERVERS, `${what} "server"`);
            ref(action.args.upstream, at, SERVERS, `${what} "upstream"`);
            distinct(action.args.server, action.args.upstream, at, what);
            break;
          case "failover":
            for (const c of action.args.candidates) ref(c, at, SERVERS, `${what} candidate`);
            if (new Set(action.args.candidates).size !== action.args.candidates.length) report(at, `${what}: a candidate is named twice`);
            ref(action.args.by, at, ["basebackup", "admin"], `${what} "by"`);
            break;
          case "cut":
          case "heal":
            for (const r of action.args) ref(r, at, ANYONE, what);
            distinct(action.args[0], action.args[1], at, what);
            break;
          case "wait":
            break;
        }
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
          case "lost":
            break;
        }
      }
    }
  }
  return problems;
}
