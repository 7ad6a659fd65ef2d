// Sharpness: the largest eigenvalue of the Hessian of a model's loss on one batch, by power
// iteration on Hessian-vector products. Gradient descent on a quadratic is stable iff
// lr < 2 / lambda_max (notebook 01); on a network, lr * lambda_max against 2 says how close a
// run is to that edge (Cohen et al. 2021, "Gradient descent on neural networks typically occurs
// at the edge of stability").
//
//   const s = sharpness(model, batch, { seed: 0, iterations: 20, tolerance: 1e-3 });
//   s.value, s.iterations, s.converged, s.method
//
// Two ways to get H v:
// - "finite-difference" (the default): (g(w + eps v) - g(w - eps v)) / (2 eps) with g the
//   gradient, two backward passes per product; exact on a quadratic up to float32 rounding,
//   O(eps^2) off elsewhere. The weights are put back bit for bit afterwards.
// - "double-backprop": the gradient of (grad L · v). Exact on the quadratics of the tests, but in
//   tfjs not on the networks: ops written with tf.customGrad have no taped second derivative.
//   The wasm fused layer norm (tiny GPT) throws "gradient function not found"; tf.logSoftmax
//   (the library's crossEntropy) silently drops every term through the softmax (the output
//   layer's block of H came out 0), and on the character MLP the estimate stayed at 0.27 where
//   finite differences and second differences of the loss itself agree on 0.393. Not the default.
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../models/model";
import type { Batch } from "../data/types";
import { createRng } from "../random";

export type HvpMethod = "double-backprop" | "finite-difference";

export interface SharpnessOptions {
  /** Seeds the random start vector (default 0). */
  seed?: number;
  /** Most power-iteration steps per pass (default 20; a second, shifted pass may follow). */
  iterations?: number;
  /** Stop when the estimate changes by less than tolerance · |estimate| in one step (default 1e-3). */
  tolerance?: number;
  /** How to compute Hessian-vector products (default "finite-difference"). */
  method?: HvpMethod;
  /** Step of the finite difference along the unit vector v (default 1e-3). */
  epsilon?: number;
  /** Start from this direction (e.g. the previous measurement's vector) instead of a random one. */
  start?: readonly tf.Tensor[];
  /** Return the final unit vector in `vector` (the caller disposes it). Default false. */
  keepVector?: boolean;
}

export interface SharpnessResult {
  /** The estimate of the largest eigenvalue (the Rayleigh quotient v·Hv of the last step). */
  value: number;
  /** Power-iteration steps used (Hessian-vector products computed). */
  iterations: number;
  /** Whether the estimate settled within the tolerance before the iteration limit. */
  converged: boolean;
  /** How the Hessian-vector products were computed. */
  method: HvpMethod;
  /** The estimate after each step. */
  history: number[];
  /** 0, or the shift s of a second pass on H + s·I (the first did not settle on a positive value). */
  shift: number;
  /** The final unit vector, one tensor per parameter, when `keepVector` was set. */
  vector?: tf.Tensor[];
}

const dot = (a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Scalar =>
  tf.addN(a.map((x, i) => tf.sum(tf.mul(x, b[i])))) as tf.Scalar;

function gradients(model: Model, batch: Batch): tf.Tensor[] {
  const { value, grads } = tf.variableGrads(() => model.loss(batch), model.params);
  value.dispose();
  return model.params.map((p) => grads[p.name] ?? tf.zerosLike(p));
}

/**
 * H v for the loss of `model` on `batch`, one tensor per parameter (the caller disposes them).
 * `v` is not changed and not disposed.
 */
export function hessianVectorProduct(model: Model, batch: Batch, v: readonly tf.Tensor[], method: HvpMethod, epsilon = 1e-3): tf.Tensor[] {
  const params = model.params;
  if (v.length !== params.length) throw new RangeError(`v needs one tensor per parameter (${params.length}); got ${v.length}`);
  if (method === "double-backprop") {
    return tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => dot(gradients(model, batch), v), params);
      value.dispose();
      // a parameter the gradient does not depend on (e.g. an output bias) has no entry: H v is 0 there
      return params.map((p) => grads[p.name] ?? tf.zerosLike(p));
    });
  }
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`epsilon must be a positive number; got ${epsilon}`);
  const saved = params.map((p) => tf.clone(p));
  try {
    const at = (sign: number) => {
      params.forEach((p, i) => tf.tidy(() => p.assign(tf.add(saved[i], tf.mul(sign * epsilon, v[i])))));
      return tf.tidy(() => gradients(model, batch));
    };
    const plus = at(1);
    const minus = at(-1);
    const hv = tf.tidy(() => plus.map((g, i) => tf.div(tf.sub(g, minus[i]), 2 * epsilon)));
    tf.dispose([...plus, ...minus]);
    return hv;
  } finally {
    params.forEach((p, i) => p.assign(saved[i]));
    tf.dispose(saved);
  }
}

function checkOptions(o: SharpnessOptions): void {
  const { iterations = 20, tolerance = 1e-3, seed = 0, method = "finite-difference" } = o;
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`iterations must be a positive integer; got ${iterations}`);
  if (!(tolerance >= 0) || !Number.isFinite(tolerance)) throw new RangeError(`tolerance must be a finite number >= 0; got ${tolerance}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer; got ${seed}`);
  if (!["double-backprop", "finite-difference"].includes(method)) throw new RangeError(`method must be "finite-difference" or "double-backprop"; got ${method}`);
}

/** A unit vector over all parameters: the normalised `start`, or seeded Gaussian entries. */
function startVector(model: Model, o: SharpnessOptions): tf.Tensor[] {
  return tf.tidy(() => {
    let v: tf.Tensor[];
    if (o.start) {
      if (o.start.length !== model.params.length) throw new RangeError(`start needs one tensor per parameter (${model.params.length}); got ${o.start.length}`);
      v = o.start.map((t) => tf.clone(t));
    } else {
      // forked, so that a start vector never equals the first row a model drew from the same seed
      const rng = createRng(o.seed ?? 0).fork();
      v = model.params.map((p) => tf.tensor(Float32Array.from({ length: p.size }, () => rng.normal()), p.shape, "float32"));
    }
    const norm = tf.sqrt(dot(v, v));
    return v.map((x) => tf.div(x, norm));
  });
}

/**
 * The largest eigenvalue of the Hessian of `model.loss(batch)` with respect to `model.params`,
 * by power iteration: v <- Hv / |Hv|, estimate v·Hv, until the estimate moves by less than
 * `tolerance` relative or `iterations` run out. Power iteration finds the eigenvalue largest in
 * magnitude: near a minimum (and in training, where negative curvature is small) that is the
 * largest one. Leaves no tensors behind (except `vector` when asked for).
 */
export function sharpness(model: Model, batch: Batch, options: SharpnessOptions = {}): SharpnessResult {
  checkOptions(options);
  const { iterations = 20, tolerance = 1e-3, epsilon = 1e-3 } = options;
  const method: HvpMethod = options.method ?? "finite-difference";
  // Power iteration on H + shift·I from unit vector v; the estimate is v·Hv.
  const iterate = (start: tf.Tensor[], shift: number) => {
    let v = start;
    const history: number[] = [];
    let converged = false;
    let norm = 0;
    try {
      for (let i = 0; i < iterations; i++) {
        const raw = hessianVectorProduct(model, batch, v, method, epsilon);
        const hv = shift === 0 ? raw : tf.tidy(() => raw.map((x, k) => tf.add(x, tf.mul(shift, v[k]))));
        if (hv !== raw) tf.dispose(raw);
        const [shifted, n] = tf.tidy(() => [dot(v, hv), tf.sqrt(dot(hv, hv))]).map((t) => {
          const x = t.dataSync()[0];
          t.dispose();
          return x;
        });
        norm = n;
        const estimate = shifted - shift;
        history.push(estimate);
        const next = n > 0 ? tf.tidy(() => hv.map((x) => tf.div(x, n))) : v.map((x) => tf.clone(x));
        tf.dispose([...hv, ...v]);
        v = next;
        if (!Number.isFinite(estimate)) break;
        if (n === 0) {
          converged = true;
          break;
        }
        const prev = history[history.length - 2];
        if (prev !== undefined && Math.abs(estimate - prev) <= tolerance * Math.abs(estimate)) {
          converged = true;
          break;
        }
      }
    } catch (e) {
      tf.dispose(v);
      throw e;
    }
    return { v, history, converged, norm };
  };
  let run = iterate(startVector(model, options), 0);
  let history = run.history;
  let shift = 0;
  const first = history[history.length - 1];
  // Plain power iteration finds the eigenvalue largest in size. When that is negative, or the
  // iteration did not settle (eigenvalues of both signs and similar size make it wander),
  // iterate again on H + s·I with s = |Hv| ≈ the largest |eigenvalue|: every eigenvalue is then
  // >= 0 and the largest is lambda_max + s.
  if (Number.isFinite(first) && (!run.converged || first <= 0) && run.norm > 0) {
    shift = run.norm;
    run = iterate(run.v, shift);
    history = [...history, ...run.history];
  }
  const result: SharpnessResult = { value: history[history.length - 1], iterations: history.length, converged: run.converged, method, history, shift };
  if (options.keepVector) result.vector = run.v;
  else tf.dispose(run.v);
  return result;
}
