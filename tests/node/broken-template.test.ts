/** A template saved broken is named in plain words (watch prints it and keeps watching). */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadWording } from "../../src/node/assets.js";
import { templateDir } from "../../src/node/paths.js";

it("names the broken template and where YAML stopped", () => {
  const dir = mkdtempSync(join(tmpdir(), "replikit-templates-"));
  cpSync(templateDir, dir, { recursive: true });
  writeFileSync(join(dir, "cues.yaml"), "write: [unclosed\n");
  expect(() => loadWording(dir)).toThrow(new RegExp(`^the template ${join(dir, "cues.yaml")} is broken: `));
});
