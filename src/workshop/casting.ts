/**
 * The casting sheet: who plays what in each interactive. A volunteer keeps the same kind of part
 * from one interactive to the next where they can (the primary stays a primary), so the room
 * learns faces. A server is on stage all the time (its row and tray are on the table), so it is
 * never doubled; two other parts that never act in the same step can be played by one volunteer.
 */
import type { Kit } from "../kit.js";

export interface Doubling {
  /** Role labels one volunteer can play together. */
  labels: string[];
}

export interface CastInteractive {
  title: string;
  roles: { id: string; label: string; kind: string }[];
  /** For each volunteer slot, the role played in this interactive (or none). */
  slots: (string | undefined)[];
  doublings: Doubling[];
  /** Volunteers needed when the doublings are used. */
  fewest: number;
}

export interface Casting {
  /** The most volunteers on stage at once (every part played by its own volunteer). */
  most: number;
  /** The most when parts are doubled where they can be. */
  mostDoubled: number;
  interactives: CastInteractive[];
}

const SERVER = new Set(["primary", "standby"]);

/** Steps each role acts in (from its cues). */
function actingSteps(kit: Kit): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const role of kit.scenario.roles) out.set(role.id, new Set((kit.cues.get(role.id) ?? []).map((c) => c.step)));
  return out;
}

/** Groups of non-server roles that never act in the same step, found greedily in the scenario's role order. */
export function doublings(kit: Kit): string[][] {
  const steps = actingSteps(kit);
  const groups: string[][] = [];
  for (const role of kit.scenario.roles) {
    if (SERVER.has(role.kind)) continue;
    const mine = steps.get(role.id)!;
    const group = groups.find((g) => g.every((other) => ![...steps.get(other)!].some((s) => mine.has(s))));
    if (group) group.push(role.id);
    else groups.push([role.id]);
  }
  return groups.filter((g) => g.length > 1);
}

export function castWorkshop(kits: { title: string; kit: Kit }[]): Casting {
  const slots: { label: string; kind: string }[] = [];
  const interactives = kits.map(({ title, kit }) => {
    const roles = kit.scenario.roles.map((r) => ({ id: r.id, label: r.label, kind: r.kind }));
    const taken = new Map<number, string>();
    const place = (role: (typeof roles)[number], fits: (slot: { label: string; kind: string }) => boolean) => {
      const i = slots.findIndex((slot, i) => !taken.has(i) && fits(slot));
      if (i < 0) return false;
      taken.set(i, role.id);
      slots[i] = { label: role.label, kind: role.kind };
      return true;
    };
    const pending = [...roles];
    for (const pass of [
      (role: (typeof roles)[number]) => (slot: { label: string; kind: string }) => slot.label === role.label,
      (role: (typeof roles)[number]) => (slot: { label: string; kind: string }) => slot.kind === role.kind,
      () => () => true,
    ]) {
      for (const role of [...pending]) if (place(role, pass(role))) pending.splice(pending.indexOf(role), 1);
    }
    for (const role of pending) {
      taken.set(slots.length, role.id);
      slots.push({ label: role.label, kind: role.kind });
    }
    const label = new Map(roles.map((r) => [r.id, r.label]));
    const groups = doublings(kit);
    return {
      title,
      roles,
      taken,
      doublings: groups.map((g) => ({ labels: g.map((id) => label.get(id)!) })),
      fewest: roles.length - groups.reduce((n, g) => n + g.length - 1, 0),
    };
  });
  return {
    most: Math.max(...interactives.map((i) => i.roles.length)),
    mostDoubled: Math.max(...interactives.map((i) => i.fewest)),
    interactives: interactives.map(({ taken, roles, ...rest }) => ({
      ...rest,
      roles,
      slots: slots.map((_, i) => {
        const id = taken.get(i);
        return id === undefined ? undefined : roles.find((r) => r.id === id)!.label;
      }),
    })),
  };
}
