// train(): exact SGD trajectories on a quadratic, the 2/L boundary, schedules, clipping,
// evaluation timing, early stopping, divergence as a result, abort, and bit-exact determinism.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createQuadratic } from "../src/models/quadratic";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createNamesDataset } from "../src/data/text-dataset";
import { train, trainSync } from "../src/train/train";
import { adam } from "../src/optimizers/adam";
import { sgd } from "../src/optimizers/sgd";
import { scriptedModel, tfAdam, tfSgd, withoutTime } from "./train-helpers";

test.before(async () => {
  await ready();
});

const EIG = [0.5, 2, 4];
const close = (a: number, b: number, rel = 1e-4, abs = 1e-6) => Math.abs(a - b) <= abs + rel * Math.abs(b);

test("SGD on a quadratic: every record matches the closed form (loss, gradient norm, update ratio)", async () => {
  const q = createQuadratic({ eigenvalues: EIG }); // start: w* + 1, w* = 0
  const lr = 0.3;
  const h = await train({ model: q, optimizer: tfSgd(lr), steps: 20, batchSize: 1, seed: 0 });
  assert.is(h.endReason, "completed");
  assert.is(h.steps.length, 20);
  h.steps.forEach((r, k) => {
    // w_k,i = (1 - lr l_i)^k; loss = 1/2 sum l_i w^2; grad_i = l_i w_i; dw = lr grad.
    const w = EIG.map((l) => Math.pow(1 - lr * l, k));
    const loss = 0.5 * EIG.reduce((s, l, i) => s + l * w[i] * w[i], 0);
    const g = Math.hypot(...EIG.map((l, i) => l * w[i]));
    assert.is(r.step, k);
    assert.is(r.lr, lr);
    assert.ok(close(r.trainLoss, loss), `loss at ${k}: ${r.trainLoss} vs ${loss}`);
    assert.ok(close(r.gradNorm, g), `grad norm at ${k}: ${r.gradNorm} vs ${g}`);
    assert.ok(close(r.updateRatio, (lr * g) / Math.hypot(...w)), `update ratio at ${k}`);
  });
  assert.is(h.initialLoss, h.steps[0].trainLoss);
  // No evalEvery: one evaluation, after the last update, of the exact loss there.
  assert.equal(h.evals.map((e) => e.step), [20]);
  assert.ok(close(h.finalValLoss as number, q.value(q.position())));
  q.dispose();
});

test("the 2/L boundary: converges at 0.99 x 2/L, diverges at 1.01 x 2/L and says where", async () => {
  const below = createQuadratic({ eigenvalues: EIG });
  const hb = await train({ model: below, optimizer: tfSgd(0.99 * below.maxStableLr), steps: 300, batchSize: 1, seed: 0 });
  assert.is(hb.diverged, false);
  assert.ok(hb.finalTrainLoss < hb.initialLoss, hb.summary);
  const above = createQuadratic({ eigenvalues: EIG });
  const ha = await train({ model: above, optimizer: tfSgd(1.01 * above.maxStableLr), steps: 2000, batchSize: 1, seed: 0 });
  assert.is(ha.diverged, true);
  assert.is(ha.endReason, "diverged");
  // The top direction grows by 1.02^2 per step in loss: loss_k > 10 x loss_0 first at the k below.
  const l0 = 0.5 * EIG.reduce((s, l) => s + l, 0);
  const lossAt = (k: number) => 0.5 * EIG.reduce((s, l) => s + l * Math.pow(1 - 1.01 * above.maxStableLr * l, 2 * k), 0);
  let expected = 0;
  while (lossAt(expected) <= 10 * l0) expected++;
  assert.is(ha.divergedAt, expected);
  assert.is(ha.stepsDone, expected + 1);
  assert.match(ha.summary, new RegExp(`^diverged at step ${expected} \\(loss [0-9.]+ > 10 x initial`));
  assert.is(ha.finalValLoss, undefined);
  below.dispose();
  above.dispose();
});

test("a NaN loss ends the run as a result, never an exception", async () => {
  const m = scriptedModel((k) => (k === 3 ? NaN : 1));
  const h = await train({ model: m, optimizer: tfSgd(0.1), steps: 10, batchSize: 1, seed: 0, evalEvery: 2 });
  assert.is(h.diverged, true);
  assert.is(h.divergedAt, 3);
  assert.is(h.summary, "diverged at step 3 (loss NaN)");
  assert.is(h.steps.length, 4);
  // Evaluations before the divergence are kept, none after it.
  assert.equal(h.evals.map((e) => e.step), [0, 2]);
  m.dispose();
});

test("divergence: the ratio test can be switched off, and its factor chosen", async () => {
  const spike = (k: number) => (k === 5 ? 30 : 1); // loss 30.5 at step 5, initial 1.5
  const off = scriptedModel(spike);
  const h1 = await train({ model: off, optimizer: tfSgd(0), steps: 8, batchSize: 1, seed: 0, divergence: false, evalEvery: 0 });
  assert.is(h1.endReason, "completed");
  const low = scriptedModel(spike);
  const h2 = await train({ model: low, optimizer: tfSgd(0), steps: 8, batchSize: 1, seed: 0, divergence: { factor: 20 }, evalEvery: 0 });
  assert.is(h2.divergedAt, 5);
  assert.is(h2.divergence, "loss 30.5 > 20 x initial 1.5");
  const high = scriptedModel(spike);
  const h3 = await train({ model: high, optimizer: tfSgd(0), steps: 8, batchSize: 1, seed: 0, divergence: { factor: 25 }, evalEvery: 0 });
  assert.is(h3.diverged, false);
  [off, low, high].forEach((m) => m.dispose());
});

test("the schedule sets the learning rate of every update, read back on the optimizer", async () => {
  const q = createQuadratic({ eigenvalues: [1] });
  const opt = tfSgd(123);
  const seen: number[] = [];
  const schedule = (s: number) => 0.1 / (1 + s);
  const h = await train({
    model: q,
    optimizer: opt,
    schedule,
    steps: 6,
    batchSize: 1,
    seed: 0,
    callbacks: { onStep: () => void seen.push((opt as unknown as { learningRate: number }).learningRate) },
  });
  assert.equal(h.steps.map((r) => r.lr), [0, 1, 2, 3, 4, 5].map(schedule));
  assert.equal(seen, [0, 1, 2, 3, 4, 5].map(schedule));
  // One dimension, curvature 1: w_{k+1} = (1 - lr_k) w_k, so the trajectory proves tfjs SGD used them.
  let w = 1;
  h.steps.forEach((r, k) => {
    assert.ok(close(r.trainLoss, 0.5 * w * w), `step ${k}`);
    w *= 1 - schedule(k);
  });
  q.dispose();
});

test("clipNorm scales the update to the clipped norm and reports the norm before clipping", async () => {
  const q = createQuadratic({ eigenvalues: [4, 4], start: [3, 4] }); // gradient (12, 16), norm 20
  const h = await train({ model: q, optimizer: tfSgd(0.01), steps: 1, batchSize: 1, seed: 0, clipNorm: 2 });
  assert.ok(close(h.steps[0].gradNorm, 20));
  // Update = lr * grad * 2 / (20 + 1e-6): norm 0.02; weights (3, 4) have norm 5.
  assert.ok(close(h.steps[0].updateRatio, (0.01 * 2 * 20) / (20 + 1e-6) / 5));
  assert.ok(close(q.position()[0], 3 - (0.01 * 12 * 2) / 20));
  q.dispose();
});

test("evaluations: at the start, every evalEvery updates and at the end; evalEvery 0 never", async () => {
  const q = createQuadratic({ eigenvalues: [1] });
  const h = await train({ model: q, optimizer: tfSgd(0.1), steps: 12, batchSize: 1, seed: 0, evalEvery: 5 });
  assert.equal(h.evals.map((e) => e.step), [0, 5, 10, 12]);
  // The evaluation after k updates is the exact loss 1/2 (0.9^k)^2.
  h.evals.forEach((e) => assert.ok(close(e.valLoss, 0.5 * Math.pow(0.9, 2 * e.step)), `eval at ${e.step}`));
  assert.is(h.bestValStep, 12);
  const h0 = await train({ model: q, optimizer: tfSgd(0.1), steps: 3, batchSize: 1, seed: 0, evalEvery: 0 });
  assert.is(h0.evals.length, 0);
  assert.is(h0.finalValLoss, undefined);
  q.dispose();
});

test("early stopping: stops after `patience` evaluations without a gain > minDelta, restores the best weights", async () => {
  const vals = [5, 4, 3, 2.95, 3.5, 2.99, 4, 1];
  const m = scriptedModel(() => 1, (k) => vals[k]);
  let wAtBest = NaN;
  const h = await train({
    model: m,
    optimizer: tfSgd(0.1),
    steps: 100,
    batchSize: 1,
    seed: 0,
    evalEvery: 2,
    earlyStopping: { patience: 3, minDelta: 0.1, restoreBest: true },
    callbacks: { onEval: (e) => void (e.step === 4 ? (wAtBest = m.w.dataSync()[0]) : 0) },
  });
  // Best (by more than 0.1) is 3 at step 4; 2.95, 3.5 and 2.99 do not count: stop at the 6th evaluation.
  assert.is(h.endReason, "early-stopped");
  assert.is(h.stoppedEarly, true);
  assert.equal(h.evals.map((e) => e.step), [0, 2, 4, 6, 8, 10]);
  assert.is(h.stepsDone, 10);
  assert.is(h.restoredStep, 4);
  assert.is(m.w.dataSync()[0], wAtBest);
  assert.is(h.bestValLoss, 2.95); // the history's best is the lowest evaluation
  assert.match(h.summary, /^stopped early after 10 steps \(no improvement > 0.1 in 3 evaluations\)/);
  m.dispose();
});

test("callbacks can stop a run; an AbortSignal aborts it between updates", async () => {
  const q = createQuadratic({ eigenvalues: [1] });
  const h = await train({ model: q, optimizer: tfSgd(0.1), steps: 50, batchSize: 1, seed: 0, callbacks: { onStep: (r) => r.step < 4 } });
  assert.is(h.endReason, "stopped-by-callback");
  assert.is(h.stepsDone, 5);
  const controller = new AbortController();
  const h2 = await train({
    model: q,
    optimizer: tfSgd(0.1),
    steps: 50,
    batchSize: 1,
    seed: 0,
    signal: controller.signal,
    callbacks: { onStep: (r) => void (r.step === 6 ? controller.abort() : 0) },
  });
  assert.is(h2.endReason, "aborted");
  assert.is(h2.stepsDone, 7);
  assert.is(h2.evals.length, 0);
  assert.match(h2.summary, /^aborted after 7 steps/);
  q.dispose();
});

test("one read-back per update: a single dataSync of the packed values, none elsewhere", async () => {
  const q = createQuadratic({ eigenvalues: [1, 2] });
  const opt = adam({ lr: 0.01 });
  const proto = tf.Tensor.prototype as unknown as { dataSync: () => unknown; arraySync: () => unknown; data: () => unknown };
  const original = { dataSync: proto.dataSync, arraySync: proto.arraySync, data: proto.data };
  let syncs = 0;
  let others = 0;
  proto.dataSync = function (this: tf.Tensor) {
    syncs++;
    return original.dataSync.call(this);
  };
  proto.arraySync = function (this: tf.Tensor) {
    others++;
    return original.arraySync.call(this);
  };
  proto.data = function (this: tf.Tensor) {
    others++;
    return original.data.call(this);
  };
  try {
    await train({ model: q, optimizer: opt, steps: 25, batchSize: 1, seed: 0, evalEvery: 0 });
  } finally {
    Object.assign(proto, original);
  }
  assert.is(syncs, 25);
  assert.is(others, 0);
  q.dispose();
});

test("train and trainSync give the same history", async () => {
  const a = createQuadratic({ eigenvalues: [1, 5] });
  const b = createQuadratic({ eigenvalues: [1, 5] });
  const o = { steps: 15, batchSize: 1, seed: 3, evalEvery: 4, schedule: (s: number) => 0.1 + 0.01 * s };
  const ha = await train({ model: a, optimizer: sgd({ lr: 0.1, momentum: 0.9 }), ...o });
  const hb = trainSync({ model: b, optimizer: sgd({ lr: 0.1, momentum: 0.9 }), ...o });
  assert.equal(withoutTime(ha), withoutTime(hb));
  a.dispose();
  b.dispose();
});

const WORDS = ["anna", "bob", "carla", "dave", "eve", "frank", "gina", "hugo", "ivy", "jack", "kim", "leo", "mia", "nora", "otto", "pia", "quinn", "rosa", "sam", "tina"];

function runMlp(seed: number) {
  const data = createNamesDataset({ words: WORDS, seed: 0 });
  const model = createMlpCharModel({ data, contextSize: 3, embedding: 4, hidden: 16, seed: 1 });
  const h = trainSync({ model, optimizer: tfAdam(0.01), steps: 30, batchSize: 8, seed, evalEvery: 10, clipNorm: 1 });
  model.dispose();
  return h;
}

test("same seed, same backend: the same history to the last bit; another seed differs", () => {
  const a = runMlp(7);
  const b = runMlp(7);
  const c = runMlp(8);
  assert.equal(withoutTime(a), withoutTime(b));
  assert.not.equal(a.steps.map((r) => r.trainLoss), c.steps.map((r) => r.trainLoss));
  assert.ok(a.finalTrainLoss < a.initialLoss, a.summary);
});

test("memory: a long run keeps tf.memory().numTensors flat (Adam, clipping, evaluation)", async () => {
  const data = createNamesDataset({ words: WORDS, seed: 0 });
  const model = createMlpCharModel({ data, contextSize: 3, embedding: 4, hidden: 16, seed: 1 });
  const counts: number[] = [];
  await train({
    model,
    optimizer: tfAdam(0.01),
    steps: 300,
    batchSize: 8,
    seed: 0,
    evalEvery: 25,
    clipNorm: 1,
    earlyStopping: { patience: 1000, restoreBest: true },
    callbacks: { onStep: (r) => void (r.step % 50 === 49 ? counts.push(tf.memory().numTensors) : 0) },
  });
  assert.is(counts.length, 6);
  // Adam's slots exist after the first update; from then on nothing accumulates.
  assert.ok(counts.every((c) => c === counts[0]), `numTensors over the run: ${counts.join(", ")}`);
  model.dispose();
});

test("bad input: clear RangeErrors naming the parameter", async () => {
  const q = createQuadratic({ eigenvalues: [1] });
  const base = { model: q, optimizer: tfSgd(0.1), steps: 5, batchSize: 1, seed: 0 };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ steps: 0 }, /steps must be an integer >= 1; got 0/],
    [{ steps: 2.5 }, /steps must be an integer >= 1; got 2.5/],
    [{ batchSize: 0 }, /batchSize must be an integer >= 1; got 0/],
    [{ seed: 0.5 }, /seed must be an integer/],
    [{ clipNorm: -1 }, /clipNorm must be a finite number > 0; got -1/],
    [{ evalEvery: -1 }, /evalEvery must be an integer >= 0/],
    [{ evalSplit: "dev" }, /split must be one of train, val, test/],
    [{ schedule: () => NaN }, /schedule\(0\) must be a finite number >= 0; got NaN/],
    [{ schedule: (s: number) => (s === 3 ? -1 : 0.1) }, /schedule\(3\) must be a finite number >= 0; got -1/],
    [{ optimizer: tfSgd(Infinity) }, /optimizer.learningRate \(no schedule given\) must be a finite number >= 0; got Infinity/],
    [{ earlyStopping: { patience: 2 } }, /earlyStopping needs evalEvery >= 1/],
    [{ evalEvery: 1, earlyStopping: { patience: 0 } }, /earlyStopping.patience must be a positive integer; got 0/],
    [{ divergence: { factor: 1 } }, /divergence.factor must be a finite number > 1; got 1/],
  ];
  for (const [patch, message] of cases) {
    try {
      await train({ ...base, ...patch } as never);
      assert.unreachable(`accepted ${JSON.stringify(patch)}`);
    } catch (e) {
      assert.instance(e, RangeError, String(e));
      assert.match((e as Error).message, message);
    }
  }
  // A batch larger than the data: the data set's own RangeError, and no tensor left behind.
  const data = createNamesDataset({ words: WORDS, seed: 0 });
  const model = createMlpCharModel({ data, hidden: 8, seed: 0 });
  const sgd = tfSgd(0.1); // tfjs SGD holds its rate in a tensor: count after creating it
  const before = tf.memory().numTensors;
  try {
    await train({ model, optimizer: sgd, steps: 2, batchSize: 100000, seed: 0 });
    assert.unreachable("accepted a batch larger than the data");
  } catch (e) {
    assert.instance(e, RangeError);
    assert.match((e as Error).message, /batchSize must be at most/);
  }
  assert.is(tf.memory().numTensors, before);
  model.dispose();
  q.dispose();
});

test.run();
