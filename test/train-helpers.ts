// Shared by the train, lr-finder and sweep tests: optimizers from tfjs with a settable learning
// rate, and a scripted model whose losses and evaluations the test chooses.
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../src/models/model";
import { ParamStore } from "../src/models/model";
import type { LrOptimizer } from "../src/train/types";
import type { History } from "../src/train/types";

/** tfjs's SGD: its learning rate changes through setLearningRate, which train() uses. */
export function tfSgd(lr: number): LrOptimizer {
  return tf.train.sgd(lr) as unknown as LrOptimizer;
}
export function tfAdam(lr: number): LrOptimizer {
  return tf.train.adam(lr) as unknown as LrOptimizer;
}
export function tfMomentum(lr: number, momentum = 0.9): LrOptimizer {
  return tf.train.momentum(lr, momentum) as unknown as LrOptimizer;
}

/**
 * A one-parameter model: loss = lossAt(step) * (1 + 0 * w) so the gradient is finite and the
 * value is chosen by the test; evaluate() returns evalAt(number of evaluations so far).
 */
export function scriptedModel(lossAt: (call: number) => number, evalAt: (call: number) => number = () => 1): Model & { w: tf.Variable } {
  const store = new ParamStore("scripted");
  const w = store.add("w", [1], Float32Array.of(1));
  let calls = 0;
  let evals = 0;
  return {
    name: "scripted",
    w,
    params: store.list,
    numParams: 1,
    batch: () => ({}),
    loss: () => tf.tidy(() => tf.add(tf.scalar(lossAt(calls++)), tf.mul(0.5, tf.sum(tf.square(w)))) as tf.Scalar),
    evaluate: () => evalAt(evals++),
    dispose: () => store.dispose(),
  };
}

/** A history without its wall-clock fields, for bit-exact comparisons. */
export function withoutTime(h: History): unknown {
  return {
    ...h,
    seconds: 0,
    steps: h.steps.map((r) => ({ ...r, time: 0 })),
    evals: h.evals.map((r) => ({ ...r, time: 0 })),
  };
}
