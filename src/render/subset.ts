/**
 * A TrueType (glyf outline) subsetter that writes the same font program, byte for byte, as
 * fontkit 2's TTFSubset, which pdfkit 0.20 embeds for every TrueType face (EmbeddedFont.embed →
 * `subset.encode()`), only by copying bytes instead of decoding and re-encoding tables.
 *
 * What fontkit writes, and so what this writes:
 * - glyph ids in order of first use: glyph 0 first, then each glyph as pdfkit's `includeGlyph`
 *   meets it while laying out text (pdfkit writes those new ids into the content streams, the
 *   widths array and ToUnicode), then, while encoding, the components of composite glyphs as
 *   they are met (in glyph order, component order), so a component may add more after it;
 * - a `true`-tagged sfnt with every checksum left 0, its tables packed back to back in this
 *   order, without padding: head, hhea, loca, maxp, cvt, prep, glyf, hmtx, fpgm (the ones the
 *   font has);
 * - head: the font's own (checkSumAdjustment copied, not recomputed), with macStyle cut to its
 *   seven defined bits, as fontkit's bitfield re-encodes it; loca keeps the font's format;
 * - hhea: the font's, reserved words zeroed, numberOfHMetrics = the subset's glyph count;
 * - maxp: the font's (version 1.0, 32 bytes), numGlyphs = the subset's glyph count;
 * - loca: the running offsets (halved for the short format);
 * - glyf: each glyph's record as it is in the font (its loca span, padding included), with the
 *   glyph ids of a composite's components rewritten to their new ids;
 * - hmtx: one full (advance, left side bearing) pair per glyph, from the font's hmtx;
 * - cvt, prep, fpgm: copied whole (hinting programs are not subset).
 *
 * Fonts outside that (CFF outlines, variation fonts, a maxp or head shorter than fontkit reads,
 * loca not increasing) are refused by `TrueTypeFace.parse`, and the caller keeps fontkit's.
 */

const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** The tables fontkit's TTFSubset writes, in the order it writes them. */
const TABLE_ORDER = ["head", "hhea", "loca", "maxp", "cvt ", "prep", "glyf", "hmtx", "fpgm"] as const;
const HEAD_SIZE = 54;
const HHEA_SIZE = 36;
const MAXP_SIZE = 32;

interface TableRecord {
  offset: number;
  length: number;
}

/** The subset object pdfkit's EmbeddedFont uses: `includeGlyph`, `encode`, and `cff` (absent: TrueType). */
export interface FontSubset {
  includeGlyph(glyph: number | { id: number }): number;
  encode(): Uint8Array;
  readonly cff?: undefined;
}

/** No components: a simple or empty glyph. */
const SIMPLE: readonly number[] = Object.freeze([]);

/** A TrueType face read once for subsetting: its tables, glyph offsets and metrics. */
export class TrueTypeFace {
  private readonly components: (readonly number[] | undefined)[];

  private constructor(
    /** The font file. */
    readonly bytes: Uint8Array,
    private readonly tables: Map<string, TableRecord>,
    /** Byte offsets of each glyph's record in glyf (numGlyphs + 1 of them, from loca). */
    private readonly loca: Uint32Array,
    readonly locaFormat: 0 | 1,
    private readonly advances: Uint16Array,
    private readonly bearings: Int16Array,
  ) {
    this.components = new Array<readonly number[] | undefined>(advances.length);
  }

  /** Reads a TTF; undefined when it is not a font this subsetter copies faithfully (keep fontkit's). */
  static parse(input: Uint8Array): TrueTypeFace | undefined {
    const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < 12) return undefined;
    const version = view.getUint32(0);
    if (version !== 0x00010000 && version !== 0x74727565) return undefined; // not 'OTTO', not a collection
    const numTables = view.getUint16(4);
    if (12 + 16 * numTables > bytes.length) return undefined;
    const tables = new Map<string, TableRecord>();
    for (let i = 0; i < numTables; i++) {
      const at = 12 + 16 * i;
      const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
      const offset = view.getUint32(at + 8);
      const length = view.getUint32(at + 12);
      if (offset + length > bytes.length) return undefined;
      tables.set(tag, { offset, length });
    }
    // Outlines and variations fontkit would treat differently from plain glyf copies.
    for (const tag of ["CFF ", "CFF2", "fvar", "gvar", "sbix", "COLR"]) if (tables.has(tag)) return undefined;
    const head = tables.get("head");
    const hhea = tables.get("hhea");
    const maxp = tables.get("maxp");
    const hmtx = tables.get("hmtx");
    const locaTable = tables.get("loca");
    const glyf = tables.get("glyf");
    if (!head || !hhea || !maxp || !hmtx || !locaTable || !glyf) return undefined;
    if (head.length < HEAD_SIZE || hhea.length < HHEA_SIZE || maxp.length < MAXP_SIZE) return undefined;
    const cvt = tables.get("cvt ");
    if (cvt && cvt.length % 2 !== 0) return undefined;

    const locaFormat = view.getInt16(head.offset + 50);
    if (locaFormat !== 0 && locaFormat !== 1) return undefined;
    const numGlyphs = view.getUint16(maxp.offset + 4);
    const entrySize = locaFormat === 0 ? 2 : 4;
    if (locaTable.length < (numGlyphs + 1) * entrySize) return undefined;
    const loca = new Uint32Array(numGlyphs + 1);
    for (let gid = 0; gid <= numGlyphs; gid++) {
      const at = locaTable.offset + gid * entrySize;
      loca[gid] = locaFormat === 0 ? view.getUint16(at) * 2 : view.getUint32(at);
      if (gid > 0 && loca[gid]! < loca[gid - 1]!) return undefined;
    }
    if (loca[numGlyphs]! > glyf.length) return undefined;

    // fontkit's metrics: a full pair below numberOfHMetrics; above, the last advance and the
    // trailing left side bearings (0 past the table).
    const numberOfMetrics = view.getUint16(hhea.offset + 34);
    if (numberOfMetrics > numGlyphs || hmtx.length < 4 * numberOfMetrics + 2 * (numGlyphs - numberOfMetrics))
      return undefined;
    const advances = new Uint16Array(numGlyphs);
    const bearings = new Int16Array(numGlyphs);
    const lastAdvance = numberOfMetrics > 0 ? view.getUint16(hmtx.offset + 4 * (numberOfMetrics - 1)) : 0;
    for (let gid = 0; gid < numGlyphs; gid++) {
      if (gid < numberOfMetrics) {
        advances[gid] = view.getUint16(hmtx.offset + 4 * gid);
        bearings[gid] = view.getInt16(hmtx.offset + 4 * gid + 2);
      } else {
        advances[gid] = lastAdvance;
        bearings[gid] = view.getInt16(hmtx.offset + 4 * numberOfMetrics + 2 * (gid - numberOfMetrics));
      }
    }
    return new TrueTypeFace(bytes, tables, loca, locaFormat, advances, bearings);
  }

  get numGlyphs(): number {
    return this.advances.length;
  }

  /** A new, empty subset (holding glyph 0, as fontkit's does). */
  createSubset(): TrueTypeSubset {
    return new TrueTypeSubset(this);
  }

  /** The glyph's record in the font's glyf table (empty for a glyph without outline). */
  glyphRecord(gid: number): Uint8Array {
    this.checkGlyph(gid);
    const glyf = this.tables.get("glyf")!;
    return this.bytes.subarray(glyf.offset + this.loca[gid]!, glyf.offset + this.loca[gid + 1]!);
  }

  /**
   * A composite glyph's components as [position in the record, glyph id] pairs, flattened; empty
   * for a simple or empty glyph. Read once per face and glyph.
   */
  componentsOf(gid: number): readonly number[] {
    let found = this.components[gid];
    if (found === undefined) {
      found = this.readComponents(gid);
      this.components[gid] = found;
    }
    return found;
  }

  private readComponents(gid: number): readonly number[] {
    const record = this.glyphRecord(gid);
    if (record.length < 10) return SIMPLE;
    const view = new DataView(record.buffer, record.byteOffset, record.byteLength);
    if (view.getInt16(0) >= 0) return SIMPLE;
    const found: number[] = [];
    let at = 10;
    let flags = MORE_COMPONENTS;
    while (flags & MORE_COMPONENTS) {
      if (at + 4 > record.length) throw new Error(`glyph ${gid}: composite glyph runs past its record`);
      flags = view.getUint16(at);
      found.push(at + 2, view.getUint16(at + 2));
      at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) at += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
    }
    return found;
  }

  advance(gid: number): number {
    return this.advances[gid]!;
  }

  leftBearing(gid: number): number {
    return this.bearings[gid]!;
  }

  /** A table's bytes as fontkit re-encodes them: the parsed struct's size, or the whole table. */
  table(tag: string, size?: number): Uint8Array | undefined {
    const record = this.tables.get(tag);
    if (!record) return undefined;
    return this.bytes.subarray(record.offset, record.offset + (size ?? record.length));
  }

  private checkGlyph(gid: number): void {
    if (!Number.isInteger(gid) || gid < 0 || gid >= this.numGlyphs)
      throw new RangeError(`glyph ${gid} is not in the font (${this.numGlyphs} glyphs)`);
  }
}

/** The glyphs one document uses from a face, numbered in order of first use. */
export class TrueTypeSubset implements FontSubset {
  /** Original glyph ids, by new id. */
  readonly glyphs: number[] = [];
  /** New id, by original glyph id. */
  readonly mapping = new Map<number, number>();

  constructor(private readonly face: TrueTypeFace) {
    this.includeGlyph(0);
  }

  includeGlyph(glyph: number | { id: number }): number {
    const gid = typeof glyph === "object" ? glyph.id : glyph;
    let id = this.mapping.get(gid);
    if (id === undefined) {
      this.face.glyphRecord(gid); // a glyph that is not in the font fails here, not at encode
      id = this.glyphs.length;
      this.glyphs.push(gid);
      this.mapping.set(gid, id);
    }
    return id;
  }

  /** The subset font program (see the module comment for what it holds). */
  encode(): Uint8Array {
    const face = this.face;
    // The glyph records; composites may include more glyphs, so the list grows as we go.
    const records: Uint8Array[] = [];
    let glyfLength = 0;
    for (let i = 0; i < this.glyphs.length; i++) {
      const gid = this.glyphs[i]!;
      let record = face.glyphRecord(gid);
      const components = face.componentsOf(gid);
      if (components.length > 0) {
        record = record.slice();
        for (let c = 0; c < components.length; c += 2) {
          const id = this.includeGlyph(components[c + 1]!);
          record[components[c]!] = id >>> 8;
          record[components[c]! + 1] = id & 0xff;
        }
      }
      records.push(record);
      glyfLength += record.length;
    }
    const count = records.length;
    const shortLoca = face.locaFormat === 0;

    const present = TABLE_ORDER.filter((tag) => tag === "loca" || tag === "glyf" || face.table(tag) !== undefined);
    const sizes: Record<string, number> = {
      head: HEAD_SIZE,
      hhea: HHEA_SIZE,
      loca: (count + 1) * (shortLoca ? 2 : 4),
      maxp: MAXP_SIZE,
      glyf: glyfLength,
      hmtx: 4 * count,
    };
    const sizeOf = (tag: string) => sizes[tag] ?? face.table(tag)!.length;
    const numTables = present.length;
    let total = 12 + 16 * numTables;
    for (const tag of present) total += sizeOf(tag);

    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    // Offset table, as fontkit's Directory writes it: tag 'true', binary search fields.
    view.setUint32(0, 0x74727565);
    view.setUint16(4, numTables);
    const maxPowerOf2 = 2 ** Math.floor(Math.log2(numTables));
    view.setUint16(6, maxPowerOf2 * 16);
    view.setUint16(8, Math.log2(maxPowerOf2));
    view.setUint16(10, numTables * 16 - maxPowerOf2 * 16);

    let at = 12 + 16 * numTables;
    present.forEach((tag, i) => {
      const entry = 12 + 16 * i;
      for (let k = 0; k < 4; k++) out[entry + k] = tag.charCodeAt(k);
      // checkSum stays 0, as fontkit leaves it
      const length = sizeOf(tag);
      view.setUint32(entry + 8, at);
      view.setUint32(entry + 12, length);
      switch (tag) {
        case "head":
          out.set(face.table("head", HEAD_SIZE)!, at);
          view.setUint16(at + 44, view.getUint16(at + 44) & 0x7f); // macStyle: fontkit knows 7 bits
          view.setInt16(at + 50, face.locaFormat);
          break;
        case "hhea":
          out.set(face.table("hhea", HHEA_SIZE)!, at);
          out.fill(0, at + 24, at + 32); // reserved
          view.setUint16(at + 34, count);
          break;
        case "maxp":
          out.set(face.table("maxp", MAXP_SIZE)!, at);
          view.setUint16(at + 4, count);
          break;
        case "loca": {
          let offset = 0;
          for (let g = 0; g <= count; g++) {
            if (shortLoca) view.setUint16(at + 2 * g, offset >>> 1);
            else view.setUint32(at + 4 * g, offset);
            if (g < count) offset += records[g]!.length;
          }
          break;
        }
        case "glyf": {
          let p = at;
          for (const record of records) {
            out.set(record, p);
            p += record.length;
          }
          break;
        }
        case "hmtx":
          for (let g = 0; g < count; g++) {
            const gid = this.glyphs[g]!;
            view.setUint16(at + 4 * g, face.advance(gid));
            view.setInt16(at + 4 * g + 2, face.leftBearing(gid));
          }
          break;
        default:
          out.set(face.table(tag)!, at);
      }
      at += length;
    });
    return out;
  }
}
