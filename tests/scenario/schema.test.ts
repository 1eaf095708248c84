import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scenarioJsonSchema } from "../../src/scenario/schema.js";
import { root, shipped, source } from "../helpers.js";

describe("JSON Schema for editors", () => {
  it("the committed schema/scenario.schema.json is what `replikit schema` prints", () => {
    const committed = readFileSync(join(root, "schema", "scenario.schema.json"), "utf8");
    expect(committed).toBe(JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
  });

  it("every shipped scenario starts with the modeline that points editors at it", () => {
    for (const name of shipped) {
      expect(source(name).split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/scenario.schema.json");
    }
  });

  it("describes every key, for editors' hover help", () => {
    const undescribed: string[] = [];
    const visit = (node: unknown, where: string) => {
      if (node === null || typeof node !== "object") return;
      if (Array.isArray(node)) return node.forEach((n) => visit(n, where));
      const properties = (node as { properties?: Record<string, { description?: string }> }).properties;
      for (const [key, value] of Object.entries(properties ?? {})) {
        if (!value.description) undescribed.push(`${where}.${key}`);
        visit(value, key);
      }
      for (const [key, value] of Object.entries(node)) if (key !== "properties") visit(value, where);
    };
    visit(scenarioJsonSchema(), "");
    expect(undescribed).toEqual([]);
  });

  it("lists every action and every role kind", () => {
    const text = JSON.stringify(scenarioJsonSchema());
    for (const word of [
      "write",
      "clone",
      "promote",
      "failover",
      "checkpoint",
      "basebackup",
      "proxy",
      "synchronous_standby_names",
    ]) {
      expect(text).toContain(`"${word}"`);
    }
  });
});
