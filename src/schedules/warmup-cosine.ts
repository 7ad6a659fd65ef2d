import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requirePositive } from "./validate";

export interface WarmupCosineOptions {
  /** The peak learning rate, reached at the end of warmup (> 0). */
  lr: number;
  /** Steps of linear warmup from 0 (integer >= 0, <= totalSteps). */
  warmupSteps: number;
  /** Step at which the cosine reaches `minLr` (integer >= 1); `minLr` is held after. */
  totalSteps: number;
  /** The floor, in [0, lr]. Default 0. */
  minLr?: number;
}

/**
 * Hugging Face `cosine_with_min_lr` (`get_cosine_with_min_lr_schedule_with_warmup`, 0.5 cycles):
 * linear warmup from 0, then a half cosine from `lr` down to `minLr`. With `r = minLr / lr`:
 *
 * `t < warmupSteps: lr * t / max(1, warmupSteps)`;
 * `t <= totalSteps: lr * (c * (1 - r) + r)`, `c = (1 + cos(pi * (t - w) / max(1, totalSteps - w))) / 2`;
 * after totalSteps: `minLr` (Hugging Face would continue the cosine back up).
 *
 * @example warmupCosine({ lr: 3e-4, warmupSteps: 100, totalSteps: 1000, minLr: 3e-5 })(50) // 1.5e-4
 */
export function warmupCosine(options: WarmupCosineOptions): Schedule {
  const where = "warmupCosine";
  const lr = requirePositive(where, "lr", options.lr);
  const totalSteps = requireInteger(where, "totalSteps", options.totalSteps, 1);
  const warmupSteps = requireInteger(where, "warmupSteps", options.warmupSteps, 0);
  if (warmupSteps > totalSteps) {
    throw new RangeError(`${where}: warmupSteps must be an integer in [0, totalSteps = ${totalSteps}]; got ${warmupSteps}`);
  }
  const minLr = requireNumber(where, "minLr", options.minLr ?? 0, { min: 0, max: lr });
  const minRate = minLr / lr;
  const warmupDivisor = Math.max(1, warmupSteps);
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  return (step: number): number => {
    checkStep(where, step);
    if (step < warmupSteps) return lr * (step / warmupDivisor);
    if (step > totalSteps) return minLr;
    const progress = (step - warmupSteps) / decaySteps;
    const factor = 0.5 * (1 + Math.cos(Math.PI * 0.5 * 2 * progress));
    return lr * Math.max(0, factor * (1 - minRate) + minRate);
  };
}
