#!/usr/bin/env node
/**
 * replikit's benchmark: wall time (median of several runs, each in a fresh process) and peak
 * memory (VmHWM, read from /proc while the process runs) for the cases of issue 5. Prints a
 * table with the targets. Not a test: these machines are shared and noisy.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "replikit-bench-"));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a command to completion; returns wall time (ms), peak RSS (MB) and its output. */
function measure(args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? root, stdio: ["ignore", "pipe", "pipe"] });
    let peak = 0;
    let out = "";
    const poll = setInterval(() => (peak = Math.max(peak, hwm(child.pid))), 5);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}:\n${out}`));
      else resolve({ ms: performance.now() - started, mb: peak / 1024, out });
    });
  });
}

function hwm(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function repeat(args, runs = RUNS, options) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await measure(args, options));
  return { ms: median(results.map((r) => r.ms)), mb: Math.max(...results.map((r) => r.mb)), out: results[0].out };
}

/**
 * A scenario of about `events` trace events: writes streamed to three standbys (each card is
 * written, then streamed and replayed three times: 7 events), in runs of at most 99 cards.
 */
function generated(events) {
  const perStep = 9 * 7;
  let steps = Math.round(events / perStep);
  const runs = [];
  while (steps > 0) {
    const n = Math.min(steps, 11);
    runs.push(n);
    steps -= n;
  }
  const lines = [
    "id: generated",
    "title: Generated load",
    "summary: Many writes streamed to a standby.",
    "goals: [Measure.]",
    "minutes: 60",
    "roles:",
    "  - { id: primary, label: Primary, kind: primary }",
    "  - { id: s1, label: Standby 1, kind: standby }",
    "  - { id: s2, label: Standby 2, kind: standby }",
    "  - { id: s3, label: Standby 3, kind: standby }",
    "  - { id: writer, label: Writer, kind: writer }",
    "runs:",
  ];
  runs.forEach((n, r) => {
    lines.push(`  - title: Run ${r + 1}`, "    steps:");
    for (let i = 0; i < n; i++)
      lines.push(
        `      - title: Step ${i + 1}`,
        "        say: Writer, nine cards.",
        "        actions:",
        "          - write: { by: writer, to: primary, count: 9 }",
      );
  });
  return lines.join("\n") + "\n";
}

async function pdfStats(dir) {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const docs = [];
  for (const id of readdirSync(dir)) {
    for (const file of readdirSync(join(dir, id)).filter((f) => f.endsWith(".pdf"))) {
      const pdf = await getDocument({ data: new Uint8Array(readFileSync(join(dir, id, file))), verbosity: 0 }).promise;
      let chars = 0;
      const page1 = await pdf.getPage(1);
      for (let i = 1; i <= pdf.numPages; i++) {
        const content = await (await pdf.getPage(i)).getTextContent();
        for (const item of content.items) chars += item.str?.length ?? 0;
      }
      docs.push({ pages: pdf.numPages, chars, size: page1.view.slice(2) });
      await pdf.destroy();
    }
  }
  return docs;
}

const rows = [];
const row = (name, r, target) => rows.push({ name, ms: r.ms, mb: r.mb, target });
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

// 1. Cold build of every shipped scenario, from process start to exit.
const cold = await repeat([cli, "build", "--force", "--out", join(work, "cold")]);
row("1. cold build, 9 scenarios × 4 PDFs", cold, "≤ 1000 ms");

// 2. One scenario rebuilt by watch after a change, from the write to the kit written.
{
  const dir = join(work, "watch");
  cpSync(join(root, "scenarios", "streaming.yaml"), join(dir, "streaming.yaml"), { recursive: true });
  const child = spawn(process.execPath, [cli, "watch", "streaming.yaml", "--out", "out"], { cwd: dir });
  let buffer = "";
  const waitFor = (pattern) =>
    new Promise((resolve) => {
      const check = () => {
        const i = buffer.search(pattern);
        if (i >= 0) {
          buffer = buffer.slice(i + 1);
          resolve();
        } else setTimeout(check, 1);
      };
      check();
    });
  child.stdout.on("data", (d) => (buffer += d));
  await waitFor(/watching/);
  const times = [];
  let peak = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const text = readFileSync(join(dir, "streaming.yaml"), "utf8").replace(/minutes: \d+/, `minutes: ${12 + i}`);
    const started = performance.now();
    writeFileSync(join(dir, "streaming.yaml"), text);
    await waitFor(/rebuilt streaming/);
    if (i > 0) times.push(performance.now() - started); // the first change warms the process
    peak = Math.max(peak, hwm(child.pid));
  }
  child.kill("SIGTERM");
  row("2. watch: one scenario rebuilt after a change", { ms: median(times), mb: peak / 1024 }, "≤ 150 ms");
}

// 3. Generated scenarios: simulate and build, to show how cost grows with events.
const growth = [];
for (const events of [1000, 2000, 4000, 8000]) {
  const file = join(work, `generated-${events}.yaml`);
  writeFileSync(file, generated(events));
  const trace = JSON.parse((await measure([cli, "trace", file])).out);
  const counted = trace.steps.reduce((n, s) => n + s.events.length, 0);
  const r = await repeat([cli, "build", "--force", "--out", join(work, `gen-${events}`), file], 3);
  growth.push({ events: counted, ms: r.ms });
  row(`3. generated: ${counted} events (simulate + build)`, r, events === 8000 ? "≤ 3000 ms, ≤ 300 MB" : "linear");
}

// 4. Baseline: plain pdfkit writing the same pages and amount of text, same fonts.
const stats = await pdfStats(join(work, "cold"));
const spec = join(work, "baseline.json");
writeFileSync(spec, JSON.stringify(stats));
const baseline = await repeat([join(root, "bench", "baseline.mjs"), spec, join(work, "baseline")]);
row(
  `4. baseline: plain pdfkit, ${stats.reduce((n, d) => n + d.pages, 0)} pages, ${stats.reduce((n, d) => n + d.chars, 0)} characters`,
  baseline,
  "—",
);

const pad = (s, n) => String(s).padEnd(n);
console.log(
  `\nreplikit benchmark — median of ${RUNS} runs in fresh processes, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log(pad("case", 58), pad("median", 10), pad("peak", 9), "target");
for (const r of rows)
  console.log(pad(r.name, 58), pad(`${Math.round(r.ms)} ms`, 10), pad(`${Math.round(r.mb)} MB`, 9), r.target);
console.log(`\nratio of case 1 to the baseline: ${(cold.ms / baseline.ms).toFixed(2)} (target ≤ 1.3)`);
const perEvent = growth.map((g) => (g.ms / g.events).toFixed(3));
console.log(`cost per event for 1k/2k/4k/8k: ${perEvent.join(" / ")} ms (constant means linear)`);
rmSync(work, { recursive: true, force: true });
