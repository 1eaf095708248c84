/** Everything the four products show, derived once from the scenario and its trace. */
import type { Scenario } from "./scenario/model.js";
import type { Trace } from "./sim/trace.js";
import { deriveCues, type Cue } from "./products/cues.js";
import { deriveDeck, type DataCard } from "./products/data-cards/derive.js";
import { deriveFrames, type Frame } from "./products/diagrams/derive.js";
import { deriveScript, type Script } from "./products/script/derive.js";
import type { Assets } from "./assets.js";
import type { Options } from "./options.js";
import type { Templates } from "./wording.js";

export interface Kit {
  scenario: Scenario;
  trace: Trace;
  /** A short hash of the scenario's text, printed on every page and card back. */
  hash: string;
  templates: Templates;
  cues: Map<string, Cue[]>;
  deck: DataCard[];
  script: Script;
  frames: Frame[];
}

export function deriveKit(scenario: Scenario, trace: Trace, hash: string, _options: Options, assets: Assets): Kit {
  const templates = assets.wording;
  const cues = deriveCues(scenario, trace, templates);
  const deck = deriveDeck(trace);
  return {
    scenario,
    trace,
    hash,
    templates,
    cues,
    deck,
    script: deriveScript(scenario, trace, cues, deck, templates),
    frames: deriveFrames(scenario, trace, templates),
  };
}
