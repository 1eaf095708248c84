/** replikit verify --time-limit: validated before anything is made; when it fires, everything is undone. */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findBinaries } from "../../../src/node/verify/pg.js";
import { parseTimeLimit } from "../../../src/node/verify/verify.js";
import { root } from "../../helpers.js";

const cli = join(root, "dist", "cli.js");

/** Runs replikit with a temporary folder of its own (TMPDIR), so that what it leaves there is its alone. */
function replikit(args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
  left: string[];
  tmp: string;
} {
  const tmp = mkdtempSync(join(tmpdir(), "replikit-limit-tmp-"));
  // The servers run as the postgres account: it must reach its folders inside.
  chmodSync(tmp, 0o755);
  try {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, TMPDIR: tmp } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, left: readdirSync(tmp), tmp };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe("--time-limit", () => {
  it("takes a positive number of seconds only", () => {
    expect(parseTimeLimit("300")).toBe(300);
    expect(parseTimeLimit("2.5")).toBe(2.5);
    for (const bad of ["abc", "0", "-5", "", "1e3", "10s", "0.0"]) expect(parseTimeLimit(bad), bad).toBeUndefined();
  });

  it("refuses abc, 0 and -5 with a plain message and exit 2, leaving no folder", () => {
    for (const bad of ["abc", "0", "-5"]) {
      const r = replikit(["verify", "--time-limit", bad, join(root, "scenarios", "streaming.yaml")]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr.trim()).toBe(`error: --time-limit takes a positive number of seconds, not "${bad}"`);
      expect(r.stdout).toBe("");
      expect(r.left).toEqual([]);
    }
  });

  it.skipIf(!findBinaries())(
    "when it fires: stops the replay and every server, removes its folder, reports the step reached, exits 1",
    { timeout: 180_000 },
    () => {
      const out = mkdtempSync(join(tmpdir(), "replikit-limit-"));
      try {
        const report = join(out, "report.json");
        const fixture = join(root, "tests", "node", "verify", "fixtures", "long-wait.yaml");
        // 60 s: enough for the servers and step 1 on a loaded two-core machine; step 2 takes six minutes.
        const r = replikit(["verify", "--time-limit", "60", "--report", report, fixture]);
        expect(r.status).toBe(1);
        expect(r.stdout).toContain("step  1 agree");
        expect(r.stdout).toContain("stopped: time limit of 60 s reached in step 2");
        expect(r.stdout).not.toMatch(/step {2}2 (agree|DISAGREE)/);
        expect(r.stderr).not.toMatch(/at .*\.js:\d+|ENOENT/);
        const json = JSON.parse(readFileSync(report, "utf8")) as { scenarios: { reached?: number; agree: boolean }[] };
        expect(json.scenarios[0]).toMatchObject({ reached: 2, agree: false });
        expect(r.left).toEqual([]);
        // A postmaster removes its pid file (what pg_ctl stop waits for) just before it exits.
        const running = () =>
          spawnSync("ps", ["-eo", "args"], { encoding: "utf8" })
            .stdout.split("\n")
            // Its own servers only: other checkouts on this machine may run this test at the same time.
            .filter((l) => l.includes(`postgres -D ${r.tmp}/`));
        for (let i = 0; i < 50 && running().length > 0; i++) spawnSync("sleep", ["0.2"]);
        expect(running()).toEqual([]);
        expect(existsSync(report)).toBe(true);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  );
});
