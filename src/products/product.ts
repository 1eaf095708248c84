/** The one shape every product has; src/products/index.ts lists them. */
import type { Assets } from "../assets.js";
import type { Kit } from "../kit.js";
import type { Options } from "../options.js";
import type { PdfSink } from "../render/pdf.js";

export interface Rendered {
  /** The PDF's bytes; empty when they were written to the sink given to `render`. */
  pdf: Uint8Array;
  pages: number;
  /** Further files beside the PDF, relative to the kit folder (diagram SVGs with --svg). */
  extras: { path: string; bytes: Uint8Array }[];
}

/** A product that is not a PDF (the presenter's HTML page). */
export interface RenderedFile {
  bytes: Uint8Array;
  extras: { path: string; bytes: Uint8Array }[];
}

export interface Product<R extends Rendered | RenderedFile = Rendered> {
  /** The product's file name in out/<scenario-id>/: a PDF, or presenter/index.html. */
  file: string;
  description: string;
  /** Draws the product; a PDF goes to `sink` as each page is made, or (without one) into `pdf`. */
  render(kit: Kit, options: Options, assets: Assets, sink?: PdfSink): Promise<R>;
}
