/** Reading PDFs the way a reader sees them: pages, sizes and text, through pdfjs-dist. */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface TextItem {
  str: string;
  size: number;
  x: number;
  y: number;
  upright: boolean;
}
export interface PdfPage {
  width: number;
  height: number;
  items: TextItem[];
  text: string;
}

export async function readPdf(bytes: Uint8Array): Promise<PdfPage[]> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  }).promise;
  const pages: PdfPage[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    const [, , width, height] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const items = content.items
      .filter((it): it is typeof it & { str: string; transform: number[] } => "str" in it && it.str.trim() !== "")
      .map((it) => {
        const [a = 0, b = 0, , , x = 0, y = 0]: number[] = it.transform;
        return { str: it.str, size: Math.hypot(a, b), x, y, upright: a > 0 };
      });
    pages.push({ width, height, items, text: items.map((it) => it.str).join(" ") });
  }
  await pdf.destroy();
  return pages;
}

/** Text with all white space removed, to find wrapped phrases. */
export const squash = (s: string) => s.replace(/\s+/g, "");
