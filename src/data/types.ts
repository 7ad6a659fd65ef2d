// Shared data vocabulary: the three splits and a batch of named tensors.
import type * as tf from "@tensorflow/tfjs-core";

export type Split = "train" | "val" | "test";
export const SPLITS: readonly Split[] = ["train", "val", "test"];

/**
 * One batch: named tensors the caller owns and disposes (`tf.dispose(batch)`).
 * Data sets give `{ x, y }`; a landscape with gradient noise gives `{ noise }`; an exact landscape `{}`.
 */
export type Batch = { [name: string]: tf.Tensor };

/** Fractions of the items that go to each split; they must be positive and sum to 1. */
export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}
export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.8, val: 0.1, test: 0.1 };

export function checkSplit(split: string): asserts split is Split {
  if (!(SPLITS as readonly string[]).includes(split)) {
    throw new RangeError(`split must be one of ${SPLITS.join(", ")}; got "${split}"`);
  }
}

export function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer; got ${value}`);
  }
}
