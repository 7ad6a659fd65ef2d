// Option checks shared by the optimizer factories: each failure is a RangeError naming the
// optimizer, the option and the allowed range, raised when the optimizer is created (or when
// `learningRate` is set to a bad value).

function fail(where: string, name: string, allowed: string, value: unknown): never {
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
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (minOpen ? value > min : value >= min) &&
    (maxOpen ? value < max : value <= max);
  if (!ok) {
    const left = min === -Infinity ? "(-inf" : `${minOpen ? "(" : "["}${min}`;
    const right = max === Infinity ? "inf)" : `${max}${maxOpen ? ")" : "]"}`;
    fail(where, name, `a finite number in ${left}, ${right}`, value);
  }
  return value;
}

/** A learning rate: finite and >= 0 (0 is allowed, as in PyTorch: warmup starts there). */
export function requireLearningRate(where: string, value: number): number {
  return requireNumber(where, "learningRate", value, { min: 0 });
}

/** An exponential-average coefficient such as beta1, beta2, alpha or momentum: in [0, 1). */
export function requireUnitInterval(where: string, name: string, value: number): number {
  return requireNumber(where, name, value, { min: 0, max: 1, maxOpen: true });
}

/** A strictly positive finite number (eps, maxGradNorm). */
export function requirePositive(where: string, name: string, value: number): number {
  return requireNumber(where, name, value, { min: 0, minOpen: true });
}

/** A finite number >= 0 (weight decay). */
export function requireNonNegative(where: string, name: string, value: number): number {
  return requireNumber(where, name, value, { min: 0 });
}

export function requireBoolean(where: string, name: string, value: boolean): boolean {
  if (typeof value !== "boolean") fail(where, name, "true or false", value);
  return value;
}
