import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requireOneOf, requirePositive } from "./validate";

export type AnnealStrategy = "cos" | "linear";

export interface OneCycleOptions {
  /** The peak learning rate (> 0). */
  maxLr: number;
  /** Steps in the whole cycle (integer >= 1); the value at step totalSteps - 1 is held after. */
  totalSteps: number;
  /** Fraction of the steps spent rising, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** Start value is maxLr / divFactor (> 0). Default 25. */
  divFactor?: number;
  /** End value is maxLr / divFactor / finalDivFactor (> 0). Default 1e4. */
  finalDivFactor?: number;
  /** Shape of each phase. Default "cos". */
  annealStrategy?: AnnealStrategy;
  /** Rise, fall back to the start value, then anneal to the end value (fast.ai's variant). Default false. */
  threePhase?: boolean;
}

/**
 * PyTorch `OneCycleLR`. With `initial = maxLr / divFactor` and `final = initial / finalDivFactor`,
 * the phases end at (float) steps `pctStart * totalSteps - 1` (initial -> maxLr), then
 * `totalSteps - 1` (maxLr -> final); with `threePhase` the middle phase ends at
 * `2 * pctStart * totalSteps - 2` (maxLr -> initial) and the last anneals initial -> final.
 * Within a phase from step a to b, with `p = (t - a) / (b - a)`:
 *
 * `cos: end + (start - end) / 2 * (1 + cos(pi * p))`, `linear: (end - start) * p + start`
 *
 * PyTorch raises past the last step; this schedule holds the value of step `totalSteps - 1`.
 *
 * @example oneCycle({ maxLr: 0.1, totalSteps: 100 })(29) // 0.1 (the peak)
 */
export function oneCycle(options: OneCycleOptions): Schedule {
  const where = "oneCycle";
  const maxLr = requirePositive(where, "maxLr", options.maxLr);
  const totalSteps = requireInteger(where, "totalSteps", options.totalSteps, 1);
  const pctStart = requireNumber(where, "pctStart", options.pctStart ?? 0.3, { min: 0, max: 1 });
  const divFactor = requirePositive(where, "divFactor", options.divFactor ?? 25);
  const finalDivFactor = requirePositive(where, "finalDivFactor", options.finalDivFactor ?? 1e4);
  const strategy = requireOneOf(where, "annealStrategy", options.annealStrategy ?? "cos", ["cos", "linear"]);
  const threePhase = options.threePhase ?? false;
  if (typeof threePhase !== "boolean") throw new RangeError(`${where}: threePhase must be true or false; got ${String(threePhase)}`);

  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  if (!Number.isFinite(initialLr) || !Number.isFinite(minLr)) {
    throw new RangeError(
      `${where}: maxLr / divFactor and maxLr / divFactor / finalDivFactor must be finite numbers; got ${initialLr} and ${minLr}`,
    );
  }
  const rampEnd = pctStart * totalSteps - 1;
  // Phase table, fixed at creation: end step, start value, end value.
  const ends = threePhase ? [rampEnd, 2 * pctStart * totalSteps - 2, totalSteps - 1] : [rampEnd, totalSteps - 1];
  const starts = threePhase ? [initialLr, maxLr, initialLr] : [initialLr, maxLr];
  const targets = threePhase ? [maxLr, initialLr, minLr] : [maxLr, minLr];
  // PyTorch divides by the first phase's length at step 0; a zero length is its ZeroDivisionError.
  if (rampEnd === 0) {
    throw new RangeError(`${where}: pctStart * totalSteps must not equal 1 (the rising phase would last 0 steps); got ${pctStart} * ${totalSteps}`);
  }
  const cos = strategy === "cos";
  const last = ends.length - 1;

  const valueAt = (step: number): number => {
    let phaseStart = 0;
    for (let i = 0; i <= last; i++) {
      if (step <= ends[i] || i === last) {
        const pct = (step - phaseStart) / (ends[i] - phaseStart);
        const a = starts[i];
        const b = targets[i];
        return cos ? b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1) : (b - a) * pct + a; // PyTorch's order
      }
      phaseStart = ends[i];
    }
    return minLr; // not reached: the last phase always returns
  };
  const held = valueAt(totalSteps - 1);
  return (step: number): number => {
    checkStep(where, step);
    return step >= totalSteps - 1 ? held : valueAt(step);
  };
}
