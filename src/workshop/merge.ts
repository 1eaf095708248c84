/**
 * kit.pdf from finished PDFs: the front matter and every interactive's product PDFs, their pages
 * copied unchanged, with an outline (bookmarks) and page labels. pdfkit cannot import pages;
 * merging the bytes the per-product files are made of means kit.pdf prints exactly what they
 * print, and no product is rendered twice. Reproducible: no clock, no random id, the metadata set
 * from the build's date.
 *
 * Every part is a PDF this build's pdfkit has just written (render/pdf.ts), so this reads that
 * form only: one classic cross-reference table, each object on its own, a stream's /Length a
 * number in its dictionary, strings written with pdfkit's escapes (no bare newline or
 * parenthesis in a string). It copies each part's pages and what they use (contents, resources,
 * fonts) byte for byte, numbering the objects anew; anything else is refused as a bug, never
 * guessed at. It replaced pdf-lib, which parsed every object into its own model and wrote it
 * out again: the two workshops' merges were about a tenth of a cold build.
 */
export interface Bookmark {
  title: string;
  /** 0-based page index in the merged file. */
  page: number;
  children?: Bookmark[];
  /** Show the children when the file opens. */
  open?: boolean;
}

export interface PageLabel {
  /** First page (0-based) the label style applies from. */
  page: number;
  style: "roman" | "decimal";
  prefix?: string;
}

/** An object of a part: its value as PDF text, and its stream's bytes. */
interface PdfObject {
  value: string;
  stream?: Uint8Array;
}

interface Part {
  version: string;
  objects: Map<number, PdfObject>;
  /** Object numbers in the order the part's file has them. */
  order: number[];
  /** The part's pages, in order. */
  pages: number[];
}

/** A page's entry for its parent in the page tree. */
const PARENT = /\/Parent \d+ 0 R/;

/** A string (literal or hex), kept as it is, or an indirect reference, renumbered. */
const TOKENS = /\((?:\\[^]|[^\\()])*\)|<[0-9A-Fa-f\s]*>|(\d+) (\d+) R\b/g;

/** The object numbers `value` refers to. */
function referencesIn(value: string): number[] {
  const found: number[] = [];
  for (const m of value.matchAll(TOKENS)) if (m[1] !== undefined) found.push(Number(m[1]));
  return found;
}

function renumbered(value: string, number: (old: number) => number): string {
  return value.replace(TOKENS, (token, id: string | undefined) =>
    id === undefined ? token : `${number(Number(id))} 0 R`,
  );
}

class NotPdfkit extends Error {
  constructor(what: string) {
    super(`mergePdfs: a part is not a PDF as pdfkit writes it (${what})`);
  }
}

function readPart(bytes: Uint8Array): Part {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const version = /^%PDF-(\d\.\d)\n/.exec(text)?.[1];
  const xrefAt = /startxref\n(\d+)\n%%EOF\n?$/.exec(text.slice(-40))?.[1];
  if (!version || !xrefAt) throw new NotPdfkit("header or startxref");
  const table = /^xref\n0 (\d+)\n/.exec(text.slice(Number(xrefAt), Number(xrefAt) + 40));
  if (!table) throw new NotPdfkit("cross-reference table");
  const size = Number(table[1]);
  const entries = Number(xrefAt) + table[0].length;
  const offsets: [number, number][] = [];
  for (let i = 1; i < size; i++) {
    const entry = text.slice(entries + 20 * i, entries + 20 * i + 18);
    if (entry.endsWith(" n")) offsets.push([i, Number(entry.slice(0, 10))]);
  }
  const trailer = text.slice(entries + 20 * size);
  const root = /\/Root (\d+) 0 R/.exec(trailer)?.[1];
  if (!trailer.startsWith("trailer\n") || !root) throw new NotPdfkit("trailer");
  offsets.sort((a, b) => a[1] - b[1]);
  const objects = new Map<number, PdfObject>();
  offsets.forEach(([id, at], i) => {
    const end = i + 1 < offsets.length ? offsets[i + 1]![1] : Number(xrefAt);
    const header = `${id} 0 obj\n`;
    if (!text.startsWith(header, at) || !text.startsWith("endobj\n", end - 7)) throw new NotPdfkit(`object ${id}`);
    const body = at + header.length;
    // No string of pdfkit's holds a bare newline, so the first "\nstream\n" is the stream's keyword.
    const stream = text.indexOf("\nstream\n", body);
    if (stream < 0 || stream > end) {
      objects.set(id, { value: text.slice(body, end - 8) });
      return;
    }
    const value = text.slice(body, stream);
    const length = Number(/\/Length (\d+)\n/.exec(value)?.[1] ?? NaN);
    const data = stream + 8;
    if (!(length >= 0) || !text.startsWith("\nendstream\nendobj\n", data + length))
      throw new NotPdfkit(`stream of object ${id}`);
    objects.set(id, { value, stream: bytes.subarray(data, data + length) });
  });
  const catalog = objects.get(Number(root))?.value ?? "";
  const pagesId = /\/Pages (\d+) 0 R/.exec(catalog)?.[1];
  const kids = /\/Kids \[([^\]]*)\]/.exec(objects.get(Number(pagesId))?.value ?? "")?.[1];
  if (kids === undefined) throw new NotPdfkit("page tree");
  return { version, objects, order: offsets.map(([id]) => id), pages: referencesIn(kids) };
}

/** A text string as PDF writes any text: UTF-16BE with its byte-order mark, in hex. */
function textString(text: string): string {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

/** A date as pdfkit writes one: D:YYYYMMDDHHmmSSZ, in UTC. */
function dateString(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `(D:${date.getUTCFullYear()}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}` +
    `${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z)`
  );
}

/** The merged file as it is written: objects numbered in the order they are added. */
class Writer {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private offsets: number[] = [];
  private values: (PdfObject | undefined)[] = [];

  /** A number for an object whose value comes later (set). */
  reserve(): number {
    this.values.push(undefined);
    return this.values.length;
  }

  set(id: number, object: PdfObject): void {
    this.values[id - 1] = object;
  }

  add(object: PdfObject): number {
    const id = this.reserve();
    this.set(id, object);
    return id;
  }

  bytes(version: string, root: number, info: number): Uint8Array {
    this.write(`%PDF-${version}\n%\xFF\xFF\xFF\xFF\n`);
    this.values.forEach((object, i) => {
      if (!object) throw new Error(`mergePdfs: object ${i + 1} was reserved and never written`);
      this.offsets.push(this.length);
      this.write(`${i + 1} 0 obj\n${object.value}\n`);
      if (object.stream) {
        this.write("stream\n");
        this.chunks.push(object.stream);
        this.length += object.stream.length;
        this.write("\nendstream\n");
      }
      this.write("endobj\n");
    });
    const xref = this.length;
    const size = this.values.length + 1;
    let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
    for (const at of this.offsets) table += `${String(at).padStart(10, "0")} 00000 n \n`;
    this.write(table);
    this.write(`trailer\n<<\n/Size ${size}\n/Root ${root} 0 R\n/Info ${info} 0 R\n>>\nstartxref\n${xref}\n%%EOF\n`);
    return new Uint8Array(Buffer.concat(this.chunks, this.length));
  }

  private write(text: string): void {
    const bytes = Buffer.from(text, "latin1");
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
}

export function mergePdfs(
  parts: Uint8Array[],
  outline: Bookmark[],
  labels: PageLabel[],
  meta: { title: string; subject: string; keywords: string; date: Date },
): { pdf: Uint8Array; pages: number } {
  const out = new Writer();
  const catalog = out.reserve();
  const tree = out.reserve();
  const pages: number[] = [];
  let version = "1.3";
  for (const bytes of parts) {
    const part = readPart(bytes);
    if (part.version > version) version = part.version;
    // A page's parent is the part's page tree, which becomes the merged file's: object 0 stands for it here.
    for (const id of part.pages) {
      const page = part.objects.get(id);
      if (!page || !PARENT.test(page.value)) throw new NotPdfkit(`page ${id}`);
      part.objects.set(id, { value: page.value.replace(PARENT, "/Parent 0 0 R") });
    }
    // What the pages use, and what that uses: the part's catalog, page tree and info stay behind.
    const used = new Set<number>(part.pages);
    const todo = [...part.pages];
    for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
      const object = part.objects.get(id);
      if (!object) throw new NotPdfkit(`object ${id} is referred to and missing`);
      for (const ref of referencesIn(object.value))
        if (ref !== 0 && !used.has(ref)) {
          used.add(ref);
          todo.push(ref);
        }
    }
    const numbers = new Map<number, number>([[0, tree]]);
    for (const id of part.order) if (used.has(id)) numbers.set(id, out.reserve());
    for (const id of part.order) {
      if (!used.has(id)) continue;
      const object = part.objects.get(id)!;
      out.set(numbers.get(id)!, { value: renumbered(object.value, (old) => numbers.get(old)!), stream: object.stream });
    }
    for (const id of part.pages) pages.push(numbers.get(id)!);
  }
  out.set(tree, {
    value: `<<\n/Type /Pages\n/Count ${pages.length}\n/Kids [${pages.map((p) => `${p} 0 R`).join(" ")}]\n>>`,
  });

  /** Writes the items under `parent`; returns their first and last numbers and how many are visible. */
  const write = (items: Bookmark[], parent: number): { first: number; last: number; visible: number } => {
    const ids = items.map(() => out.reserve());
    let visible = items.length;
    items.forEach((item, i) => {
      const page = pages[Math.min(item.page, pages.length - 1)]!;
      let value = `<<\n/Title ${textString(item.title)}\n/Parent ${parent} 0 R\n/Dest [${page} 0 R /Fit]\n`;
      if (i > 0) value += `/Prev ${ids[i - 1]} 0 R\n`;
      if (i < items.length - 1) value += `/Next ${ids[i + 1]} 0 R\n`;
      if (item.children?.length) {
        const below = write(item.children, ids[i]!);
        value += `/First ${below.first} 0 R\n/Last ${below.last} 0 R\n/Count ${item.open ? below.visible : -below.visible}\n`;
        if (item.open) visible += below.visible;
      }
      out.set(ids[i]!, { value: `${value}>>` });
    });
    return { first: ids[0]!, last: ids[ids.length - 1]!, visible };
  };
  const outlines = out.reserve();
  let outlineValue = "<<\n/Type /Outlines\n";
  if (outline.length) {
    const top = write(outline, outlines);
    outlineValue += `/First ${top.first} 0 R\n/Last ${top.last} 0 R\n/Count ${top.visible}\n`;
  }
  out.set(outlines, { value: `${outlineValue}>>` });

  const nums = labels.map(
    (label) =>
      `${label.page} <<\n/S /${label.style === "roman" ? "r" : "D"}\n/St 1\n` +
      `${label.prefix ? `/P ${textString(label.prefix)}\n` : ""}>>`,
  );
  const pageLabels = out.add({ value: `<<\n/Nums [${nums.join(" ")}]\n>>` });
  out.set(catalog, {
    value:
      `<<\n/Type /Catalog\n/Pages ${tree} 0 R\n/Outlines ${outlines} 0 R\n/PageMode /UseOutlines\n` +
      `/PageLabels ${pageLabels} 0 R\n>>`,
  });
  const date = dateString(meta.date);
  const info = out.add({
    value:
      `<<\n/Title ${textString(meta.title)}\n/Subject ${textString(meta.subject)}\n` +
      `/Keywords ${textString(meta.keywords)}\n/Author ${textString("replikit")}\n` +
      `/Creator ${textString("replikit")}\n/Producer ${textString("replikit")}\n` +
      `/CreationDate ${date}\n/ModDate ${date}\n>>`,
  });
  return { pdf: out.bytes(version, catalog, info), pages: pages.length };
}
