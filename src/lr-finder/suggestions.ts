// The three learning-rate suggestions of fastai's lr_find, on the smoothed loss curve:
//   minimum: the lr at the lowest smoothed loss, divided by 10;
//   steep:   the lr where the loss falls fastest against log(lr);
//   valley:  a point along the longest decreasing stretch of the curve.
// As fastai does, they read the curve without its first tenth and its last 5 points, and stop at
// the first non-finite loss.

export type SuggestionMethod = "minimum" | "steep" | "valley";

export interface LrSuggestion {
  method: SuggestionMethod;
  /** The suggested learning rate. */
  lr: number;
  /** The point of the curve it was read from (for minimum: the minimum itself, lr x 10). */
  point: { lr: number; loss: number; index: number };
  /** One or two sentences: how the number was found and why it is a sensible choice. */
  explanation: string;
}

export interface LrSuggestions {
  minimum: LrSuggestion;
  steep: LrSuggestion;
  valley: LrSuggestion;
}

function sci(x: number): string {
  return x.toExponential(2);
}

function loss3(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** Index of the smallest value (first one on ties). */
function argmin(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

/** fastai `minimum`: a tenth of the lr at the lowest smoothed loss. */
export function suggestMinimum(lrs: readonly number[], losses: readonly number[]): LrSuggestion {
  const i = argmin(losses);
  const lr = lrs[i] / 10;
  return {
    method: "minimum",
    lr,
    point: { lr: lrs[i], loss: losses[i], index: i },
    explanation:
      `The smoothed loss is lowest (${loss3(losses[i])}) at lr ${sci(lrs[i])}; minimum/10 suggests a tenth of it, ${sci(lr)}. ` +
      `At the minimum the rate is already so large that the loss has stopped falling, so one order of magnitude less is still fast and safely below the blow-up.`,
  };
}

/** fastai `steep`: the left end of the segment with the most negative d(loss)/d(log lr). */
export function suggestSteep(lrs: readonly number[], losses: readonly number[]): LrSuggestion {
  if (lrs.length < 2) throw new RangeError(`steep needs at least 2 points; got ${lrs.length}`);
  const slopes: number[] = [];
  for (let i = 0; i + 1 < lrs.length; i++) slopes.push((losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i])));
  const i = argmin(slopes);
  return {
    method: "steep",
    lr: lrs[i],
    point: { lr: lrs[i], loss: losses[i], index: i },
    explanation:
      `The smoothed loss falls fastest at lr ${sci(lrs[i])} (slope ${loss3(slopes[i])} per unit of ln lr): ` +
      `the rate at which a training step improved the loss the most, well before the curve turns up.`,
  };
}

/**
 * fastai `valley`: the longest strictly decreasing subsequence of the losses (O(n^2)) ends at
 * `end` with length `len`; with start = end - len, the suggestion is at
 * start + floor(len/3) + floor(len/6) (fastai's docs call it "about 2/3 of the way down"; the
 * index rule lands about halfway along). Clamped to the curve (fastai would wrap to its end).
 */
export function suggestValley(lrs: readonly number[], losses: readonly number[]): LrSuggestion {
  const n = losses.length;
  if (n < 1) throw new RangeError("valley needs at least 1 point");
  const lds = new Array<number>(n).fill(1);
  let end = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
    if (lds[end] < lds[i]) end = i;
  }
  const start = end - lds[end];
  const sections = (end - start) / 3;
  const i = Math.min(n - 1, Math.max(0, start + Math.floor(sections) + Math.floor(sections / 2)));
  const from = Math.max(0, start);
  return {
    method: "valley",
    lr: lrs[i],
    point: { lr: lrs[i], loss: losses[i], index: i },
    explanation:
      `The longest stretch over which the smoothed loss keeps falling runs from lr ${sci(lrs[from])} to ${sci(lrs[end])}; ` +
      `valley takes the point half-way along it, ${sci(lrs[i])}: deep inside the range where training makes steady progress, before the loss bottoms out.`,
  };
}

export interface SuggestionWindow {
  /** First and one-past-last index of the curve that the suggestions read. */
  from: number;
  to: number;
  /** Why the window is not fastai's (too short a curve), if so. */
  note?: string;
}

/** fastai's window: drop the first floor(steps/10) and the last `skipEnd` points, stop at the first non-finite loss. */
export function suggestionWindow(losses: readonly number[], skipStart: number, skipEnd: number): SuggestionWindow {
  let finite = losses.findIndex((l) => !Number.isFinite(l));
  if (finite < 0) finite = losses.length;
  const from = skipStart;
  const to = Math.min(losses.length - skipEnd, finite);
  if (to - from >= 2) return { from, to };
  return { from: 0, to: finite, note: `the curve (${losses.length} points) is too short to drop its first ${skipStart} and last ${skipEnd} points; all finite points used` };
}

/** All three suggestions on the window of the curve, or null when it holds fewer than 2 finite points. */
export function suggest(lrs: readonly number[], losses: readonly number[], window: SuggestionWindow): LrSuggestions | null {
  if (window.to - window.from < 2) return null;
  const l = lrs.slice(window.from, window.to);
  const s = losses.slice(window.from, window.to);
  const shift = (x: LrSuggestion): LrSuggestion => ({ ...x, point: { ...x.point, index: x.point.index + window.from } });
  return { minimum: shift(suggestMinimum(l, s)), steep: shift(suggestSteep(l, s)), valley: shift(suggestValley(l, s)) };
}
