import type { Schedule } from "./types";
import { checkStep, requireInteger, requirePositive } from "./validate";

export interface InverseSqrtOptions {
  /** The peak learning rate, reached at the end of warmup (> 0). */
  lr: number;
  /** Steps of linear warmup from 0 (integer >= 0). */
  warmupSteps: number;
  /** Steps after warmup at which the rate has fallen to lr / sqrt(2) (integer >= 1). Default warmupSteps, or 10000 when that is 0. */
  timescale?: number;
}

/**
 * Hugging Face `inverse_sqrt` (`get_inverse_sqrt_schedule`, after big_vision): linear warmup from 0,
 * then decay as one over the square root of the step.
 *
 * `t < w: lr * t / max(1, w)`; else `lr / sqrt((t + timescale - w) / timescale)`
 *
 * @example inverseSqrt({ lr: 1e-3, warmupSteps: 100 })(400) // 5e-4
 */
export function inverseSqrt(options: InverseSqrtOptions): Schedule {
  const where = "inverseSqrt";
  const lr = requirePositive(where, "lr", options.lr);
  const warmupSteps = requireInteger(where, "warmupSteps", options.warmupSteps, 0);
  const timescale = requireInteger(where, "timescale", options.timescale ?? (warmupSteps || 10000), 1);
  const warmupDivisor = Math.max(1, warmupSteps);
  const shift = timescale - warmupSteps;
  return (step: number): number => {
    checkStep(where, step);
    if (step < warmupSteps) return lr * (step / warmupDivisor);
    return lr * (1 / Math.sqrt((step + shift) / timescale));
  };
}
