/**
 * Products and kits made once per process for the same inputs (src/products/memo.ts): a second
 * request for the same inputs gets the first result, a failed render is not kept, different
 * inputs are different keys, and what a workshop gets from the memo is what rendering its own
 * kit afresh gives.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { build as buildScenario, versionOf } from "../../src/index.js";
import { deriveKit } from "../../src/kit.js";
import { makeAssets } from "../../src/assets.js";
import { resolveScenario } from "../../src/node/workshop.js";
import { PRODUCTS } from "../../src/products/index.js";
import { kitKey, kitOnce, renderOnce } from "../../src/products/memo.js";
import { buildWorkshop, loadWorkshop } from "../../src/workshop/build.js";
import { layoutRoleCards } from "../../src/products/role-cards/draw.js";
import { createDocument } from "../../src/render/pdf.js";
import { assets, kitOf, loadShipped, options, root, source } from "../helpers.js";

const rendered = { pdf: new Uint8Array([1, 2, 3]), pages: 1, extras: [] };

describe("the product memo", () => {
  it("renders once per key and product, and keeps no failure", async () => {
    const own = makeAssets(assets.fonts, assets.wording.wording);
    let calls = 0;
    const render = () => {
      calls++;
      return Promise.resolve(rendered);
    };
    expect(await renderOnce(own, "k", "a.pdf", render)).toBe(rendered);
    expect(await renderOnce(own, "k", "a.pdf", render)).toBe(rendered);
    expect(calls).toBe(1);
    await renderOnce(own, "k", "b.pdf", render);
    await renderOnce(own, "other", "a.pdf", render);
    expect(calls).toBe(3);
    const failing = () => {
      calls++;
      return Promise.reject(new Error("does not fit"));
    };
    await expect(renderOnce(own, "f", "a.pdf", failing)).rejects.toThrow("does not fit");
    await expect(renderOnce(own, "f", "a.pdf", failing)).rejects.toThrow("does not fit");
    expect(calls).toBe(5);
  });

  it("keys a kit by its scenario, version and options, not by its file name", () => {
    const { scenario } = loadShipped("streaming.yaml");
    const v = versionOf(source("streaming.yaml"));
    const key = kitKey(scenario, v, options());
    expect(kitKey({ ...scenario, file: "elsewhere/streaming.yaml" }, v, options())).toBe(key);
    expect(kitKey(scenario, "00000000", options())).not.toBe(key);
    expect(kitKey(scenario, v, options("a4"))).not.toBe(key);
    expect(kitKey({ ...scenario, minutes: scenario.minutes + 1 }, v, options())).not.toBe(key);
    const own = makeAssets(assets.fonts, assets.wording.wording);
    const { trace } = loadShipped("streaming.yaml");
    const kit = kitOnce(own, key, () => deriveKit(scenario, trace, v, options(), own));
    expect(kitOnce(own, key, () => expect.fail("derived twice"))).toBe(kit);
  });

  it("gives a workshop the products its interactives' own kits render afresh", async () => {
    const file = join(root, "workshops", "intro.yaml");
    const text = readFileSync(file, "utf8");
    const resolve = (ref: string) => resolveScenario(ref, file);
    // The scenario's own build first, as `replikit build` does: the workshop then takes its renders.
    expect((await buildScenario(source("streaming.yaml"), "scenarios/streaming.yaml", options(), assets)).ok).toBe(
      true,
    );
    const built = await buildWorkshop(text, "workshops/intro.yaml", resolve, options(), assets);
    if (!built.ok) throw new Error("intro does not build");
    const loaded = loadWorkshop(text, "workshops/intro.yaml", resolve);
    if (!loaded.ok) throw new Error("intro does not load");
    let compared = 0;
    for (const it of loaded.interactives) {
      const kit = deriveKit(it.scenario, it.trace, it.version, options(), assets);
      for (const product of PRODUCTS.filter((p) => p.file.endsWith(".pdf"))) {
        const fresh = await product.render(kit, options(), assets);
        if (!("pdf" in fresh)) continue;
        const got = built.files.find((f) => f.path === `${it.scenario.id}/${product.file}`);
        expect(got, `${it.scenario.id}/${product.file}`).toBeDefined();
        expect(Buffer.from(got!.bytes).equals(Buffer.from(fresh.pdf)), `${it.scenario.id}/${product.file}`).toBe(true);
        compared++;
      }
    }
    expect(compared).toBe(loaded.interactives.length * 4);
  });

  it("lays out a kit's role cards once for every document of a font set", () => {
    const kit = kitOf("failover-failback.yaml");
    const doc = () =>
      createDocument(assets.fonts, new Date(0), { title: "", subject: "", keywords: "" }, { width: 612, height: 792 });
    const cards = layoutRoleCards(doc(), kit.roleCards);
    expect(layoutRoleCards(doc(), kit.roleCards)).toBe(cards);
    expect(cards.cards.length).toBeGreaterThan(0);
  });
});
