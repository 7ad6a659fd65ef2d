import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requirePositive } from "./validate";

export interface CosineWarmRestartsOptions {
  /** The learning rate at the start of every cycle (> 0). */
  lr: number;
  /** Length of the first cycle (integer >= 1). */
  firstCycleSteps: number;
  /** Each cycle is this many times longer than the one before (integer >= 1, as in PyTorch). Default 1. */
  cycleMult?: number;
  /** The floor each cycle anneals towards, in [0, lr]. Default 0. */
  minLr?: number;
}

/**
 * PyTorch `CosineAnnealingWarmRestarts` (SGDR). Cycle i lasts `T_i = firstCycleSteps * cycleMult^i`
 * steps; within it, at `T_cur` steps since the restart:
 *
 * `lr(t) = minLr + (lr - minLr) * (1 + cos(pi * T_cur / T_i)) / 2`
 *
 * The cycle is found in O(1) for cycleMult = 1 (a remainder) and from a logarithm corrected by
 * exact integer checks otherwise, so the values equal PyTorch's step-by-step counting.
 *
 * @example cosineWarmRestarts({ lr: 0.1, firstCycleSteps: 10, cycleMult: 2 })(10) // 0.1 (a restart)
 */
export function cosineWarmRestarts(options: CosineWarmRestartsOptions): Schedule {
  const where = "cosineWarmRestarts";
  const lr = requirePositive(where, "lr", options.lr);
  const first = requireInteger(where, "firstCycleSteps", options.firstCycleSteps, 1);
  const mult = requireInteger(where, "cycleMult", options.cycleMult ?? 1, 1);
  const minLr = requireNumber(where, "minLr", options.minLr ?? 0, { min: 0, max: lr });
  const height = lr - minLr;
  const logMult = Math.log(mult);
  // Step at which cycle n starts: first * (mult^n - 1) / (mult - 1).
  const cycleStart = (n: number): number => (first * (Math.pow(mult, n) - 1)) / (mult - 1);
  return (step: number): number => {
    checkStep(where, step);
    let tCur: number;
    let tI: number;
    if (mult === 1) {
      tCur = step % first;
      tI = first;
    } else {
      let n = Math.floor(Math.log((step * (mult - 1)) / first + 1) / logMult);
      // The logarithm can land one off at an exact cycle boundary: fix with integer checks.
      while (n > 0 && cycleStart(n) > step) n--;
      while (cycleStart(n + 1) <= step) n++;
      tCur = step - cycleStart(n);
      tI = first * Math.pow(mult, n);
    }
    return minLr + height * ((1 + Math.cos((Math.PI * tCur) / tI)) / 2);
  };
}
