/**
 * A product rendered once per process for the same inputs. A workshop plays scenarios whose own
 * kits the same build has just made: an interactive played whole (no runs or minutes chosen) has
 * the same scenario, the same version and the same options, so each of its products is the same
 * file, byte for byte (same inputs, same bytes). `replikit build` with no arguments built the
 * streaming, synchronous, failover-failback, remastering, replication-lag and split-brain
 * products twice over, a fifth of the cold build.
 *
 * What a product draws is a function of the kit, the options and the assets; the kit is a
 * function of the scenario, its trace, the version and the same options and assets; and every
 * caller passes the trace `simulate` makes of that scenario. So the key is the scenario (as JSON,
 * its file name left out: it is only for messages), the version, the options and the product,
 * per assets value. A product that fails (a text that does not fit) is not kept. What is kept is
 * bounded (the most recent renders, up to KEEP_BYTES of output), so watch mode does not grow.
 */
import type { Assets } from "../assets.js";
import type { Kit } from "../kit.js";
import type { Options } from "../options.js";
import type { FontSet } from "../render/pdf.js";
import type { Scenario } from "../scenario/model.js";
import type { Trace } from "../sim/trace.js";
import type { Rendered, RenderedFile } from "./product.js";

type Output = Rendered | RenderedFile;

const KEEP_BYTES = 64 * 1024 * 1024;

interface Entry {
  output: Promise<Output>;
  bytes: number;
}

const kept = new WeakMap<Assets, Map<string, Entry>>();

/** The inputs of a scenario's kit, as a key. */
export function kitKey(scenario: Scenario, version: string, options: Options): string {
  return JSON.stringify([version, options, { ...scenario, file: "" }]);
}

const sizeOf = (o: Output) =>
  ("pdf" in o ? o.pdf.length : o.bytes.length) + o.extras.reduce((n, e) => n + e.bytes.length, 0);

/** The product's output for a kit whose inputs are `key` (see kitKey): rendered now, or the one rendered before. */
export function renderOnce(assets: Assets, key: string, file: string, render: () => Promise<Output>): Promise<Output> {
  let entries = kept.get(assets);
  if (!entries) kept.set(assets, (entries = new Map<string, Entry>()));
  const id = `${file}\u0000${key}`;
  const known = entries.get(id);
  if (known) {
    entries.delete(id); // most recently used last
    entries.set(id, known);
    return known.output;
  }
  const entry: Entry = { output: render(), bytes: 0 };
  entries.set(id, entry);
  const all = entries;
  entry.output.then(
    (output) => {
      entry.bytes = sizeOf(output);
      let total = 0;
      for (const e of all.values()) total += e.bytes;
      for (const [k, e] of all) {
        if (total <= KEEP_BYTES) break;
        total -= e.bytes;
        all.delete(k);
      }
    },
    () => {
      if (all.get(id) === entry) all.delete(id);
    },
  );
  return entry.output;
}

/** Kits kept for the workshop's interactives (each far smaller than its products; large ones are not kept). */
const KEEP_KITS = 16;
const KIT_EVENTS = 2000;
const kits = new WeakMap<Assets, Map<string, Kit>>();

/** The kit whose inputs are `key` (see kitKey): derived now, or the one derived before. Products only read a kit. */
export function kitOnce(assets: Assets, key: string, derive: () => Kit): Kit {
  let entries = kits.get(assets);
  if (!entries) kits.set(assets, (entries = new Map<string, Kit>()));
  const known = entries.get(key);
  if (known) return known;
  const kit = derive();
  if (eventsOf(kit.trace) <= KIT_EVENTS) {
    entries.set(key, kit);
    for (const k of entries.keys()) {
      if (entries.size <= KEEP_KITS) break;
      entries.delete(k);
    }
  }
  return kit;
}

const eventsOf = (trace: Trace) => trace.steps.reduce((n, s) => n + s.events.length, 0);

type Loaded = { scenario: Scenario; trace: Trace };
const loads = new Map<string, { fonts?: FontSet; loaded: Loaded }>();

/**
 * A scenario read and simulated once per process, by file and text, kept as kits are (the most
 * recent, small ones): a workshop plays scenarios the same build has just loaded for their own
 * kits. A load checked against fonts also answers one without them (the check only adds
 * problems), never the other way round. Callers only read what they get.
 */
export function loadOnce(file: string, source: string, fonts: FontSet | undefined, load: () => Loaded): Loaded {
  const key = `${file}\u0000${source}`;
  const known = loads.get(key);
  if (known && (!fonts || known.fonts === fonts)) return known.loaded;
  const loaded = load();
  if (eventsOf(loaded.trace) <= KIT_EVENTS) {
    loads.delete(key);
    loads.set(key, { fonts, loaded });
    for (const k of loads.keys()) {
      if (loads.size <= KEEP_KITS) break;
      loads.delete(k);
    }
  }
  return loaded;
}
