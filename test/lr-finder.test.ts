// The LR range test: fastai's suggestion rules on hand-checked curves, the blow-up near 2/L on a
// quadratic, exact restoration of weights and optimizer state, and bad input.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createQuadratic } from "../src/models/quadratic";
import { createNoisyQuadratic } from "../src/models/noisy-quadratic";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createNamesDataset } from "../src/data/text-dataset";
import { sgd } from "../src/optimizers/sgd";
import { adam } from "../src/optimizers/adam";
import { adamw } from "../src/optimizers/adamw";
import { lrFinder, lrFinderSync, rangeTestLr } from "../src/lr-finder/lr-finder";
import { suggestMinimum, suggestSteep, suggestValley, suggestionWindow } from "../src/lr-finder/suggestions";
import { trainSync } from "../src/train/train";
import type { LrOptimizer } from "../src/train/types";
import { tfAdam, tfMomentum, tfSgd, withoutTime } from "./train-helpers";

test.before(async () => {
  await ready();
});

const LRS = [1, 10, 100, 1000, 10000, 100000, 1000000, 1e7, 1e8];
const CURVE = [3, 3.1, 2, 1.5, 1, 0.5, 0.4, 2, 9];

test("minimum/10: a tenth of the lr at the lowest loss", () => {
  const s = suggestMinimum(LRS, CURVE);
  assert.is(s.point.index, 6);
  assert.is(s.lr, 1e6 / 10);
  assert.match(s.explanation, /lowest \(0.4\) at lr 1.00e\+6; minimum\/10 suggests a tenth of it, 1.00e\+5/);
});

test("steep: the left end of the most negative slope against ln(lr)", () => {
  // Slopes (per decade): 0.1, -1.1, -0.5, -0.5, -0.5, -0.1, 1.6, 7: the steepest is 10 -> 100.
  const s = suggestSteep(LRS, CURVE);
  assert.is(s.point.index, 1);
  assert.is(s.lr, 10);
  // Exact log spacing matters: the same losses on an uneven lr grid move the answer.
  const uneven = [1, 10, 1e6, 1.1e6, 1e7, 1e8, 1e9, 1e10, 1e11];
  assert.is(suggestSteep(uneven, CURVE).point.index, 2); // 2 -> 1.5 within a factor 1.1 now wins
  const wide = [1, 10, 1e6, 1e7, 1e9, 1e11, 1e13, 1e15, 1e17];
  assert.is(suggestSteep(wide, CURVE).point.index, 2); // 2 -> 1.5 over one decade now wins
});

test("valley: fastai's longest decreasing subsequence and its start + len/3 + len/6 index", () => {
  // Longest strictly decreasing subsequence: 3, 2, 1.5, 1, 0.5, 0.4 (length 6, ends at index 6);
  // start = 6 - 6 = 0, sections = 2, index = 0 + 2 + 1 = 3.
  const s = suggestValley(LRS, CURVE);
  assert.is(s.point.index, 3);
  assert.is(s.lr, 1000);
  // A run that starts at index 0 gives start = -1; fastai's index -1 would wrap to the end, ours clamps.
  const v = suggestValley([1, 2, 3, 4], [4, 3, 5, 6]);
  assert.is(v.point.index, 0);
});

test("the suggestion window drops the first tenth and the last 5 points, and stops at NaN", () => {
  const losses = Array.from({ length: 100 }, (_, i) => (i === 70 ? NaN : 1));
  assert.equal(suggestionWindow(losses, 10, 5), { from: 10, to: 70 });
  assert.equal(suggestionWindow(losses.slice(0, 60), 10, 5), { from: 10, to: 55 });
  const short = suggestionWindow([1, 2, 3, 4], 10, 5);
  assert.equal([short.from, short.to], [0, 4]);
  assert.ok(short.note);
});

test("the sweep is exponential from startLr to endLr", () => {
  const f = rangeTestLr(1e-6, 1, 7);
  [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1].forEach((lr, i) => assert.ok(Math.abs(f(i) - lr) <= 1e-12 * lr, `step ${i}: ${f(i)}`));
});

test("noisy quadratic with top curvature L: the loss blows up past 2/L and every suggestion lies below it", async () => {
  // Gradient noise keeps the top direction excited (on the exact quadratic, lr near 1/L wipes it
  // out to float precision and the blow-up shows only much later).
  const L = 10;
  const limit = 2 / L;
  for (const seed of [0, 1, 2, 3]) {
    const q = createNoisyQuadratic({ curvatures: [L, 1] });
    const r = await lrFinder({ model: q, optimizer: sgd({ lr: 0.05 }), startLr: 1e-4, endLr: 10, steps: 100, batchSize: 16, seed });
    assert.is(r.stopReason, "loss exploded");
    const last = r.points[r.points.length - 1];
    // The lr grows 1.12x per step, and the EMA (beta 0.98) lags: the stop comes a few steps past 2/L.
    assert.ok(last.lr > limit && last.lr < 4 * limit, `seed ${seed}: stopped at ${last.lr}, 2/L = ${limit}`);
    // Past 2/L the raw loss grows: the last one is far above the last one before the limit.
    const atLimit = r.points.filter((p) => p.lr < limit).pop()!;
    assert.ok(last.loss > 10 * atLimit.smoothedLoss, `seed ${seed}: ${last.loss} vs ${atLimit.smoothedLoss}`);
    const s = r.suggestions;
    assert.ok(s);
    for (const m of [s.minimum, s.steep, s.valley]) assert.ok(m.lr < limit, `seed ${seed}: ${m.method} ${m.lr} >= 2/L`);
    assert.match(r.summary, /^LR range test stopped at lr .* \(loss exploded\); suggestions: minimum\/10 /);
    // Weights are back at the start.
    assert.equal(q.position(), [1, 1]);
    q.dispose();
  }
});

test("the smoothed loss is fastai's bias-corrected EMA of the raw losses", () => {
  const q = createQuadratic({ eigenvalues: [1, 3] });
  const r = lrFinderSync({ model: q, optimizer: sgd({ lr: 0.1 }), startLr: 1e-3, endLr: 1, steps: 20, batchSize: 1, seed: 0, smoothing: 0.9 });
  let avg = 0;
  r.points.forEach((p, i) => {
    avg = 0.9 * avg + 0.1 * p.loss;
    assert.ok(Math.abs(p.smoothedLoss - avg / (1 - Math.pow(0.9, i + 1))) < 1e-12);
  });
  assert.is(r.points[0].smoothedLoss, r.points[0].loss);
  q.dispose();
});

const WORDS = ["anna", "bob", "carla", "dave", "eve", "frank", "gina", "hugo", "ivy", "jack", "kim", "leo", "mia", "nora", "otto", "pia", "quinn", "rosa", "sam", "tina"];

function mlp() {
  const data = createNamesDataset({ words: WORDS, seed: 0 });
  return createMlpCharModel({ data, contextSize: 3, embedding: 4, hidden: 16, seed: 3 });
}

const OPTIMIZERS: [string, () => LrOptimizer][] = [
  ["our adam", () => adam({ lr: 0.01 })],
  ["our adamw", () => adamw({ lr: 0.01, weightDecay: 0.1 })],
  ["our sgd + momentum", () => sgd({ lr: 0.1, momentum: 0.9 })],
  ["tfjs adam", () => tfAdam(0.01)],
  ["tfjs sgd", () => tfSgd(0.1)],
  ["tfjs momentum", () => tfMomentum(0.1)],
];

for (const [name, make] of OPTIMIZERS) {
  test(`${name}: after the range test, training is bit-identical to training without it (fresh and mid-run state)`, () => {
    const plain = { steps: 12, batchSize: 8, seed: 5, evalEvery: 0 };
    // Reference: 5 steps, then 12 more, no finder.
    const refModel = mlp();
    const refOpt = make();
    trainSync({ model: refModel, optimizer: refOpt, ...plain, steps: 5 });
    const ref = trainSync({ model: refModel, optimizer: refOpt, ...plain });
    // Same, with a range test on the fresh optimizer and another mid-run.
    const model = mlp();
    const opt = make();
    const before = tf.memory().numTensors;
    lrFinderSync({ model, optimizer: opt, steps: 30, batchSize: 8, seed: 9 });
    assert.is(tf.memory().numTensors, before, "the finder on a fresh optimizer left tensors behind");
    trainSync({ model, optimizer: opt, ...plain, steps: 5 });
    const mid = tf.memory().numTensors;
    lrFinderSync({ model, optimizer: opt, steps: 30, batchSize: 8, seed: 9 });
    assert.is(tf.memory().numTensors, mid, "the finder mid-run left tensors behind");
    const h = trainSync({ model, optimizer: opt, ...plain });
    assert.equal(withoutTime(h), withoutTime(ref));
    refModel.dispose();
    model.dispose();
    refOpt.dispose();
    opt.dispose();
  });
}

test("bad input: RangeErrors naming the parameter", () => {
  const q = createQuadratic({ eigenvalues: [1] });
  const base = { model: q, optimizer: sgd({ lr: 0.1 }), batchSize: 1, seed: 0 };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ startLr: 0 }, /startLr must be a finite number > 0; got 0/],
    [{ endLr: NaN }, /endLr must be a finite number > 0; got NaN/],
    [{ startLr: 1, endLr: 0.1 }, /endLr must be greater than startLr \(1\); got 0.1/],
    [{ steps: 1 }, /steps must be an integer >= 2; got 1/],
    [{ smoothing: 1 }, /smoothing must be in \[0, 1\); got 1/],
    [{ stopFactor: 1 }, /stopFactor must be a number > 1/],
    [{ skipEnd: -1 }, /skipEnd must be an integer >= 0; got -1/],
    [{ batchSize: 0 }, /batchSize must be an integer >= 1; got 0/],
  ];
  for (const [patch, message] of cases) {
    assert.throws(() => lrFinderSync({ ...base, ...patch } as never), (e: Error) => e instanceof RangeError && message.test(e.message), JSON.stringify(patch));
  }
  q.dispose();
});

test.run();
