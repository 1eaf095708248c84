/** The one shape every product has; src/products/index.ts lists them. */
import type { Assets } from "../assets.js";
import type { Kit } from "../kit.js";
import type { Options } from "../options.js";

export interface Rendered {
  pdf: Uint8Array;
  pages: number;
  /** Further files beside the PDF, relative to the kit folder (diagram SVGs with --svg). */
  extras: { path: string; bytes: Uint8Array }[];
}

export interface Product {
  /** The PDF's file name in out/<scenario-id>/. */
  file: string;
  description: string;
  render(kit: Kit, options: Options, assets: Assets): Promise<Rendered>;
}
