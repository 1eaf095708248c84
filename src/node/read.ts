/**
 * Reading a scenario file without trusting it: stat first and accept regular files only (a FIFO
 * would block forever, /dev/zero never ends), read at most the size limit plus one byte, and
 * decode strictly as UTF-8 (a Latin-1 file is refused at its first foreign byte, not mis-decoded).
 * Light: no parsing here, so that the up-to-date check can use it too.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { LIMITS, TOO_LARGE } from "../scenario/limits.js";
import { plainFsError } from "./fs-errors.js";

export type Read = { ok: true; source: string } | { ok: false; report: string };

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device";
  return "not a regular file";
}

/** The byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstBadByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [n, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [n, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** `FILE:LINE:COLUMN: …` for the first byte that is not UTF-8, with the line (lossily decoded) and a caret. */
function notUtf8(file: string, bytes: Uint8Array, at: number): string {
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  const lineEnd = bytes.indexOf(0x0a, at);
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
  const decode = (from: number, to: number) => new TextDecoder().decode(bytes.subarray(from, to));
  const column = decode(lineStart, at).length + 1;
  const shown = decode(lineStart, lineEnd < 0 ? bytes.length : lineEnd).replace(/\r$/, "");
  const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, "0");
  const gutter = `${line} | `;
  return (
    `${file}:${line}:${column}: the file is not UTF-8 text: byte 0x${hex} cannot start or continue a character here; ` +
    `save the file as UTF-8 (editors offer it under "Save with encoding")\n` +
    `${gutter}${shown.slice(0, 200)}\n${" ".repeat(gutter.length + column - 1)}^`
  );
}

/** The text of a scenario file, or a one-line report of why it cannot be used. `file` is the name shown. */
export function readScenarioFile(path: string, file: string): Read {
  const fail = (why: string): Read => ({ ok: false, report: `${file}: ${why}` });
  let fd: number | undefined;
  try {
    const named = statSync(path);
    if (!named.isFile()) return fail(`cannot read it: it is ${kindOf(named)}, not a scenario file`);
    if (named.size > LIMITS.bytes) return fail(TOO_LARGE);
    // O_NONBLOCK: should the file have been swapped for a FIFO since the stat, opening it must not hang.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const opened = fstatSync(fd);
    if (!opened.isFile()) return fail(`cannot read it: it is ${kindOf(opened)}, not a scenario file`);
    const buffer = Buffer.alloc(LIMITS.bytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > LIMITS.bytes) return fail(TOO_LARGE);
    const bytes = buffer.subarray(0, length);
    const bad = firstBadByte(bytes);
    if (bad >= 0) return { ok: false, report: notUtf8(file, bytes, bad) };
    return { ok: true, source: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch (error) {
    const plain = plainFsError(error);
    if (plain === undefined) throw error;
    return fail(`cannot read the file: ${plain.replace(`${path}: `, "")}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
