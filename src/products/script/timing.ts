/**
 * The session's clock: the scenario's minutes shared between casting the volunteers, the steps
 * (weighted by what each asks of the room), a reset between runs and the debrief. Times are in
 * half minutes and add up exactly to the scenario's minutes.
 */

export interface TimingInput {
  minutes: number;
  volunteers: number;
  /** Each step's weight, or its fixed minutes when the scenario gives them. */
  steps: { weight: number; fixed?: number }[];
  resets: number;
  questions: number;
}

export interface Timing {
  casting: number;
  reset: number;
  steps: number[];
  debrief: number;
  /** The total, which equals the scenario's minutes unless fixed times alone exceed them. */
  total: number;
}

const half = (minutes: number) => Math.max(0, Math.round(minutes * 2));

/** Splits `units` half-minutes over weights, at least `least` each, by largest remainder. */
function share(units: number, weights: number[], least: number): number[] {
  const floor = weights.map(() => least);
  let left = units - least * weights.length;
  if (left <= 0) return floor;
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const exact = weights.map((w) => (w / total) * left);
  const out = floor.map((f, i) => f + Math.floor(exact[i]!));
  left -= out.reduce((a, b) => a + b, 0) - least * weights.length;
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; k < left; k++) out[order[k % order.length]!.i]!++;
  return out;
}

export function planTiming(input: TimingInput): Timing {
  const units = half(input.minutes);
  let casting = Math.min(8, Math.max(2, input.volunteers));
  const reset = input.resets > 0 ? 2 : 0;
  let debrief = input.questions ? Math.min(20, Math.max(4, 4 * input.questions)) : 0;
  const fixed = input.steps.reduce((sum, s) => sum + (s.fixed === undefined ? 0 : half(s.fixed)), 0);
  const open = input.steps.filter((s) => s.fixed === undefined);
  // Each open step needs at least a minute; casting and the debrief give way first.
  const need = () => casting + reset * input.resets + debrief + fixed + 2 * open.length;
  while (need() > units && debrief > (input.questions ? 2 : 0)) debrief--;
  while (need() > units && casting > 1) casting--;
  const least = need() > units ? 1 : 2;
  const free = Math.max(least * open.length, units - casting - reset * input.resets - debrief - fixed);
  const shared = share(
    free,
    open.map((s) => s.weight),
    least,
  );
  let k = 0;
  const steps = input.steps.map((s) => (s.fixed === undefined ? shared[k++]! : half(s.fixed)) / 2);
  const total = casting / 2 + (reset / 2) * input.resets + debrief / 2 + steps.reduce((a, b) => a + b, 0);
  return { casting: casting / 2, reset: reset / 2, steps, debrief: debrief / 2, total };
}

/** "4:30" for minutes since the start. */
export function clock(minutes: number): string {
  return `${Math.floor(minutes)}:${String(Math.round((minutes % 1) * 60)).padStart(2, "0")}`;
}
