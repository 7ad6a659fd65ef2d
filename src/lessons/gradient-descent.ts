// Helpers of notebook 01 (what the learning rate does): read gradient descent's behaviour off
// exact float64 paths on smooth functions such as the quadratics of src/models. Each helper
// measures; none of them uses the closed-form answers (2/L, 2/(L + mu)) that the notebook tests.
// Section 7 measures the sharpness of language models during full-batch gradient descent.

import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../models/model";
import type { Batch } from "../data/types";
import { sharpness } from "../train/sharpness";
import { progress } from "../progress";
import { lineChart } from "../plot/build";
import { formatNumber } from "../plot/format";
import type { Figure } from "../plot/figure";

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

/**
 * True when gradient descent at `lr` (with heavy-ball momentum `beta`, 0 for none) still moves
 * away from `optimum` over the last `window` of `steps` steps.
 */
function grows(f: Smooth, start: readonly number[], optimum: readonly number[], lr: number, steps: number, window: number, beta = 0): boolean {
  let w = start.slice();
  let previous = w;
  let before = NaN;
  for (let t = 0; t < steps; t++) {
    if (t === steps - window) before = distance(w, optimum);
    const g = f.gradient(w);
    const next = beta === 0 ? w.map((v, i) => v - lr * g[i]) : w.map((v, i) => v - lr * g[i] + beta * (v - previous[i]));
    previous = w;
    w = next;
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
  /**
   * Heavy-ball momentum (default 0: plain gradient descent): w_{t+1} = w_t - lr grad(w_t) +
   * beta (w_t - w_{t-1}), the iteration of `heavyBall` and of PyTorch's SGD with momentum.
   */
  beta?: number;
}

/**
 * The largest stable learning rate, measured: bisect between a converging `lo` and a diverging
 * `hi` on whether the distance to `optimum` still grows at the end of a run (of gradient descent,
 * or of heavy-ball momentum with `beta`). The start must have a component along every direction
 * (otherwise a direction that is never excited cannot diverge).
 */
export function stabilityEdge(f: Smooth, start: readonly number[], optimum: readonly number[], options: StabilityEdgeOptions): number {
  const steps = options.steps ?? 1000;
  checkCount("steps", steps, 2);
  const window = options.window ?? Math.max(1, Math.floor(steps / 10));
  checkCount("window", window, 1);
  if (window >= steps) throw new RangeError(`window must be < steps (${steps}); got ${window}`);
  const iterations = options.iterations ?? 60;
  checkCount("iterations", iterations, 1);
  const beta = options.beta ?? 0;
  if (typeof beta !== "number" || !(beta >= 0 && beta < 1)) throw new RangeError(`beta must be in [0, 1); got ${beta}`);
  const method = beta === 0 ? "gradient descent" : `momentum ${beta}`;
  let { lo, hi } = options;
  checkLr(lo);
  checkLr(hi);
  if (!(lo < hi)) throw new RangeError(`need lo < hi; got lo=${lo}, hi=${hi}`);
  if (grows(f, start, optimum, lo, steps, window, beta)) throw new RangeError(`lo=${lo} must be a rate at which ${method} converges; it diverges`);
  if (!grows(f, start, optimum, hi, steps, window, beta)) throw new RangeError(`hi=${hi} must be a rate at which ${method} diverges; it converges`);
  for (let k = 0; k < iterations; k++) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break; // adjacent floats
    if (grows(f, start, optimum, mid, steps, window, beta)) hi = mid;
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

// ---- Section 7: sharpness of language models during full-batch gradient descent ----------------

export interface SharpnessTrace {
  lr: number;
  /** Steps at which the sharpness was measured (0 = before the first update). */
  steps: number[];
  /** Largest Hessian eigenvalue of the batch loss at those steps. */
  sharpness: number[];
  /** lr · sharpness: above 2, the steepest direction is unstable (notebook 01, section 2). */
  product: number[];
  /** Batch loss at those steps. */
  loss: number[];
  /** Whether every power iteration met its tolerance. */
  converged: boolean;
  /** The loss became non-finite (the run stopped there). */
  diverged: boolean;
}

export interface SharpnessTraceOptions {
  lr: number;
  steps: number;
  /** Measure every this many steps (and at step 0 and the last step). */
  every: number;
  /** Power-iteration limit per measurement (default 20) and its relative tolerance (default 1e-3). */
  iterations?: number;
  tolerance?: number;
  /** Seeds the power iteration's first start vector (default 0). */
  seed?: number;
}

/**
 * Full-batch gradient descent w <- w - lr ∇L(w) on one fixed `batch`, measuring the sharpness
 * (largest Hessian eigenvalue of that batch's loss) every `every` steps. Each measurement starts
 * its power iteration from the previous one's vector, so that it settles in a few products.
 * The model's weights are changed (it is trained); the batch is not disposed.
 */
export function sharpnessDuringGd(model: Model, batch: Batch, options: SharpnessTraceOptions): SharpnessTrace {
  const { lr, steps, every, iterations = 20, tolerance = 1e-3, seed = 0 } = options;
  checkLr(lr);
  checkCount("steps", steps, 1);
  checkCount("every", every, 1);
  const trace: SharpnessTrace = { lr, steps: [], sharpness: [], product: [], loss: [], converged: true, diverged: false };
  let vector: tf.Tensor[] | undefined;
  const measure = (t: number) => {
    const loss = tf.tidy(() => model.loss(batch).dataSync()[0]);
    if (!Number.isFinite(loss)) return false;
    const s = sharpness(model, batch, { iterations, tolerance, seed, start: vector, keepVector: true });
    if (vector) tf.dispose(vector);
    vector = s.vector;
    trace.steps.push(t);
    trace.sharpness.push(s.value);
    trace.product.push(lr * s.value);
    trace.loss.push(loss);
    trace.converged = trace.converged && s.converged;
    return true;
  };
  try {
    measure(0);
    for (let t = 1; t <= steps; t++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => model.loss(batch), model.params);
        value.dispose();
        for (const p of model.params) if (grads[p.name]) p.assign(tf.sub(p, tf.mul(lr, grads[p.name])));
      });
      if ((t % every === 0 || t === steps) && !measure(t)) {
        trace.diverged = true;
        break;
      }
    }
  } finally {
    if (vector) tf.dispose(vector);
  }
  return trace;
}

/**
 * `sharpnessDuringGd` at each rate, each from a fresh model made by `makeModel` (same seed, so
 * the same initial weights) on the same `batch`, with one progress line over the rates.
 */
export async function sharpnessAtRates(
  makeModel: () => Model,
  batch: Batch,
  rates: readonly number[],
  options: Omit<SharpnessTraceOptions, "lr">,
  label = "sharpness",
): Promise<SharpnessTrace[]> {
  if (!Array.isArray(rates) || rates.length === 0) throw new RangeError("rates must be a non-empty array");
  const bar = progress({ total: rates.length, label });
  const traces: SharpnessTrace[] = [];
  for (const lr of rates) {
    const model = makeModel();
    try {
      traces.push(sharpnessDuringGd(model, batch, { ...options, lr }));
    } finally {
      model.dispose();
    }
    const last = traces[traces.length - 1];
    bar.update(traces.length, { loss: last.loss[last.loss.length - 1], lr });
    await new Promise((resolve) => setImmediate(resolve)); // let the progress line reach the notebook
  }
  bar.done();
  return traces;
}

/** The median of the values at or after `fromStep` (the second half of a run, say). */
export function medianFrom(trace: SharpnessTrace, fromStep: number, key: "product" | "sharpness" = "product"): number {
  const v = trace[key].filter((_, i) => trace.steps[i] >= fromStep).sort((a, b) => a - b);
  if (v.length === 0) throw new RangeError(`no measurement at or after step ${fromStep}`);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** η·λ_max against step, one curve per rate, with the stability limit 2 drawn as a line (log y). */
export function sharpnessFigure(title: string, traces: readonly SharpnessTrace[], subtitle?: string): Figure {
  if (!Array.isArray(traces) || traces.length === 0) throw new RangeError("traces must be a non-empty array");
  const last = Math.max(...traces.map((t) => t.steps[t.steps.length - 1]));
  return lineChart({
    title,
    subtitle: subtitle ?? "η·λ_max of the batch loss during full-batch GD; the flat line at 2: the limit of a quadratic",
    series: [
      ...traces.map((t) => ({ name: `η = ${formatNumber(t.lr)}`, x: t.steps, y: t.product })),
      { name: "η·λ_max = 2", x: [0, last], y: [2, 2] },
    ],
    x: { label: "step of gradient descent", unit: "steps" },
    y: { label: "η · λ_max", scale: "log" },
  });
}
