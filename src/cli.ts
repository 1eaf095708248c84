#!/usr/bin/env node
/**
 * The replikit command: the only place that reads argv, touches the disk and picks exit codes.
 * Exit codes: 0 success, 1 an expectation failed, 2 bad input or usage, 3 an internal error.
 */
import { Command, CommanderError, Option } from "commander";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadFonts, loadWording, packageRoot } from "./assets.js";
import { buildKit } from "./kit/kit.js";
import { Templates } from "./kit/templates.js";
import { OverflowError } from "./layout/fit.js";
import { dateFromEnvironment, type RenderOptions } from "./layout/pdf.js";
import { PRODUCTS } from "./layout/products/index.js";
import { mm, type Paper } from "./layout/units.js";
import { abandonWrites, recover, writeKit } from "./output.js";
import { ScenarioError, formatDiagnostics } from "./scenario/diagnostics.js";
import { parseScenario } from "./scenario/parse.js";
import { scenarioJsonSchema } from "./scenario/schema.js";
import { simulate } from "./sim/simulate.js";
import { checkExpectations } from "./sim/expect.js";
import { canonicalJson } from "./sim/trace.js";
import type { Scenario } from "./scenario/model.js";
import type { Trace } from "./sim/trace.js";

const version = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;

/** The shipped scenarios: ./scenarios when run from a checkout, else the package's own. */
function defaultScenarios(): string[] {
  const local = resolve("scenarios");
  const dir = existsSync(local) ? local : join(packageRoot, "scenarios");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => join(dir, f));
}

/** A scenario file read, parsed and simulated — or the positioned problems that stopped it. */
export type Loaded =
  | { ok: true; file: string; source: string; scenario: Scenario; trace: Trace }
  | { ok: false; file: string; report: string };

export function load(path: string): Loaded {
  const file = relative(process.cwd(), path) || path;
  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, file, report: `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  try {
    const scenario = parseScenario(source, file);
    return { ok: true, file, source, scenario, trace: simulate(scenario) };
  } catch (error) {
    if (error instanceof ScenarioError) return { ok: false, file, report: formatDiagnostics(error.diagnostics, source) };
    throw error;
  }
}

function files(given: string[]): string[] {
  return given.length > 0 ? given : defaultScenarios();
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
  .description("parse, simulate and verify every expect: claim (default: every shipped scenario)")
  .argument("[files...]", "scenario files")
  .action((given: string[]) => {
    let code = 0;
    for (const path of files(given)) {
      const loaded = load(path);
      if (!loaded.ok) {
        process.stderr.write(loaded.report + "\n");
        code = 2;
        continue;
      }
      const report = checkExpectations(loaded.scenario, loaded.trace);
      if (report.problems.length > 0) {
        process.stderr.write(formatDiagnostics(report.problems, loaded.source) + "\n");
        code = 2;
      }
      if (report.failures.length > 0) {
        process.stderr.write(formatDiagnostics(report.failures, loaded.source) + "\n");
        code = Math.max(code, 1);
      }
      const verdict = report.failures.length + report.problems.length === 0 ? "ok" : "FAILED";
      process.stdout.write(`${loaded.file}: ${verdict} — ${report.checked} expectation(s), ${loaded.trace.steps.length} steps\n`);
    }
    process.exitCode = code;
  });

/**
 * Lets pending signals be handled. Rendering resolves through microtasks only, so without this a
 * whole build would run before a SIGINT or SIGTERM handler could.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Renders every product of one scenario into memory; nothing is written unless all succeed. */
async function renderKit(loaded: Extract<Loaded, { ok: true }>, options: RenderOptions, templates: Templates) {
  const hash = createHash("sha256").update(loaded.source).digest("hex").slice(0, 8);
  const kit = buildKit(loaded.scenario, loaded.trace, templates, hash);
  const files: { path: string; bytes: Uint8Array; pages?: number }[] = [];
  for (const product of PRODUCTS) {
    await yieldToEventLoop();
    const rendered = await product.render(kit, options);
    files.push({ path: product.file, bytes: rendered.pdf, pages: rendered.pages }, ...rendered.extras);
  }
  return { id: loaded.scenario.id, files };
}

function parseOffset(value: string): { x: number; y: number } {
  const match = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(value);
  if (!match) throw new CommanderError(2, "replikit.offset", `--back-offset takes two numbers in millimetres, "X,Y" (for example "1.5,-0.5"); got "${value}"`);
  return { x: mm(Number(match[1])), y: mm(Number(match[2])) };
}

program
  .command("build")
  .description("write the printable kit of each scenario to OUT/<id>/ (default: every shipped scenario)")
  .argument("[files...]", "scenario files")
  .option("-o, --out <dir>", "output folder", "out")
  .addOption(new Option("--paper <size>", "sheet size").choices(["letter", "a4"]).default("letter"))
  .option("--svg", "also write each diagram as OUT/<id>/diagrams/step-NN.svg")
  .option("--back-offset <x,y>", "shift back pages by X,Y millimetres to correct duplex drift", parseOffset)
  .action(async (given: string[], opts: { out: string; paper: Paper; svg?: boolean; backOffset?: { x: number; y: number } }) => {
    const options: RenderOptions = { paper: opts.paper, fonts: loadFonts(), date: dateFromEnvironment(process.env.SOURCE_DATE_EPOCH), svg: opts.svg, backOffset: opts.backOffset };
    const templates = new Templates(loadWording());
    recover(opts.out);
    let code = 0;
    let written = 0;
    for (const path of files(given)) {
      const loaded = load(path);
      if (!loaded.ok) {
        process.stderr.write(loaded.report + "\n");
        code = 2;
        continue;
      }
      let kit;
      try {
        kit = await renderKit(loaded, options, templates);
      } catch (error) {
        if (!(error instanceof OverflowError)) throw error;
        process.stderr.write(`${loaded.file}: ${error.message}\n`);
        code = 2;
        continue;
      }
      writeKit(opts.out, kit.id, kit.files);
      for (const f of kit.files) {
        if (f.pages === undefined) continue;
        written++;
        process.stdout.write(`${join(opts.out, kit.id, f.path)}  ${f.pages} page${f.pages === 1 ? "" : "s"}\n`);
      }
    }
    process.stdout.write(`${written} PDF${written === 1 ? "" : "s"} written${code ? "; some scenarios failed (see above)" : ""}\n`);
    process.exitCode = code;
  });

program
  .command("trace")
  .description("print the canonical trace of a scenario as JSON")
  .argument("<file>", "scenario file")
  .action((path: string) => {
    const loaded = load(path);
    if (!loaded.ok) {
      process.stderr.write(loaded.report + "\n");
      process.exitCode = 2;
      return;
    }
    process.stdout.write(canonicalJson(loaded.trace));
  });

program
  .command("schema")
  .description("print the scenario language as JSON Schema (for YAML editors)")
  .action(() => {
    process.stdout.write(JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
  });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    abandonWrites();
    process.stderr.write(`replikit: interrupted (${signal}); the previous kit is untouched\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`replikit: internal error: ${(error as Error).message}\n`);
    if (debug) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 3;
  }
}
