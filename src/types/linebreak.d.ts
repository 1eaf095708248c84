/** The little of linebreak (pdfkit's Unicode line breaker; it ships no type declarations) replikit uses. */
declare module "linebreak" {
  export default class LineBreaker {
    constructor(text: string);
    /** The next break opportunity: the position after it, and whether the break is required (a newline). */
    nextBreak(): { position: number; required: boolean } | null;
  }
}
