// Deterministic train/val/test splits and subsets, both fixed by a seed.
import { createRng } from "../random";
import { DEFAULT_FRACTIONS, Split, SplitFractions, checkPositiveInteger } from "./types";

function checkFractions(f: SplitFractions): void {
  for (const key of ["train", "val", "test"] as const) {
    const v = f[key];
    if (!(v >= 0 && v < 1) || (key === "train" && v === 0)) {
      throw new RangeError(`fractions.${key} must be in ${key === "train" ? "(0, 1)" : "[0, 1)"}; got ${v}`);
    }
  }
  const sum = f.train + f.val + f.test;
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`fractions must sum to 1; got ${sum}`);
}

/**
 * Shuffle a copy of `items` with `seed` and cut it into train/val/test by `fractions`.
 * Same items and seed: same splits. Each non-zero fraction gets at least one item.
 */
export function splitItems<T>(
  items: readonly T[],
  seed: number,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
): Record<Split, T[]> {
  checkFractions(fractions);
  if (items.length === 0) throw new RangeError("items must not be empty (cannot split an empty corpus)");
  const wanted = (fractions.val > 0 ? 1 : 0) + (fractions.test > 0 ? 1 : 0) + 1;
  if (items.length < wanted) {
    throw new RangeError(`items must hold at least ${wanted} entries to fill every split; got ${items.length}`);
  }
  const shuffled = createRng(seed).shuffle(items.slice());
  const n = shuffled.length;
  const nVal = fractions.val > 0 ? Math.max(1, Math.round(n * fractions.val)) : 0;
  const nTest = fractions.test > 0 ? Math.max(1, Math.round(n * fractions.test)) : 0;
  const nTrain = n - nVal - nTest;
  return {
    train: shuffled.slice(0, nTrain),
    val: shuffled.slice(nTrain, nTrain + nVal),
    test: shuffled.slice(nTrain + nVal),
  };
}

/**
 * A seeded random subset of `size` items (size an integer count) or of a fraction of them
 * (0 < size < 1), in their original order. For dataset-size lessons: shrink only the train split.
 */
export function subsetItems<T>(items: readonly T[], size: number, seed: number): T[] {
  if (items.length === 0) throw new RangeError("items must not be empty");
  let count: number;
  if (size > 0 && size < 1) count = Math.max(1, Math.round(items.length * size));
  else {
    checkPositiveInteger("size", size);
    count = size;
  }
  if (count > items.length) {
    throw new RangeError(`size must be at most the number of items (${items.length}); got ${size}`);
  }
  const order = createRng(seed).shuffle(items.map((_, i) => i)).slice(0, count);
  order.sort((a, b) => a - b);
  return order.map((i) => items[i]);
}
