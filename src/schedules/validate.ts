// Option and step checks shared by every schedule factory. Each failure is a RangeError that
// names the factory, the option and the allowed range, raised when the schedule is created.

import { fail, requireNumber, requirePositive } from "../validate";

export { requireNumber, requirePositive };

/** Largest step a schedule accepts: every integer up to here is exact in a double. */
export const MAX_STEP = Number.MAX_SAFE_INTEGER;

/** An integer in [min, MAX_STEP]. */
export function requireInteger(where: string, name: string, value: number, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_STEP) {
    fail(where, name, `an integer in [${min}, ${MAX_STEP}]`, value);
  }
  return value;
}

/** One of a fixed list of strings. */
export function requireOneOf<T extends string>(where: string, name: string, value: T, allowed: readonly T[]): T {
  if (!allowed.includes(value)) fail(where, name, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
  return value;
}

/** Strictly increasing integers >= min. Returns a private copy so later edits by the caller do not leak in. */
export function requireIncreasingIntegers(where: string, name: string, values: readonly number[], min: number): number[] {
  if (!Array.isArray(values)) fail(where, name, "an array of integers", values);
  const copy = values.slice();
  for (let i = 0; i < copy.length; i++) {
    requireInteger(where, `${name}[${i}]`, copy[i], min);
    if (i > 0 && copy[i] <= copy[i - 1]) {
      fail(where, name, "strictly increasing", `[${copy.join(", ")}]`);
    }
  }
  return copy;
}

/** The step a schedule is called with: an integer in [0, MAX_STEP]. Checked on every call. */
export function checkStep(where: string, step: number): void {
  if (!Number.isInteger(step) || step < 0 || step > MAX_STEP) {
    fail(where, "step", `an integer in [0, ${MAX_STEP}]`, step);
  }
}

/** Counts the entries of a sorted array that are <= x (Python's bisect_right), in O(log n). */
export function countAtOrBelow(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
