// Setting the learning rate of any tfjs optimizer between updates.
import type * as tf from "@tensorflow/tfjs-core";

type Settable = tf.Optimizer & { learningRate?: number; setLearningRate?: (lr: number) => void };

/** The learning rate the optimizer will use next (NaN when it exposes none). */
export function getLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as Settable).learningRate;
  return typeof lr === "number" ? lr : NaN;
}

/**
 * Set the learning rate of the next update. tfjs's own SGD and momentum optimizers cache the rate
 * in a tensor and only notice a change through `setLearningRate`; every other optimizer (ours,
 * tfjs Adam/RMSProp/...) reads the `learningRate` property on each update.
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as Settable;
  if (typeof o.setLearningRate === "function") o.setLearningRate(lr);
  else o.learningRate = lr;
}

export function checkLearningRate(name: string, lr: number): void {
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0) {
    throw new RangeError(`${name} must be a finite number >= 0; got ${lr}`);
  }
}
