/**
 * A template as pieces: the few Handlebars forms the wording uses (text, `{{field}}`, `{{#if}}`
 * and `{{#unless}}` with their `{{else}}`, `{{plural n "one" "many"}}`), run by one small loop
 * instead of Handlebars' runtime, which sets up its helpers and lookups afresh for every run (the
 * 10k-event kit runs 4,400 templates) and, cold, compiles each precompiled template's function on
 * its first call. Pieces give exactly the text Handlebars gives, or nothing when they cannot be
 * sure (a field absent or not a plain value): then Handlebars runs the template, as before.
 */
import Handlebars from "handlebars";

/** A template's pieces, in order; see `piecesOf`. */
export type Pieces = readonly Piece[];
type Piece =
  | string
  | { field: string }
  | { when: string; then: Pieces; otherwise: Pieces }
  | { plural: string; one: string; many: string };

/** {{plural n "chair" "chairs"}}: "1 chair", "2 chairs" (the helper Templates registers). */
export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Handlebars' own helpers: `{{if}}` names the helper, not a field, so a template naming one is left to Handlebars. */
const HELPERS = new Set([
  "if",
  "unless",
  "each",
  "with",
  "lookup",
  "log",
  "helperMissing",
  "blockHelperMissing",
  "plural",
]);

/** A field's name when the path is one plain name (no `this`, `@data`, `../` or `a.b`), else undefined. */
function fieldOf(node: hbs.AST.Node): string | undefined {
  if (node.type !== "PathExpression") return undefined;
  const path = node as hbs.AST.PathExpression;
  const name = path.parts[0];
  return !path.data && path.depth === 0 && path.parts.length === 1 && path.original === name && !HELPERS.has(name)
    ? name
    : undefined;
}

/** A template's pieces from its source, or null when it uses any other form of Handlebars. */
export function piecesOf(source: string): Pieces | null {
  return program(Handlebars.parse(source));
}

function program(node: hbs.AST.Program | undefined): Pieces | null {
  if (!node || (node.blockParams?.length ?? 0) > 0) return null;
  const pieces: Piece[] = [];
  for (const statement of node.body) {
    const piece = pieceOf(statement);
    if (piece === null) return null;
    if (piece !== "") pieces.push(piece);
  }
  return pieces;
}

function pieceOf(node: hbs.AST.Statement): Piece | null {
  if (node.type === "ContentStatement") return (node as hbs.AST.ContentStatement).value;
  if (node.type === "MustacheStatement") {
    const { path, params, hash, escaped } = node as hbs.AST.MustacheStatement;
    if (hash || !escaped) return null;
    if (params.length === 0) {
      const field = fieldOf(path);
      return field === undefined ? null : { field };
    }
    const [n, one, many] = params;
    const name = path.type === "PathExpression" ? (path as hbs.AST.PathExpression).original : undefined;
    if (name !== "plural" || params.length !== 3 || one!.type !== "StringLiteral" || many!.type !== "StringLiteral")
      return null;
    const field = fieldOf(n!);
    if (field === undefined) return null;
    const word = (literal: hbs.AST.Expression) => (literal as hbs.AST.StringLiteral).value;
    return { plural: field, one: word(one!), many: word(many!) };
  }
  if (node.type === "BlockStatement") {
    const block = node as hbs.AST.BlockStatement;
    const helper = block.path.type === "PathExpression" ? block.path.original : "";
    if ((helper !== "if" && helper !== "unless") || block.hash || block.params.length !== 1) return null;
    const when = fieldOf(block.params[0]!);
    const fn = program(block.program);
    const inverse = block.inverse ? program(block.inverse) : [];
    if (when === undefined || fn === null || inverse === null) return null;
    return helper === "if" ? { when, then: fn, otherwise: inverse } : { when, then: inverse, otherwise: fn };
  }
  return null;
}

/** A value the pieces print and test as Handlebars does: anything else is left to Handlebars. */
type Plain = string | number | boolean | null | undefined;
function plain(value: unknown): value is Plain {
  const type = typeof value;
  return value === null || type === "string" || type === "number" || type === "boolean" || type === "undefined";
}

/**
 * The text of the pieces on `data`, or undefined when a field they read is not an own property
 * of it holding a plain value (Handlebars then decides: its strict mode throws for an absent
 * field, and it calls functions, prints arrays, tests empty ones).
 */
export function runPieces(pieces: Pieces, data: object): string | undefined {
  const values = data as Record<string, unknown>;
  let out = "";
  for (const piece of pieces) {
    if (typeof piece === "string") {
      out += piece;
      continue;
    }
    const field = "field" in piece ? piece.field : "when" in piece ? piece.when : piece.plural;
    if (!Object.hasOwn(values, field)) return undefined;
    const value = values[field];
    if (!plain(value)) return undefined;
    if ("field" in piece) out += value ?? "";
    else if ("plural" in piece) out += plural(value as number, piece.one, piece.many);
    else {
      const text = runPieces(value ? piece.then : piece.otherwise, data);
      if (text === undefined) return undefined;
      out += text;
    }
  }
  return out;
}
