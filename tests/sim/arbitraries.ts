/**
 * Random actions for property tests, one generator per action word: a word missing here fails the
 * coverage test (tests/sim/coverage.test.ts), and the type checker (npm run lint) names it.
 */
import fc from "fast-check";
import { DEFAULT_SETTINGS, type Role, type Scenario, type Settings, type Step } from "../../src/scenario/model.js";
import type { Action, ActionArgs, ActionName } from "../../src/scenario/schema.js";

const at = { line: 1, column: 1 };
const role = (id: string, kind: Role["kind"], extra: Partial<Role> = {}): Role => ({
  id,
  label: id,
  kind,
  starts: "streaming",
  backends: [],
  applyDelay: 0,
  at,
  ...extra,
});

/** A stage with every kind of role: a primary, a chain of standbys, an empty machine, clients, a proxy. */
export const ROLES: Role[] = [
  role("p", "primary"),
  role("s1", "standby"),
  role("s2", "standby", { upstream: "s1", applyDelay: 30 }),
  role("s3", "standby", { starts: "empty", slot: "spare", hotStandbyFeedback: true }),
  role("w", "writer"),
  role("r", "reader"),
  role("a", "application"),
  role("x", "proxy", { backends: ["p", "s1", "s2"] }),
];
const SERVERS = ["p", "s1", "s2", "s3"];
const server = fc.constantFrom(...SERVERS);
const anyone = fc.constantFrom(...ROLES.map((r) => r.id));
const pair = fc.tuple(anyone, anyone).filter(([a, b]) => a !== b);
/** A slot: a standby's (by its role id) or one of a name no standby uses. */
const slotRef = fc.constantFrom("s1", "s2", "s3", "extra");

/** Steps (lists of actions) on the ROLES stage that make an action possible, the action itself last. */
export type Sample = Omit<Action, "at">[][];

/**
 * Each action word's arguments, how often it appears, and a sample use (the coverage test runs it).
 * A new action word: its entry here is the one test-side place to fill in.
 */
export const ARBITRARIES: {
  [K in ActionName]: { weight: number; args: fc.Arbitrary<ActionArgs<K>>; sample: Sample };
} = {
  write: {
    weight: 8,
    args: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({ by: fc.constantFrom("w", "a"), to: server, count: fc.integer({ min: 1, max: 3 }) }),
      },
      { weight: 1, arbitrary: fc.record({ by: fc.constant("a"), via: fc.constant("x") }) },
    ),
    sample: [[{ name: "write", args: { by: "w", to: "p" } }]],
  },
  delete: {
    weight: 4,
    args: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          by: fc.constantFrom("w", "a"),
          to: fc.oneof({ weight: 3, arbitrary: fc.constant("p") }, { weight: 1, arbitrary: server }),
          cards: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          by: fc.constant("a"),
          via: fc.constant("x"),
          cards: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
        }),
      },
    ),
    sample: [
      [{ name: "write", args: { by: "w", to: "p", count: 3 } }],
      [{ name: "delete", args: { by: "w", cards: [2, 3], to: "p" } }],
    ],
  },
  update: {
    weight: 2,
    args: fc.record({
      by: fc.constantFrom("w", "a"),
      to: fc.oneof({ weight: 3, arbitrary: fc.constant("p") }, { weight: 1, arbitrary: server }),
      card: fc.integer({ min: 1, max: 3 }),
    }),
    sample: [
      [{ name: "write", args: { by: "w", to: "p" } }],
      [{ name: "update", args: { by: "w", card: 1, to: "p" } }],
    ],
  },
  read: {
    weight: 3,
    args: fc.record({ by: fc.constantFrom("r", "a"), from: server, hold: fc.boolean() }),
    sample: [[{ name: "read", args: { by: "r", from: "s1" } }]],
  },
  release: {
    weight: 1,
    args: fc.constantFrom("r", "a"),
    sample: [[{ name: "read", args: { by: "r", from: "s1", hold: true } }], [{ name: "release", args: "r" }]],
  },
  cancel: {
    weight: 1,
    args: fc.constantFrom("w", "a"),
    sample: [
      [{ name: "crash", args: "s1" }],
      [{ name: "write", args: { by: "w", to: "p" } }],
      [{ name: "cancel", args: "w" }],
    ],
  },
  vacuum: {
    weight: 2,
    args: fc.record({ by: fc.constant("w"), on: server }),
    sample: [[{ name: "vacuum", args: { by: "w", on: "p" } }]],
  },
  clone: {
    weight: 2,
    args: fc.record({ from: server, to: server }).filter((a) => a.from !== a.to),
    sample: [[{ name: "clone", args: { from: "p", to: "s3" } }]],
  },
  rewind: {
    weight: 2,
    args: fc.record({ from: server, to: server }).filter((a) => a.from !== a.to),
    sample: [
      [{ name: "write", args: { by: "w", to: "p", count: 2 } }],
      [
        { name: "write", args: { by: "w", to: "p" } },
        { name: "crash", args: "p" },
      ],
      [{ name: "promote", args: "s1" }],
      [{ name: "rewind", args: { from: "s1", to: "p" } }],
    ],
  },
  start: { weight: 3, args: server, sample: [[{ name: "stop", args: "s1" }], [{ name: "start", args: "s1" }]] },
  stop: { weight: 3, args: server, sample: [[{ name: "stop", args: "s1" }]] },
  crash: { weight: 3, args: server, sample: [[{ name: "crash", args: "s1" }]] },
  promote: { weight: 3, args: server, sample: [[{ name: "promote", args: "s1" }]] },
  checkpoint: { weight: 3, args: server, sample: [[{ name: "checkpoint", args: "p" }]] },
  follow: {
    weight: 4,
    args: fc.record({ server, upstream: server }).filter((a) => a.server !== a.upstream),
    sample: [[{ name: "follow", args: { server: "s2", upstream: "p" } }]],
  },
  failover: {
    weight: 1,
    args: fc.record({ candidates: fc.uniqueArray(server, { minLength: 2, maxLength: 3 }) }),
    sample: [[{ name: "crash", args: "p" }], [{ name: "failover", args: { candidates: ["s1", "s2"] } }]],
  },
  cut: { weight: 2, args: pair, sample: [[{ name: "cut", args: ["p", "s1"] }]] },
  heal: {
    weight: 2,
    args: pair,
    sample: [[{ name: "cut", args: ["p", "s1"] }], [{ name: "heal", args: ["p", "s1"] }]],
  },
  pause: { weight: 1, args: server, sample: [[{ name: "pause", args: "s1" }]] },
  resume: {
    weight: 1,
    args: server,
    sample: [[{ name: "pause", args: "s1" }], [{ name: "resume", args: "s1" }]],
  },
  wait: { weight: 1, args: fc.integer({ min: 1, max: 60 }), sample: [[{ name: "wait", args: 5 }]] },
  create_slot: {
    weight: 2,
    args: fc.record({ on: server, slot: slotRef }),
    sample: [[{ name: "create_slot", args: { on: "p", slot: "extra" } }]],
  },
  drop_slot: {
    weight: 2,
    args: fc.record({ on: server, slot: slotRef }),
    sample: [
      [{ name: "create_slot", args: { on: "p", slot: "s1" } }],
      [{ name: "stop", args: "s1" }],
      [{ name: "drop_slot", args: { on: "p", slot: "s1" } }],
    ],
  },
};

/** Any action, without its position. */
export const anyAction: fc.Arbitrary<Omit<Action, "at">> = fc.oneof(
  ...(Object.keys(ARBITRARIES) as ActionName[]).map((name) => ({
    weight: ARBITRARIES[name].weight,
    arbitrary: (ARBITRARIES[name].args as fc.Arbitrary<unknown>).map((args) => ({ name, args }) as Omit<Action, "at">),
  })),
);

export const settings: fc.Arbitrary<Settings> = fc.record({
  archive: fc.boolean(),
  wal_keep_size: fc.integer({ min: 0, max: 2 }),
  replication_slots: fc.boolean(),
  synchronous_standby_names: fc.constantFrom([], ["s1"], ["s2", "s1"], ["*"]),
  synchronous_rule: fc.constantFrom(
    undefined,
    { method: "ANY" as const, num: 1 },
    { method: "ANY" as const, num: 2 },
    { method: "FIRST" as const, num: 2 },
  ),
  synchronous_commit: fc.constantFrom("on", "remote_apply", "remote_write", "local", "off"),
  max_standby_streaming_delay: fc.constantFrom(-1, 0, 30),
  hot_standby_feedback: fc.boolean(),
  max_slot_wal_keep_size: fc.constantFrom(undefined, -1, 0, 1, 2),
  wal_log_hints: fc.boolean(),
  data_checksums: fc.boolean(),
});

const randomSteps = fc.array(fc.array(anyAction, { maxLength: 4 }), { minLength: 1, maxLength: 14 });
/** A failover with a card left behind, so that diverged histories are common, then anything. */
const failover: Omit<Action, "at">[][] = [
  [{ name: "write", args: { by: "w", to: "p", count: 2 } }],
  [
    { name: "write", args: { by: "w", to: "p" } },
    { name: "crash", args: "p" },
  ],
  [{ name: "promote", args: "s1" }],
  [{ name: "write", args: { by: "w", to: "s1" } }],
];
/** The old primary of that failover tries to follow, is stopped, and is rewound (when the settings allow it). */
const rewound: Omit<Action, "at">[][] = [
  ...failover,
  [
    { name: "follow", args: { server: "p", upstream: "s1" } },
    { name: "start", args: "p" },
  ],
  [
    { name: "stop", args: "p" },
    { name: "rewind", args: { from: "s1", to: "p" } },
  ],
];
/**
 * Random steps; often after a failover that leaves a card behind, so that diverged histories are
 * common, and sometimes after its old primary was rewound.
 */
export const steps = fc.oneof(
  { weight: 2, arbitrary: randomSteps },
  { weight: 2, arbitrary: randomSteps.map((rest) => [...failover, ...rest]) },
  { weight: 1, arbitrary: randomSteps.map((rest) => [...rewound, ...rest]) },
);

/**
 * Three cards written, then random steps with DELETEs of those cards slipped in among them (each on
 * the primary, in a step of its own), so that DELETEs are common: replayed at once, delayed, paused,
 * waiting for an ack, streamed down a cascade, archived, cloned past.
 */
export const deleting = fc
  .tuple(
    randomSteps,
    fc.array(
      fc.record({
        at: fc.nat(14),
        by: fc.constantFrom("w", "a"),
        cards: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([rest, deletes]) => {
    const plan: Omit<Action, "at">[][] = [[{ name: "write", args: { by: "w", to: "p", count: 3 } }], ...rest];
    for (const d of deletes)
      plan.splice(
        1 + (d.at % plan.length),
        0,
        d.cards.length === 1 && d.at % 3 === 0
          ? [{ name: "update", args: { by: d.by, to: "p", card: d.cards[0]! } }]
          : [{ name: "delete", args: { by: d.by, to: "p", cards: d.cards } }],
      );
    return plan;
  });

/** A one-run scenario of the ROLES stage with these settings and steps (positions all at 1:1). */
export function scenarioOf(config: Settings, plan: Omit<Action, "at">[][]): Scenario {
  return scenarioOfRuns([{ config, plan }]);
}

/** A scenario of the ROLES stage with several runs, each with its settings and steps; steps are numbered across runs. */
export function scenarioOfRuns(runs: { config: Settings; plan: Omit<Action, "at">[][] }[]): Scenario {
  let number = 0;
  return {
    file: "random.yaml",
    id: "random",
    title: "random",
    summary: "-",
    goals: ["-"],
    minutes: 10,
    roles: ROLES,
    simplifications: [],
    props: [],
    runs: runs.map(({ config, plan }, r) => ({
      number: r + 1,
      title: `r${r + 1}`,
      settings: config,
      settingsAt: at,
      steps: plan.map((actions): Step => ({
        number: ++number,
        run: r + 1,
        title: `s${number}`,
        say: "-",
        actions: actions.map((a) => ({ ...a, at }) as Action),
        expect: [],
        at,
      })),
    })),
    debrief: [],
  };
}

/** A random scenario of one or two runs, each with its own settings and steps. */
export const randomScenario: fc.Arbitrary<Scenario> = fc
  .array(fc.record({ config: settings, plan: steps }), { minLength: 1, maxLength: 2 })
  .map((runs) => scenarioOfRuns(runs.map((r) => ({ config: { ...DEFAULT_SETTINGS, ...r.config }, plan: r.plan }))));
