/** The replikit command as a user meets it: exit codes, messages, and kits that survive failures. */
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, shipped } from "../helpers.js";

/** The shipped workshops: a build with no files makes their kits too. */
const workshops = readdirSync(join(root, "workshops")).filter((f) => f.endsWith(".yaml"));

const cli = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "replikit-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const scenario = (name: string) => join(root, "scenarios", name);
const bad = (name: string) => join(root, "tests", "bad", name);

/** Every file of a kit folder with its bytes, to compare before and after. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.set(join(d, e.name).slice(dir.length), readFileSync(join(d, e.name)).toString("base64"));
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

describe("replikit list and new", () => {
  it("lists the shipped scenarios with their roles, steps, minutes and cards", () => {
    const r = run(["list"], {});
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(/^id\s+title\s+roles\s+steps\s+minutes\s+cards$/);
    expect(lines).toHaveLength(shipped.length + 1);
    expect(lines.find((l) => l.startsWith("failover-failback"))).toMatch(/Failover and failback\s+3\s+9\s+20\s+8$/);
  });

  it("writes a starting scenario that passes check, and refuses to overwrite or a bad id", () => {
    const dir = mkdtempSync(join(work, "new-"));
    expect(run(["new", "my-workshop", "--dir", dir]).code).toBe(0);
    const text = readFileSync(join(dir, "my-workshop.yaml"), "utf8");
    expect(text).toContain("id: my-workshop");
    expect(text.split("\n").filter((l) => l.trim().startsWith("#")).length).toBeGreaterThan(8);
    const check = run(["check", join(dir, "my-workshop.yaml")]);
    expect(check.code).toBe(0);
    expect(check.out).toContain("ok — 3 expectation(s)");
    expect(run(["new", "my-workshop", "--dir", dir]).code).toBe(2);
    expect(run(["new", "My Workshop", "--dir", dir]).code).toBe(2);
  });
});

describe("replikit calibrate", () => {
  it("writes a two-page duplex calibration sheet that says how to use --back-offset", async () => {
    const out = join(work, "calibration");
    const r = run(["calibrate", "--out", out, "--paper", "a4"]);
    expect(r.code).toBe(0);
    const { readPdf } = await import("../pdf.js");
    const pages = await readPdf(readFileSync(join(out, "calibration.pdf")));
    expect(pages).toHaveLength(2);
    expect(pages[0]!.width).toBeCloseTo(595.28, 1);
    expect(pages[0]!.text).toContain("--back-offset");
    expect(pages[1]!.items.map((i) => i.str)).toEqual(expect.arrayContaining(["X (mm)", "Y (mm)", "2", "-2"]));
    expect(run(["calibrate", "--out", out, "--duplex", "short"]).code).toBe(0);
    const short = await readPdf(readFileSync(join(out, "calibration.pdf")));
    expect(short[0]!.text).toContain("--duplex short --back-offset");
  });
});

describe("replikit watch", () => {
  it("rebuilds a changed scenario, keeps the last good kit on a broken save, and says so", async () => {
    const dir = mkdtempSync(join(work, "watch-"));
    const file = join(dir, "streaming.yaml");
    cpSync(scenario("streaming.yaml"), file);
    const child = spawn(process.execPath, [cli, "watch", "streaming.yaml", "--out", "out"], { cwd: dir });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const until = async (pattern: RegExp, from: number) => {
      for (let i = 0; i < 600 && !pattern.test(out.slice(from)); i++) await new Promise((r) => setTimeout(r, 25));
      expect(out.slice(from)).toMatch(pattern);
    };
    try {
      await until(/watching 1 scenario/, 0);
      const good = snapshot(join(dir, "out", "streaming"));
      let mark = out.length;
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(
          "- write: { by: writer, to: primary, count: 2 }",
          "- wirte: { by: writer, to: primary, count: 2 }",
        ),
      );
      await until(/the last good kit is unchanged/, mark);
      expect(out.slice(mark)).toMatch(/streaming\.yaml:\d+:9: unknown action "wirte"; did you mean "write"\?/);
      expect(snapshot(join(dir, "out", "streaming"))).toEqual(good);
      mark = out.length;
      writeFileSync(
        file,
        readFileSync(file, "utf8").replaceAll("- wirte:", "- write:").replace("minutes: 12", "minutes: 14"),
      );
      await until(/rebuilt streaming in \d+ ms/, mark);
      expect(snapshot(join(dir, "out", "streaming"))).not.toEqual(good);
    } finally {
      child.kill("SIGTERM");
    }
  });
});

describe("replikit check", () => {
  it("exits 0 when every claim holds", () => {
    const r = run(["check", scenario("streaming.yaml")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ok — 9 expectation(s)");
  });

  it("exits 1 when a claim fails, naming the line, the expected and the simulated", () => {
    const file = join(work, "wrong-claim.yaml");
    writeFileSync(
      file,
      readFileSync(scenario("streaming.yaml"), "utf8").replace(
        "- { server: standby, cards: [1, 2, 3, 4], streaming: false }",
        "- { server: standby, cards: [1, 2, 3, 4, 5], streaming: false }",
      ),
    );
    const r = run(["check", file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /wrong-claim\.yaml:\d+:\d+: step 5 "The connection drops": server "standby" cards: expected \[1, 2, 3, 4, 5\], simulated \[1, 2, 3, 4\]/,
    );
  });

  it("exits 2 on bad input with FILE:LINE:COLUMN, the line and a caret, and never a stack trace", () => {
    const r = run(["check", bad("action-unknown.yaml")]);
    expect(r.code).toBe(2);
    const lines = r.err.split("\n");
    const head = lines.findIndex((l) =>
      /action-unknown\.yaml:21:9: unknown action "wirte"; did you mean "write"\?/.test(l),
    );
    expect(head).toBeGreaterThanOrEqual(0);
    expect(lines[head + 1]).toBe("21 |       - wirte: { by: writer, to: primary }");
    expect(lines[head + 2]).toBe(" ".repeat("21 | ".length + 8) + "^");
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("checks several files independently and reports each", () => {
    const r = run(["check", bad("no-primary.yaml"), scenario("cascading.yaml"), bad("wait-negative.yaml")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("no-primary.yaml:8:5");
    expect(r.err).toContain("wait-negative.yaml:21:15");
    expect(r.out).toContain("cascading.yaml: ok");
  });

  it("exits 2 on a missing file and on bad usage", () => {
    expect(run(["check", join(work, "nope.yaml")]).code).toBe(2);
    expect(run(["frobnicate"]).code).toBe(2);
    expect(run(["build", "--paper", "a5"]).code).toBe(2);
  });
});

describe("replikit build", () => {
  it("builds the good scenarios, reports the bad one, and exits non-zero", () => {
    const out = join(work, "mixed");
    const r = run([
      "build",
      "--out",
      out,
      scenario("streaming.yaml"),
      bad("promote-a-primary.yaml"),
      scenario("synchronous.yaml"),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      'promote-a-primary.yaml:21:9: step 1, promote: cannot promote "primary": it is already a primary',
    );
    expect(readdirSync(out).sort()).toEqual(["streaming", "synchronous"]);
    expect(r.out).toContain("8 PDFs written");
  });

  it("refuses a kit whose claims fail (exit 1, the claims listed) unless --allow-failing-claims", () => {
    const out = join(work, "claims");
    const file = join(work, "failing-claim.yaml");
    writeFileSync(
      file,
      readFileSync(scenario("streaming.yaml"), "utf8").replace(
        "- { server: standby, cards: [1, 2, 3, 4], streaming: false }",
        "- { server: standby, cards: [1, 2, 3, 4, 5], streaming: false }",
      ),
    );
    const refused = run(["build", "--out", out, file]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /failing-claim\.yaml:\d+:\d+: step 5 "The connection drops": server "standby" cards: expected \[1, 2, 3, 4, 5\], simulated \[1, 2, 3, 4\]/,
    );
    expect(refused.err).toContain("1 claim(s) fail: no kit written (--allow-failing-claims builds it anyway)");
    expect(existsSync(join(out, "streaming"))).toBe(false);
    const allowed = run(["build", "--out", out, "--allow-failing-claims", file]);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain("4 PDFs written");
  });

  it("leaves the previous kit untouched when a later build of it fails", () => {
    const out = join(work, "keep");
    const file = join(work, "streaming.yaml");
    cpSync(scenario("streaming.yaml"), file);
    expect(run(["build", "--out", out, file]).code).toBe(0);
    const before = snapshot(join(out, "streaming"));
    expect([...before.keys()].sort()).toEqual([
      "/.replikit-stamp",
      "/data-cards.pdf",
      "/diagrams.pdf",
      "/facilitator-script.pdf",
      "/presenter/index.html",
      "/role-cards.pdf",
    ]);
    // A role label that cannot fit on its card, even at the smallest size allowed.
    writeFileSync(file, readFileSync(file, "utf8").replace("label: Writer", "label: WWWWWWWWWWWWWWWWWWWWWWWW"));
    const r = run(["build", "--out", out, file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('role card "WWWWWWWWWWWWWWWWWWWWWWWW"');
    expect(snapshot(join(out, "streaming"))).toEqual(before);
    expect(readdirSync(out)).toEqual(["streaming"]);
  });

  it("survives being killed part-way: every kit is the old one or the new one, never a mix, and no temporary folder stays", async () => {
    const out = join(work, "killed");
    expect(run(["build", "--out", out]).code).toBe(0);
    const before = new Map(readdirSync(out).map((id) => [id, snapshot(join(out, id))]));
    expect(before.size).toBe(shipped.length + workshops.length); // every shipped scenario and workshop
    // Rebuild on A4 (other bytes), and kill it once the first kit has been written.
    const child = spawn(process.execPath, [cli, "build", "--out", out, "--paper", "a4"], { cwd: work });
    await new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("diagrams.pdf")) child.kill("SIGTERM");
      });
      child.on("exit", () => resolve());
    });
    expect(child.signalCode ?? child.exitCode).not.toBe(0);
    const after = readdirSync(out);
    expect(after.filter((n) => n.startsWith(".replikit-"))).toEqual([]);
    expect(after.sort()).toEqual([...before.keys()].sort());
    let replaced = 0;
    for (const [id, old] of before) {
      const now = snapshot(join(out, id));
      expect([...now.keys()].sort()).toEqual([...old.keys()].sort());
      // The presenter page does not depend on the paper: the same bytes in the old kit and the new.
      const paperBound = [...now].filter(([f]) => !f.endsWith("presenter/index.html"));
      const same = paperBound.filter(([f, b]) => old.get(f) === b).length;
      expect(same === 0 || same === paperBound.length, `${id} is a mix of old and new files`).toBe(true);
      if (same === 0) replaced++;
    }
    expect(replaced).toBeGreaterThanOrEqual(1);
    expect(replaced).toBeLessThan(shipped.length + workshops.length);
  });

  it("clears what a SIGKILLed build left behind on the next build", () => {
    const out = join(work, "stale");
    expect(run(["build", "--out", out, scenario("streaming.yaml")]).code).toBe(0);
    // What a build killed with SIGKILL mid-swap leaves: its temporary folder, and the old kit moved aside.
    cpSync(join(out, "streaming"), join(out, ".replikit-tmp-streaming-999999"), { recursive: true });
    cpSync(join(out, "streaming"), join(out, ".replikit-old-streaming-999998"), { recursive: true });
    const kit = snapshot(join(out, "streaming"));
    rmSync(join(out, "streaming"), { recursive: true });
    expect(run(["build", "--out", out, scenario("cascading.yaml")]).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["cascading", "streaming"]);
    expect(snapshot(join(out, "streaming"))).toEqual(kit);
  });

  it("skips an up-to-date kit, and rebuilds it when the scenario, a template input or an option changes, or with --force", () => {
    const out = join(work, "incremental");
    const file = join(work, "cascading.yaml");
    cpSync(scenario("cascading.yaml"), file);
    expect(run(["build", "--out", out, file]).out).toContain("4 PDFs written");
    const again = run(["build", "--out", out, file]);
    expect(again.out).toContain(`${join(out, "cascading")}: up to date`);
    expect(again.out).toContain("0 PDFs written");
    expect(run(["build", "--out", out, "--paper", "a4", file]).out).toContain("4 PDFs written");
    expect(run(["build", "--out", out, "--paper", "a4", file]).out).toContain("up to date");
    expect(run(["build", "--out", out, "--paper", "a4", "--force", file]).out).toContain("4 PDFs written");
    writeFileSync(file, readFileSync(file, "utf8").replace("minutes: 12", "minutes: 13"));
    expect(run(["build", "--out", out, "--paper", "a4", file]).out).toContain("4 PDFs written");
  });

  it("stops quietly when its reader goes away (replikit build | head -1)", () => {
    const out = join(work, "epipe");
    const r = spawnSync(
      "sh",
      [
        "-c",
        `"${process.execPath}" "${cli}" build --out "${out}" "${scenario("streaming.yaml")}" "${scenario("cascading.yaml")}" | head -1`,
      ],
      { encoding: "utf8" },
    );
    expect(r.stdout.trim()).toMatch(/role-cards\.pdf {2}\d+ pages, \d+ KB$/);
    expect(r.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(readdirSync(out).filter((n) => n.startsWith(".replikit-"))).toEqual([]);
  });

  it("lays backs out for a short-edge turn with --duplex short: the other row, turned half round", async () => {
    const out = join(work, "short");
    expect(run(["build", "--out", out, "--duplex", "short", scenario("split-brain.yaml")]).code).toBe(0);
    const { readPdf } = await import("../pdf.js");
    const pages = await readPdf(readFileSync(join(out, "split-brain", "role-cards.pdf")));
    // Server A needs two cards: the first in the top row on the front, its back in the bottom row, upside down.
    const parts = pages[0]!.items.filter((it) => it.str === "Server A");
    expect(parts).toHaveLength(2);
    const first = pages[1]!.items.find((it) => it.str === "Server A: your cues")!;
    const second = pages[1]!.items.find((it) => it.str.startsWith("Server A: your cues, continued"))!;
    expect(first.y).toBeLessThan(second.y);
    expect(first.upright).toBe(false);
    const long = await readPdf(readFileSync(join(work, "mixed", "streaming", "role-cards.pdf")));
    expect(long[1]!.items.every((it) => it.upright)).toBe(true);
  });

  it("writes diagram SVGs with --svg and stamps SOURCE_DATE_EPOCH into the PDFs", () => {
    const out = join(work, "svg");
    expect(
      run(["build", "--out", out, "--svg", scenario("cascading.yaml")], { SOURCE_DATE_EPOCH: "1700000000" }).code,
    ).toBe(0);
    expect(readdirSync(join(out, "cascading", "diagrams"))).toEqual([
      "step-01.svg",
      "step-02.svg",
      "step-03.svg",
      "step-04.svg",
      "step-05a.svg",
      "step-05b.svg",
      "step-06.svg",
    ]);
    // Step 5 is drawn twice: as Replica 1 is promoted, then as Replica 2 follows it onto timeline 2.
    const [before, after] = ["a", "b"].map((m) =>
      readFileSync(join(out, "cascading", "diagrams", `step-05${m}.svg`), "utf8"),
    );
    for (const svg of [before, after]) expect(svg).toContain("Step 5. Promote Replica 1");
    expect(before).toContain("1 of 2");
    expect(after).toContain("2 of 2");
    expect(readFileSync(join(out, "cascading", "role-cards.pdf")).toString("latin1")).toContain("D:20231114221320Z");
  });
});

describe("replikit build never removes what it did not write", () => {
  /** A copy of the streaming scenario under another id, in a fresh folder. */
  function setup(id: string) {
    const dir = mkdtempSync(join(work, "own-"));
    const file = join(dir, "scenario.yaml");
    writeFileSync(file, readFileSync(scenario("streaming.yaml"), "utf8").replace("id: streaming", `id: ${id}`));
    return { dir, file };
  }

  it("leaves a user's folder that is named like the kit, and says what is in the way", () => {
    const { dir, file } = setup("notes");
    mkdirSync(join(dir, "notes", "deep"), { recursive: true });
    writeFileSync(join(dir, "notes", "todo.txt"), "mine");
    writeFileSync(join(dir, "notes", "deep", "plan.txt"), "mine too");
    const before = snapshot(join(dir, "notes"));
    const r = run(["build", "--out", dir, file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, "notes")} is a folder replikit did not make`);
    expect(r.err).toContain("deep/plan.txt, todo.txt");
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(snapshot(join(dir, "notes"))).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.startsWith(".replikit-"))).toEqual([]);
  });

  it("leaves a plain file and a symbolic link named like the kit", () => {
    const { dir, file } = setup("plain");
    writeFileSync(join(dir, "plain"), "a file of mine");
    const r = run(["build", "--out", dir, file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${join(dir, "plain")} is a file that replikit did not write`);
    expect(readFileSync(join(dir, "plain"), "utf8")).toBe("a file of mine");
    const elsewhere = mkdtempSync(join(work, "target-"));
    writeFileSync(join(elsewhere, "keep.txt"), "keep");
    rmSync(join(dir, "plain"));
    symlinkSync(elsewhere, join(dir, "plain"));
    const linked = run(["build", "--out", dir, file]);
    expect(linked.code).toBe(2);
    expect(linked.err).toContain("is a symbolic link");
    expect(readdirSync(elsewhere)).toEqual(["keep.txt"]);
  });

  it("refuses to rebuild a kit that holds the user's own files, and keeps them and the kit", () => {
    const { dir, file } = setup("kept");
    expect(run(["build", "--out", dir, file]).code).toBe(0);
    cpSync(file, join(dir, "kept", "kept.yaml"));
    writeFileSync(join(dir, "kept", "notes.md"), "what went well");
    const before = snapshot(join(dir, "kept"));
    const r = run(["build", "--out", dir, "--force", join(dir, "kept", "kept.yaml")]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("also holds files replikit did not write: kept.yaml, notes.md");
    expect(snapshot(join(dir, "kept"))).toEqual(before);
  });

  it("replaces an empty folder and its own kit, also one built with --svg and then without", () => {
    const { dir, file } = setup("empty");
    mkdirSync(join(dir, "empty"));
    expect(run(["build", "--out", dir, "--svg", file]).code).toBe(0);
    expect(readdirSync(join(dir, "empty"))).toContain("diagrams");
    expect(run(["build", "--out", dir, file]).code).toBe(0);
    expect(readdirSync(join(dir, "empty")).sort()).toEqual([
      ".replikit-stamp",
      "data-cards.pdf",
      "diagrams.pdf",
      "facilitator-script.pdf",
      "presenter",
      "role-cards.pdf",
    ]);
    expect(readdirSync(dir).filter((n) => n.startsWith(".replikit-"))).toEqual([]);
  });
});

describe("file-system mistakes are usage errors: exit 2, in plain words", () => {
  it("--out naming a file, a missing new --dir, calibrate into a file", () => {
    const dir = mkdtempSync(join(work, "fs-"));
    writeFileSync(join(dir, "afile"), "x");
    const build = run(["build", "--out", join(dir, "afile"), scenario("streaming.yaml")]);
    expect(build.code).toBe(2);
    expect(build.err).toContain(`${join(dir, "afile")}: it is a file, not a folder`);
    const made = run(["new", "x", "--dir", join(dir, "missing")]);
    expect(made.code).toBe(2);
    expect(made.err).toContain(`--dir ${join(dir, "missing")}: there is no such folder`);
    const calibrate = run(["calibrate", "--out", join(dir, "afile")]);
    expect(calibrate.code).toBe(2);
    expect(calibrate.err).toBe(`replikit: ${join(dir, "afile")}: it is a file, not a folder\n`);
    for (const r of [build, made, calibrate]) expect(r.err).not.toMatch(/internal error|EEXIST|ENOENT|\n\s+at /);
  });
});

describe("incremental builds", () => {
  it("rebuild a kit whose PDF was deleted or damaged, and skip a file made by new", () => {
    const dir = mkdtempSync(join(work, "incr-"));
    expect(run(["new", "fresh", "--dir", dir]).code).toBe(0);
    const file = join(dir, "fresh.yaml");
    const out = join(dir, "out");
    expect(run(["build", "--out", out, file]).out).toContain("4 PDFs written");
    expect(run(["build", "--out", out, file]).out).toContain("0 PDFs written");
    rmSync(join(out, "fresh", "diagrams.pdf"));
    expect(run(["build", "--out", out, file]).out).toContain("4 PDFs written");
    const pdf = join(out, "fresh", "role-cards.pdf");
    const bytes = readFileSync(pdf);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(pdf, bytes);
    expect(run(["build", "--out", out, file]).out).toContain("4 PDFs written");
    expect(run(["build", "--out", out, file]).out).toContain("0 PDFs written");
  });

  it("refuses a second file with the same id instead of overwriting the first kit", () => {
    const dir = mkdtempSync(join(work, "same-id-"));
    const [a, b] = [join(dir, "a.yaml"), join(dir, "b.yaml")];
    cpSync(scenario("streaming.yaml"), a);
    writeFileSync(b, readFileSync(a, "utf8").replace("minutes: 12", "minutes: 13"));
    const r = run(["build", "--out", join(dir, "out"), a, b]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/b\.yaml: its id "streaming" is also the id of .*a\.yaml; both would write/);
    // The kit is a's: building a alone finds it up to date.
    expect(run(["build", "--out", join(dir, "out"), a]).out).toContain("up to date");
  });
});

describe("hostile files are refused before they are read", () => {
  it("a device, a FIFO, a folder and a 1 GB file: exit 2 at once, nothing read", () => {
    const dir = mkdtempSync(join(work, "hostile-"));
    const fifo = join(dir, "pipe.yaml");
    spawnSync("mkfifo", [fifo]);
    const huge = join(dir, "huge.yaml");
    writeFileSync(huge, "");
    truncateSync(huge, 1024 ** 3);
    const inputs = ["/dev/zero", fifo, dir, huge];
    for (const args of [
      ["check", ...inputs],
      ["build", "--out", join(dir, "out"), ...inputs],
    ]) {
      // The old reader hung on the FIFO and read /dev/zero until memory ran out: a timeout makes that a failure.
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: "utf8", timeout: 20000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("/dev/zero: cannot read it: it is a device, not a scenario file");
      expect(r.stderr).toContain("pipe.yaml: cannot read it: it is a named pipe (FIFO), not a scenario file");
      expect(r.stderr).toMatch(/hostile-\w+: cannot read it: it is a folder, not a scenario file/);
      expect(r.stderr).toContain("huge.yaml: file is larger than 256 KiB");
    }
  });

  it("a file that is not UTF-8 is refused at its first foreign byte, not mis-decoded", () => {
    const file = join(work, "latin1.yaml");
    writeFileSync(
      file,
      Buffer.concat([
        readFileSync(scenario("streaming.yaml")).subarray(0, 60),
        Buffer.from("\n# Caf\xe9 cr\xe8me\n", "latin1"),
      ]),
    );
    const r = run(["check", file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/latin1\.yaml:\d+:6: the file is not UTF-8 text: byte 0xE9 cannot start or continue/);
    expect(r.err).toContain("| # Caf\ufffd cr\ufffdme\n");
  });
});

describe("text that cannot print never reaches paper or the terminal", () => {
  it("build refuses a character the fonts lack, and no message echoes an escape code", () => {
    const file = join(work, "greek.yaml");
    writeFileSync(
      file,
      readFileSync(scenario("streaming.yaml"), "utf8")
        .replace(/^title: .*$/m, "title: Ροή WAL")
        .replace("label: Writer", 'label: "Writer\\e[2J\\e[31m"'),
    );
    const r = run(["build", "--out", join(work, "greek-out"), file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/greek\.yaml:3:8: U\+03A1 "Ρ", a Greek letter, cannot be printed/);
    expect(r.err).toMatch(/greek\.yaml:\d+:\d+: the control character U\+001B ESCAPE cannot be printed/);
    expect(r.err).not.toContain("\x1b");
    expect(existsSync(join(work, "greek-out", "streaming"))).toBe(false);
  });
});

describe("a build at the documented limits", () => {
  const big = join(work, "at-limits.yaml");
  const one = join(work, "one-run.yaml");

  it("stops at once on Ctrl-C, however busy, and writes nothing after it", async () => {
    const { atLimits } = (await import(join(root, "bench", "at-limits.mjs"))) as {
      atLimits: (runs?: number) => string;
    };
    writeFileSync(big, atLimits());
    writeFileSync(one, atLimits(1));
    const out = join(work, "interrupted");
    const child = spawn(process.execPath, [cli, "build", "--out", out, big], { cwd: work });
    // Laying out 4000 steps takes many seconds; the old handler waited for the next product.
    await new Promise((r) => setTimeout(r, 2500));
    const sent = performance.now();
    child.kill("SIGINT");
    await new Promise<void>((resolve) => child.on("exit", () => resolve()));
    expect(performance.now() - sent).toBeLessThan(5000);
    expect(child.signalCode ?? child.exitCode).not.toBe(0);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("shows which kit and which product it is at, on a terminal only", () => {
    const out = join(work, "progress");
    const command = `"${process.execPath}" "${cli}" build --out "${out}" "${one}"`;
    // Shown from the start: a build of these limits no longer takes a second on a quiet machine.
    const env = { ...process.env, REPLIKIT_PROGRESS_AFTER_MS: "0" };
    const tty = spawnSync("script", ["-qfec", command, "/dev/null"], { cwd: work, encoding: "utf8", env });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain("one-run.yaml: simulating and laying out… (Ctrl-C stops at once)");
    expect(tty.stdout).toContain("one-run.yaml: writing diagrams.pdf… (Ctrl-C stops at once)");
    expect(tty.stdout).toMatch(/diagrams\.pdf {2}\d+ pages, \d+(\.\d)? [KM]B/);
    const piped = run(["build", "--force", "--out", out, one], { REPLIKIT_PROGRESS_AFTER_MS: "0" });
    expect(piped.err).toBe("");
  });
});

describe("options and wording", () => {
  it("refuses a --back-offset the calibration cannot measure, before building anything", () => {
    for (const offset of ["100,100", "5.5,0", "0,-6", "abc", "\x1b[2J"]) {
      const r = run(["build", "--out", join(work, "offset"), "--back-offset", offset, scenario("streaming.yaml")]);
      expect(r.code, offset).toBe(2);
      expect(r.err).toMatch(/--back-offset (takes two numbers|shifts back pages by at most 5 mm)/);
      expect(r.err).not.toContain("\x1b");
    }
    expect(existsSync(join(work, "offset"))).toBe(false);
  });

  it("calibrate --duplex short says short edge", () => {
    const r = run(["calibrate", "--out", join(work, "cal-short"), "--duplex", "short"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("print it double-sided (short edge)");
  });

  it("new points the modeline at the schema file that ships with replikit", () => {
    const dir = mkdtempSync(join(work, "modeline-"));
    expect(run(["new", "hover", "--dir", dir]).code).toBe(0);
    const line = readFileSync(join(dir, "hover.yaml"), "utf8").split("\n")[0]!;
    const target = /^# yaml-language-server: \$schema=(\S+)$/.exec(line)![1]!;
    expect(target).not.toMatch(/^https?:/);
    expect(readFileSync(join(dir, target), "utf8")).toBe(
      readFileSync(join(root, "schema", "scenario.schema.json"), "utf8"),
    );
  });
});

describe("check means this builds", () => {
  it("lays the kit out and reports every text that does not fit at the scenario line that causes it", () => {
    const file = join(work, "too-wide.yaml");
    writeFileSync(
      file,
      readFileSync(scenario("streaming.yaml"), "utf8").replace("label: Writer", "label: WWWWWWWWWWWWWWWWWWWWWWWW"),
    );
    const lines = readFileSync(file, "utf8").split("\n");
    const role = lines.findIndex((l) => l.includes("id: writer")) + 1;
    const r = run(["check", file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`too-wide.yaml:${role}:5: role card "WWWWWWWWWWWWWWWWWWWWWWWW": the text`);
    expect(r.err).toMatch(/too-wide\.yaml:\d+:5: diagram of step 1: the text "W+" does not fit/);
    expect(r.out).toContain("too-wide.yaml: FAILED");
    // And build says the same.
    const b = run(["build", "--out", join(work, "too-wide-out"), file]);
    expect(b.code).toBe(2);
    expect(b.err).toContain(`too-wide.yaml:${role}:5: role card`);
  });
});

describe("a diagram never drops cards silently", () => {
  it("35 cards: a standby that crashed after card 30 shows 1–30, not the primary's 1–35", () => {
    const file = join(work, "c35.yaml");
    writeFileSync(
      file,
      [
        "id: c35",
        "title: Many cards",
        "summary: Thirty-five cards, and a standby that misses the last five.",
        "goals: [Count.]",
        "minutes: 5",
        "roles:",
        "  - { id: primary, label: Primary, kind: primary }",
        "  - { id: standby, label: Standby, kind: standby }",
        "  - { id: writer, label: Writer, kind: writer }",
        "steps:",
        "  - { title: Thirty, say: Go., actions: [write: { by: writer, to: primary, count: 30 }] }",
        "  - { title: Crash, say: Go., actions: [crash: standby] }",
        "  - { title: Five more, say: Go., actions: [write: { by: writer, to: primary, count: 5 }] }",
        "",
      ].join("\n"),
    );
    expect(run(["check", file]).code).toBe(0);
    expect(run(["build", "--svg", "--out", join(work, "c35-out"), file]).code).toBe(0);
    const svg = readFileSync(join(work, "c35-out", "c35", "diagrams", "step-03.svg"), "utf8");
    expect(svg).toContain(">1–35<");
    expect(svg).toContain(">1–30<");
  });
});
