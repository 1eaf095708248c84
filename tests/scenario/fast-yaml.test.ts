/**
 * The fast YAML reader (src/scenario/fast-yaml.ts) gives what the `yaml` library gives, or gives
 * up: on every shipped file (which it must read itself, or there is no speed), on random
 * scenario-like texts, and on broken ones, whose messages stay the library's.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readFastYaml } from "../../src/scenario/fast-yaml.js";
import { starterScenario } from "../../src/scenario/starter.js";
import { diagnose } from "../bad/diagnose.js";
import { root } from "../helpers.js";
import { twoRoads } from "./two-roads.js";
import { yamlText } from "./yaml-texts.js";

const files = ["scenarios", "workshops", "tests/variants"].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => `${dir}/${f}`),
);

describe("the fast YAML reader on the files replikit ships", () => {
  it.each(files)("%s: read on the fast road, as the yaml library reads it", (file) => {
    expect(twoRoads(readFileSync(join(root, file), "utf8"))).toEqual({ road: "fast" });
  });

  it("reads what `replikit new` writes, as the yaml library reads it", () => {
    expect(twoRoads(starterScenario("my-first"))).toEqual({ road: "fast" });
  });

  it("reads a generated 480-step scenario (2,500 lines) on the fast road", () => {
    const lines = ["id: generated", "title: Generated load", "goals: [Measure.]", "minutes: 60", "runs:"];
    for (let run = 1; run <= 15; run++) {
      lines.push(`  - title: Run ${run}`, "    steps:");
      for (let i = 1; i <= 33; i++)
        lines.push(`      - title: Step ${i}`, "        actions:", "          - write: { by: writer, count: 3 }");
    }
    expect(twoRoads(lines.join("\n"))).toEqual({ road: "fast" });
  });
});

describe("the fast YAML reader on random scenario-like texts", () => {
  it("gives the yaml library's value and positions, or leaves the text to it", () => {
    const roads = { fast: 0, slow: 0, refused: 0 };
    fc.assert(
      fc.property(fc.gen(), (gen) => {
        const text = yamlText(gen);
        const verdict = twoRoads(text);
        if (verdict.road === "differs") throw new Error(`${verdict.why}\n--- text:\n${text}`);
        if (verdict.road === "fast") roads.fast++;
        else if (verdict.errors > 0) roads.refused++;
        else roads.slow++;
      }),
      { numRuns: Number(process.env.FAST_YAML_RUNS ?? 1500) },
    );
    // The texts must exercise both roads, or the property says little.
    const runs = roads.fast + roads.slow + roads.refused;
    expect(roads.fast).toBeGreaterThan(runs * 0.25);
    expect(roads.refused).toBeGreaterThan(runs * 0.05);
  });

  it("gives the yaml library's answer on shipped files edited line by line, as a facilitator might", () => {
    const texts = files.map((file) => readFileSync(join(root, file), "utf8").split("\n"));
    // Each edit touches one line: indent it more or less, cut it in two, join it to the next,
    // drop it, repeat it, or put a character that matters to YAML somewhere in it.
    const edit = fc.record({
      at: fc.nat(),
      how: fc.constantFrom("indent", "outdent", "cut", "join", "drop", "repeat", "insert"),
      where: fc.nat(),
      what: fc.constantFrom(
        " ",
        ":",
        ": ",
        " #",
        "#",
        "-",
        "- ",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        ",",
        "|",
        ">",
        "\\",
        "é",
        "\t",
      ),
    });
    let fast = 0;
    fc.assert(
      fc.property(fc.nat(texts.length - 1), fc.array(edit, { minLength: 1, maxLength: 3 }), (which, edits) => {
        const lines = [...texts[which]!];
        for (const { at, how, where, what } of edits) {
          const i = at % lines.length;
          const line = lines[i]!;
          const cut = where % (line.length + 1);
          if (how === "indent") lines[i] = " " + line;
          else if (how === "outdent") lines[i] = line.replace(/^ /, "");
          else if (how === "cut") lines.splice(i, 1, line.slice(0, cut), line.slice(cut));
          else if (how === "join") lines.splice(i, 2, line + (lines[i + 1] ?? ""));
          else if (how === "drop") lines.splice(i, 1);
          else if (how === "repeat") lines.splice(i, 0, line);
          else lines[i] = line.slice(0, cut) + what + line.slice(cut);
        }
        const text = lines.join("\n");
        const verdict = twoRoads(text);
        if (verdict.road === "differs") throw new Error(`${verdict.why}\n--- text:\n${text}`);
        if (verdict.road === "fast") fast++;
      }),
      { numRuns: Number(process.env.FAST_YAML_RUNS ?? 1500) / 5 },
    );
    expect(fast).toBeGreaterThan(0);
  });
});

/** Texts in the subset, one feature each: each is read on the fast road, as the library reads it. */
const IN_SUBSET: [string, string][] = [
  [
    "plain scalars typed by the core schema",
    "a: true\nb: False\nc: ~\nd: Null\ne: 0x1F\nf: 0o17\ng: -0\nh: 1.\ni: .5e3\nj: -.Inf\nk: .NaN\nl: yes\nm: 1_000\n",
  ],
  ["a plain scalar over lines and blank lines", "say: one\n  two\n\n\n  three   \nnext: x\n"],
  ["a plain scalar with colons, hashes and brackets inside", 'a: http://x/y a#b [c] {d}, e\'s "f"\n'],
  ["trailing spaces and comments", "a: x   \nb: 'y'   # c\nc: [1]  #\n# end\n"],
  ["double-quoted escapes", 'a: "\\" \\\\ \\/ \\n \\t \\0 \\e \\_ \\N \\L \\x41 \\u00e9 \\U0001F418 \\ x"\n'],
  ["single quotes", "a: 'it''s # not a comment: really'\n"],
  ["flow collections, nested and empty", "a: { id: p, cards: [1, 2, [3]], b: {}, c: [] }\nb: [ 'x' , \"y\" ,z ]\n"],
  [
    "literal and folded scalars with every chomping",
    "a: |\n  x\n    y\n\n  z\n\nb: >-\n  x\n  y\n\n  z\nc: |+\n  x\n\n\nd: >\n  x\n",
  ],
  ["a kept block scalar at the end of the file", "a: |+\n  x\n\n"],
  ["a block scalar at the end of the file, without a line break", "a: >\n  x\n  y"],
  ["lines that look like comments inside a block scalar", "a: |\n  # kept\n  x\n# a comment\nb: 1\n"],
  ["a sequence at its key's column, and compact maps", "a:\n- x\n-   k: 1\n    l: 2\nb: 1\n"],
  ["deeper indents", "a:\n     b:\n        - c\n        -\n           d: 1\n"],
  ["unicode spaces, which YAML does not trim", "a: x\u00a0\nb: [y\u3000 ]\nc: \u2003z\n  w\u00a0\n"],
  ["unicode", 'title: Café — 日本語 🐘\nsay: "naïve"\n'],
];

describe("the fast YAML reader, feature by feature", () => {
  it.each(IN_SUBSET)("%s", (_, text) => {
    expect(twoRoads(text)).toEqual({ road: "fast" });
  });

  it.each([
    "a:\n- - x\n",
    "a:\n",
    "a: [1,\n  2]\n",
    'a: "x\n  y"\n',
    "a: >2\n   x\n",
    "'a': 1\n",
    "a: x\r\n",
    "a: &x 1\nb: *x\n",
    "%YAML 1.2\n---\na: 1\n",
    "? a\n: 1\n",
    "a: x\n  - y\n",
    "a: x\t# c\n",
  ])("leaves valid YAML outside the subset, such as %j, to the yaml library", (text) => {
    expect(twoRoads(text)).toEqual({ road: "slow", errors: 0 });
  });
});

/** Broken texts: the fast reader gives up, so the yaml library words the error as before. */
const BROKEN = [
  "a: 1\na: 2\n",
  "a: { b: 1, b: 2 }\n",
  "a:\n\tb: 1\n",
  "a: b: c\n",
  "a: 'x'# c\n",
  'a: "x\\q"\n',
  'a: "\\UFFFFFFFF"\n',
  "a: [1, 2\n",
  "a: { b: 1\n",
  "a: 1\n  b: 2\n",
  " a: 1\nb: 2\n",
  "a: !tag 1\n",
  "a: 1\n---\nb: 2\n",
  "a: |x\n  y\n",
  "a: >\n  x\n y\n",
  "a: @x\n",
  "a: `x\n",
  "- a\nb: 1\n",
  "a:\n  - x\n  y: 1\n",
  '"a": 1\n"a": 2\n',
  "a: [x, y]]\n",
  'a: "x\n  y\n',
];

describe("the fast YAML reader on broken texts", () => {
  it.each(BROKEN)("leaves %j to the yaml library, whose message stays", (text) => {
    expect(readFastYaml(text, 24)).toBeUndefined();
    expect(twoRoads(text)).toMatchObject({ road: "slow" });
    expect((twoRoads(text) as { errors: number }).errors).toBeGreaterThan(0);
    expect(diagnose(text)[0]).toMatch(/^\d+:\d+: YAML: /);
  });

  it("leaves nesting past the limit to the yaml reader's check", () => {
    let text = "a:\n";
    for (let i = 1; i <= 30; i++) text += `${" ".repeat(2 * i)}a:\n`;
    text += `${" ".repeat(62)}x\n`;
    expect(readFastYaml(text, 24)).toBeUndefined();
    expect(diagnose(text)[0]).toMatch(/nesting deeper than 24 levels/);
  });

  it("finds flow nesting past the limit outside quotes and comments, its column counted by character", () => {
    // The elephant is two UTF-16 units and one character; the quoted and commented brackets do not count.
    const text = `title: "🐘 [[" # {{\nx: '🐘' ${"[".repeat(25)}\n`;
    expect(diagnose(text)).toEqual(["2:32: nesting deeper than 24 levels"]);
  });
});
