// One optimizer update with everything a history records, read back in a single dataSync:
// the loss, the pre-clip gradient norm, and the norms of the update and of the weights.
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../models/model";
import type { Batch } from "../data/types";

export interface StepValues {
  loss: number;
  gradNorm: number;
  updateNorm: number;
  weightNorm: number;
}

/** sqrt(sum of squares) over several tensors, as one scalar (call inside a tidy). */
function globalNorm(tensors: tf.Tensor[]): tf.Scalar {
  if (tensors.length === 0) return tf.scalar(0);
  return tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

/** PyTorch's clip_grad_norm_ adds this to the norm before dividing. */
const CLIP_EPS = 1e-6;

/**
 * Compute the gradient of `model.loss(batch)`, clip it to `clipNorm` if given (coefficient
 * min(1, clipNorm / (norm + 1e-6)), as PyTorch), apply it, and return the four numbers.
 * The batch stays owned by the caller.
 */
export function trainStep(model: Model, optimizer: tf.Optimizer, batch: Batch, clipNorm?: number): StepValues {
  const params = model.params;
  const packed = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch), params);
    // Variables the loss does not reach have no gradient; they are not updated either.
    const withGrad = params.filter((p) => grads[p.name] !== undefined);
    const gradNorm = globalNorm(withGrad.map((p) => grads[p.name]));
    let applied: tf.NamedTensorMap = grads;
    if (clipNorm !== undefined) {
      const coef = tf.minimum(tf.scalar(1), tf.div(tf.scalar(clipNorm), tf.add(gradNorm, tf.scalar(CLIP_EPS))));
      applied = {};
      for (const p of withGrad) applied[p.name] = tf.mul(grads[p.name], coef);
    }
    // A clone keeps the old values alive: assign() swaps the variable's data, not the clone's.
    const before = params.map((p) => tf.clone(p));
    optimizer.applyGradients(applied);
    const updateNorm = globalNorm(params.map((p, i) => tf.sub(p, before[i])));
    const weightNorm = globalNorm(before);
    return tf.stack([tf.reshape(value, []), gradNorm, updateNorm, weightNorm]);
  });
  const v = packed.dataSync();
  packed.dispose();
  return { loss: v[0], gradNorm: v[1], updateNorm: v[2], weightNorm: v[3] };
}

/** ||dw|| / ||w||, with 0/0 = 0 (nothing to move, nothing moved). */
export function updateRatio(updateNorm: number, weightNorm: number): number {
  if (weightNorm === 0) return updateNorm === 0 ? 0 : Infinity;
  return updateNorm / weightNorm;
}
