// The MLP character model of Bengio et al. 2003, as in Karpathy's makemore (part 2):
// embed each of the previous `contextSize` characters (a lookup table C, via tf.gather),
// concatenate, one tanh hidden layer, a linear layer to logits over the vocabulary.
//   x [B, n] -> C[x] [B, n, d] -> reshape [B, n*d] -> tanh(. W1 + b1) [B, H] -> . W2 + b2 [B, V]
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../random";
import type { TextDataset } from "../data/text-dataset";
import { checkPositiveInteger } from "../data/types";
import { LanguageModel, ParamStore, crossEntropy, generateText, meanLoss, need } from "./model";

export interface MlpCharOptions {
  data: TextDataset;
  /** Characters of context (default 3). */
  contextSize?: number;
  /** Embedding width per character (default 10). */
  embedding?: number;
  /** Hidden units (default 200). */
  hidden?: number;
  seed?: number;
}

export interface MlpCharModel extends LanguageModel {
  readonly data: TextDataset;
  /** Logits [B, V] for contexts x [B, contextSize]. */
  logits(x: tf.Tensor): tf.Tensor2D;
}

export function createMlpCharModel(options: MlpCharOptions): MlpCharModel {
  const { data, contextSize: n = 3, embedding: d = 10, hidden = 200, seed = 0 } = options;
  checkPositiveInteger("contextSize", n);
  checkPositiveInteger("embedding", d);
  checkPositiveInteger("hidden", hidden);
  const V = data.vocabSize;
  const rng = createRng(seed);
  const store = new ParamStore("mlp-char");
  // Init as in makemore part 3: tanh inputs of unit scale (Kaiming gain 5/3), and a small output
  // layer so the first loss is close to log V instead of confidently wrong.
  const C = store.normal("embedding", [V, d], rng, 1);
  const W1 = store.normal("hidden.w", [n * d, hidden], rng, 5 / 3 / Math.sqrt(n * d));
  const b1 = store.normal("hidden.b", [hidden], rng, 0.01);
  const W2 = store.normal("out.w", [hidden, V], rng, 0.01);
  const b2 = store.fill("out.b", [V], 0);

  const logits = (x: tf.Tensor) =>
    tf.tidy(() => {
      const batch = x.shape[0];
      const emb = tf.reshape(tf.gather(C, tf.reshape(x, [-1])), [batch, n * d]) as tf.Tensor2D;
      const h = tf.tanh(tf.add(tf.matMul(emb, W1 as tf.Tensor2D), b1)) as tf.Tensor2D;
      return tf.add(tf.matMul(h, W2 as tf.Tensor2D), b2) as tf.Tensor2D;
    });
  const loss = (batch: Record<string, tf.Tensor>) =>
    tf.tidy(() => crossEntropy(logits(need(batch, "x", "mlp-char")), need(batch, "y", "mlp-char")));

  return {
    name: "mlp-char",
    data,
    vocabSize: V,
    contextSize: n,
    params: store.list,
    numParams: store.numParams,
    batch: (r, batchSize, split = "train") => data.contextBatch(split, r, batchSize, n),
    loss,
    logits,
    evaluate(split = "val") {
      const ex = data.contexts(split, n);
      const chunk = 8192;
      const chunks = function* () {
        for (let i = 0; i < ex.count; i += chunk) {
          const m = Math.min(chunk, ex.count - i);
          yield {
            batch: { x: tf.tensor2d(ex.x.subarray(i * n, (i + m) * n), [m, n], "int32"), y: tf.tensor1d(ex.y.subarray(i, i + m), "int32") },
            size: m,
          };
        }
      };
      return meanLoss(chunks(), loss);
    },
    sample: (r, opts) =>
      generateText(data, n, (ctx) => {
        // Prose prompts shorter than the context are padded on the left with their first character.
        const padded = ctx.length < n ? Int32Array.from([...new Array<number>(n - ctx.length).fill(ctx[0]), ...ctx]) : ctx;
        return tf.tidy(() => tf.reshape(logits(tf.tensor2d(padded, [1, n], "int32")), [V]) as tf.Tensor1D);
      }, r, opts),
    dispose: () => store.dispose(),
  };
}
