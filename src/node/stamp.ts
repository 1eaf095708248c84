/**
 * The stamp kept beside each kit: a content hash of everything the kit depends on (scenario,
 * templates, options, replikit's version). Light on purpose: checking that every kit is up to
 * date must not load the PDF machinery.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, templateDir, TEMPLATE_FILES } from "./assets.js";
import type { Paper } from "../render/units.js";

export const STAMP_FILE = ".replikit-stamp";

/** What a build of one scenario needs, as plain data. */
export interface BuildRequest {
  path: string;
  paper: Paper;
  svg: boolean;
  duplex: import("../render/imposition.js").Duplex;
  /** Milliseconds since the epoch, for the PDFs' dates. */
  date: number;
  commands: boolean;
}

const version = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string }).version;
let templateText: string | undefined;

/** Forgets the templates read so far (after a template file changes). */
export function forgetTemplateText(): void {
  templateText = undefined;
}

export function stampOf(source: string, request: BuildRequest): string {
  templateText ??= TEMPLATE_FILES.map((name) => readFileSync(join(templateDir, `${name}.yaml`), "utf8")).join("\0");
  const options = JSON.stringify({ paper: request.paper, svg: request.svg, duplex: request.duplex, date: request.date, commands: request.commands });
  return createHash("sha256").update(version).update("\0").update(options).update("\0").update(templateText).update("\0").update(source).digest("hex");
}
