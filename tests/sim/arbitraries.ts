/**
 * Random actions for property tests, one generator per action word: a word missing here fails the
 * coverage test (tests/sim/coverage.test.ts), and the type checker (npm run lint) names it.
 */
import fc from "fast-check";
import type { Role } from "../../src/scenario/model.js";
import type { Action, ActionArgs, ActionName } from "../../src/scenario/schema.js";

const at = { line: 1, column: 1 };
const role = (id: string, kind: Role["kind"], extra: Partial<Role> = {}): Role => ({
  id,
  label: id,
  kind,
  starts: "streaming",
  backends: [],
  at,
  ...extra,
});

/** A stage with every kind of role: a primary, a chain of standbys, an empty machine, clients, a proxy. */
export const ROLES: Role[] = [
  role("p", "primary"),
  role("s1", "standby"),
  role("s2", "standby", { upstream: "s1" }),
  role("s3", "standby", { starts: "empty" }),
  role("w", "writer"),
  role("r", "reader"),
  role("a", "application"),
  role("x", "proxy", { backends: ["p", "s1", "s2"] }),
];
const SERVERS = ["p", "s1", "s2", "s3"];
const server = fc.constantFrom(...SERVERS);
const anyone = fc.constantFrom(...ROLES.map((r) => r.id));
const pair = fc.tuple(anyone, anyone).filter(([a, b]) => a !== b);

/** Each action word's arguments, and how often it appears. */
export const ARBITRARIES: { [K in ActionName]: { weight: number; args: fc.Arbitrary<ActionArgs<K>> } } = {
  write: {
    weight: 8,
    args: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({ by: fc.constantFrom("w", "a"), to: server, count: fc.integer({ min: 1, max: 3 }) }),
      },
      { weight: 1, arbitrary: fc.record({ by: fc.constant("a"), via: fc.constant("x") }) },
    ),
  },
  read: { weight: 3, args: fc.record({ by: fc.constantFrom("r", "a"), from: server, hold: fc.boolean() }) },
  release: { weight: 1, args: fc.constantFrom("r", "a") },
  cancel: { weight: 1, args: fc.constantFrom("w", "a") },
  vacuum: { weight: 2, args: fc.record({ by: fc.constant("w"), on: server }) },
  clone: { weight: 2, args: fc.record({ from: server, to: server }).filter((a) => a.from !== a.to) },
  start: { weight: 3, args: server },
  stop: { weight: 3, args: server },
  crash: { weight: 3, args: server },
  promote: { weight: 3, args: server },
  checkpoint: { weight: 3, args: server },
  follow: { weight: 4, args: fc.record({ server, upstream: server }).filter((a) => a.server !== a.upstream) },
  failover: { weight: 1, args: fc.record({ candidates: fc.uniqueArray(server, { minLength: 2, maxLength: 3 }) }) },
  cut: { weight: 2, args: pair },
  heal: { weight: 2, args: pair },
  wait: { weight: 1, args: fc.integer({ min: 1, max: 60 }) },
};

/** Any action, without its position. */
export const anyAction: fc.Arbitrary<Omit<Action, "at">> = fc.oneof(
  ...(Object.keys(ARBITRARIES) as ActionName[]).map((name) => ({
    weight: ARBITRARIES[name].weight,
    arbitrary: (ARBITRARIES[name].args as fc.Arbitrary<unknown>).map((args) => ({ name, args }) as Omit<Action, "at">),
  })),
);
