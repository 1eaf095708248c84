/**
 * verify on a real PostgreSQL, when one is installed (CI installs Debian's postgresql; without it
 * these tests are skipped and `npm run verify` says what to install).
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findBinaries, ownedDir, serverUser, stopAllServers } from "../../../src/node/verify/pg.js";
import { replay } from "../../../src/node/verify/replay.js";
import type { StepVerdict } from "../../../src/node/verify/replay.js";
import { MS_PER_SECOND } from "../../../src/node/verify/stage.js";
import type { Trace } from "../../../src/sim/trace.js";
import { loadShipped, root } from "../../helpers.js";

/**
 * The report's "printed" and "ran" are the same commands, one for one: each line verify ran is the
 * line the script prints with only its holes (hosts, data folders, conninfos) filled in.
 */
function expectSameCommands(trace: Trace, verdicts: StepVerdict[]): void {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  for (const v of verdicts) {
    const commands = trace.steps.find((s) => s.number === v.step)!.commands;
    expect(v.printed.length, `step ${v.step}`).toBe(commands.length);
    expect(v.ran.length, `step ${v.step}: ${JSON.stringify(v.ran)}`).toBe(commands.length);
    commands.forEach((command, i) => {
      const ran = v.ran[i]!;
      if (command.kind === "shell") {
        expect(v.printed[i]!.startsWith("$ ")).toBe(true);
        const pattern = command.line.map((p) => (typeof p === "string" ? escape(p) : "(\\S.*?)")).join("");
        expect(ran, `step ${v.step} command ${i + 1}`).toMatch(new RegExp(`^\\$ ${pattern}$`));
        // Every hole was filled with something real: no role id left where a port or folder goes.
        expect(ran).not.toMatch(/ -h (?!127\.0\.0\.1)| data\//);
      } else if (command.kind === "sleep") {
        expect(ran).toBe(`$ sleep ${(command.seconds * MS_PER_SECOND) / 1000}`);
      } else if (command.kind === "interrupt") {
        expect(ran).toMatch(/^Ctrl-C /);
      } else {
        expect(ran).toMatch(command.cut ? /^# freeze the relays / : /^# thaw the relays /);
      }
    });
  }
}

const bin = findBinaries();

describe.skipIf(!bin)("replay on PostgreSQL", () => {
  afterAll(stopAllServers);

  async function verify(name: string, tamper?: (trace: ReturnType<typeof loadShipped>["trace"]) => void) {
    const { scenario, trace } = loadShipped(name);
    tamper?.(trace);
    const user = serverUser();
    const root = mkdtempSync(join(tmpdir(), "replikit-test-"));
    ownedDir({ bin: bin!, root, user }, root);
    try {
      return await replay(scenario, trace, { bin: bin!, root, user }, () => {});
    } finally {
      stopAllServers();
      rmSync(root, { recursive: true, force: true });
    }
  }

  it(
    "agrees with the trace of the streaming interactive on every step, running the printed commands",
    { timeout: 120_000 },
    async () => {
      const verdicts = await verify("streaming.yaml");
      expect(verdicts.map((v) => [v.step, v.agree, v.differences])).toEqual(verdicts.map((v) => [v.step, true, []]));
      expectSameCommands(loadShipped("streaming.yaml").trace, verdicts);
    },
  );

  it("disagrees, and says where, with a trace that got the failover wrong", async () => {
    const verdicts = await verify("failover-failback.yaml", (trace) => {
      // A model that let the crashed primary's last card reach the standby.
      trace.steps[1]!.after.servers.beta!.cards = [1, 2, 3, 4];
    });
    const two = verdicts.find((v) => v.step === 2)!;
    expect(two.agree).toBe(false);
    expect(two.differences).toEqual(["beta cards: trace [1,2,3,4], PostgreSQL [1,2,3]"]);
    expect(verdicts.filter((v) => !v.agree).map((v) => v.step)).toEqual([2]);
    // Failback runs what the script prints: standby.signal and primary_conninfo for a stopped server.
    expectSameCommands(loadShipped("failover-failback.yaml").trace, verdicts);
    expect(verdicts.flatMap((v) => v.ran).some((l) => /^\$ touch \/\S+\/standby\.signal$/.test(l))).toBe(true);
  }, 120_000);
});

describe.skipIf(!bin)("replikit verify interrupted", () => {
  it("stops every server it started and removes its folder on Ctrl-C", { timeout: 120_000 }, async () => {
    // A temporary folder of its own (TMPDIR): other verify runs on the machine make folders too.
    const tmp = mkdtempSync(join(tmpdir(), "replikit-interrupt-"));
    chmodSync(tmp, 0o755);
    try {
      const child = spawn(
        process.execPath,
        [
          join(root, "dist", "cli.js"),
          "verify",
          join(root, "scenarios", "replication-lag.yaml"),
          "--report",
          join(tmp, "replikit-interrupted.json"),
        ],
        { cwd: root, env: { ...process.env, TMPDIR: tmp } },
      );
      let out = "";
      await new Promise<void>((resolve) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("step  2")) child.kill("SIGINT");
        });
        child.on("exit", () => resolve());
      });
      expect(child.exitCode).toBe(130);
      expect(readdirSync(tmp).filter((n) => n.startsWith("replikit-verify-"))).toEqual([]);
      const servers = spawnSync("ps", ["-eo", "args"], { encoding: "utf8" })
        .stdout.split("\n")
        .filter((l) => l.includes(tmp));
      expect(servers).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
