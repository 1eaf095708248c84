/**
 * Shaping plain ASCII without fontkit's layout engine. Every word a kit measures or draws for the
 * first time goes through fontkit's `font.layout`: script detection, a shaping plan, GSUB and
 * GPOS over every lookup, about 40 µs a word and the largest cost left in a cold build (a build
 * of the shipped kits shapes about 3,800 different words, 97% of them printable ASCII).
 *
 * For the kit's faces, shaping printable ASCII comes down to two things fontkit reads from the
 * font: each character's glyph (cmap) and advance (hmtx), and pair kerning (GPOS pair
 * adjustment, lookup type 2), which moves a glyph by what its pair with the next glyph and with
 * the previous one give. This module checks, once per face, that this is all fontkit would do
 * to a printable ASCII run, from the tables themselves:
 * - no substitution lookup of a feature fontkit applies by default covers an ASCII glyph, and no
 *   positioning lookup does except pair adjustments (which never ignore base glyphs);
 * - the features' lookups are the same whichever script fontkit picks for the run ('latn' for a
 *   run with a letter, the font's default script for "0/3000060");
 * - no ASCII glyph is a mark or a ligature (GDEF), and the font has no variations.
 * The same holds, checked the same way, for the few other characters of OTHERS (below). A face
 * that fails any of these, any other character and a pair whose adjustment does more than change
 * an advance all go to fontkit, as before. The runs returned
 * are what pdfkit's `layoutRun` makes of fontkit's: the same glyph objects (fontkit's own, by
 * id), the same positions scaled the same way, the same width. tests/render/shaper.test.ts
 * compares the two on every pair of these characters in every face and on random words.
 */

interface Glyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}

interface Coverage {
  version: number;
  glyphs?: number[];
  rangeRecords?: { start: number; end: number; startCoverageIndex: number }[];
}

interface ClassDef {
  version: number;
  startGlyph?: number;
  classValueArray?: number[];
  classRangeRecord?: { start: number; end: number; class: number }[];
}

interface ValueRecord {
  xAdvance?: number;
  yAdvance?: number;
  xPlacement?: number;
  yPlacement?: number;
}

interface Indexed<T> {
  get(index: number): T;
}

interface SubTable {
  version?: number;
  lookupType?: number;
  extension?: SubTable;
  coverage?: Coverage;
  coverages?: Coverage[];
  inputCoverage?: Coverage[];
  backtrackCoverage?: Coverage[];
  lookaheadCoverage?: Coverage[];
  markCoverage?: Coverage;
  mark1Coverage?: Coverage;
  pairSets?: Indexed<{ secondGlyph: number; value1?: ValueRecord; value2?: ValueRecord }[]>;
  classDef1?: ClassDef;
  classDef2?: ClassDef;
  classRecords?: Indexed<Indexed<{ value1?: ValueRecord; value2?: ValueRecord }>>;
}

interface Lookup {
  lookupType: number;
  flags: { ignoreBaseGlyphs?: boolean; ignoreLigatures?: boolean };
  subTables: SubTable[];
}

interface LayoutTable {
  scriptList?: { tag: string; script: { defaultLangSys?: { featureIndexes: number[] } } }[];
  featureList: { tag: string; feature: { lookupListIndexes: number[] } }[];
  lookupList: Indexed<Lookup>;
  featureVariations?: unknown;
}

/** The parts of a fontkit TTFFont this reads. */
export interface FontkitFont {
  unitsPerEm: number;
  GSUB?: LayoutTable;
  GPOS?: LayoutTable;
  GDEF?: { glyphClassDef?: ClassDef };
  morx?: unknown;
  kern?: unknown;
  _variationProcessor?: unknown;
  glyphForCodePoint(codePoint: number): Glyph;
}

export interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
  advanceWidth: number;
}

export interface Run {
  glyphs: Glyph[];
  positions: Position[];
  advanceWidth: number;
}

/** The features fontkit's default shaper applies to a left-to-right run without a fraction slash. */
const DEFAULT_FEATURES = [
  "rvrn",
  "ltra",
  "ltrm",
  "ccmp",
  "locl",
  "rlig",
  "mark",
  "mkmk",
  "calt",
  "clig",
  "liga",
  "rclt",
  "curs",
  "kern",
];
/** fontkit's OTProcessor falls back to these scripts, in this order, when the run's is missing. */
const FALLBACK_SCRIPTS = ["DFLT", "dflt", "latn"];
const FIRST = 0x20;
const LAST = 0x7e;
/**
 * Beyond printable ASCII, the few characters the kit's own wording sets (en and em dashes, the
 * middle dot, the bullet, ×, …): like ASCII punctuation they belong to no script, and each is
 * checked against the face's tables as an ASCII character is. Without them, the first card
 * range ("1–3") of a build woke fontkit's whole layout engine, and every such run went to it.
 */
const OTHERS = [0x2013, 0x2014, 0x00b7, 0x2022, 0x00d7, 0x2026];
const CHARACTERS = [...Array.from({ length: LAST - FIRST + 1 }, (_, i) => FIRST + i), ...OTHERS];

/** fontkit's OTProcessor.coverageIndex. */
function coverageIndex(coverage: Coverage, glyph: number): number {
  if (coverage.version === 1) return coverage.glyphs!.indexOf(glyph);
  if (coverage.version === 2)
    for (const range of coverage.rangeRecords!)
      if (range.start <= glyph && glyph <= range.end) return range.startCoverageIndex + glyph - range.start;
  return -1;
}

/** fontkit's OTProcessor.getClassID. */
function classOf(glyph: number, classDef: ClassDef): number {
  if (classDef.version === 1) {
    const i = glyph - classDef.startGlyph!;
    if (i >= 0 && i < classDef.classValueArray!.length) return classDef.classValueArray![i]!;
  } else if (classDef.version === 2) {
    for (const range of classDef.classRangeRecord!) if (range.start <= glyph && glyph <= range.end) return range.class;
  }
  return 0;
}

/** The lookup indexes fontkit applies with the default features, in a script's default language. */
function lookupIndexes(table: LayoutTable, tag: string): number[] | undefined {
  const entry =
    table.scriptList?.find((s) => s.tag === tag) ??
    FALLBACK_SCRIPTS.map((t) => table.scriptList?.find((s) => s.tag === t)).find(Boolean);
  if (!entry) return [];
  const features = new Map<string, number[]>();
  for (const index of entry.script.defaultLangSys?.featureIndexes ?? []) {
    const record = table.featureList[index]!;
    features.set(record.tag, record.feature.lookupListIndexes);
  }
  return DEFAULT_FEATURES.flatMap((f) => features.get(f) ?? []).sort((a, b) => a - b);
}

/** The lookups a run of any ASCII script gets, or undefined when that depends on the script. */
function lookupsOf(table: LayoutTable | undefined): Lookup[] | undefined {
  if (!table) return [];
  const latin = lookupIndexes(table, "latn");
  const other = lookupIndexes(table, "zzzz");
  if (!latin || !other || latin.join() !== other.join()) return undefined;
  return latin.map((i) => table.lookupList.get(i));
}

/** The subtable under an extension lookup, with its real type. */
function unwrap(type: number, table: SubTable, extensionType: number): [number, SubTable] {
  return type === extensionType && table.extension ? [table.lookupType!, table.extension] : [type, table];
}

/** The coverage that decides whether a substitution or positioning subtable acts on a glyph. */
function firstCoverage(type: number, table: SubTable, gpos: boolean): Coverage | undefined {
  const context = gpos ? type === 7 || type === 8 : type === 5 || type === 6;
  if (context && table.version === 3) return (table.coverages ?? table.inputCoverage)?.[0];
  if (gpos && type >= 4 && type <= 6) return table.markCoverage ?? table.mark1Coverage;
  return table.coverage;
}

const shapers = new WeakMap<FontkitFont, AsciiShaper | null>();

/** The ASCII shaper of a face, made once (null when the face needs fontkit's own shaping). */
export function asciiShaper(font: FontkitFont): AsciiShaper | null {
  let shaper = shapers.get(font);
  if (shaper === undefined) shapers.set(font, (shaper = AsciiShaper.for(font) ?? null));
  return shaper;
}

/**
 * Whether a context subtable in coverage form (format 3) can never match within a printable
 * ASCII run: some place of its sequence (before, in or after the input) takes no ASCII glyph at
 * all. The kit's faces have one such in ccmp: an "i" before a combining accent loses its dot.
 */
function outsideAscii(type: number, table: SubTable, gpos: boolean, ascii: number[]): boolean {
  const context = gpos ? type === 7 || type === 8 : type === 5 || type === 6;
  if (!context || table.version !== 3) return false;
  const sequence = [
    ...(table.backtrackCoverage ?? []),
    ...(table.inputCoverage ?? table.coverages ?? []),
    ...(table.lookaheadCoverage ?? []),
  ];
  return sequence.some((coverage) => ascii.every((glyph) => coverageIndex(coverage, glyph) === -1));
}

/** A face's ASCII shaper: per character its glyph (null: leave it to fontkit), and the pair lookups. */
export class AsciiShaper {
  private readonly glyphs: (Glyph | null)[] = [];
  /** The characters of OTHERS (kept apart: an array indexed up to U+2026 would be a sparse one). */
  private readonly others = new Map<number, Glyph | null>();
  private readonly pairs = new Map<number, [number, number] | null>();

  private constructor(
    private readonly font: FontkitFont,
    private readonly kerning: SubTable[][],
  ) {}

  /** The shaper for a face, or undefined when fontkit may do more to ASCII than this does. */
  static for(font: FontkitFont): AsciiShaper | undefined {
    if (font.morx || font._variationProcessor || font.GSUB?.featureVariations || font.GPOS?.featureVariations)
      return undefined;
    const substitutions = lookupsOf(font.GSUB);
    const positions = lookupsOf(font.GPOS);
    if (!substitutions || !positions) return undefined;
    // fontkit uses the old kern table only where GPOS has no kern feature.
    const gposKerns = positions.some((l) => unwrapType(l, 9) === 2);
    if (font.kern && !gposKerns) return undefined;
    const kerning: SubTable[][] = [];
    const acting: { type: number; table: SubTable; gpos: boolean }[] = [];
    for (const lookup of substitutions)
      for (const sub of lookup.subTables) {
        const [type, table] = unwrap(lookup.lookupType, sub, 7);
        acting.push({ type, table, gpos: false });
      }
    for (const lookup of positions) {
      const tables = lookup.subTables.map((sub) => unwrap(lookup.lookupType, sub, 9));
      if (tables.every(([type]) => type === 2)) {
        if (lookup.flags.ignoreBaseGlyphs || lookup.flags.ignoreLigatures) return undefined;
        kerning.push(tables.map(([, table]) => table));
      } else for (const [type, table] of tables) acting.push({ type, table, gpos: true });
    }
    const shaper = new AsciiShaper(font, kerning);
    const classes = font.GDEF?.glyphClassDef;
    const ascii = CHARACTERS.map((c) => font.glyphForCodePoint(c).id);
    const live = acting.filter(({ type, table, gpos }) => !outsideAscii(type, table, gpos, ascii));
    for (const c of CHARACTERS) {
      const glyph = font.glyphForCodePoint(c);
      const simple =
        glyph.id !== 0 &&
        (!classes || classOf(glyph.id, classes) <= 1) &&
        live.every(({ type, table, gpos }) => {
          const coverage = firstCoverage(type, table, gpos);
          return coverage !== undefined && coverageIndex(coverage, glyph.id) === -1;
        });
      if (c <= LAST) shaper.glyphs[c] = simple ? glyph : null;
      else shaper.others.set(c, simple ? glyph : null);
    }
    return shaper;
  }

  /** The run pdfkit's layoutRun makes of fontkit's layout of `text`, or undefined to ask fontkit. */
  run(text: string, scale: number): Run | undefined {
    const n = text.length;
    if (n === 0) return undefined;
    const glyphs: Glyph[] = [];
    for (let i = 0; i < n; i++) {
      const code = text.charCodeAt(i);
      const glyph = code <= LAST ? this.glyphs[code] : this.others.get(code);
      if (!glyph) return undefined;
      glyphs.push(glyph);
    }
    const advances = glyphs.map((g) => g.advanceWidth);
    for (let i = 0; i + 1 < n; i++) {
      const pair = this.pair(glyphs[i]!.id, glyphs[i + 1]!.id);
      if (!pair) return undefined;
      advances[i] = advances[i]! + pair[0];
      advances[i + 1] = advances[i + 1]! + pair[1];
    }
    const positions: Position[] = [];
    let advanceWidth = 0;
    for (let i = 0; i < n; i++) {
      const xAdvance = advances[i]! * scale;
      positions.push({
        xAdvance,
        yAdvance: 0 * scale,
        xOffset: 0 * scale,
        yOffset: 0 * scale,
        advanceWidth: glyphs[i]!.advanceWidth * scale,
      });
      advanceWidth += xAdvance;
    }
    return { glyphs, positions, advanceWidth };
  }

  /** What the pair lookups add to the first and second glyph's advance; null if they do more. */
  private pair(first: number, second: number): [number, number] | null {
    const key = first * 65536 + second;
    let found = this.pairs.get(key);
    if (found === undefined) {
      found = [0, 0];
      for (const tables of this.kerning) {
        for (const table of tables) {
          const values = pairValues(table, first, second);
          if (!values) continue; // fontkit tries the lookup's next subtable
          if (!advanceOnly(values[0]) || !advanceOnly(values[1])) {
            found = null;
            break;
          }
          found[0] += values[0]?.xAdvance ?? 0;
          found[1] += values[1]?.xAdvance ?? 0;
          break; // the first subtable that applies is the lookup's answer
        }
        if (!found) break;
      }
      this.pairs.set(key, found);
    }
    return found;
  }
}

function unwrapType(lookup: Lookup, extensionType: number): number {
  const first = lookup.subTables[0];
  return first ? unwrap(lookup.lookupType, first, extensionType)[0] : lookup.lookupType;
}

const advanceOnly = (v: ValueRecord | undefined) => !v || (!v.yAdvance && !v.xPlacement && !v.yPlacement);

/** fontkit's GPOSProcessor on a pair adjustment subtable: the two value records, or undefined if it does not apply. */
function pairValues(table: SubTable, first: number, second: number): [ValueRecord?, ValueRecord?] | undefined {
  const index = coverageIndex(table.coverage!, first);
  if (index === -1) return undefined;
  if (table.version === 1) {
    for (const pair of table.pairSets!.get(index)) if (pair.secondGlyph === second) return [pair.value1, pair.value2];
    return undefined;
  }
  if (table.version === 2) {
    const record = table.classRecords!.get(classOf(first, table.classDef1!)).get(classOf(second, table.classDef2!));
    return [record.value1, record.value2];
  }
  return undefined;
}
