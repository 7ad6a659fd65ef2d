// The interface every model shares, so that one training loop can drive them all:
//
//   const batch = model.batch(rng, 32);                 // tensors the caller disposes
//   const { value, grads } = tf.variableGrads(() => model.loss(batch), model.params);
//   optimizer.applyGradients(grads);                   // grads keyed by each param's name
//   model.evaluate("val");                             // a plain number, no tensors left behind
//
// Parameters are tf.Variables with unique names "<model>_<n>/<param>" (tfjs keys optimizer state
// by variable name, so two models alive at once must not share names). Weight init draws from a
// seeded Rng, so a seed fixes every number.
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random";
import type { Batch, Split } from "../data/types";
import type { TextDataset } from "../data/text-dataset";

export interface Model {
  /** What the model is, e.g. "quadratic", "mlp-char", "gpt". */
  readonly name: string;
  /** Trainable parameters, each a tf.Variable with a unique name. */
  readonly params: tf.Variable[];
  /** Number of scalar parameters. */
  readonly numParams: number;
  /** A batch drawn with `rng` (default split "train"). The caller disposes it: `tf.dispose(batch)`. */
  batch(rng: Rng, batchSize: number, split?: Split): Batch;
  /** Mean loss on `batch`, built from tensor ops: call it inside tf.variableGrads / tidy. */
  loss(batch: Batch): tf.Scalar;
  /** Mean loss on a whole split (or the exact loss of a landscape), read back as a number. */
  evaluate(split?: Split): number;
  /** Free every tensor the model holds. */
  dispose(): void;
}

export interface GenerateOptions {
  /** Stop after this many tokens (default 50). */
  maxTokens?: number;
  /** Divide logits by this before softmax; must be > 0 (default 1). Ignored when `greedy`. */
  temperature?: number;
  /**
   * Greedy decoding: always take the most likely next token (the first one on ties). The result
   * depends on the weights and the prompt only; the rng is not drawn from. Default false.
   */
  greedy?: boolean;
  /** Text to continue (prose models); names models start from the boundary. */
  prompt?: string;
}

export interface LanguageModel extends Model {
  readonly vocabSize: number;
  /** Tokens of context the model reads. */
  readonly contextSize: number;
  /** Generate text. Names models stop at the word boundary and return the word without it. */
  sample(rng: Rng, options?: GenerateOptions): string;
}

const counters = new Map<string, number>();

/** Creates a model's parameters under a unique scope; `list` holds them in creation order. */
export class ParamStore {
  readonly scope: string;
  readonly list: tf.Variable[] = [];
  constructor(modelName: string) {
    const n = (counters.get(modelName) ?? 0) + 1;
    counters.set(modelName, n);
    this.scope = `${modelName}_${n}`;
  }
  add(name: string, shape: number[], values: Float32Array): tf.Variable {
    const init = tf.tensor(values, shape, "float32");
    const v = tf.variable(init, true, `${this.scope}/${name}`, "float32");
    init.dispose(); // the variable holds its own reference to the data
    this.list.push(v);
    return v;
  }
  /** Parameter with entries drawn from N(0, std^2). */
  normal(name: string, shape: number[], rng: Rng, std: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = std * rng.normal();
    return this.add(name, shape, values);
  }
  /** Parameter with entries uniform in [-bound, bound]. */
  uniform(name: string, shape: number[], rng: Rng, bound: number): tf.Variable {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < values.length; i++) values[i] = bound * (2 * rng.next() - 1);
    return this.add(name, shape, values);
  }
  fill(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value));
  }
  get numParams(): number {
    return this.list.reduce((n, v) => n + v.size, 0);
  }
  dispose(): void {
    for (const v of this.list) v.dispose();
    this.list.length = 0;
  }
}

/** The name of a parameter without its model scope ("gpt_2/h0.attn.w" -> "h0.attn.w"). */
export function paramName(v: tf.Variable): string {
  return v.name.slice(v.name.indexOf("/") + 1);
}

/** A named tensor of a batch, or a clear error when the batch lacks it. */
export function need(batch: Batch, key: string, model: string): tf.Tensor {
  const t = batch[key];
  if (!t) throw new RangeError(`${model}.loss needs batch.${key}; got keys [${Object.keys(batch).join(", ")}]`);
  return t;
}

/** Mean cross-entropy (nats) of `logits` [N, V] against integer `labels` [N]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[1];
    const oneHot = tf.oneHot(tf.cast(tf.reshape(labels, [-1]), "int32") as tf.Tensor1D, vocab);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
  });
}

/** Mean of `lossOf(batch)` over batches weighted by their sizes, read back as one number. */
export function meanLoss(batches: Iterable<{ batch: Batch; size: number }>, lossOf: (b: Batch) => tf.Scalar): number {
  let total = 0;
  let count = 0;
  for (const { batch, size } of batches) {
    const loss = tf.tidy(() => lossOf(batch));
    total += loss.dataSync()[0] * size;
    count += size;
    loss.dispose();
    tf.dispose(batch);
  }
  if (count === 0) throw new RangeError("cannot evaluate on an empty split");
  return total / count;
}

/** Index of the largest value (the first one on ties). */
export function argmaxIndex(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError("argmaxIndex needs at least one value");
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Draw an index from unnormalised probabilities with a seeded Rng. */
export function sampleIndex(rng: Rng, probs: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i];
  let u = rng.next() * total;
  for (let i = 0; i < probs.length; i++) {
    u -= probs[i];
    if (u < 0) return i;
  }
  return probs.length - 1;
}

export function checkTemperature(temperature: number): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`temperature must be a positive finite number; got ${temperature}`);
  }
}

/**
 * The sampling loop every language model shares: feed the last `contextSize` tokens, draw the
 * next one from softmax(logits / temperature) with `rng` (or, with `greedy`, take the argmax). Data with a boundary token (names)
 * start from the boundary and stop there, returning the word; prose continues `prompt` (default:
 * the first character of the training text) and returns prompt + continuation.
 */
export function generateText(
  data: TextDataset,
  contextSize: number,
  nextLogits: (context: Int32Array) => tf.Tensor1D,
  rng: Rng,
  options: GenerateOptions = {},
): string {
  const { maxTokens = 50, temperature = 1, greedy = false } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new RangeError(`maxTokens must be a positive integer; got ${maxTokens}`);
  if (typeof greedy !== "boolean") throw new RangeError(`greedy must be true or false; got ${String(greedy)}`);
  checkTemperature(temperature);
  const b = data.tokenizer.boundary;
  let tokens: number[];
  if (b !== null) {
    if (options.prompt) throw new RangeError("prompt is not supported for a corpus of words (names); leave it unset");
    tokens = new Array<number>(contextSize).fill(b);
  } else {
    const prompt = options.prompt ?? data.decode([data.docs.train[0][0]]);
    tokens = Array.from(data.encode(prompt));
    if (tokens.length === 0) throw new RangeError("prompt must not be empty");
  }
  const first = tokens.length;
  for (let i = 0; i < maxTokens; i++) {
    const context = Int32Array.from(tokens.slice(-contextSize));
    let next: number;
    if (greedy) {
      const logits = nextLogits(context);
      next = argmaxIndex(logits.dataSync());
      logits.dispose();
    } else {
      const probs = tf.tidy(() => tf.softmax(tf.div(nextLogits(context), temperature)));
      next = sampleIndex(rng, probs.dataSync());
      probs.dispose();
    }
    if (next === b) break;
    tokens.push(next);
  }
  return data.decode(b !== null ? tokens.slice(first) : tokens);
}
