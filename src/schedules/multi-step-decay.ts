import type { Schedule } from "./types";
import { checkStep, countAtOrBelow, requireIncreasingIntegers, requireNumber, requirePositive } from "./validate";

export interface MultiStepDecayOptions {
  /** The learning rate before the first milestone (> 0). */
  lr: number;
  /** Steps at which to decay: strictly increasing integers >= 1. */
  milestones: readonly number[];
  /** Multiplier applied at each milestone, in [0, 1]. Default 0.1. */
  gamma?: number;
}

/**
 * PyTorch `MultiStepLR`: multiply by `gamma` at each milestone.
 *
 * `lr(t) = lr * gamma ^ (number of milestones <= t)` (binary search: O(log milestones))
 *
 * @example multiStepDecay({ lr: 0.1, milestones: [30, 80] })(50) // 0.01
 */
export function multiStepDecay(options: MultiStepDecayOptions): Schedule {
  const where = "multiStepDecay";
  const lr = requirePositive(where, "lr", options.lr);
  const milestones = requireIncreasingIntegers(where, "milestones", options.milestones, 1);
  const gamma = requireNumber(where, "gamma", options.gamma ?? 0.1, { min: 0, max: 1 });
  return (step: number): number => {
    checkStep(where, step);
    return lr * Math.pow(gamma, countAtOrBelow(milestones, step));
  };
}
