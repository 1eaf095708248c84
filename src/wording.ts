/**
 * The kit's wording, from the handlebars templates under templates/. Scenario text is passed to
 * templates as data only, never compiled, so a scenario cannot inject template syntax.
 */
import Handlebars from "handlebars";

export type Side = "actor" | "to" | "from" | "operator";
/** A side's variant for cards that are also replayed in the same step. */
type Variant = `${Side}_replayed`;

/** The raw template files, as parsed from templates/*.yaml. */
export interface Wording {
  cues: Record<string, Partial<Record<Side | Variant, string>>>;
  script: Record<string, string>;
  cards: Record<string, string>;
  diagrams: Record<string, string>;
}

export class Templates {
  private readonly compiled = new Map<string, Handlebars.TemplateDelegate>();
  private readonly handlebars = Handlebars.create();

  constructor(readonly wording: Wording) {
    // {{plural n "chair" "chairs"}}: "1 chair", "2 chairs".
    this.handlebars.registerHelper("plural", (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`);
  }

  private render(id: string, source: string, data: object): string {
    let template = this.compiled.get(id);
    if (!template) {
      template = this.handlebars.compile(source, { noEscape: true, strict: true });
      this.compiled.set(id, template);
    }
    try {
      return template(data).replace(/\s+/g, " ").trim();
    } catch (error) {
      throw new Error(`template ${id}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The cue for the role in field `side` of an event of this kind, or undefined when it has none. */
  cue(kind: string, side: Side | Variant, data: object): string | undefined {
    const source = this.wording.cues[kind]?.[side];
    return source ? this.render(`cues.${kind}.${side}`, source, data) : undefined;
  }

  /** A named piece of wording from one of the template files. */
  text(file: "script" | "cards" | "diagrams", key: string, data: object = {}): string {
    const source = this.wording[file][key];
    if (source === undefined) throw new Error(`template ${file}.${key} is missing from templates/${file}.yaml`);
    return this.render(`${file}.${key}`, source, data);
  }
}

/** "card 3", "cards 3 and 4", "cards 3, 4 and 5", "cards 1 to 8". */
export function cardsPhrase(cards: readonly number[], noun = "card"): string {
  if (cards.length === 0) return `no ${noun}s`;
  if (cards.length === 1) return `${noun} ${cards[0]}`;
  const contiguous = cards.every((c, i) => i === 0 || c === cards[i - 1]! + 1);
  if (contiguous && cards.length >= 4) return `${noun}s ${cards[0]} to ${cards[cards.length - 1]}`;
  return `${noun}s ${cards.slice(0, -1).join(", ")} and ${cards[cards.length - 1]}`;
}

/** "A", "A and B", "A, B and C"; empty for none. */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
