// Loss landscapes with known answers: a single parameter vector w, an exact loss in plain JS
// (for "by hand" lessons and checks) and the same loss in tfjs (for real optimizers).
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random";
import type { Batch, Split } from "../data/types";
import { Model, ParamStore } from "./model";

export interface Landscape extends Model {
  readonly dim: number;
  /** Where training starts (and where `reset()` goes back to). */
  readonly start: readonly number[];
  /** The global minimiser and the loss there. */
  readonly optimum: readonly number[];
  readonly optimalValue: number;
  /** Loss, gradient and Hessian at any point, in float64 plain JS. */
  value(w: readonly number[]): number;
  gradient(w: readonly number[]): number[];
  hessian(w: readonly number[]): number[][];
  /** Current parameter values. */
  position(): number[];
  /** Move the parameters to `w` (default: the start). */
  reset(w?: readonly number[]): void;
}

export interface LandscapeSpec {
  name: string;
  start: readonly number[];
  optimum: readonly number[];
  optimalValue: number;
  value(w: readonly number[]): number;
  gradient(w: readonly number[]): number[];
  hessian(w: readonly number[]): number[][];
  /** The loss in tensor ops; `batch` carries gradient noise for stochastic landscapes. */
  tfLoss(w: tf.Tensor1D, batch: Batch): tf.Scalar;
  /** Draw a batch (default: an empty one, the landscape is exact). */
  batch?(rng: Rng, batchSize: number): Batch;
}

export function checkVector(name: string, w: readonly number[], dim: number): void {
  if (w.length !== dim || w.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`${name} must be ${dim} finite numbers; got [${w.join(", ")}]`);
  }
}

export function makeLandscape(spec: LandscapeSpec): Landscape {
  const dim = spec.optimum.length;
  checkVector("start", spec.start, dim);
  const store = new ParamStore(spec.name);
  const w = store.add("w", [dim], Float32Array.from(spec.start));
  const w1 = w as unknown as tf.Tensor1D;
  return {
    name: spec.name,
    params: store.list,
    numParams: dim,
    dim,
    start: spec.start.slice(),
    optimum: spec.optimum.slice(),
    optimalValue: spec.optimalValue,
    value: spec.value,
    gradient: spec.gradient,
    hessian: spec.hessian,
    batch: (rng, batchSize) => (spec.batch ? spec.batch(rng, batchSize) : {}),
    loss: (batch) => spec.tfLoss(w1, batch),
    evaluate: (_split?: Split) => spec.value(Array.from(w.dataSync())),
    position: () => Array.from(w.dataSync()),
    reset(to = spec.start) {
      checkVector("w", to, dim);
      tf.tidy(() => w.assign(tf.tensor1d(Float32Array.from(to))));
    },
    dispose: () => store.dispose(),
  };
}

export interface DescentPath {
  /** Positions w_0 .. w_steps (stops early once the loss is not finite). */
  path: number[][];
  losses: number[];
  diverged: boolean;
}

/**
 * Plain gradient descent by hand, w <- w - lr * grad(w), in float64 JS: what notebook 01 shows
 * before any optimizer object appears.
 */
export function gradientDescent(
  f: { value(w: readonly number[]): number; gradient(w: readonly number[]): number[] },
  start: readonly number[],
  lr: number,
  steps: number,
): DescentPath {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`lr must be a positive finite number; got ${lr}`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer; got ${steps}`);
  let w = start.slice();
  const path = [w];
  const losses = [f.value(w)];
  for (let t = 0; t < steps && Number.isFinite(losses[t]); t++) {
    const g = f.gradient(w);
    w = w.map((v, i) => v - lr * g[i]);
    path.push(w);
    losses.push(f.value(w));
  }
  return { path, losses, diverged: !Number.isFinite(losses[losses.length - 1]) };
}
