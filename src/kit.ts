/** Everything the products show, derived once from the scenario, its trace and its stage, with every word applied. */
import type { Assets } from "./assets.js";
import type { Options } from "./options.js";
import { deriveCues, type Cue } from "./products/cues.js";
import { deriveDeck, type DataCard } from "./products/data-cards/derive.js";
import { deriveRoleCards, type RoleCardText } from "./products/role-cards/derive.js";
import { countRoleCards } from "./products/role-cards/draw.js";
import { deriveFrames, type Frame } from "./products/diagrams/derive.js";
import { deriveScript, type Script } from "./products/script/derive.js";
import type { Scenario } from "./scenario/model.js";
import type { Trace } from "./sim/trace.js";
import { deriveStage, type StageModel } from "./stage/index.js";
import type { Templates } from "./wording.js";

export interface Kit {
  scenario: Scenario;
  trace: Trace;
  stage: StageModel;
  /** A short hash of the scenario's text, printed on every page and card back. */
  hash: string;
  templates: Templates;
  cues: Map<string, Cue[]>;
  roleCards: RoleCardText[];
  deck: DataCard[];
  script: Script;
  frames: Frame[];
}

export function deriveKit(scenario: Scenario, trace: Trace, hash: string, options: Options, assets: Assets): Kit {
  const templates = assets.wording;
  const stage = deriveStage(scenario, trace);
  const cues = deriveCues(scenario, trace, stage, templates);
  const roleCards = deriveRoleCards(scenario, cues, templates, hash);
  return {
    scenario,
    trace,
    stage,
    hash,
    templates,
    cues,
    roleCards,
    deck: deriveDeck(stage.deck, templates, scenario),
    script: deriveScript(
      scenario,
      trace,
      stage,
      cues,
      options,
      templates,
      hash,
      countRoleCards(roleCards, assets, options.paper),
    ),
    frames: deriveFrames(scenario, trace, stage, templates, hash),
  };
}
