import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requirePositive } from "./validate";

export interface StepDecayOptions {
  /** The learning rate before the first decay (> 0). */
  lr: number;
  /** Steps between decays (integer >= 1). */
  stepSize: number;
  /** Multiplier applied at each decay, in [0, 1]. Default 0.1. */
  gamma?: number;
}

/**
 * PyTorch `StepLR`: multiply by `gamma` every `stepSize` steps.
 *
 * `lr(t) = lr * gamma ^ floor(t / stepSize)`
 *
 * @example stepDecay({ lr: 0.1, stepSize: 30 })(65) // 0.001
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  const where = "stepDecay";
  const lr = requirePositive(where, "lr", options.lr);
  const stepSize = requireInteger(where, "stepSize", options.stepSize, 1);
  const gamma = requireNumber(where, "gamma", options.gamma ?? 0.1, { min: 0, max: 1 });
  return (step: number): number => {
    checkStep(where, step);
    return lr * Math.pow(gamma, Math.floor(step / stepSize));
  };
}
