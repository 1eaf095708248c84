/**
 * The corpus of broken scenarios: each file ends with the exact problems replikit must report,
 * as "# expect: LINE:COLUMN: message" lines. One runner for all of them.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../src/scenario/parse.js";
import { diagnose } from "./diagnose.js";

const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

describe("broken scenarios", () => {
  it("the corpus has at least 40 files", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    it(file, () => {
      const source = readFileSync(join(dir, file), "utf8");
      const expected = source
        .split("\n")
        .filter((l) => l.startsWith("# expect: "))
        .map((l) => l.slice("# expect: ".length));
      expect(expected.length, "the file names what replikit must say").toBeGreaterThan(0);
      expect(diagnose(source)).toEqual(expected);
    });
  }

  it("refuses a file over the size limit without parsing it", () => {
    const big = "# padding\n".repeat(LIMITS.bytes / 10 + 1);
    expect(diagnose(big)).toEqual([
      `bad.yaml: file is larger than ${LIMITS.bytes / 1024} KiB; a scenario is a few pages of text`,
    ]);
  });

  it("refuses an alias bomb fast", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 30; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    const started = performance.now();
    const said = diagnose(lines.join("\n") + "\n");
    expect(said[0]).toMatch(/YAML: Excessive alias count/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
