// Long curves make big notebooks and slow SVGs without looking any different. Min-max decimation
// keeps, per bucket, the lowest and highest sample, so loss spikes survive (an average would hide
// exactly the events the series is about).

/** Indices of at most `maxPoints` samples of `y` (first and last always kept, order preserved). */
export function downsampleIndices(y: ArrayLike<number>, maxPoints: number): number[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 4) {
    throw new RangeError(`maxPoints must be an integer >= 4, got ${maxPoints}`);
  }
  const n = y.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const keep: number[] = [0];
  const inner = n - 2;
  const buckets = Math.floor((maxPoints - 2) / 2);
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    let lo = start;
    let hi = start;
    for (let i = start; i < end; i++) {
      // NaN compares false both ways, so a NaN never displaces a real extreme
      if (y[i] < y[lo] || Number.isNaN(y[lo])) lo = i;
      if (y[i] > y[hi] || Number.isNaN(y[hi])) hi = i;
    }
    if (lo === hi) keep.push(lo);
    else keep.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  keep.push(n - 1);
  return keep;
}

/** `v` with `digits` significant digits: enough for a plot, far shorter in JSON. */
export function roundSignificant(v: number, digits = 5): number {
  if (!Number.isFinite(v) || v === 0) return v;
  return Number(v.toPrecision(digits));
}
