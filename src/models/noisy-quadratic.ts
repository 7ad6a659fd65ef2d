// The noisy quadratic model (Zhang et al. 2019, "Which algorithmic choices matter at which batch
// sizes?"): f(w) = 1/2 sum_i h_i w_i^2, and a batch of size B sees the gradient
// h_i w_i + sqrt(c_i / B) * eps_i with eps ~ N(0, 1). It reproduces how batch size and learning
// rate trade off, and SGD's expected loss has a closed form to check experiments against:
//   E[w_t^2] = r^(2t) w_0^2 + lr^2 (c/B) (1 - r^(2t)) / (1 - r^2),   r = 1 - lr h.
import * as tf from "@tensorflow/tfjs-core";
import { Landscape, checkVector, makeLandscape } from "./landscape";

export interface NoisyQuadraticOptions {
  /** Curvatures h_i > 0. Default: 10 values log-spaced from 0.01 to 1. */
  curvatures?: readonly number[];
  /** Gradient noise variance per dimension at batch size 1 (default c_i = h_i, as in the paper). */
  noiseVariances?: readonly number[];
  /** Default: ones. */
  start?: readonly number[];
}

export interface NoisyQuadratic extends Landscape {
  readonly curvatures: readonly number[];
  readonly noiseVariances: readonly number[];
  /** Exact E[f(w_t)] of plain SGD from `start` after `steps` steps (Infinity when it diverges). */
  expectedLoss(lr: number, batchSize: number, steps: number): number;
  /** E[f] that SGD settles at, lr^2 c / (B (1 - r^2)) per dimension; Infinity when unstable. */
  steadyStateLoss(lr: number, batchSize: number): number;
  /**
   * The gradient noise scale B_simple = tr(Sigma) / |G|^2 at `w` (default: the current position):
   * sum(c_i) / sum((h_i w_i)^2), since a batch of one sees noise of variance c_i (McCandlish et al.).
   */
  noiseScale(w?: readonly number[]): number;
}

export function createNoisyQuadratic(options: NoisyQuadraticOptions = {}): NoisyQuadratic {
  const h = (options.curvatures ?? Array.from({ length: 10 }, (_, i) => 0.01 * Math.pow(100, i / 9))).slice();
  const n = h.length;
  if (n === 0 || h.some((x) => !(x > 0) || !Number.isFinite(x))) {
    throw new RangeError(`curvatures must be a non-empty list of positive numbers; got [${h.join(", ")}]`);
  }
  const c = (options.noiseVariances ?? h).slice();
  if (c.length !== n || c.some((x) => !(x >= 0) || !Number.isFinite(x))) {
    throw new RangeError(`noiseVariances must be ${n} non-negative numbers; got [${c.join(", ")}]`);
  }
  const start = options.start ? options.start.slice() : new Array<number>(n).fill(1);
  checkVector("start", start, n);
  const hTensor = tf.keep(tf.tensor1d(h));
  const checkArgs = (lr: number, batchSize: number) => {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`lr must be a positive finite number; got ${lr}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${batchSize}`);
  };

  const base = makeLandscape({
    name: "noisy-quadratic",
    start,
    optimum: new Array<number>(n).fill(0),
    optimalValue: 0,
    value: (w) => 0.5 * w.reduce((s, wi, i) => s + h[i] * wi * wi, 0),
    gradient: (w) => w.map((wi, i) => h[i] * wi),
    hessian: () => h.map((hi, i) => h.map((_, j) => (i === j ? hi : 0))),
    // The noise term is linear in w, so its gradient is exactly the noise and its mean is 0.
    tfLoss: (w, batch) =>
      tf.tidy(() => {
        const exact = tf.mul(0.5, tf.sum(tf.mul(hTensor, tf.square(w))));
        return (batch.noise ? tf.add(exact, tf.sum(tf.mul(batch.noise, w))) : exact) as tf.Scalar;
      }),
    batch(rng, batchSize) {
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${batchSize}`);
      return { noise: tf.tensor1d(c.map((ci) => Math.sqrt(ci / batchSize) * rng.normal())) };
    },
  });
  return {
    ...base,
    curvatures: h,
    noiseVariances: c,
    expectedLoss(lr, batchSize, steps) {
      checkArgs(lr, batchSize);
      if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer; got ${steps}`);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const r2 = (1 - lr * h[i]) ** 2;
        const decay = r2 ** steps;
        const noise = (lr * lr * c[i]) / batchSize;
        const m2 = decay * start[i] ** 2 + noise * (r2 === 1 ? steps : (1 - decay) / (1 - r2));
        total += 0.5 * h[i] * m2;
      }
      return Number.isFinite(total) ? total : Infinity;
    },
    steadyStateLoss(lr, batchSize) {
      checkArgs(lr, batchSize);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const r2 = (1 - lr * h[i]) ** 2;
        if (r2 >= 1) return Infinity;
        total += (0.5 * h[i] * lr * lr * c[i]) / batchSize / (1 - r2);
      }
      return total;
    },
    noiseScale(w) {
      const at = w ? w.slice() : base.position();
      checkVector("w", at, n);
      const gradSq = at.reduce((s, wi, i) => s + (h[i] * wi) ** 2, 0);
      const trace = c.reduce((s, ci) => s + ci, 0);
      return gradSq > 0 ? trace / gradSq : Infinity;
    },
    dispose() {
      base.dispose();
      hTensor.dispose();
    },
  };
}
