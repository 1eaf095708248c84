#!/usr/bin/env node
/**
 * The replikit command: the only place that reads argv, touches the disk and picks exit codes.
 * Exit codes: 0 success, 1 an expectation failed, 2 bad input or usage, 3 an internal error.
 */
import { Command, CommanderError, Option } from "commander";
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { dateFromEpoch, type Options } from "./options.js";
import { mm, type Paper } from "./render/units.js";
import type { Loaded } from "./node/load.js";
import { plainFsError } from "./node/fs-errors.js";
import { abandonWrites, recover } from "./node/output.js";
import { computing, onInterrupt } from "./node/signals.js";
import { packageRoot, shippedScenarios, shippedWorkshops } from "./node/paths.js";
import { Session } from "./node/session.js";
import { version } from "./node/stamp.js";
import { formatDiagnostics, visible } from "./scenario/diagnostics.js";
import { ID_PATTERN } from "./scenario/ids.js";
import { canonicalJson } from "./sim/trace.js";
import { starterScenario } from "./scenario/starter.js";

const files = (given: string[]) => (given.length > 0 ? given : shippedScenarios());
/** What build makes by default: every shipped scenario, then every shipped workshop. */
const buildable = (given: string[]) => (given.length > 0 ? given : [...shippedScenarios(), ...shippedWorkshops()]);

/**
 * Loads each scenario, reporting the ones that cannot be used; exit code 2 if any could not.
 * The parser (zod, yaml) and everything after it load only for the commands that need them.
 */
async function loadAll(given: string[]): Promise<{ scenarios: Extract<Loaded, { ok: true }>[]; code: number }> {
  const { loadFile } = await import("./node/load.js");
  const scenarios = [];
  let code = 0;
  for (const path of files(given)) {
    const loaded = loadFile(path);
    if (loaded.ok) scenarios.push(loaded);
    else {
      process.stderr.write(loaded.report + "\n");
      code = 2;
    }
  }
  return { scenarios, code };
}

/** The build flags, as commander gives them. */
interface BuildFlags {
  out: string;
  commands: boolean;
  paper: Paper;
  svg?: boolean;
  force?: boolean;
  backOffset?: { x: number; y: number };
  duplex: "long" | "short";
  allowFailingClaims?: boolean;
}

/** The one options value the flags stand for. */
function optionsOf(flags: BuildFlags): Options {
  return {
    paper: flags.paper,
    svg: Boolean(flags.svg),
    duplex: { edge: flags.duplex, offset: flags.backOffset ?? { x: 0, y: 0 } },
    commands: flags.commands,
    date: dateFromEpoch(process.env.SOURCE_DATE_EPOCH),
    allowFailingClaims: Boolean(flags.allowFailingClaims),
  };
}

/** The largest back-page shift: the calibration sheet reads ±5 mm, and a larger shift pushes content off its page. */
const MAX_OFFSET_MM = 5;

function parseOffset(value: string): { x: number; y: number } {
  const match = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(value);
  const shown = visible(value);
  if (!match)
    throw new CommanderError(
      2,
      "replikit.offset",
      `error: --back-offset takes two numbers in millimetres, "X,Y" (for example "1.5,-0.5"); got "${shown}"`,
    );
  const [x, y] = [Number(match[1]), Number(match[2])];
  if (Math.abs(x) > MAX_OFFSET_MM || Math.abs(y) > MAX_OFFSET_MM)
    throw new CommanderError(
      2,
      "replikit.offset",
      `error: --back-offset shifts back pages by at most ${MAX_OFFSET_MM} mm each way (what replikit calibrate measures); got "${shown}"`,
    );
  return { x: mm(x), y: mm(y) };
}

let debug = false;
const program = new Command()
  .name("replikit")
  .description("Printable workshop kits for PostgreSQL replication interactives")
  .version(version)
  .option("--debug", "show a stack trace for internal errors")
  .hook("preAction", (cmd) => {
    debug = Boolean(cmd.opts().debug);
  })
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command("check")
  .description(
    "parse, simulate, verify every expect: claim and lay the kit out, so that what passes builds (default: every shipped scenario)",
  )
  .argument("[files...]", "scenario files")
  .addOption(new Option("--paper <size>", "the sheet size to lay out for").choices(["letter", "a4"]).default("letter"))
  .action(async (given: string[], flags: { paper: Paper }) => {
    const all = await loadAll(given);
    const [{ checkExpectations }, { layOut }, { loadAssets }] = await Promise.all([
      import("./sim/expect.js"),
      import("./index.js"),
      import("./node/assets.js"),
    ]);
    const options = optionsOf({ out: "", paper: flags.paper, duplex: "long", commands: true });
    const assets = all.scenarios.length > 0 ? loadAssets() : undefined;
    let code = all.code;
    for (const loaded of all.scenarios) {
      const report = checkExpectations(loaded.scenario, loaded.trace);
      // What does not fit its box, found by laying the kit out as build does (nothing is written).
      if (report.problems.length === 0) {
        const laid = await computing(() =>
          layOut(loaded.scenario, loaded.trace, loaded.source, options, assets!, () => new Promise(setImmediate)),
        );
        report.problems.push(...laid.problems);
      }
      if (report.problems.length > 0) {
        process.stderr.write(formatDiagnostics(report.problems, loaded.source) + "\n");
        code = 2;
      }
      if (report.failures.length > 0) {
        process.stderr.write(formatDiagnostics(report.failures, loaded.source) + "\n");
        code = Math.max(code, 1);
      }
      const verdict = report.failures.length + report.problems.length === 0 ? "ok" : "FAILED";
      process.stdout.write(
        `${loaded.file}: ${verdict} — ${report.checked} expectation(s), ${loaded.trace.steps.length} steps\n`,
      );
    }
    process.exitCode = code;
  });

const buildOptions = (cmd: Command) =>
  cmd
    .option("-o, --out <dir>", "output folder", "out")
    .addOption(new Option("--paper <size>", "sheet size").choices(["letter", "a4"]).default("letter"))
    .option("--svg", "also write each diagram as OUT/<id>/diagrams/step-NN.svg")
    .addOption(
      new Option("--duplex <edge>", "the edge the printer turns the sheet over")
        .choices(["long", "short"])
        .default("long"),
    )
    .option("--back-offset <x,y>", "shift back pages by X,Y millimetres to correct duplex drift", parseOffset)
    .option("--no-commands", "leave the real PostgreSQL commands out of the script")
    .option("--allow-failing-claims", "write the kit even when some of its expect: claims fail");

buildOptions(program.command("build"))
  .description(
    "write the printable kit of each scenario or workshop to OUT/<id>/ (default: every shipped scenario and workshop)",
  )
  .argument("[files...]", "scenario or workshop files")
  .option("--force", "rebuild kits that are up to date")
  .action(async (given: string[], flags: BuildFlags) => {
    const { buildKits } = await import("./node/kits.js");
    recover(flags.out);
    process.exitCode = await buildKits(
      buildable(given),
      new Session(optionsOf(flags)),
      flags.out,
      Boolean(flags.force),
    );
  });

buildOptions(program.command("watch"))
  .description("build, then rebuild whenever a scenario or a template changes")
  .argument("[files...]", "scenario files")
  .action(async (given: string[], flags: BuildFlags) => {
    const [{ watch }, { deliver }] = await Promise.all([import("./node/watch.js"), import("./node/kits.js")]);
    recover(flags.out);
    await watch(
      files(given).map((path) => resolve(path)),
      new Session(optionsOf(flags)),
      (result) => deliver(result, flags.out),
    );
  });

program
  .command("verify")
  .description("replay scenarios on real PostgreSQL servers and compare every step with the trace")
  .argument("[files...]", "scenario files")
  .option(
    "--pg-bin <dir>",
    "folder of PostgreSQL's server binaries (default: pg_config --bindir, else the newest /usr/lib/postgresql/*/bin)",
  )
  .option("--report <file>", "where to write the JSON report", join("out", "verify-report.json"))
  .option(
    "--time-limit <seconds>",
    "stop a scenario's replay after this many seconds (a positive number): its servers are stopped, its folder removed, and the step reached reported",
    "300",
  )
  .action(async (given: string[], opts: { pgBin?: string; report: string; timeLimit: string }) => {
    const verify = await import("./node/verify/verify.js");
    const { stopAllServers } = await import("./node/verify/pg.js");
    const limit = verify.parseTimeLimit(opts.timeLimit);
    if (limit === undefined)
      throw new CommanderError(
        2,
        "replikit.time-limit",
        `error: --time-limit takes a positive number of seconds, not "${opts.timeLimit}"`,
      );
    const bin = verify.findBinaries(opts.pgBin);
    if (!bin) throw new CommanderError(2, "replikit.pg", `error: ${verify.INSTALL_HINT}`);
    const { env, remove } = verify.makeRoot();
    cleanups.push(() => {
      stopAllServers();
      remove();
    });
    const reports = [];
    const all = await loadAll(given);
    let code = all.code;
    try {
      for (const loaded of all.scenarios) {
        process.stdout.write(`${loaded.file} (PostgreSQL in ${bin})\n`);
        const report = await verify.verifyScenario(
          loaded.scenario,
          loaded.trace,
          bin,
          env.root,
          env.user,
          (line) => process.stdout.write(line + "\n"),
          limit,
        );
        process.stdout.write(`  ${report.agree ? "every step agrees" : "DISAGREES"} (${report.seconds} s)\n`);
        if (!report.agree) code = Math.max(code, 1);
        reports.push(report);
      }
    } finally {
      stopAllServers();
      remove();
    }
    mkdirSync(dirname(opts.report), { recursive: true });
    // Written whole, then renamed into place: a reader never sees half a report.
    const partial = `${opts.report}.${process.pid}.partial`;
    writeFileSync(
      partial,
      JSON.stringify({ format: "replikit-verify/2", postgres: bin, scenarios: reports }, null, 2) + "\n",
    );
    renameSync(partial, opts.report);
    process.stdout.write(`report: ${opts.report}\n`);
    process.exitCode = code;
  });

program
  .command("calibrate")
  .description("write calibration.pdf: a duplex test sheet that tells you the --back-offset for your printer")
  .option("-o, --out <dir>", "output folder", "out")
  .addOption(new Option("--paper <size>", "sheet size").choices(["letter", "a4"]).default("letter"))
  .addOption(
    new Option("--duplex <edge>", "the edge the printer turns the sheet over")
      .choices(["long", "short"])
      .default("long"),
  )
  .action(async (opts: { out: string; paper: Paper; duplex: "long" | "short" }) => {
    const [{ calibrationSheet }, { loadFonts }] = await Promise.all([
      import("./render/calibration.js"),
      import("./node/assets.js"),
    ]);
    const options = optionsOf({ out: opts.out, paper: opts.paper, duplex: opts.duplex, commands: true });
    const sheet = await calibrationSheet(options, loadFonts());
    mkdirSync(opts.out, { recursive: true });
    const path = join(opts.out, "calibration.pdf");
    writeFileSync(path, sheet.pdf);
    process.stdout.write(
      `${path}  ${sheet.pages} pages — print it double-sided (${opts.duplex} edge) and follow the instructions on it\n`,
    );
  });

program
  .command("list")
  .description("list the shipped scenarios: id, title, roles, steps, minutes, cards")
  .argument("[files...]", "scenario files")
  .action(async (given: string[]) => {
    const rows = [["id", "title", "roles", "steps", "minutes", "cards"]];
    const { scenarios, code } = await loadAll(given);
    for (const { scenario, trace } of scenarios) {
      const deck = trace.deck;
      const cards =
        deck.writes.length + deck.jokers.length + (deck.deletes?.length ?? 0) + deck.reads.length + deck.acks.length;
      rows.push([
        scenario.id,
        scenario.title,
        String(scenario.roles.length),
        String(trace.steps.length),
        String(scenario.minutes),
        String(cards),
      ]);
    }
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const row of rows)
      process.stdout.write(
        row
          .map((cell, i) => (i >= 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
          .join("  ")
          .trimEnd() + "\n",
      );
    process.exitCode = code;
  });

program
  .command("new")
  .description("write a starting scenario, ID.yaml, that passes check and teaches the language in its comments")
  .argument("<id>", "the scenario's id: lower-case letters, digits and '-'")
  .option("-d, --dir <dir>", "where to write it", ".")
  .action((id: string, opts: { dir: string }) => {
    if (!ID_PATTERN.test(id))
      throw new CommanderError(
        2,
        "replikit.id",
        `error: "${visible(id)}" is not a scenario id: lower-case letters, digits and '-', starting with a letter, at most 32`,
      );
    if (!existsSync(opts.dir) || !statSync(opts.dir).isDirectory())
      throw new CommanderError(2, "replikit.dir", `error: --dir ${opts.dir}: there is no such folder`);
    const path = join(opts.dir, `${id}.yaml`);
    if (existsSync(path))
      throw new CommanderError(2, "replikit.exists", `error: ${path} exists already; choose another id or remove it`);
    const schema = relative(resolve(opts.dir), join(packageRoot, "schema", "scenario.schema.json"))
      .split(sep)
      .join("/");
    writeFileSync(path, starterScenario(id, schema), { flag: "wx" });
    process.stdout.write(`${path} written; try: replikit check ${path}\n`);
  });

program
  .command("trace")
  .description("print the canonical trace of a scenario as JSON")
  .argument("<file>", "scenario file")
  .action(async (path: string) => {
    const { loadFile } = await import("./node/load.js");
    const loaded = loadFile(path);
    if (!loaded.ok) {
      process.stderr.write(loaded.report + "\n");
      process.exitCode = 2;
      return;
    }
    process.stdout.write(canonicalJson(loaded.trace));
  });

program
  .command("stage")
  .description("print the stage model as JSON: the printed deck, and every move of every object, step by step")
  .argument("<file>", "scenario file")
  .action(async (path: string) => {
    const [{ loadFile }, { deriveStage, stageJson }] = await Promise.all([
      import("./node/load.js"),
      import("./stage/index.js"),
    ]);
    const loaded = loadFile(path);
    if (!loaded.ok) {
      process.stderr.write(loaded.report + "\n");
      process.exitCode = 2;
      return;
    }
    process.stdout.write(canonicalJson(stageJson(deriveStage(loaded.scenario, loaded.trace))));
  });

program
  .command("schema")
  .description("print the scenario language as JSON Schema (for YAML editors); --workshop: the workshop file's")
  .option("--workshop", "print the workshop file's schema instead")
  .action(async (opts: { workshop?: boolean }) => {
    const schema = opts.workshop
      ? (await import("./workshop/schema.js")).workshopJsonSchema()
      : (await import("./scenario/schema.js")).scenarioJsonSchema();
    process.stdout.write(JSON.stringify(schema, null, 2) + "\n");
  });

/** What must be undone however the process ends: servers started by verify, its folders. */
const cleanups: (() => void)[] = [];

// A reader that stops reading (replikit build | head) ends the command quietly, like any Unix tool;
// kits already written are complete, the one being written is abandoned.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    abandonWrites();
    for (const cleanup of cleanups) cleanup();
    process.exit(process.exitCode ?? 0);
  });
}

onInterrupt((signal) => {
  abandonWrites();
  for (const cleanup of cleanups) cleanup();
  process.stderr.write(`replikit: interrupted (${signal}); the previous kits are untouched\n`);
  process.exit(signal === "SIGINT" ? 130 : 143);
});

/** Runs the command line (no top-level await: the bundle is a CommonJS script, see build/bundle.mjs). */
async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code.startsWith("replikit.")) process.stderr.write(error.message + "\n");
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (plainFsError(error) !== undefined) {
      // The file system said no (a read-only folder, --out naming a file, a missing --dir): the user's to fix.
      process.stderr.write(`replikit: ${plainFsError(error)}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`replikit: internal error: ${(error as Error).message}\n`);
      if (debug) process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = 3;
    }
  }
}
void main();
