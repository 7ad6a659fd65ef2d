// The gradient noise scale of McCandlish, Kaplan & Amodei 2018 ("An Empirical Model of
// Large-Batch Training"): B_simple = tr(Sigma) / |G|^2, where G is the true gradient and Sigma the
// covariance of one example's gradient. Batches much smaller than B_simple are noise-dominated
// (doubling the batch nearly halves the steps); much larger ones waste examples.
//
// Estimated as in their Appendix A from squared gradient norms at two batch sizes: a batch of B
// examples gives E|g_B|^2 = |G|^2 + tr(Sigma)/B, so with B_small < B_big
//   |G|^2     ~ (B_big |g_big|^2 - B_small |g_small|^2) / (B_big - B_small)
//   tr(Sigma) ~ (|g_small|^2 - |g_big|^2) / (1/B_small - 1/B_big)
// Both are unbiased; we average each over repeats and take the ratio of the averages (the
// ratio of two noisy estimates is biased, averaging first keeps that small).
import * as tf from "@tensorflow/tfjs-core";
import type { Model } from "./models/model";
import type { Split } from "./data/types";
import { Rng, createRng } from "./random";

export interface NoiseScaleEstimate {
  smallBatch: number;
  bigBatch: number;
  /** Estimate of |G|^2, the squared norm of the true gradient. */
  gradSq: number;
  /** Estimate of tr(Sigma), the per-example gradient variance summed over parameters. */
  traceSigma: number;
  /** tr(Sigma) / |G|^2 (Infinity when the |G|^2 estimate is <= 0: noise swamps the signal). */
  bSimple: number;
  /** Gradient measurements per batch size. */
  repeats: number;
}

export interface NormsAtTwoBatchSizes {
  smallBatch: number;
  bigBatch: number;
  /** |g|^2 of batches of `smallBatch` examples. */
  smallSqNorms: readonly number[];
  /** |g|^2 of batches of `bigBatch` examples. */
  bigSqNorms: readonly number[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** B_simple from squared gradient norms measured at two batch sizes. */
export function noiseScaleFromNorms(n: NormsAtTwoBatchSizes): NoiseScaleEstimate {
  const { smallBatch: bs, bigBatch: bb } = n;
  if (!(bs > 0) || !(bb > bs) || !Number.isFinite(bb)) {
    throw new RangeError(`noise scale: need 0 < smallBatch < bigBatch; got ${bs} and ${bb}`);
  }
  for (const [k, xs] of [["smallSqNorms", n.smallSqNorms], ["bigSqNorms", n.bigSqNorms]] as const) {
    if (!Array.isArray(xs) || xs.length === 0 || xs.some((x) => !(x >= 0) || !Number.isFinite(x))) {
      throw new RangeError(`noise scale: ${k} must be a non-empty list of finite numbers >= 0`);
    }
  }
  const s = mean(n.smallSqNorms);
  const b = mean(n.bigSqNorms);
  const gradSq = (bb * b - bs * s) / (bb - bs);
  const traceSigma = (s - b) / (1 / bs - 1 / bb);
  const bSimple = gradSq > 0 ? traceSigma / gradSq : Infinity;
  return { smallBatch: bs, bigBatch: bb, gradSq, traceSigma, bSimple, repeats: Math.min(n.smallSqNorms.length, n.bigSqNorms.length) };
}

/** |g|^2 of the model's mean loss on `batch` (the batch stays the caller's). */
export function gradientSqNorm(model: Model, batch: Record<string, tf.Tensor>): number {
  const sq = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => model.loss(batch), model.params);
    const parts = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return parts.length === 0 ? tf.scalar(0) : tf.addN(parts);
  });
  const v = sq.dataSync()[0];
  sq.dispose();
  return v;
}

export interface EstimateNoiseScaleOptions {
  smallBatch: number;
  bigBatch: number;
  /** Batches drawn per size (default 8). */
  repeats?: number;
  /** Seeds the batches (default 0), or pass `rng`. */
  seed?: number;
  rng?: Rng;
  /** Split the batches come from (default "train"). */
  split?: Split;
}

/** Estimate B_simple at the model's current weights (the weights are not changed). */
export function estimateNoiseScale(model: Model, o: EstimateNoiseScaleOptions): NoiseScaleEstimate {
  const repeats = o.repeats ?? 8;
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`noise scale: repeats must be a positive integer; got ${repeats}`);
  for (const k of ["smallBatch", "bigBatch"] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`noise scale: ${k} must be a positive integer; got ${o[k]}`);
  }
  const rng = o.rng ?? createRng(o.seed ?? 0);
  const measure = (size: number) =>
    Array.from({ length: repeats }, () => {
      const batch = model.batch(rng, size, o.split ?? "train");
      try {
        return gradientSqNorm(model, batch);
      } finally {
        tf.dispose(batch);
      }
    });
  const smallSqNorms = measure(o.smallBatch);
  const bigSqNorms = measure(o.bigBatch);
  return noiseScaleFromNorms({ smallBatch: o.smallBatch, bigBatch: o.bigBatch, smallSqNorms, bigSqNorms });
}
