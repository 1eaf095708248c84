/**
 * Which characters the kit's fonts can really print: read from the cmap of each embedded face
 * (the same bytes pdfkit embeds), not from a list kept by hand. A character prints only when
 * every face has a glyph for it (text may be set in any of them). Read directly from the font's
 * cmap table (formats 4 and 12): a few hundred microseconds, where loading fontkit for `check`
 * alone would cost far more; tests/render/coverage.test.ts compares the result with fontkit's.
 */

/** The code points a TrueType/OpenType font maps to a real glyph (not glyph 0), from its Unicode cmap. */
export function cmapCodePoints(font: Uint8Array): Set<number> {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const covered = new Set<number>();
  const numTables = view.getUint16(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const record = 12 + 16 * i;
    if (String.fromCharCode(...font.subarray(record, record + 4)) === "cmap") cmap = view.getUint32(record + 8);
  }
  if (cmap < 0) return covered;
  // The best Unicode subtable: full repertoire (format 12) first, then the BMP one (format 4).
  let best: { offset: number; format: number } | undefined;
  const count = view.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const offset = cmap + view.getUint32(cmap + 8 + 8 * i);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    const format = view.getUint16(offset);
    if (!unicode || (format !== 4 && format !== 12)) continue;
    if (!best || (format === 12 && best.format === 4)) best = { offset, format };
  }
  if (!best) return covered;
  const at = best.offset;
  if (best.format === 12) {
    const groups = view.getUint32(at + 12);
    for (let g = 0; g < groups; g++) {
      const start = view.getUint32(at + 16 + 12 * g);
      const end = view.getUint32(at + 20 + 12 * g);
      const glyph = view.getUint32(at + 24 + 12 * g);
      for (let cp = start; cp <= end; cp++) if (glyph + (cp - start) !== 0) covered.add(cp);
    }
    return covered;
  }
  const segments = view.getUint16(at + 6) / 2;
  const ends = at + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  for (let s = 0; s < segments; s++) {
    const end = view.getUint16(ends + 2 * s);
    const start = view.getUint16(starts + 2 * s);
    const delta = view.getInt16(deltas + 2 * s);
    const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
    for (let cp = start; cp <= end && cp !== 0xffff; cp++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (cp + delta) & 0xffff;
      else {
        const index = rangeOffsets + 2 * s + rangeOffset + 2 * (cp - start);
        glyph = view.getUint16(index);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph !== 0) covered.add(cp);
    }
  }
  return covered;
}

const cache = new WeakMap<object, ReadonlySet<number>>();

/** The characters every one of these faces has a glyph for (computed once per font set). */
export function printableIn(fonts: { regular: Uint8Array; bold: Uint8Array; mono: Uint8Array }): ReadonlySet<number> {
  let set = cache.get(fonts);
  if (!set) {
    const [first, ...rest] = [fonts.regular, fonts.bold, fonts.mono].map(cmapCodePoints);
    const all = new Set<number>();
    for (const cp of first!) if (rest.every((r) => r.has(cp))) all.add(cp);
    set = all;
    cache.set(fonts, set);
  }
  return set;
}
