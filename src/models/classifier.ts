// Classic small-data models on synthetic points: multinomial logistic regression (a linear
// layer + softmax) and an MLP classifier. With few points and a wide MLP, the train loss keeps
// falling while the validation loss turns up: the overfitting lessons.
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../random";
import type { ClassificationData } from "../data/classification";
import type { Split } from "../data/types";
import { Model, ParamStore, crossEntropy, meanLoss, need } from "./model";

export interface Classifier extends Model {
  readonly data: ClassificationData;
  /** Class logits [N, classes] for points x [N, features]. */
  logits(x: tf.Tensor): tf.Tensor2D;
  /** Fraction of the split classified correctly. */
  accuracy(split?: Split): number;
}

interface Layer {
  w: tf.Variable;
  b: tf.Variable;
}

function makeClassifier(name: string, data: ClassificationData, store: ParamStore, layers: Layer[], activation: "tanh" | "relu"): Classifier {
  const logits = (x: tf.Tensor) =>
    tf.tidy(() => {
      let h = x as tf.Tensor2D;
      layers.forEach((l, i) => {
        h = tf.add(tf.matMul(h, l.w as tf.Tensor2D), l.b);
        if (i < layers.length - 1) h = activation === "tanh" ? tf.tanh(h) : tf.relu(h);
      });
      return h;
    });
  const loss = (batch: Record<string, tf.Tensor>) => crossEntropy(logits(need(batch, "x", name)), need(batch, "y", name));
  return {
    name,
    data,
    params: store.list,
    numParams: store.numParams,
    batch: (rng, batchSize, split = "train") => data.batch(split, rng, batchSize),
    loss,
    logits,
    evaluate: (split = "val") => meanLoss([{ batch: data.all(split), size: data.size(split) }], loss),
    accuracy(split = "val") {
      const batch = data.all(split);
      const correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(logits(batch.x), 1), batch.y), "float32")));
      const value = correct.dataSync()[0] / data.size(split);
      tf.dispose([correct, batch]);
      return value;
    },
    dispose: () => store.dispose(),
  };
}

/** Glorot-uniform weights and zero biases for a dense layer. */
function dense(store: ParamStore, name: string, nIn: number, nOut: number, rng: ReturnType<typeof createRng>): Layer {
  return {
    w: store.uniform(`${name}.w`, [nIn, nOut], rng, Math.sqrt(6 / (nIn + nOut))),
    b: store.fill(`${name}.b`, [nOut], 0),
  };
}

export interface LogisticRegressionOptions {
  data: ClassificationData;
  seed?: number;
}

export function createLogisticRegression(options: LogisticRegressionOptions): Classifier {
  const { data, seed = 0 } = options;
  const store = new ParamStore("logistic");
  const layers = [dense(store, "linear", data.features, data.classes, createRng(seed))];
  return makeClassifier("logistic", data, store, layers, "tanh");
}

export interface MlpClassifierOptions {
  data: ClassificationData;
  /** Widths of the hidden layers (default [64, 64]). */
  hidden?: readonly number[];
  activation?: "tanh" | "relu";
  seed?: number;
}

export function createMlpClassifier(options: MlpClassifierOptions): Classifier {
  const { data, hidden = [64, 64], activation = "relu", seed = 0 } = options;
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new RangeError(`hidden must be a list of positive integer widths; got [${hidden.join(", ")}]`);
  }
  const rng = createRng(seed);
  const store = new ParamStore("mlp");
  const widths = [data.features, ...hidden, data.classes];
  const layers = widths.slice(1).map((w, i) => dense(store, `layer${i}`, widths[i], w, rng));
  return makeClassifier("mlp", data, store, layers, activation);
}
