// Gradient-norm clipping with PyTorch's `torch.nn.utils.clip_grad_norm_` semantics:
//   total = norm([norm(g, p) for g in grads], p)      (p = Infinity: max |g|)
//   coef  = min(maxNorm / (total + 1e-6), 1)          every gradient is multiplied by coef
// and the norm BEFORE clipping is returned. The coefficient is always applied (it is 1 below the
// threshold, up to the 1e-6), exactly as PyTorch does; a non-finite norm propagates NaN.
import * as tf from "@tensorflow/tfjs-core";
import { requireNumber, requirePositive } from "./validate";

/** A named tensor, as tfjs's `applyGradients` accepts in a list (tfjs-core does not export its own type). */
export interface NamedGradient {
  name: string;
  tensor: tf.Tensor;
}

/** PyTorch adds this to the norm before dividing, so a zero gradient never divides by zero. */
export const CLIP_EPS = 1e-6;

/** The norm types clipGradNorm accepts: a finite p >= 1, or Infinity for the max norm. */
export function checkNormType(where: string, normType: number): number {
  if (normType === Infinity) return normType;
  return requireNumber(where, "normType", normType, { min: 1 });
}

function tensorNorm(g: tf.Tensor, normType: number): tf.Scalar {
  if (normType === Infinity) return tf.max(tf.abs(g)) as tf.Scalar;
  if (normType === 2) return tf.sqrt(tf.sum(tf.square(g))) as tf.Scalar;
  return tf.pow(tf.sum(tf.pow(tf.abs(g), normType)), 1 / normType) as tf.Scalar;
}

/** The global norm of several tensors, in the two levels PyTorch uses (per tensor, then across). */
export function globalNorm(tensors: readonly tf.Tensor[], normType = 2): tf.Scalar {
  checkNormType("globalNorm", normType);
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    const norms = tensors.map((g) => tensorNorm(g, normType));
    return norms.length === 1 ? norms[0] : tensorNorm(tf.stack(norms), normType);
  });
}

/**
 * In-graph clipping, for use inside a tidy: the clipped tensors and the pre-clip norm. Nothing is
 * read back to JavaScript, so an optimizer can clip on every step without a synchronisation.
 */
export function clipTensors(
  tensors: readonly tf.Tensor[],
  maxNorm: number,
  normType = 2,
): { clipped: tf.Tensor[]; norm: tf.Scalar } {
  const norm = globalNorm(tensors, normType);
  const coef = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(norm, tf.scalar(CLIP_EPS))), tf.scalar(1));
  return { clipped: tensors.map((g) => tf.mul(g, coef)), norm };
}

/**
 * Scale a gradient map (as returned by `optimizer.computeGradients`) or a NamedTensor list so its
 * global norm is at most `maxNorm`, like PyTorch's in-place `clip_grad_norm_`: each entry is
 * replaced by its clipped tensor and the old tensor is disposed. Returns the norm before clipping.
 *
 * @example
 * const { value, grads } = opt.computeGradients(() => loss());
 * const norm = clipGradNorm(grads, 1.0);   // grads now has global L2 norm <= 1
 * opt.applyGradients(grads); tf.dispose([value, grads]);
 */
export function clipGradNorm(grads: tf.NamedTensorMap | NamedGradient[], maxNorm: number, normType = 2): number {
  requirePositive("clipGradNorm", "maxNorm", maxNorm);
  checkNormType("clipGradNorm", normType);
  const list = Array.isArray(grads);
  const keys = list ? [] : Object.keys(grads).filter((k) => grads[k] != null);
  const old: tf.Tensor[] = list ? grads.filter((g) => g.tensor != null).map((g) => g.tensor) : keys.map((k) => grads[k]);
  if (old.length === 0) return 0;
  const [norm, ...clipped] = tf.tidy(() => {
    const out = clipTensors(old, maxNorm, normType);
    return [out.norm, ...out.clipped];
  });
  if (list) {
    let i = 0;
    for (const g of grads) if (g.tensor != null) g.tensor = clipped[i++];
  } else {
    keys.forEach((k, i) => (grads[k] = clipped[i]));
  }
  tf.dispose(old);
  const value = norm.dataSync()[0];
  norm.dispose();
  return value;
}
