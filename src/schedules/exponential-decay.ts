import type { Schedule } from "./types";
import { checkStep, requireNumber, requirePositive } from "./validate";

export interface ExponentialDecayOptions {
  /** The learning rate at step 0 (> 0). */
  lr: number;
  /** Multiplier per step, in (0, 1]. */
  gamma: number;
}

/**
 * PyTorch `ExponentialLR`, applied per optimizer step: `lr(t) = lr * gamma ^ t`.
 *
 * @example exponentialDecay({ lr: 0.1, gamma: 0.99 })(100) // 0.0366...
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  const where = "exponentialDecay";
  const lr = requirePositive(where, "lr", options.lr);
  const gamma = requireNumber(where, "gamma", options.gamma, { min: 0, minOpen: true, max: 1 });
  return (step: number): number => {
    checkStep(where, step);
    return lr * Math.pow(gamma, step);
  };
}
