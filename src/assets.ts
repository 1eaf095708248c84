/**
 * What a build reads besides the scenario: the fonts and the wording. One value, made once by the
 * caller (src/node/assets.ts reads them from disk) and passed down; nothing is cached in modules.
 */
import type { FontSet } from "./render/pdf.js";
import { Templates, type Wording } from "./wording.js";

export interface Assets {
  fonts: FontSet;
  wording: Templates;
}

export function makeAssets(fonts: FontSet, wording: Wording): Assets {
  return { fonts, wording: new Templates(wording) };
}
