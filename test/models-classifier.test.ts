import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createClassificationData } from "../src/data/index";
import { createLogisticRegression, createMlpClassifier, Classifier } from "../src/models/index";
import { directionalGradCheck, failures, jitter } from "./models-gradcheck";

test.before(async () => {
  await ready({ backend: "cpu" });
});

function train(model: Classifier, lr: number, steps: number, batchSize: number): void {
  const opt = tf.train.adam(lr);
  const rng = createRng(0);
  for (let s = 0; s < steps; s++) {
    const batch = model.batch(rng, batchSize);
    opt.minimize(() => model.loss(batch), false, model.params);
    tf.dispose(batch);
  }
  opt.dispose();
}

test("classifiers: logits shape, parameter count, initial loss near log(classes)", () => {
  const data = createClassificationData({ kind: "blobs", n: 100, features: 3, classes: 4, seed: 0 });
  const lr = createLogisticRegression({ data });
  assert.is(lr.numParams, 3 * 4 + 4);
  const mlp = createMlpClassifier({ data, hidden: [8, 5] });
  assert.is(mlp.numParams, 3 * 8 + 8 + 8 * 5 + 5 + 5 * 4 + 4);
  const b = data.all("train");
  const out = mlp.logits(b.x);
  assert.equal(out.shape, [80, 4]);
  const l0 = mlp.evaluate("train");
  assert.ok(Math.abs(l0 - Math.log(4)) < 1.5, `initial loss ${l0}`);
  tf.dispose([b, out]);
  lr.dispose();
  mlp.dispose();
});

test("classifier gradients match finite differences (cpu, float32)", () => {
  const data = createClassificationData({ kind: "blobs", n: 40, features: 3, classes: 3, seed: 1 });
  for (const model of [createLogisticRegression({ data, seed: 2 }), createMlpClassifier({ data, hidden: [6], activation: "tanh", seed: 3 })]) {
    jitter(model.params, 5, 0.3);
    const batch = data.all("train");
    const checks = directionalGradCheck(model.params, () => model.loss(batch));
    assert.is(failures(checks, 5e-3), "", `${model.name}`);
    tf.dispose(batch);
    model.dispose();
  }
});

test("logistic regression separates blobs; a wide MLP overfits noisy spirals (train loss << val loss)", () => {
  const blobs = createClassificationData({ kind: "blobs", n: 200, features: 5, classes: 2, noise: 0.5, seed: 3 });
  const lr = createLogisticRegression({ data: blobs });
  train(lr, 0.1, 200, 32);
  assert.ok(lr.accuracy("val") >= 0.9, `val accuracy ${lr.accuracy("val")}`);
  lr.dispose();

  const spirals = createClassificationData({ n: 120, noise: 0.1, labelNoise: 0.2, seed: 1 });
  const mlp = createMlpClassifier({ data: spirals, hidden: [64, 64] });
  train(mlp, 0.01, 600, 96);
  const trainLoss = mlp.evaluate("train");
  const valLoss = mlp.evaluate("val");
  assert.ok(valLoss > 3 * trainLoss, `train ${trainLoss} vs val ${valLoss}`);
  const gap = mlp.accuracy("train") - mlp.accuracy("val");
  assert.ok(gap > 0.2, `train accuracy above val accuracy by ${gap}`);
  mlp.dispose();
});

test("bad options and missing batch tensors give clear errors", () => {
  const data = createClassificationData({ n: 30 });
  assert.throws(() => createMlpClassifier({ data, hidden: [0] }), (e: Error) => e instanceof RangeError && /hidden/.test(e.message));
  const m = createLogisticRegression({ data });
  assert.throws(() => m.loss({}), /needs batch.x/);
  m.dispose();
});

test.run();
