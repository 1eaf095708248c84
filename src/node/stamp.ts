/**
 * The stamp kept beside each kit: a content hash of everything the kit depends on (scenario,
 * templates, options, replikit's version). Light on purpose: checking that every kit is up to
 * date must not load the PDF machinery.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Options } from "../options.js";
import { packageRoot } from "./paths.js";

export const STAMP_FILE = ".replikit-stamp";

export const version = (JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;

/** The stamp of a kit built from this scenario text, with these options and this template text. */
export function stampOf(source: string, options: Options, templates: string): string {
  const { paper, svg, duplex, commands, allowFailingClaims } = options;
  const settings = JSON.stringify({ paper, svg, duplex, date: options.date.getTime(), commands, allowFailingClaims });
  return createHash("sha256")
    .update(version)
    .update("\0")
    .update(settings)
    .update("\0")
    .update(templates)
    .update("\0")
    .update(source)
    .digest("hex");
}
