// Small seeded synthetic classification data, for the overfitting lessons:
//   "spirals": interleaved 2-D spirals, one arm per class (non-linear boundary);
//   "blobs":   Gaussian clusters in `features` dimensions (nearly linear boundary).
// `labelNoise` flips a fraction of labels so a model that fits the train set perfectly must
// memorise noise, which opens the train/validation gap.
import * as tf from "@tensorflow/tfjs-core";
import { Rng, createRng } from "../random";
import { splitItems } from "./splits";
import { Batch, DEFAULT_FRACTIONS, SPLITS, Split, SplitFractions, checkPositiveInteger, checkSplit } from "./types";

export interface ClassificationOptions {
  kind?: "spirals" | "blobs";
  /** Total examples before the split (default 300). */
  n?: number;
  classes?: number;
  /** Input dimension (blobs only; spirals are 2-D). */
  features?: number;
  /** Standard deviation of the Gaussian jitter added to each point (default 0.15). */
  noise?: number;
  /** Fraction of labels replaced by a random other class (default 0). */
  labelNoise?: number;
  seed?: number;
  fractions?: SplitFractions;
}

export interface ClassificationData {
  readonly features: number;
  readonly classes: number;
  /** Points per split, row-major [size, features], and their labels. */
  readonly x: Readonly<Record<Split, Float32Array>>;
  readonly y: Readonly<Record<Split, Int32Array>>;
  size(split: Split): number;
  /** `x` float32 [batchSize, features], `y` int32 [batchSize], drawn with replacement. */
  batch(split: Split, rng: Rng, batchSize: number): Batch;
  /** The whole split as one batch. */
  all(split: Split): Batch;
}

export function createClassificationData(options: ClassificationOptions = {}): ClassificationData {
  const { kind = "spirals", n = 300, classes = 2, noise = 0.15, labelNoise = 0, seed = 0 } = options;
  const features = kind === "spirals" ? 2 : options.features ?? 2;
  checkPositiveInteger("n", n);
  checkPositiveInteger("features", features);
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be an integer >= 2; got ${classes}`);
  if (!(noise >= 0)) throw new RangeError(`noise must be >= 0; got ${noise}`);
  if (!(labelNoise >= 0 && labelNoise <= 1)) throw new RangeError(`labelNoise must be in [0, 1]; got ${labelNoise}`);
  if (kind !== "spirals" && kind !== "blobs") throw new RangeError(`kind must be "spirals" or "blobs"; got "${kind}"`);
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => 2 * rng.normal()));
  const points: { x: number[]; y: number }[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % classes;
    let x: number[];
    if (kind === "spirals") {
      const t = rng.next(); // position along the arm, 0 at the centre
      const angle = 3 * Math.PI * t + (2 * Math.PI * label) / classes;
      x = [t * Math.cos(angle) + noise * rng.normal(), t * Math.sin(angle) + noise * rng.normal()];
    } else {
      x = centres[label].map((c) => c + noise * rng.normal());
    }
    let y = label;
    if (rng.next() < labelNoise) y = (label + 1 + rng.int(classes - 1)) % classes;
    points.push({ x, y });
  }
  const parts = splitItems(points, seed + 1, options.fractions ?? DEFAULT_FRACTIONS);
  const xs = {} as Record<Split, Float32Array>;
  const ys = {} as Record<Split, Int32Array>;
  for (const split of SPLITS) {
    xs[split] = Float32Array.from(parts[split].flatMap((p) => p.x));
    ys[split] = Int32Array.from(parts[split].map((p) => p.y));
  }
  const size = (split: Split) => {
    checkSplit(split);
    return ys[split].length;
  };
  return {
    features,
    classes,
    x: xs,
    y: ys,
    size,
    batch(split, rng, batchSize) {
      checkPositiveInteger("batchSize", batchSize);
      const count = size(split);
      if (batchSize > count) throw new RangeError(`batchSize must be at most the ${count} examples of the ${split} split; got ${batchSize}`);
      const bx = new Float32Array(batchSize * features);
      const by = new Int32Array(batchSize);
      for (let r = 0; r < batchSize; r++) {
        const i = rng.int(count);
        bx.set(xs[split].subarray(i * features, (i + 1) * features), r * features);
        by[r] = ys[split][i];
      }
      return { x: tf.tensor2d(bx, [batchSize, features]), y: tf.tensor1d(by, "int32") };
    },
    all(split) {
      const count = size(split);
      return { x: tf.tensor2d(xs[split], [count, features]), y: tf.tensor1d(ys[split], "int32") };
    },
  };
}
