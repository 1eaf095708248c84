/**
 * What every build in one run of the command shares: the options, and what was read from disk
 * for them (assets, template text), read once and again after a template changes (watch).
 * Light: it loads no PDF or template machinery itself.
 */
import type { Assets } from "../assets.js";
import type { Options } from "../options.js";
import { templateText } from "./paths.js";

export class Session {
  /** Fonts and wording, set by the first build (node/build.ts). */
  assets?: Assets;
  private templatesRead?: string;
  constructor(readonly options: Options) {}

  /** The template files' text, for stamps. */
  get templates(): string {
    return (this.templatesRead ??= templateText());
  }

  /** Forgets what was read (watch mode, after a template file changes). */
  reload(): void {
    this.assets = undefined;
    this.templatesRead = undefined;
  }
}
