// Helpers of notebook 01 (what the learning rate does): read gradient descent's behaviour off
// exact float64 paths on smooth functions such as the quadratics of src/models. Each helper
// measures; none of them uses the closed-form answers (2/L, 2/(L + mu)) that the notebook tests.

/** A function with an exact gradient, e.g. a Landscape. */
export interface Smooth {
  value(w: readonly number[]): number;
  gradient(w: readonly number[]): number[];
}

function checkLr(lr: number): void {
  if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`lr must be a finite number > 0; got ${lr}`);
}

function checkCount(name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer >= ${min}; got ${n}`);
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.hypot(...a.map((v, i) => v - b[i]));
}

/**
 * The measured contraction per step over the last `window` steps of a path:
 * (d_N / d_{N-window})^(1/window), d_t the distance of w_t to `optimum`. Below 1 the path closes
 * in on the optimum, above 1 it runs away; a non-finite end (overflow) gives Infinity.
 */
export function contractionFactor(path: readonly (readonly number[])[], optimum: readonly number[], window: number): number {
  checkCount("window", window, 1);
  if (!Array.isArray(path) || path.length < window + 1) {
    throw new RangeError(`path must have at least window + 1 = ${window + 1} points; got ${Array.isArray(path) ? path.length : path}`);
  }
  const end = distance(path[path.length - 1], optimum);
  const before = distance(path[path.length - 1 - window], optimum);
  if (!Number.isFinite(end)) return Infinity;
  if (before === 0) return end === 0 ? 0 : Infinity;
  return Math.pow(end / before, 1 / window);
}

/**
 * Gradient descent from `start` at a constant `lr` until the loss gap to `optimalValue` is at most
 * `tolerance` times the starting gap. Returns the number of steps, or null when `maxSteps` were not
 * enough (or the run blew up).
 */
export function stepsToTolerance(
  f: Smooth,
  start: readonly number[],
  lr: number,
  options: { tolerance: number; maxSteps: number; optimalValue?: number },
): number | null {
  checkLr(lr);
  const { tolerance, maxSteps } = options;
  if (!(tolerance > 0 && tolerance < 1)) throw new RangeError(`tolerance must be in (0, 1); got ${tolerance}`);
  checkCount("maxSteps", maxSteps, 0);
  const floor = options.optimalValue ?? 0;
  const target = tolerance * (f.value(start) - floor);
  let w = start.slice();
  for (let t = 0; t <= maxSteps; t++) {
    const gap = f.value(w) - floor;
    if (gap <= target) return t;
    if (!Number.isFinite(gap) || t === maxSteps) return null;
    const g = f.gradient(w);
    w = w.map((v, i) => v - lr * g[i]);
  }
  return null;
}

/** True when gradient descent at `lr` still moves away from `optimum` over the last `window` of `steps` steps. */
function grows(f: Smooth, start: readonly number[], optimum: readonly number[], lr: number, steps: number, window: number): boolean {
  let w = start.slice();
  let before = NaN;
  for (let t = 0; t < steps; t++) {
    if (t === steps - window) before = distance(w, optimum);
    const g = f.gradient(w);
    w = w.map((v, i) => v - lr * g[i]);
  }
  const end = distance(w, optimum);
  return !(end <= before); // NaN (overflow to Infinity - Infinity) counts as growing
}

export interface StabilityEdgeOptions {
  /** A rate at which the path converges (the search fails loudly otherwise). */
  lo: number;
  /** A rate at which it diverges. */
  hi: number;
  /** Steps per trial run (default 1000): long enough for the fastest-growing direction to dominate. */
  steps?: number;
  /** The last `window` steps decide "grows" vs "shrinks" (default steps / 10). */
  window?: number;
  /** Bisection rounds (default 60: float64 precision). */
  iterations?: number;
}

/**
 * The largest stable learning rate, measured: bisect between a converging `lo` and a diverging
 * `hi` on whether the distance to `optimum` still grows at the end of a run. The start must have a
 * component along every direction (otherwise a direction that is never excited cannot diverge).
 */
export function stabilityEdge(f: Smooth, start: readonly number[], optimum: readonly number[], options: StabilityEdgeOptions): number {
  const steps = options.steps ?? 1000;
  checkCount("steps", steps, 2);
  const window = options.window ?? Math.max(1, Math.floor(steps / 10));
  checkCount("window", window, 1);
  if (window >= steps) throw new RangeError(`window must be < steps (${steps}); got ${window}`);
  const iterations = options.iterations ?? 60;
  checkCount("iterations", iterations, 1);
  let { lo, hi } = options;
  checkLr(lo);
  checkLr(hi);
  if (!(lo < hi)) throw new RangeError(`need lo < hi; got lo=${lo}, hi=${hi}`);
  if (grows(f, start, optimum, lo, steps, window)) throw new RangeError(`lo=${lo} must be a rate at which gradient descent converges; it diverges`);
  if (!grows(f, start, optimum, hi, steps, window)) throw new RangeError(`hi=${hi} must be a rate at which gradient descent diverges; it converges`);
  for (let k = 0; k < iterations; k++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break; // adjacent floats
    if (grows(f, start, optimum, mid, steps, window)) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

export interface MomentumPath {
  path: number[][];
  losses: number[];
  diverged: boolean;
}

/**
 * Gradient descent with heavy-ball momentum, by hand: w_{t+1} = w_t - lr grad(w_t) + beta (w_t - w_{t-1}).
 * (PyTorch's SGD momentum is the same iteration written with a velocity buffer.)
 */
export function heavyBall(f: Smooth, start: readonly number[], lr: number, beta: number, steps: number): MomentumPath {
  checkLr(lr);
  if (typeof beta !== "number" || !(beta >= 0 && beta < 1)) throw new RangeError(`beta must be in [0, 1); got ${beta}`);
  checkCount("steps", steps, 0);
  let previous = start.slice();
  let w = start.slice();
  const path = [w];
  const losses = [f.value(w)];
  for (let t = 0; t < steps && Number.isFinite(losses[t]); t++) {
    const g = f.gradient(w);
    const next = w.map((v, i) => v - lr * g[i] + beta * (v - previous[i]));
    previous = w;
    w = next;
    path.push(w);
    losses.push(f.value(w));
  }
  return { path, losses, diverged: !Number.isFinite(losses[losses.length - 1]) };
}

export interface LossGrid {
  x: number[];
  y: number[];
  /** z[j][i] = f([x[i], y[j]]), the layout landscapeChart expects. */
  z: number[][];
}

/** A 2-D function sampled on an n x n grid over [x0, x1] x [y0, y1], for landscapeChart. */
export function lossGrid(f: Pick<Smooth, "value">, xRange: [number, number], yRange: [number, number], n: number): LossGrid {
  checkCount("n", n, 2);
  for (const [name, r] of [["xRange", xRange], ["yRange", yRange]] as const) {
    if (!Array.isArray(r) || r.length !== 2 || !(r[0] < r[1]) || !r.every(Number.isFinite)) {
      throw new RangeError(`${name} must be [min, max] with finite min < max; got ${JSON.stringify(r)}`);
    }
  }
  const line = ([a, b]: [number, number]) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
  const x = line(xRange);
  const y = line(yRange);
  return { x, y, z: y.map((yj) => x.map((xi) => f.value([xi, yj]))) };
}
