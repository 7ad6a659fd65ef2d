// Option checks shared by the library's factories (schedules, optimizers): each failure is a
// RangeError that names where it happened, the option and the allowed range.

export function fail(where: string, name: string, allowed: string, value: unknown): never {
  throw new RangeError(`${where}: ${name} must be ${allowed}; got ${String(value)}`);
}

/** A finite number in [min, max] (either bound may be open). */
export function requireNumber(
  where: string,
  name: string,
  value: number,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minOpen = false, maxOpen = false } = range;
  const lo = minOpen ? value > min : value >= min;
  const hi = maxOpen ? value < max : value <= max;
  if (typeof value !== "number" || !Number.isFinite(value) || !lo || !hi) {
    const left = min === -Infinity ? "(-inf" : `${minOpen ? "(" : "["}${min}`;
    const right = max === Infinity ? "inf)" : `${max}${maxOpen ? ")" : "]"}`;
    fail(where, name, `a finite number in ${left}, ${right}`, value);
  }
  return value;
}

/** A finite number > 0. */
export function requirePositive(where: string, name: string, value: number): number {
  return requireNumber(where, name, value, { min: 0, minOpen: true });
}
