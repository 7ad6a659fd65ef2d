import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requirePositive } from "./validate";

export interface CosineAnnealingOptions {
  /** The learning rate at step 0 (> 0). */
  lr: number;
  /** Steps of the half cosine (integer >= 1); `minLr` is held after it. */
  totalSteps: number;
  /** The floor, in [0, lr]. Default 0. */
  minLr?: number;
}

/**
 * PyTorch `CosineAnnealingLR` in its closed form (`_get_closed_form_lr`), held at `minLr`
 * after `totalSteps` (PyTorch's recursive form would climb back up a second half cosine).
 *
 * `lr(t) = minLr + (lr - minLr) * (1 + cos(pi * t / totalSteps)) / 2` for t <= totalSteps
 *
 * @example cosineAnnealing({ lr: 0.1, totalSteps: 100 })(50) // 0.05
 */
export function cosineAnnealing(options: CosineAnnealingOptions): Schedule {
  const where = "cosineAnnealing";
  const lr = requirePositive(where, "lr", options.lr);
  const totalSteps = requireInteger(where, "totalSteps", options.totalSteps, 1);
  const minLr = requireNumber(where, "minLr", options.minLr ?? 0, { min: 0, max: lr });
  const height = lr - minLr;
  return (step: number): number => {
    checkStep(where, step);
    if (step > totalSteps) return minLr;
    // Halving before multiplying keeps lr near the double range from overflowing.
    return minLr + height * ((1 + Math.cos((Math.PI * step) / totalSteps)) / 2);
  };
}
