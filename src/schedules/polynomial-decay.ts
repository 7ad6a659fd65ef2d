import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requirePositive } from "./validate";

export interface PolynomialDecayOptions {
  /** The learning rate at step 0 (> 0). */
  lr: number;
  /** Steps until the rate reaches 0 (integer >= 1); it stays 0 after. */
  totalSteps: number;
  /** Power of the decay, a finite number >= 0. Default 1 (linear to 0). */
  power?: number;
}

/**
 * PyTorch `PolynomialLR` (closed form); holds 0 after `totalSteps`.
 *
 * `lr(t) = lr * (1 - min(t, totalSteps) / totalSteps) ^ power`
 *
 * @example polynomialDecay({ lr: 0.1, totalSteps: 100, power: 2 })(50) // 0.025
 */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  const where = "polynomialDecay";
  const lr = requirePositive(where, "lr", options.lr);
  const totalSteps = requireInteger(where, "totalSteps", options.totalSteps, 1);
  const power = requireNumber(where, "power", options.power ?? 1, { min: 0 });
  return (step: number): number => {
    checkStep(where, step);
    const t = step < totalSteps ? step : totalSteps;
    return lr * Math.pow(1 - t / totalSteps, power);
  };
}
