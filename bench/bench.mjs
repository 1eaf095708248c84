#!/usr/bin/env node
/**
 * replikit's benchmark (issue 14). Every case is measured against plain pdfkit writing the same
 * pages, the same amount of text and the same embedded, subset fonts as the kit it built (see
 * baseline.mjs), in the same run, the two alternated (kit, baseline, kit, baseline, …) so that
 * the machine's load falls on both alike. Each time is a fresh process from start to exit; the
 * ratio is the median of the pairs' ratios. Growth is reported as slopes between 1k and 10k
 * trace events (least squares: ms and MB per 1,000 events), peak memory as VmHWM polled from
 * /proc (and CPU time), summed over the command's process and any it starts. One untimed run of
 * each command comes first (disk cache, code cache).
 * Not a test: these machines are shared and noisy. BENCH_RUNS sets the pairs per case (5).
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = [join(root, process.env.BENCH_CLI ?? "dist/launch.js")];
const baselineScript = join(root, "bench", "baseline.mjs");
const work = mkdtempSync(join(tmpdir(), "replikit-bench-"));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
process.on("exit", () => rmSync(work, { recursive: true, force: true }));

/** Runs a command to completion; returns wall time (ms), peak RSS (MB) and its output. */
function measure(args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd ?? root, stdio: ["ignore", "pipe", "pipe"] });
    const usage = tracker(child.pid);
    let out = "";
    const poll = setInterval(usage.poll, 5);
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const ms = performance.now() - started;
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}:\n${out}`));
      else resolve({ ms, mb: usage.peakKb() / 1024, cpu: usage.cpuMs(), out });
    });
  });
}

/**
 * A process and the processes it starts (on a machine with few cores replikit runs its long
 * commands in a second Node process, src/node/relaunch.ts), polled: the peak RSS is the sum of
 * each one's peak (an upper bound of what they held at once), the CPU time the sum of each one's,
 * missing at most the last 5 ms of each.
 */
function tracker(root) {
  const peaks = new Map();
  const cpus = new Map();
  const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  return {
    poll() {
      for (const pid of family(root)) {
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwm(pid)));
        cpus.set(pid, Math.max(cpus.get(pid) ?? 0, cpuTime(pid)));
      }
    },
    peakKb: () => sum(peaks),
    cpuMs: () => sum(cpus),
  };
}

/** A process and its descendants, from /proc/PID/task/TID/children. */
function family(root) {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    try {
      for (const tid of readdirSync(`/proc/${pids[i]}/task`))
        for (const c of readFileSync(`/proc/${pids[i]}/task/${tid}/children`, "utf8").split(" "))
          if (c.trim()) pids.push(Number(c));
    } catch {
      // gone already
    }
  }
  return pids;
}

function hwm(pid) {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** CPU time (user + system, ms) a process has used so far. */
function cpuTime(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** The pages, characters and embedded faces of every PDF under `dir`, for the baseline to copy. */
async function pdfStats(dir) {
  const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const docs = [];
  for (const id of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, id))
      .filter((f) => f.endsWith(".pdf"))
      .sort()) {
      const bytes = readFileSync(join(dir, id, file));
      const fonts = [
        ...new Set([...bytes.toString("latin1").matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map((m) => m[1])),
      ];
      const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
      const chars = [];
      for (let i = 1; i <= pdf.numPages; i++) {
        const content = await (await pdf.getPage(i)).getTextContent();
        chars.push(content.items.reduce((n, item) => n + (item.str?.length ?? 0), 0));
      }
      const size = (await pdf.getPage(1)).view.slice(2);
      docs.push({ file: `${id}/${file}`, pages: pdf.numPages, chars, size, fonts });
      await pdf.destroy();
    }
  }
  return docs;
}

/** A kit command against the baseline of what it wrote: alternated pairs, medians. */
async function paired(name, kitArgs, outDir, runs, target) {
  await measure(kitArgs); // untimed: disk and code caches
  const docs = await pdfStats(outDir);
  const spec = join(work, `${name.replace(/\W+/g, "-")}.json`);
  writeFileSync(spec, JSON.stringify(docs));
  const baseArgs = [baselineScript, spec, join(work, "baseline-out")];
  await measure(baseArgs);
  const kit = [];
  const base = [];
  for (let i = 0; i < runs; i++) {
    kit.push(await measure(kitArgs));
    base.push(await measure(baseArgs));
  }
  return {
    name,
    kit: median(kit.map((r) => r.ms)),
    base: median(base.map((r) => r.ms)),
    ratio: median(kit.map((r, i) => r.ms / base[i].ms)),
    cpu: median(kit.map((r) => r.cpu)),
    baseCpu: median(base.map((r) => r.cpu)),
    cpuRatio: median(kit.map((r, i) => r.cpu / base[i].cpu)),
    mb: Math.max(...kit.map((r) => r.mb)),
    baseMb: Math.max(...base.map((r) => r.mb)),
    pages: docs.reduce((n, d) => n + d.pages, 0),
    fonts: [...new Set(docs.flatMap((d) => d.fonts))].length,
    target,
  };
}

/**
 * A scenario of `steps` steps, each writing three cards that stream to three standbys (21 trace
 * events a step: 480 steps make about 10,000), in runs of 33 steps (99 cards).
 */
function generated(steps) {
  const lines = [
    "id: generated",
    "title: Generated load",
    "summary: Many writes streamed to three standbys.",
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
  for (let run = 1, left = steps; left > 0; run++, left -= 33) {
    lines.push(`  - title: Run ${run}`, "    steps:");
    for (let i = 0; i < Math.min(left, 33); i++)
      lines.push(
        `      - title: Step ${i + 1}`,
        "        say: Writer, three cards.",
        "        actions:",
        "          - write: { by: writer, to: primary, count: 3 }",
      );
  }
  return lines.join("\n") + "\n";
}

async function generatedFile(steps) {
  const file = join(work, `generated-${steps}.yaml`);
  writeFileSync(file, generated(steps));
  const trace = JSON.parse((await measure([...cli, "trace", file])).out);
  return { file, events: trace.steps.reduce((n, s) => n + s.events.length, 0) };
}

/** Least-squares slope of y on x. */
function slope(points) {
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxy / sxx;
}

/** One scenario rebuilt by watch after a change, from the write to "rebuilt" on stdout. */
async function watchCase(runs) {
  const dir = join(work, "watch");
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, "scenarios", "streaming.yaml"), join(dir, "streaming.yaml"));
  const child = spawn(process.execPath, [...cli, "watch", "streaming.yaml", "--out", "out"], { cwd: dir });
  const usage = tracker(child.pid);
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
  for (let i = 0; i < runs + 2; i++) {
    const text = readFileSync(join(dir, "streaming.yaml"), "utf8").replace(/minutes: \d+/, `minutes: ${12 + i}`);
    const started = performance.now();
    writeFileSync(join(dir, "streaming.yaml"), text);
    await waitFor(/rebuilt streaming/);
    if (i > 1) times.push(performance.now() - started); // the first two changes warm the process
    usage.poll();
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGTERM");
  return { ms: median(times), mb: usage.peakKb() / 1024 };
}

const out = (name) => join(work, name);
const cold = await paired(
  `${readdirSync(join(root, "scenarios")).filter((f) => f.endsWith(".yaml")).length} shipped kits, cold`,
  [...cli, "build", "--force", "--out", out("cold")],
  out("cold"),
  RUNS,
  "≤ 0.7",
);
const big = await generatedFile(480);
const large = await paired(
  `generated, 480 steps, ${big.events} events`,
  [...cli, "build", "--force", "--out", out("gen-480"), big.file],
  out("gen-480"),
  RUNS,
  "≤ 1.5, ≤ 300 MB",
);
const watched = await watchCase(RUNS);

// At the documented limits (issue 12): 12 roles, 20 runs of 200 steps, in the 256 KiB a file may
// have. Once: it takes about a minute. Its peak memory must stay under 1 GB.
const { atLimits } = await import("./at-limits.mjs");
writeFileSync(out("at-limits.yaml"), atLimits());
const limits = await measure([...cli, "build", "--force", "--out", out("at-limits"), out("at-limits.yaml")]);

// Growth: 48, 120, 240 and 480 steps (about 1k, 2.5k, 5k and 10k events), three runs each.
const growth = [];
for (const steps of [48, 120, 240, 480]) {
  const g = steps === 480 ? big : await generatedFile(steps);
  const args = [...cli, "build", "--force", "--out", out(`gen-${steps}`), g.file];
  if (steps !== 480) await measure(args);
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await measure(args));
  growth.push({ events: g.events, ms: median(runs.map((r) => r.ms)), mb: Math.max(...runs.map((r) => r.mb)) });
}
const msSlope = slope(growth.map((g) => ({ x: g.events / 1000, y: g.ms })));
const mbSlope = slope(growth.map((g) => ({ x: g.events / 1000, y: g.mb })));

const pad = (s, n) => String(s).padEnd(n);
const ms = (v) => `${Math.round(v)} ms`;
const mb = (v) => `${Math.round(v)} MB`;
console.log(
  `\nreplikit benchmark, ${new Date().toISOString().slice(0, 16)}Z, node ${process.version}: medians of ${RUNS} alternated pairs\n`,
);
console.log(
  pad("case", 60),
  pad("replikit", 10),
  pad("peak", 8),
  pad("pdfkit", 10),
  pad("peak", 8),
  pad("ratio", 7),
  "target",
);
for (const c of [cold, large])
  console.log(
    pad(`${c.name} (${c.pages} pages, ${c.fonts} fonts)`, 60),
    pad(ms(c.kit), 10),
    pad(mb(c.mb), 8),
    pad(ms(c.base), 10),
    pad(mb(c.baseMb), 8),
    pad(c.ratio.toFixed(2), 7),
    c.target,
  );
console.log(
  pad("watch: one scenario rebuilt", 60),
  pad(ms(watched.ms), 10),
  pad(mb(watched.mb), 8),
  pad("", 26),
  "≤ 60 ms",
);
console.log(
  pad("at the limits: 12 roles, 20 runs × 200 steps, one run", 60),
  pad(ms(limits.ms), 10),
  pad(mb(limits.mb), 8),
  pad("", 26),
  "≤ 1024 MB",
);
console.log(
  `\ngrowth, 1k to 10k events: ${msSlope.toFixed(0)} ms and ${mbSlope.toFixed(1)} MB per 1,000 events` +
    ` (${growth.map((g) => `${g.events}: ${ms(g.ms)}, ${mb(g.mb)}`).join("; ")})`,
);
console.log(
  `CPU time (user + system), same runs: ${[cold, large]
    .map((c) => `${c.name.split(",")[0]}: ${ms(c.cpu)} against ${ms(c.baseCpu)}, ratio ${c.cpuRatio.toFixed(2)}`)
    .join("; ")}`,
);
const met = [cold.ratio <= 0.7, large.ratio <= 1.5 && large.mb <= 300, watched.ms <= 60, limits.mb <= 1024].map((m) =>
  m ? "met" : "not met",
);
console.log(`targets: cold ${met[0]}, generated ${met[1]}, watch ${met[2]}, at the limits ${met[3]}`);
