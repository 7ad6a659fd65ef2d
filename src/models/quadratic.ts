// A quadratic bowl f(w) = 1/2 (w - w*)^T H (w - w*) with a chosen curvature spectrum.
// Everything gradient descent does here is known exactly: each eigen-direction shrinks by
// |1 - lr * lambda_i| per step, so GD converges iff lr < 2/L (L the largest eigenvalue), and the
// fastest constant rate, (L - mu)/(L + mu), comes at lr = 2/(L + mu).
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../random";
import { Landscape, checkVector, makeLandscape } from "./landscape";

export interface QuadraticOptions {
  /** Hessian eigenvalues (curvatures), all > 0. */
  eigenvalues: readonly number[];
  /** Rotate the eigenbasis by a seeded random orthogonal matrix (default false: axis-aligned). */
  rotate?: boolean;
  seed?: number;
  /** The minimiser w* (default zeros). */
  optimum?: readonly number[];
  /** Starting point (default w* + 1 in every coordinate). */
  start?: readonly number[];
}

export interface Quadratic extends Landscape {
  readonly eigenvalues: readonly number[];
  /** Largest and smallest curvature, and their ratio. */
  readonly L: number;
  readonly mu: number;
  readonly conditionNumber: number;
  /** Gradient descent converges iff lr < maxStableLr = 2/L. */
  readonly maxStableLr: number;
  /** lr = 2/(L + mu) gives the best worst-case contraction per step. */
  readonly bestLr: number;
  /** Worst contraction factor per step at `lr`: max_i |1 - lr lambda_i| (< 1 means convergence). */
  rate(lr: number): number;
}

/** `n` curvatures from `mu` to `L`, evenly ("linear") or log-evenly ("geometric") spaced. */
export function curvatureSpectrum(kind: "linear" | "geometric", n: number, mu: number, L: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer; got ${n}`);
  if (!(mu > 0 && L >= mu)) throw new RangeError(`need 0 < mu <= L; got mu=${mu}, L=${L}`);
  if (n === 1) return [L];
  return Array.from({ length: n }, (_, i) =>
    kind === "linear" ? mu + ((L - mu) * i) / (n - 1) : mu * Math.pow(L / mu, i / (n - 1)),
  );
}

/** A seeded random orthogonal matrix (Gram-Schmidt on Gaussian columns). */
function randomOrthogonal(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  const q: number[][] = [];
  while (q.length < n) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      const d = u.reduce((s, ui, i) => s + ui * v[i], 0);
      for (let i = 0; i < n; i++) v[i] -= d * u[i];
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-8) q.push(v.map((x) => x / norm));
  }
  return q; // rows are orthonormal
}

export function createQuadratic(options: QuadraticOptions): Quadratic {
  const eig = options.eigenvalues.slice();
  const n = eig.length;
  if (n === 0 || eig.some((l) => !(l > 0) || !Number.isFinite(l))) {
    throw new RangeError(`eigenvalues must be a non-empty list of positive numbers; got [${eig.join(", ")}]`);
  }
  const opt = options.optimum ? options.optimum.slice() : new Array<number>(n).fill(0);
  checkVector("optimum", opt, n);
  const start = options.start ? options.start.slice() : opt.map((v) => v + 1);
  // H = Q^T diag(eig) Q with Q's rows the eigenvectors.
  const q = options.rotate ? randomOrthogonal(n, options.seed ?? 0) : eig.map((_, i) => eig.map((__, j) => (i === j ? 1 : 0)));
  const h = eig.map((_, i) => eig.map((__, j) => q.reduce((s, row, k) => s + row[i] * eig[k] * row[j], 0)));
  const hv = (d: readonly number[]) => h.map((row) => row.reduce((s, hij, j) => s + hij * d[j], 0));
  const hTensor = tf.keep(tf.tensor2d(h.flat(), [n, n]));
  const optTensor = tf.keep(tf.tensor1d(opt));
  const L = Math.max(...eig);
  const mu = Math.min(...eig);

  const base = makeLandscape({
    name: "quadratic",
    start,
    optimum: opt,
    optimalValue: 0,
    value(w) {
      const d = w.map((v, i) => v - opt[i]);
      return 0.5 * hv(d).reduce((s, x, i) => s + x * d[i], 0);
    },
    gradient: (w) => hv(w.map((v, i) => v - opt[i])),
    hessian: () => h.map((row) => row.slice()),
    tfLoss: (w) =>
      tf.tidy(() => {
        const d = tf.reshape(tf.sub(w, optTensor), [n, 1]);
        return tf.mul(0.5, tf.sum(tf.mul(d, tf.matMul(hTensor, d)))) as tf.Scalar;
      }),
  });
  return {
    ...base,
    eigenvalues: eig,
    L,
    mu,
    conditionNumber: L / mu,
    maxStableLr: 2 / L,
    bestLr: 2 / (L + mu),
    rate: (lr) => Math.max(...eig.map((l) => Math.abs(1 - lr * l))),
    dispose() {
      base.dispose();
      hTensor.dispose();
      optTensor.dispose();
    },
  };
}
