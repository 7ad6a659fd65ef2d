// Notebook 02's helpers: runs at several rates on a quadratic whose trajectory is known exactly,
// and the curve readings (loss ratio, sign flips, spikes) on curves with known answers.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createQuadratic } from "../src/models/index";
import { sgd } from "../src/optimizers/index";
import type { Model, LanguageModel } from "../src/models/index";
import {
  largestSpike, lossCurve, median, lossRatios, meanLossRatio, runAtRates, signFlips, tailMean, trainLosses,
  updateToDataRatio, trackLayerRatios, sampleNames, maxAbsDiff, peak, clippedFraction, quadraticRun,
} from "../src/lessons/too-high";

// f(W) = ½ Σ W², W a 2x2 matrix and b a vector: SGD at rate η gives W ← (1 − η) W, so every
// step's update is −η W and its update-to-data ratio std(ΔW)/std(W) is exactly η.
let fakeCount = 0;
function shrinkModel(): LanguageModel {
  fakeCount++;
  const W = tf.tidy(() => tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, `shrink_${fakeCount}/w`));
  const b = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `shrink_${fakeCount}/b`));
  return {
    name: "shrink", params: [W, b], numParams: 6, vocabSize: 2, contextSize: 1,
    batch: () => ({}),
    loss: () => tf.tidy(() => tf.mul(0.5, tf.add(tf.sum(tf.square(W)), tf.sum(tf.square(b)))) as tf.Scalar),
    evaluate: () => 0,
    sample: (rng) => (rng.next() < 0.5 ? "ab" : "ba") + Math.floor(rng.next() * 10),
    dispose: () => tf.dispose([W, b]),
  };
}

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("runAtRates: one run per rate, in order, same seed; GD on f = 2 w^2 shrinks w by |1 - 4 lr| per step", async () => {
  const positions: number[][] = [];
  const before = tf.memory().numTensors;
  const runs = await runAtRates(
    [0.1, 0.4, 0.6],
    (lr) => {
      const q = createQuadratic({ eigenvalues: [4] });
      const trace: number[] = [];
      positions.push(trace);
      return { model: { ...q, evaluate: (s) => (trace.push(q.position()[0]), q.evaluate(s)) }, optimizer: sgd({ lr }) };
    },
    { steps: 6, batchSize: 1, seed: 3, evalEvery: 1, divergence: false },
  );
  assert.equal(runs.map((r) => r.lr), [0.1, 0.4, 0.6]);
  runs.forEach((r, i) => {
    assert.is(r.history.stepsDone, 6);
    const factor = 1 - 4 * r.lr; // 0.6, -0.6, -1.4
    positions[i].forEach((w, t) => assert.ok(Math.abs(w - Math.pow(factor, t)) < 1e-5, `run ${i} step ${t}: ${w}`));
  });
  assert.is(signFlips(positions[0]), 0);
  assert.is(signFlips(positions[1]), 6);
  assert.ok(Math.abs(meanLossRatio(trainLosses(runs[2].history)) - 1.96) < 1e-4, "loss ratio (1 - 4 lr)^2");
  assert.is(tf.memory().numTensors, before, "models and optimizers disposed");
});

test("runAtRates: a diverging rate is a result, and bad input is a RangeError", async () => {
  const runs = await runAtRates([1], (lr) => ({ model: createQuadratic({ eigenvalues: [4] }), optimizer: sgd({ lr }) }), { steps: 50, batchSize: 1, seed: 0 });
  assert.ok(runs[0].history.diverged);
  assert.is(runs[0].history.divergedAt, 2, "loss x9 per update: 18 after one update, 162 > 10 x 2 after two");
  const setup = () => ({ model: createQuadratic({ eigenvalues: [1] }), optimizer: sgd({ lr: 0.1 }) });
  for (const bad of [[], [0], [-1], [NaN], [Infinity]]) {
    await runAtRates(bad, setup, { steps: 1, batchSize: 1, seed: 0 }).then(
      () => assert.unreachable(`accepted ${bad}`),
      (e) => assert.instance(e, RangeError),
    );
  }
});

test("lossRatios / meanLossRatio: geometric curves give their ratio; the non-finite tail is cut", () => {
  assert.equal(lossRatios([1, 2, 4, 2]), [2, 2, 0.5]);
  assert.ok(Math.abs(meanLossRatio([1, 3, 9, 27, Infinity, NaN]) - 3) < 1e-12);
  assert.throws(() => meanLossRatio([1]), RangeError);
  assert.throws(() => meanLossRatio([NaN, 1, 2]), RangeError);
});

test("signFlips counts sign changes, skipping zeros", () => {
  assert.is(signFlips([1, -1, 1, -1]), 3);
  assert.is(signFlips([1, 0, -2, 0, 0, -3, 4]), 2);
  assert.is(signFlips([2, 1, 0.5]), 0);
  assert.is(signFlips([]), 0);
});

test("largestSpike: rise above the running minimum; non-finite is infinite", () => {
  assert.is(largestSpike([3, 2, 2.5, 1, 4, 0.5]), 3);
  assert.is(largestSpike([3, 2, 1]), 0);
  assert.is(largestSpike([3, NaN, 1]), Infinity);
  assert.is(largestSpike([]), 0);
});

test("tailMean averages the last n values", () => {
  assert.is(tailMean([1, 2, 3, 4], 2), 3.5);
  assert.is(tailMean([1, 2], 5), 1.5);
  assert.throws(() => tailMean([1], 0), RangeError);
  assert.throws(() => tailMean([], 1), RangeError);
});

test("median ignores NaN and averages the middle pair", () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, NaN, 1, 2, 3]), 2.5);
  assert.throws(() => median([NaN]), RangeError);
});

test("lossCurve: raw or smoothed losses, a trailing NaN only for a diverged run", async () => {
  const [ok, bad] = await runAtRates([0.1, 1], (lr) => ({ model: createQuadratic({ eigenvalues: [4] }), optimizer: sgd({ lr }) }), { steps: 5, batchSize: 1, seed: 0 });
  const raw = lossCurve(ok.history, 0);
  assert.equal(raw.y, trainLosses(ok.history));
  assert.equal(raw.x, [0, 1, 2, 3, 4]);
  assert.ok(lossCurve(ok.history).y.every(Number.isFinite));
  const blown = lossCurve(bad.history, 0);
  assert.is(blown.x.length, blown.y.length);
  assert.ok(Number.isNaN(blown.y[blown.y.length - 1]));
  assert.is(blown.x[blown.x.length - 1], bad.history.divergedAt! + 1);
});

test("runAtRates watch: per-layer update-to-data ratio of 2-D params only (= lr here), names sampled, param count", async () => {
  const before = tf.memory().numTensors;
  const runs = await runAtRates([0.1, 0.25], (lr) => ({ model: shrinkModel(), optimizer: sgd({ lr }) }),
    { steps: 4, batchSize: 1, seed: 7, evalEvery: 0 }, undefined, { layerRatios: true, samples: 3 });
  runs.forEach((r) => {
    assert.equal(Object.keys(r.layerRatios!), ["w"], "only the matrix is watched");
    assert.is(r.layerRatios!.w.length, 4);
    r.layerRatios!.w.forEach((v) => assert.ok(Math.abs(v - r.lr) < 1e-5, `ratio ${v} at lr ${r.lr}`));
    assert.is(r.numParams, 6);
    const fresh = shrinkModel();
    assert.equal(r.samples, sampleNames(fresh, 3, 7), "samples drawn with an Rng seeded by options.seed");
    fresh.dispose();
  });
  const plain = await runAtRates([0.1], (lr) => ({ model: shrinkModel(), optimizer: sgd({ lr }) }), { steps: 1, batchSize: 1, seed: 0 });
  assert.is(plain[0].layerRatios, undefined);
  assert.is(plain[0].samples, undefined);
  await runAtRates([0.1], (lr) => ({ model: shrinkModel(), optimizer: sgd({ lr }) }), { steps: 1, batchSize: 1, seed: 0 }, undefined, { samples: -1 }).then(
    () => assert.unreachable("accepted samples -1"), (e) => assert.instance(e, RangeError));
  assert.is(tf.memory().numTensors, before, "models, optimizers and the trackers' copies freed");
});

test("updateToDataRatio: a 10% scaling of every entry is a ratio of 0.1; trackLayerRatios keeps one copy and frees it", () => {
  const a = tf.tensor1d([1, 2, 3, 4]);
  const b = tf.mul(a, 1.1);
  assert.ok(Math.abs(updateToDataRatio(a, b) - 0.1) < 1e-6);
  const v = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
  const before = tf.memory().numTensors;
  const t = trackLayerRatios([v]);
  const half = tf.mul(v, 0.5) as tf.Tensor2D;
  v.assign(half);
  half.dispose();
  t.onStep();
  assert.ok(Math.abs(Object.values(t.ratios)[0][0] - 0.5) < 1e-6);
  t.dispose();
  assert.is(tf.memory().numTensors, before);
  tf.dispose([a, b, v]);
});

test("maxAbsDiff, peak, clippedFraction: known answers and RangeErrors", () => {
  const x = [tf.tensor1d([1, 2]), tf.tensor2d([[0, 0]])];
  const y = [tf.tensor1d([1, 2.5]), tf.tensor2d([[0, -1]])];
  assert.is(maxAbsDiff(x, y), 1);
  assert.throws(() => maxAbsDiff(x, y.slice(1)), RangeError);
  assert.throws(() => maxAbsDiff([x[0]], [y[1]]), RangeError);
  tf.dispose([...x, ...y]);
  assert.equal(peak([3, 9, NaN, 4]), { step: 1, value: 9 });
  assert.throws(() => peak([NaN]), RangeError);
  const steps = [0.5, 2, 3, 1].map((gradNorm, step) => ({ step, lr: 1, trainLoss: 1, gradNorm, updateRatio: 0, time: 0 }));
  assert.is(clippedFraction({ steps } as any, 1), 0.5);
  assert.throws(() => clippedFraction({ steps } as any, 0), RangeError);
});

test("quadraticRun: w_t = (1 − ηL)^t from 1; the default test stops 2.5/L at step 3", async () => {
  const r = await quadraticRun(4, 0.375, 5);
  r.w.forEach((w, t) => assert.ok(Math.abs(w - (-0.5) ** t) < 1e-6, `step ${t}: ${w}`));
  assert.is(r.history.stepsDone, 5);
  const g = await quadraticRun(4, 0.625, 50, { divergence: {} });
  assert.is(g.history.divergedAt, 3);
  const free = await quadraticRun(4, 0.625, 50);
  assert.is(free.history.stepsDone, 50, "no ratio test by default");
});

test.run();
