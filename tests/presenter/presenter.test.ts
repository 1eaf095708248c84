/**
 * The presenter view in a real browser: Debian's chromium driven by playwright-core (no browser
 * download). It opens the page from disk and checks what a facilitator meets: no console errors,
 * nothing fetched, the keys a clicker sends, no layout shift, both views, both themes; and it
 * leaves a 1920 × 1080 screenshot in out/test-screens/ to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveScenario } from "../../src/node/workshop.js";
import { presenter } from "../../src/products/presenter/draw.js";
import { buildWorkshop } from "../../src/workshop/build.js";
import { assets, kitOf, options, root } from "../helpers.js";

const CHROMIUM = process.env.REPLIKIT_CHROMIUM ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
if (!present && process.env.CI)
  throw new Error(`CI must run the browser tests: ${CHROMIUM} is missing (apt-get install chromium)`);
if (!present) console.warn(`presenter browser tests skipped: no ${CHROMIUM} (apt-get install -y chromium to run them)`);

const work = mkdtempSync(join(tmpdir(), "replikit-presenter-"));
const shots = join(root, "out", "test-screens");
let browser: Browser;

async function open(html: string, name: string, hash = "", colorScheme: "light" | "dark" = "light") {
  const file = join(work, `${name}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, colorScheme });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${file}${hash}`);
  await page.evaluate(() => document.fonts.ready);
  return { page, errors, requests, url: `file://${file}` };
}

const count = (page: Page) => page.locator("#projector .count").textContent();
const visible = (page: Page, view = "#projector .screen") =>
  page.evaluate((sel) => [...document.querySelectorAll(sel)].findIndex((s) => !(s as HTMLElement).hidden), view);

describe.skipIf(!present)("presenter view in Chromium", () => {
  let scenarioHtml: string;
  let workshopHtml: string;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    const rendered = await presenter.render(kitOf("failover-failback.yaml"), options(), assets);
    scenarioHtml = new TextDecoder().decode(rendered.bytes);
    const intro = join(root, "workshops", "intro.yaml");
    const built = await buildWorkshop(
      (await import("node:fs")).readFileSync(intro, "utf8"),
      "workshops/intro.yaml",
      (ref) => resolveScenario(ref, intro),
      options(),
      assets,
    );
    if (!built.ok) throw new Error("intro did not build");
    workshopHtml = new TextDecoder().decode(built.files.find((f) => f.path === "presenter/index.html")!.bytes);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("opens without console errors, fetches nothing, and uses its own fonts", async () => {
    const { page, errors, requests, url } = await open(scenarioHtml, "scenario");
    expect(errors).toEqual([]);
    expect(requests.filter((r) => r !== url && !r.startsWith("data:"))).toEqual([]);
    expect(await page.evaluate(() => document.fonts.check('40px "Atkinson-Bold"'))).toBe(true);
    expect(
      await page.evaluate(() => [...document.fonts].filter((f) => f.status === "loaded").length),
    ).toBeGreaterThanOrEqual(2);
    await page.close();
  });

  it("moves with the keys a clicker sends, jumps with number keys, Home and End", async () => {
    const { page, errors } = await open(scenarioHtml, "keys");
    const total = Number((await count(page))!.split("/")[1]);
    expect(await count(page)).toBe(`1 / ${total}`);
    for (const [key, expected] of [
      ["ArrowRight", 2],
      ["Space", 3],
      ["PageDown", 4],
      ["ArrowDown", 5],
      ["PageUp", 4],
      ["ArrowLeft", 3],
      ["ArrowUp", 2],
      ["End", total],
      ["ArrowRight", total],
      ["Home", 1],
      ["ArrowLeft", 1],
    ] as const) {
      await page.keyboard.press(key);
      expect(await count(page), key).toBe(`${expected} / ${total}`);
    }
    await page.keyboard.press("7");
    await page.keyboard.press("Enter");
    expect(await page.locator("#projector .screen:not([hidden]) h1").textContent()).toMatch(/^7/);
    await page.keyboard.press("3");
    await page.waitForFunction(() =>
      /^3/.test(document.querySelector("#projector .screen:not([hidden]) h1")!.textContent),
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows every step's diagram large, with no layout shift between steps", async () => {
    const { page } = await open(scenarioHtml, "layout");
    const total = Number((await count(page))!.split("/")[1]);
    const boxes = new Set<string>();
    const titles = new Set<string>();
    await page.keyboard.press("ArrowRight");
    for (let i = 1; i < total - 1; i++) {
      const screen = page.locator("#projector .screen:not([hidden])");
      const box = async (sel: string) => JSON.stringify(await screen.locator(sel).boundingBox());
      boxes.add([await box(".diagram"), await box(".watch"), await box("h1"), await box(".watch h2")].join());
      titles.add((await screen.locator("h1").textContent())!);
      const svg = await screen.locator(".diagram svg").boundingBox();
      expect(svg!.width * svg!.height).toBeGreaterThan(0.4 * 1920 * 1080);
      expect(await screen.locator(".diagram svg text").count()).toBeGreaterThan(5);
      // Watch-for text fits its box (it is set smaller rather than overflowing).
      expect(await screen.locator(".watch ul").evaluate((ul) => ul.scrollHeight <= ul.clientHeight + 1)).toBe(true);
      await page.keyboard.press("ArrowRight");
    }
    expect(boxes.size).toBe(1);
    expect(titles.size).toBe(total - 2);
    await page.close();
  });

  it("has a dark and a light theme", async () => {
    const { page } = await open(scenarioHtml, "theme", "", "dark");
    const back = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await page.evaluate(() => document.body.dataset.theme)).toBe("dark");
    const dark = await back();
    await page.keyboard.press("d");
    expect(await page.evaluate(() => document.body.dataset.theme)).toBe("light");
    expect(await back()).not.toBe(dark);
    await page.close();
  });

  it("the facilitator's view shows the script and a running clock, and follows the projector's window", async () => {
    const { page, errors } = await open(scenarioHtml, "facilitator");
    await page.keyboard.press("ArrowRight");
    const [notes] = await Promise.all([page.waitForEvent("popup"), page.keyboard.press("f")]);
    await notes.waitForLoadState();
    expect(await notes.evaluate(() => document.body.dataset.view)).toBe("facilitator");
    const shown = notes.locator("#facilitator .notes:not([hidden])");
    expect(await shown.locator("h1").textContent()).toMatch(/^Step 1\. /);
    expect(await shown.locator(".body").textContent()).toContain("Say");
    expect(await shown.locator(".timing").textContent()).toMatch(/min · at \d+:\d\d/);
    expect(await notes.locator(".clock").textContent()).toMatch(/^\d+:\d\d$/);
    await page.keyboard.press("ArrowRight");
    await notes.waitForFunction(() =>
      /^Step 2\. /.test(document.querySelector("#facilitator .notes:not([hidden]) h1")!.textContent),
    );
    await notes.keyboard.press("ArrowRight");
    await page.waitForFunction(() => document.querySelector("#projector .count")!.textContent.startsWith("4 /"));
    await notes.screenshot({ path: (mkdirSync(shots, { recursive: true }), join(shots, "facilitator.png")) });
    expect(errors).toEqual([]);
    await notes.close();
    await page.close();
  });

  it("a workshop's page runs through every interactive; number keys jump within the current one", async () => {
    const { page, errors, requests, url } = await open(workshopHtml, "workshop");
    expect(requests.filter((r) => r !== url && !r.startsWith("data:"))).toEqual([]);
    const sections = await page.evaluate(() => [
      ...new Set([...document.querySelectorAll("#projector .screen .section")].map((s) => s.textContent)),
    ]);
    expect(sections.filter((s) => /^\d\. /.test(s))).toHaveLength(3);
    // Into the second interactive, then step 2 of it.
    const firstOfSecond = await page.evaluate(() =>
      [...document.querySelectorAll("#projector .screen")].findIndex((s) =>
        s.querySelector(".section")!.textContent.startsWith("2. "),
      ),
    );
    for (let i = 0; i < firstOfSecond; i++) await page.keyboard.press("PageDown");
    await page.keyboard.press("2");
    await page.keyboard.press("Enter");
    const screen = page.locator("#projector .screen:not([hidden])");
    expect(await screen.locator(".section").textContent()).toMatch(/^2\. /);
    expect(await screen.locator("h1").textContent()).toMatch(/^2/);
    expect(await visible(page)).toBeGreaterThan(firstOfSecond);
    await page.screenshot({ path: (mkdirSync(shots, { recursive: true }), join(shots, "workshop-step.png")) });
    expect(errors).toEqual([]);
    await page.close();
  });
});
