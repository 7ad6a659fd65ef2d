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
 * The cycle is found in O(1) for cycleMult = 1 (a remainder) and in O(log step) exact integer
 * additions otherwise, so the values equal PyTorch's step-by-step counting.
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
  return (step: number): number => {
    checkStep(where, step);
    let tCur: number;
    let tI: number;
    if (mult === 1) {
      tCur = step % first;
      tI = first;
    } else {
      // Walk cycle by cycle: at most log_mult(step / first) + 1 iterations, all in exact integers
      // (a closed form with log() or mult^n lands in the wrong cycle at some exact boundaries).
      let start = 0;
      tI = first;
      while (start + tI <= step) {
        start += tI;
        tI *= mult;
      }
      tCur = step - start;
    }
    return minLr + height * ((1 + Math.cos((Math.PI * tCur) / tI)) / 2);
  };
}
