/** The little of fontkit the tests use (it has no type declarations of its own). */
declare module "fontkit" {
  export function create(bytes: Buffer): unknown;
}
