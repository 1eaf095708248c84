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

/** One file a kit holds, as its stamp records it. */
export interface StampedFile {
  path: string;
  size: number;
  sha256: string;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/**
 * The stamp file's text: the inputs' hash on the first line, then one line per file the kit holds
 * ("sha256 size path"). The list says which files replikit wrote (only those are ever removed)
 * and lets an up-to-date check notice a deleted or damaged PDF.
 */
export function stampText(inputs: string, files: { path: string; bytes: Uint8Array }[]): string {
  const lines = files.map((f) => `${sha256(f.bytes)} ${f.bytes.length} ${f.path}`);
  return [inputs, ...lines].join("\n") + "\n";
}

/** What a kit folder's stamp says; `files` is undefined for a stamp from before the file list. */
export function readStamp(dir: string): { inputs: string; files?: StampedFile[] } | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, STAMP_FILE), "utf8");
  } catch {
    return undefined;
  }
  const [inputs = "", ...rest] = text.split("\n").filter((l) => l.length > 0);
  if (!/^[0-9a-f]{64}$/.test(inputs)) return undefined;
  if (rest.length === 0) return { inputs };
  const files: StampedFile[] = [];
  for (const line of rest) {
    const match = /^([0-9a-f]{64}) (\d+) (.+)$/.exec(line);
    if (!match) return undefined;
    files.push({ sha256: match[1]!, size: Number(match[2]), path: match[3]! });
  }
  return { inputs, files };
}

/** Whether every file the stamp lists is there with the bytes it was written with. */
export function intact(dir: string, files: StampedFile[]): boolean {
  for (const file of files) {
    try {
      const bytes = readFileSync(join(dir, file.path));
      if (bytes.length !== file.size || sha256(bytes) !== file.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}
