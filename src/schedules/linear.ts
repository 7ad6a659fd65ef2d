import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requirePositive } from "./validate";

export interface LinearOptions {
  /** The base learning rate (> 0). */
  lr: number;
  /** Multiplier at step 0, in [0, 1]. Default 1/3. */
  startFactor?: number;
  /** Multiplier from `totalSteps` on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Steps over which the multiplier moves (integer >= 1). Default 5. */
  totalSteps?: number;
}

/**
 * PyTorch `LinearLR` (closed form): the multiplier moves linearly from `startFactor` to
 * `endFactor` over `totalSteps`, then holds.
 *
 * `lr(t) = lr * (startFactor + (endFactor - startFactor) * min(t, totalSteps) / totalSteps)`
 *
 * @example linear({ lr: 0.1, startFactor: 0.1, totalSteps: 10 })(5) // 0.055
 */
export function linear(options: LinearOptions): Schedule {
  const where = "linear";
  const lr = requirePositive(where, "lr", options.lr);
  const startFactor = requireNumber(where, "startFactor", options.startFactor ?? 1 / 3, { min: 0, max: 1 });
  const endFactor = requireNumber(where, "endFactor", options.endFactor ?? 1, { min: 0, max: 1 });
  const totalSteps = requireInteger(where, "totalSteps", options.totalSteps ?? 5, 1);
  return (step: number): number => {
    checkStep(where, step);
    const t = step < totalSteps ? step : totalSteps;
    // A convex combination: exact at both ends and never below 0 (PyTorch's start + span * t / T
    // can round to a tiny negative number when endFactor is 0).
    return lr * ((startFactor * (totalSteps - t) + endFactor * t) / totalSteps);
  };
}
