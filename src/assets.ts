/**
 * What a build reads besides the scenario: the fonts and the wording. One value, made once by the
 * caller (src/node/assets.ts reads them from disk) and passed down; nothing is cached in modules.
 */
import type { FontSet } from "./render/pdf.js";
import { Templates, type Precompiled, type Wording } from "./wording.js";

export interface Assets {
  fonts: FontSet;
  wording: Templates;
}

/** `precompiled`: templates already compiled (by their source; see precompileWording), used where they match. */
export function makeAssets(fonts: FontSet, wording: Wording, precompiled?: Precompiled): Assets {
  return { fonts, wording: new Templates(wording, precompiled) };
}
