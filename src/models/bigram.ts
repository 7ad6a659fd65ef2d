// The bigram model: the next character depends only on the current one.
// Counting gives the best bigram model of a text exactly, so its loss is the floor of the whole
// model class: no bigram model, however trained, scores below the conditional entropy of the
// text's own bigram counts. The trainable version (a V x V table of logits, makemore part 1)
// learns towards that floor, so an experiment can report how far above it a run stopped.
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../random";
import type { TextDataset } from "../data/text-dataset";
import type { Split } from "../data/types";
import { LanguageModel, ParamStore, crossEntropy, generateText, meanLoss, need } from "./model";

/** counts[i * V + j] = how often token j follows token i in the split. */
export function bigramCounts(data: TextDataset, split: Split): Float64Array {
  const V = data.vocabSize;
  const counts = new Float64Array(V * V);
  for (const s of data.sequences(split, 1)) for (let i = 1; i < s.length; i++) counts[s[i - 1] * V + s[i]]++;
  return counts;
}

/**
 * Mean loss (nats) on `evalCounts` of the count model fitted to `fitCounts` with add-`smoothing`
 * (Laplace) smoothing. Infinity when an unseen pair gets probability 0 (smoothing 0).
 */
export function bigramCountLoss(fitCounts: Float64Array, evalCounts: Float64Array, smoothing = 0): number {
  if (!(smoothing >= 0) || !Number.isFinite(smoothing)) throw new RangeError(`smoothing must be a finite number >= 0; got ${smoothing}`);
  const V = Math.round(Math.sqrt(fitCounts.length));
  if (V * V !== fitCounts.length || evalCounts.length !== fitCounts.length) {
    throw new RangeError(`counts must be two V x V tables of the same V; got lengths ${fitCounts.length} and ${evalCounts.length}`);
  }
  let nll = 0;
  let n = 0;
  for (let i = 0; i < V; i++) {
    let row = 0;
    for (let j = 0; j < V; j++) row += fitCounts[i * V + j];
    for (let j = 0; j < V; j++) {
      const c = evalCounts[i * V + j];
      if (c === 0) continue;
      const p = (fitCounts[i * V + j] + smoothing) / (row + smoothing * V);
      nll -= c * Math.log(p);
      n += c;
    }
  }
  if (n === 0) throw new RangeError("evalCounts must hold at least one bigram (empty split)");
  return nll / n;
}

/** The loss floor of every bigram model on a split: its own counts, no smoothing (conditional entropy). */
export function bigramFloor(data: TextDataset, split: Split = "val"): number {
  const counts = bigramCounts(data, split);
  return bigramCountLoss(counts, counts, 0);
}

export interface BigramOptions {
  data: TextDataset;
  seed?: number;
  /** Std of the initial logits (default 0: uniform predictions, loss log V). */
  initStd?: number;
}

export interface BigramModel extends LanguageModel {
  readonly data: TextDataset;
}

export function createBigramModel(options: BigramOptions): BigramModel {
  const { data, seed = 0, initStd = 0 } = options;
  const V = data.vocabSize;
  const store = new ParamStore("bigram");
  const table = store.normal("logits", [V, V], createRng(seed), initStd);
  const logits = (x: tf.Tensor) => tf.gather(table, tf.reshape(x, [-1])) as tf.Tensor2D;
  const loss = (batch: Record<string, tf.Tensor>) => tf.tidy(() => crossEntropy(logits(need(batch, "x", "bigram")), need(batch, "y", "bigram")));
  return {
    name: "bigram",
    data,
    vocabSize: V,
    contextSize: 1,
    params: store.list,
    numParams: store.numParams,
    batch: (rng, batchSize, split = "train") => data.contextBatch(split, rng, batchSize, 1),
    loss,
    evaluate(split = "val") {
      const ex = data.contexts(split, 1);
      return meanLoss([{ batch: { x: tf.tensor1d(ex.x, "int32"), y: tf.tensor1d(ex.y, "int32") }, size: ex.count }], loss);
    },
    sample: (rng, opts) => generateText(data, 1, (ctx) => tf.tidy(() => tf.reshape(logits(tf.tensor1d(ctx, "int32")), [V]) as tf.Tensor1D), rng, opts),
    dispose: () => store.dispose(),
  };
}
