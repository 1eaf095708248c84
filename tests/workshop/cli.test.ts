/** `replikit build` on workshop files, and `replikit schema --workshop`, as a user meets them. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../helpers.js";

const cli = join(root, "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "replikit-workshop-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("replikit build WORKSHOP", () => {
  it("writes out/<id>/: kit.pdf, each interactive's PDFs in its own folder, the presenter view", () => {
    const out = join(work, "out");
    const r = run(["build", "--out", out, join(root, "workshops", "intro.yaml")]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/intro\/kit\.pdf {2}\d+ pages/);
    for (const f of [
      "kit.pdf",
      "presenter/index.html",
      "streaming/role-cards.pdf",
      "archiving/diagrams.pdf",
      "synchronous/facilitator-script.pdf",
      "synchronous/presenter/index.html",
    ])
      expect(existsSync(join(out, "intro", f)), f).toBe(true);
    expect(r.out).toContain("13 PDFs written");
  });

  it("refuses a workshop that does not fit, at its line, exit 2, no stack trace", () => {
    const file = join(work, "long.yaml");
    writeFileSync(
      file,
      "id: long\ntitle: Too much\nminutes: 30\naudience: anyone\ninteractives:\n  - scenario: failover-failback\n  - scenario: streaming\n",
    );
    const r = run(["build", "--out", join(work, "out2"), file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^long\.yaml:3:10: the plan does not fit in 30 minutes: it needs 42 /);
    expect(r.err).toContain("3 | minutes: 30\n");
    expect(r.err).not.toMatch(/at .*\.js:\d+/);
    expect(existsSync(join(work, "out2", "long"))).toBe(false);
  });

  it("points at a scenario file's own line when a scenario it plays is broken", () => {
    writeFileSync(join(work, "broken.yaml"), readFileSync(join(root, "tests", "bad", "write-by-unknown-role.yaml")));
    const file = join(work, "uses-broken.yaml");
    writeFileSync(
      file,
      "id: uses\ntitle: Uses\nminutes: 40\naudience: anyone\ninteractives:\n  - scenario: broken.yaml\n",
    );
    const r = run(["build", "--out", join(work, "out3"), file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^uses-broken\.yaml:6:15: "broken\.yaml" cannot be played: broken\.yaml has problems/);
    expect(r.err).toMatch(/\nbroken\.yaml:\d+:\d+: /);
  });

  it("replikit schema --workshop prints the committed schema", () => {
    const r = run(["schema", "--workshop"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(readFileSync(join(root, "schema", "workshop.schema.json"), "utf8"));
  });
});
