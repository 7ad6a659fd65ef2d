// A 1-D landscape with several local minima of different depths, all known exactly:
// f'(x) = scale * (x - c_1)(x - c_2)...(x - c_k) for sorted critical points c_1 < ... < c_k
// (k odd), so c_1, c_3, ... are minima and c_2, c_4, ... the maxima between them. f is the
// exact integral of that polynomial, shifted so the global minimum is 0. For the restarts lesson:
// which basin gradient descent ends in depends on where it starts and on the learning rate.
import * as tf from "@tensorflow/tfjs-core";
import { Landscape, makeLandscape } from "./landscape";

export interface MultiMinimaOptions {
  /** Sorted critical points, odd count >= 3 (minima at even indices). Default [-2, -1, 0.3, 1.2, 2]. */
  criticalPoints?: readonly number[];
  /** Multiplies f (default 1). */
  scale?: number;
  /** Default: just inside the outermost maximum on the right. */
  start?: number;
  /**
   * Standard deviation of additive gradient noise (default 0: exact). With noise > 0 each batch
   * draws xi ~ N(0, 1) and the batch loss is f(w) + noise * xi * w, so its gradient is
   * f'(w) + noise * xi: a stand-in for the minibatch gradient's error, as in the noisy quadratic.
   */
  noise?: number;
}

export interface CriticalPoint {
  x: number;
  value: number;
  /** f''(x): positive at a minimum (2/curvature bounds a stable lr there), negative at a maximum. */
  curvature: number;
}

export interface MultiMinima extends Landscape {
  /** Local minima from left to right; `optimum` is the deepest. */
  readonly minima: readonly CriticalPoint[];
  readonly maxima: readonly CriticalPoint[];
  /** The sorted critical points f' = 0 (minima and maxima alternating). */
  readonly criticalPoints: readonly number[];
  /** The gradient noise's standard deviation (0: exact). */
  readonly noise: number;
  /** Index into `minima` of the basin that holds x (basins are separated by the maxima). */
  basinOf(x: number): number;
  /** f'(x) for a plain number, fast (for simulations of many runs in plain JS). */
  slope(x: number): number;
}

/** Coefficients (lowest degree first) of prod (x - r_i). */
function fromRoots(roots: readonly number[]): number[] {
  let c = [1];
  for (const r of roots) {
    const next = new Array<number>(c.length + 1).fill(0);
    c.forEach((ci, i) => {
      next[i + 1] += ci;
      next[i] -= r * ci;
    });
    c = next;
  }
  return c;
}
const horner = (c: readonly number[], x: number) => c.reduceRight((acc, ci) => acc * x + ci, 0);

export function createMultiMinima(options: MultiMinimaOptions = {}): MultiMinima {
  const cps = (options.criticalPoints ?? [-2, -1, 0.3, 1.2, 2]).slice();
  const { scale = 1, noise = 0 } = options;
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new RangeError(`noise must be a finite number >= 0; got ${noise}`);
  if (cps.length < 3 || cps.length % 2 === 0 || cps.some((c, i) => !Number.isFinite(c) || (i > 0 && c <= cps[i - 1]))) {
    throw new RangeError(`criticalPoints must be an odd number (>= 3) of strictly increasing finite numbers; got [${cps.join(", ")}]`);
  }
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive finite number; got ${scale}`);
  const d1 = fromRoots(cps).map((c) => c * scale); // f'
  const d2 = d1.slice(1).map((c, i) => c * (i + 1)); // f''
  const f0 = [0, ...d1.map((c, i) => c / (i + 1))]; // an antiderivative of f'
  const point = (x: number) => ({ x, value: horner(f0, x), curvature: horner(d2, x) });
  const rawMinima = cps.filter((_, i) => i % 2 === 0).map(point);
  const floor = Math.min(...rawMinima.map((m) => m.value));
  const coeffs = f0.map((c, i) => (i === 0 ? c - floor : c));
  const shift = (p: CriticalPoint) => ({ ...p, value: p.value - floor });
  const minima = rawMinima.map(shift);
  const maxima = cps.filter((_, i) => i % 2 === 1).map(point).map(shift);
  const best = minima.reduce((m, p) => (p.value < m.value ? p : m));
  const start = options.start ?? cps[cps.length - 2] + 0.05 * (cps[cps.length - 1] - cps[cps.length - 2]);

  const base = makeLandscape({
    name: "multi-minima",
    start: [start],
    optimum: [best.x],
    optimalValue: 0,
    value: ([x]) => horner(coeffs, x),
    gradient: ([x]) => [horner(d1, x)],
    hessian: ([x]) => [[horner(d2, x)]],
    tfLoss: (w, batch) =>
      tf.tidy(() => {
        let acc: tf.Tensor = tf.scalar(coeffs[coeffs.length - 1]);
        for (let i = coeffs.length - 2; i >= 0; i--) acc = tf.add(tf.mul(acc, w), coeffs[i]);
        // The noise term is linear in w: its gradient is exactly the noise, with mean 0.
        if (batch.noise) acc = tf.add(acc, tf.sum(tf.mul(batch.noise, w)));
        return tf.reshape(acc, []) as tf.Scalar;
      }),
    batch: noise > 0 ? (rng) => ({ noise: tf.tensor1d([noise * rng.normal()]) }) : undefined,
  });
  const maxX = maxima.map((m) => m.x);
  return {
    ...base,
    minima,
    maxima,
    criticalPoints: cps,
    noise,
    basinOf(x) {
      let b = 0;
      while (b < maxX.length && x > maxX[b]) b++;
      return b;
    },
    slope(x) {
      let p = scale;
      for (const c of cps) p *= x - c;
      return p;
    },
  };
}
