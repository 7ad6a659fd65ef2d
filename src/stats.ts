// Small statistics the lessons share: rank correlation and log-log slopes.

/** Ranks 1..n of `xs` in increasing order; tied values share their mean rank. */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

function checkPairs(what: string, xs: readonly number[], ys: readonly number[], minimum: number): void {
  if (xs.length !== ys.length) throw new RangeError(`${what}: xs and ys must have the same length; got ${xs.length} and ${ys.length}`);
  if (xs.length < minimum) throw new RangeError(`${what}: need at least ${minimum} points; got ${xs.length}`);
}

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks (ties share their mean rank).
 * A list with no order at all (every value equal) correlates with nothing: 0.
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  checkPairs("spearman", xs, ys, 2);
  const bad = [...xs, ...ys].find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new RangeError(`spearman: xs and ys must be finite; got ${bad}`);
  const rx = ranks(xs);
  const ry = ranks(ys);
  const m = (rx.length + 1) / 2; // the mean of ranks 1..n, ties included
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < rx.length; i++) {
    sxy += (rx[i] - m) * (ry[i] - m);
    sxx += (rx[i] - m) ** 2;
    syy += (ry[i] - m) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Least-squares slope of log(y) against log(x): -1 means y is proportional to 1/x. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  checkPairs("logLogSlope", xs, ys, 2);
  const bad = [...xs, ...ys].find((v) => !(v > 0) || !Number.isFinite(v));
  if (bad !== undefined) throw new RangeError(`logLogSlope: xs and ys must be finite and > 0 on log axes; got ${bad}`);
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  if (sxx === 0) throw new RangeError("logLogSlope: xs must not all be equal");
  return sxy / sxx;
}
