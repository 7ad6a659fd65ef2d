// Option checks shared by the optimizer factories: each failure is a RangeError naming the
// optimizer, the option and the allowed range, raised when the optimizer is created (or when
// `learningRate` is set to a bad value).

import { fail, requireNumber, requirePositive } from "../validate";

export { requireNumber, requirePositive };

/** A learning rate: finite and >= 0 (0 is allowed, as in PyTorch: warmup starts there). */
export function requireLearningRate(where: string, value: number): number {
  return requireNumber(where, "learningRate", value, { min: 0 });
}

/** An exponential-average coefficient such as beta1, beta2, alpha or momentum: in [0, 1). */
export function requireUnitInterval(where: string, name: string, value: number): number {
  return requireNumber(where, name, value, { min: 0, max: 1, maxOpen: true });
}

/** A finite number >= 0 (weight decay). */
export function requireNonNegative(where: string, name: string, value: number): number {
  return requireNumber(where, name, value, { min: 0 });
}

export function requireBoolean(where: string, name: string, value: boolean): boolean {
  if (typeof value !== "boolean") fail(where, name, "true or false", value);
  return value;
}
