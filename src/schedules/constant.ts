import type { Schedule } from "./types";
import { checkStep, requirePositive } from "./validate";

export interface ConstantOptions {
  /** The learning rate at every step (> 0). */
  lr: number;
}

/**
 * The same learning rate at every step: `lr(t) = lr`.
 *
 * @example constant({ lr: 3e-4 })(1000) // 3e-4
 */
export function constant(options: ConstantOptions): Schedule {
  const where = "constant";
  const lr = requirePositive(where, "lr", options.lr);
  return (step: number): number => {
    checkStep(where, step);
    return lr;
  };
}
