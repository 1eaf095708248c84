/**
 * The wording parsed at build time (dist/wording.parsed.json) stands in for parsing the template
 * files only while their text is the one it was made from: an edited file is parsed again.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadWording, WORDING_FILES, type ParsedWording } from "../../src/node/assets.js";
import { templateDir } from "../../src/node/paths.js";

const built = fileURLToPath(new URL("../../dist/wording.parsed.json", import.meta.url));
const source = (name: string, dir = templateDir) => readFileSync(join(dir, `${name}.yaml`), "utf8");

describe("the wording parsed at build time", () => {
  it("is what parsing the shipped templates gives, for every file", () => {
    expect(existsSync(built)).toBe(true); // npm test builds first (pretest)
    const parsed = JSON.parse(readFileSync(built, "utf8")) as ParsedWording;
    expect(Object.keys(parsed).sort()).toEqual([...WORDING_FILES].sort());
    for (const name of WORDING_FILES) {
      expect(parsed[name]!.source).toBe(source(name));
      expect(parsed[name]!.value).toEqual(parse(source(name)));
    }
    expect(loadWording(templateDir, parsed)).toEqual(loadWording(templateDir, {}));
  });

  it("is taken for a file whose text matches, and not for one edited since", () => {
    const dir = mkdtempSync(join(tmpdir(), "replikit-templates-"));
    cpSync(templateDir, dir, { recursive: true });
    const marked = (name: string) => ({
      source: source(name),
      value: { marker: name } as unknown as Record<string, never>,
    });
    const parsed: ParsedWording = Object.fromEntries(WORDING_FILES.map((name) => [name, marked(name)]));
    writeFileSync(join(dir, "script.yaml"), `${source("script")}\nprobe: "edited"\n`);
    const wording = loadWording(dir, parsed);
    expect(wording.cues).toEqual({ marker: "cues" });
    expect(wording.script).not.toHaveProperty("marker");
    expect(wording.script).toHaveProperty("probe", "edited");
  });
});
