/**
 * Building one scenario's kit in memory, the same way in the CLI, in a worker thread and in
 * watch mode. Nothing here writes: the caller swaps the finished kit in (see output.ts).
 */
import { createHash } from "node:crypto";
import { loadFonts, loadWording } from "./assets.js";
import { buildKit } from "../kit.js";
import { Templates } from "../wording.js";
import { OverflowError } from "../render/fit.js";
import type { RenderOptions } from "../render/pdf.js";
import { PRODUCTS } from "../products/index.js";
import { load } from "./load.js";
import { forgetTemplateText, STAMP_FILE, stampOf, type BuildRequest } from "./stamp.js";

export type { BuildRequest };

export interface KitFile {
  path: string;
  bytes: Uint8Array;
  pages?: number;
}

export type BuildResult =
  | { ok: true; file: string; id: string; files: KitFile[]; millis: number }
  | { ok: false; file: string; report: string };

let templates: Templates | undefined;

/** Forgets the templates read so far (watch mode, after a template file changes). */
export function reloadTemplates(): void {
  templates = undefined;
  forgetTemplateText();
}

/** Lets pending signals be handled: rendering resolves through microtasks only. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function buildOne(request: BuildRequest): Promise<BuildResult> {
  const started = performance.now();
  const loaded = load(request.path);
  if (!loaded.ok) return loaded;
  templates ??= new Templates(loadWording());
  const options: RenderOptions = { paper: request.paper, fonts: loadFonts(), date: new Date(request.date), svg: request.svg, duplex: request.duplex, commands: request.commands };
  const hash = createHash("sha256").update(loaded.source).digest("hex").slice(0, 8);
  const kit = buildKit(loaded.scenario, loaded.trace, templates, hash);
  const files: KitFile[] = [];
  try {
    for (const product of PRODUCTS) {
      await yieldToEventLoop();
      const rendered = await product.render(kit, options);
      files.push({ path: product.file, bytes: rendered.pdf, pages: rendered.pages }, ...rendered.extras);
    }
  } catch (error) {
    if (error instanceof OverflowError) return { ok: false, file: loaded.file, report: `${loaded.file}: ${error.message}` };
    throw error;
  }
  files.push({ path: STAMP_FILE, bytes: new TextEncoder().encode(stampOf(loaded.source, request) + "\n") });
  return { ok: true, file: loaded.file, id: loaded.scenario.id, files, millis: performance.now() - started };
}
