/**
 * On a machine with few cores the long commands run in a second Node process with a smaller V8
 * pool: which commands, inputs and machines, and that the first process is invisible — the second gets
 * the command line, the flags and every signal, and the first ends as the second ended.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { namedBytes, poolFor, relaunch } from "../../src/node/relaunch.js";
import { root } from "../helpers.js";

const work = mkdtempSync(join(tmpdir(), "replikit-relaunch-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("which commands run in a second process", () => {
  it("the long ones, on fewer cores than Node's four workers and the main thread, with a worker less than the cores", () => {
    for (const command of ["build", "watch", "check", "verify", "trace"]) {
      expect(poolFor(command, 1, [])).toBe(1);
      expect(poolFor(command, 2, [])).toBe(1);
      expect(poolFor(command, 3, [])).toBe(2);
      expect(poolFor(command, 4, [])).toBe(3);
      expect(poolFor(command, 5, [])).toBeUndefined();
      expect(poolFor(command, 16, [])).toBeUndefined();
    }
  });

  it("not for a few small files: their bytes decide, and naming none means the shipped ones", () => {
    expect(poolFor("build", 2, [], 6_000)).toBeUndefined();
    expect(poolFor("watch", 2, [], 19_999)).toBeUndefined();
    expect(poolFor("build", 2, [], 20_000)).toBe(1);
    expect(poolFor("check", 2, [], Number.POSITIVE_INFINITY)).toBe(1);
    const small = join(work, "small.yaml");
    const big = join(work, "big.YML");
    writeFileSync(small, "x".repeat(1_000));
    writeFileSync(big, "x".repeat(25_000));
    expect(namedBytes(["build", "--out", "out", small])).toBe(1_000);
    expect(namedBytes(["build", small, big, join(work, "missing.yaml"), "--report", "r.json"])).toBe(26_000);
    expect(namedBytes(["build", "--force", "--out", "out"])).toBe(Number.POSITIVE_INFINITY);
  });

  it("not the short ones, nor a process told its pool already (flag or NODE_OPTIONS)", () => {
    for (const command of ["list", "new", "schema", "calibrate", "none"])
      expect(poolFor(command, 2, [])).toBeUndefined();
    expect(poolFor("build", 2, ["--v8-pool-size=1"])).toBeUndefined();
    expect(poolFor("build", 2, ["--stack-size=984", "--max-old-space-size=512 --v8-pool-size=2"])).toBeUndefined();
    expect(poolFor("build", 2, ["--stack-size=984", ""])).toBe(1);
  });
});

describe("the second process", () => {
  // A stand-in command: relaunched once, then it reports its flags and arguments and does what they say.
  const script = join(work, "stand-in.mjs");
  writeFileSync(
    script,
    `import { relaunch } from ${JSON.stringify(join(root, "dist", "node", "relaunch.js"))};
if (!process.execArgv.some((f) => f.startsWith("--v8-pool-size"))) {
  if (!(await relaunch(1))) process.exit(99);
} else {
  const [what] = process.argv.slice(2);
  process.stdout.write(JSON.stringify({ flags: process.execArgv, args: process.argv.slice(2), pid: process.pid }) + "\\n");
  if (what === "exit") process.exit(7);
  if (what === "die") process.kill(process.pid, "SIGKILL");
  if (what === "wait") {
    process.on("SIGTERM", () => { process.stdout.write("child got SIGTERM\\n"); process.exit(143); });
    setInterval(() => {}, 1000);
  }
}
`,
  );

  it("gets the flags and the command line, and its exit code is the first's", () => {
    const r = spawnSync(process.execPath, ["--stack-size=984", script, "exit", "--out", "x"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(7);
    const seen = JSON.parse(r.stdout) as { flags: string[]; args: string[]; pid: number };
    expect(seen.flags).toEqual(["--v8-pool-size=1", "--stack-size=984"]);
    expect(seen.args).toEqual(["exit", "--out", "x"]);
    expect(seen.pid).not.toBe(r.pid);
  });

  it("that cannot be started leaves the command to the first", async () => {
    const listening = process.listenerCount("SIGTERM");
    expect(await relaunch(1, join(work, "no-such-node"))).toBe(false);
    expect(process.listenerCount("SIGTERM")).toBe(listening); // and it forwards nothing
  });

  it("ended by a signal ends the first by the same signal", () => {
    const r = spawnSync(process.execPath, [script, "die"], { encoding: "utf8" });
    expect(r.signal).toBe("SIGKILL");
    expect(r.status).toBeNull();
  });

  it("gets a signal sent to the first, and the first waits for it to end", async () => {
    const child = spawn(process.execPath, [script, "wait"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let sent = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes('"pid"') && !sent) sent = child.kill("SIGTERM");
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on("exit", (c, s) => resolve([c, s])),
    );
    expect(out).toContain("child got SIGTERM");
    expect([code, signal]).toEqual([143, null]);
    const { pid } = JSON.parse(out.split("\n")[0]!) as { pid: number };
    expect(() => process.kill(pid, 0)).toThrow(); // the second process is gone too
  });
});
