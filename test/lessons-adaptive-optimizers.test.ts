// Notebook 08's helpers: momentum's stability edge (bisection, against (2 + 2β)/L), loss-scale
// (in)variance of SGD's and Adam's updates, the good range of a sweep, the loss-scale experiment's
// history, and Adam's per-weight step sizes read from its slots (against gradients computed here).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createQuadratic } from "../src/models/quadratic";
import { createRng } from "../src/random";
import { stabilityEdge, heavyBall } from "../src/lessons/gradient-descent";
import type { LrPoint } from "../src/lessons/finding-lr";
import {
  ADAPTIVE_EXPERIMENT,
  adamStepSizes,
  adaptiveExperiment,
  cosineConfigs,
  goodRange,
  gridSteps,
  lossScaleConfigs,
  lossScaleWindow,
  namesMlp,
  optimizerConfigs,
  quantile,
  relativeDifference,
  scaleLoss,
  sweepCurve,
  updateAfter,
} from "../src/lessons/adaptive-optimizers";
import { resolveExperiment } from "../src/sweep/experiments";
import { sweepRecord } from "../src/sweep/sweep";

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("the bisected stability edge of heavy-ball momentum is (2 + 2β)/L, and β = 0 is still 2/L", () => {
  const q = createQuadratic({ eigenvalues: [0.2, 4], start: [1, 1] });
  for (const beta of [0, 0.25, 0.5, 0.9]) {
    const edge = stabilityEdge(q, q.start, q.optimum, { lo: 0.01, hi: 2, beta });
    const theory = (2 + 2 * beta) / 4;
    assert.ok(Math.abs(edge - theory) <= 1e-9 * theory, `β ${beta}: ${edge} vs ${theory}`);
    // Just below the edge heavy ball converges, just above it grows.
    const below = heavyBall(q, q.start, theory * 0.99, beta, 3000).losses;
    const above = heavyBall(q, q.start, theory * 1.01, beta, 3000).losses;
    assert.ok(below[below.length - 1] < below[0] && above[above.length - 1] > above[0], `β ${beta}`);
  }
  // lo must converge under the momentum it is asked about: 0.7 converges for β = 0.5 but not for GD.
  assert.not.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.7, hi: 2, beta: 0.5 }));
  assert.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.7, hi: 2 }), /gradient descent converges/);
  assert.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.01, hi: 2, beta: 1 }), /beta must be in \[0, 1\)/);
  q.dispose();
});

test("scaleLoss multiplies the training loss by c and nothing else", () => {
  const q = createQuadratic({ eigenvalues: [1, 10], start: [1, 2] });
  const plain = tf.tidy(() => q.loss({}).dataSync()[0]);
  const scaled = scaleLoss(q, 100);
  assert.ok(Math.abs(tf.tidy(() => scaled.loss({}).dataSync()[0]) - 100 * plain) < 1e-4 * 100 * plain);
  assert.is(scaled.evaluate(), q.evaluate());
  assert.is(scaleLoss(q, 1), q);
  assert.throws(() => scaleLoss(q, 0), RangeError);
  q.dispose();
});

test("loss × c: SGD's update is SGD's at rate c·η, Adam's is unchanged to float precision", () => {
  const quad = () => createQuadratic({ eigenvalues: [1, 10], start: [1, -2] });
  for (const c of [0.01, 100]) {
    const sgdScaled = updateAfter(quad, "sgd", 0.01, c, { updates: 3 });
    const sgdAtRate = updateAfter(quad, "sgd", 0.01 * c, 1, { updates: 3 });
    assert.ok(relativeDifference(sgdScaled, sgdAtRate) < 1e-6, `SGD c ${c}`);
    // One update of SGD scales exactly by c.
    // One update of SGD scales by c (up to the float32 rounding of w + Δw, about 1e-7 of |w|).
    const one = updateAfter(quad, "sgd", 0.01, c);
    const base = updateAfter(quad, "sgd", 0.01, 1);
    assert.ok(relativeDifference(one, base.map((v) => c * v)) < 1e-3, `SGD step ×${c}`);
    assert.ok(relativeDifference(one, base) > 0.9, `SGD step ×${c} differs from c = 1`);
    for (const spec of ["adam", "adamw", "rmsprop"]) {
      const d = relativeDifference(updateAfter(quad, spec, 0.01, c, { updates: 5 }), updateAfter(quad, spec, 0.01, 1, { updates: 5 }));
      assert.ok(d < 1e-5, `${spec} c ${c}: ${d}`);
    }
  }
  // ...and a large eps breaks Adam's invariance: the gradients are no longer large against it.
  const big = { name: "adam", eps: 1 };
  assert.ok(relativeDifference(updateAfter(quad, big, 0.01, 0.01, { updates: 3 }), updateAfter(quad, big, 0.01, 1, { updates: 3 })) > 0.5);
});

test("updateAfter on the names MLP draws the same batches for equal calls", () => {
  const a = updateAfter(() => namesMlp(3, 8), "adam", 0.01, 1, { updates: 2, seed: 5 });
  const b = updateAfter(() => namesMlp(3, 8), "adam", 0.01, 1, { updates: 2, seed: 5 });
  const other = updateAfter(() => namesMlp(3, 8), "adam", 0.01, 1, { updates: 2, seed: 6 });
  assert.is(relativeDifference(a, b), 0);
  assert.ok(relativeDifference(other, b) > 0);
  assert.is(a.length, 27 * 10 + 30 * 8 + 8 + 8 * 27 + 27);
});

const pts = (pairs: [number, number | null][]): LrPoint[] =>
  pairs.map(([lr, loss]) => ({ lr, loss: loss ?? NaN, failed: loss === null, diverged: loss === null }));

test("goodRange walks out from the best rate, interpolates the edges in log lr, stops at failures", () => {
  const g = goodRange(pts([[1e-3, 3.0], [1e-2, 2.6], [1e-1, 2.5], [1, 2.55], [10, null]]), 0.1);
  assert.is(g.best, 0.1);
  assert.is(g.bestLoss, 2.5);
  // 2.6 at 1e-2 is exactly at the threshold (good); the next point down is above it, so the
  // crossing is at 1e-2 itself. Above: the next run failed, so the edge is the good point 1.
  assert.equal([g.lo, g.hi, g.count], [0.01, 1, 3]);
  assert.ok(Math.abs(g.loEdge - 1e-2) < 1e-12 && g.hiEdge === 1);
  assert.ok(Math.abs(g.decades - 2) < 1e-12);
  assert.is(g.gridDecades, 2);
  assert.is(g.atEdge, false);
  // Halfway between two points in loss is halfway in log lr.
  const h = goodRange(pts([[1e-3, 3.2], [1e-2, 2.0], [1e-1, 2.4], [1, 3.0]]), 0.2);
  assert.ok(Math.abs(Math.log10(h.loEdge) - (-2 - 1 / 6)) < 1e-12, `lo ${h.loEdge}`);
  assert.ok(Math.abs(Math.log10(h.hiEdge) - (-2 + 0.5)) < 1e-12, `hi ${h.hiEdge}`);
  // A good run that reaches the grid's end is flagged.
  assert.is(goodRange(pts([[1, 2.0], [10, 2.05], [100, 3]]), 0.1).atEdge, true);
  assert.throws(() => goodRange(pts([[1, null]]), 0.1), /every run/);
  assert.throws(() => goodRange(pts([[1, 2]]), -1), RangeError);
});

test("gridSteps counts signed steps of a log grid", () => {
  assert.is(gridSteps(0.316, 3.16e-3, 2), -4);
  assert.is(gridSteps(0.01, 0.1, 4), 4);
  assert.throws(() => gridSteps(0, 1, 2), RangeError);
});

test("the sweep's configurations: windows, loss scales (SGD's window moved by 1/c) and cosine peaks", () => {
  const plain = optimizerConfigs(2);
  assert.is(plain.length, 6 * 7);
  assert.equal(lossScaleWindow("sgd", 100), [1e-4, 0.1]);
  assert.equal(lossScaleWindow("adam", 100), [1e-4, 0.1]);
  const scaled = lossScaleConfigs([0.01, 1, 100], 2);
  assert.is(scaled.length, 2 * 2 * 7);
  assert.ok(scaled.every((c) => c.lossScale !== 1));
  assert.equal(scaled.filter((c) => c.optimizer === "sgd" && c.lossScale === 0.01).map((c) => c.lr), [1, 3.16, 10, 31.6, 100, 316, 1000]);
  assert.equal(cosineConfigs(2).map((c) => c.lr), [1e-3, 3.16e-3, 0.01, 0.0316, 0.1]);
});

test("the experiment trains on c × the loss and reports losses in nats; sweepCurve reads it back", () => {
  assert.is(resolveExperiment(ADAPTIVE_EXPERIMENT), adaptiveExperiment);
  const base = { optimizer: "sgd", lr: 0.1, steps: 3, hidden: 8, seed: 1 };
  const plain = adaptiveExperiment(base).history;
  const scaled = adaptiveExperiment({ ...base, lr: 0.1 / 100, lossScale: 100 }).history;
  // SGD on 100 × L at lr/100 is SGD on L at lr: the same run, reported in the same units.
  assert.ok(Math.abs(scaled.initialLoss - plain.initialLoss) < 1e-5);
  scaled.steps.forEach((s, i) => assert.ok(Math.abs(s.trainLoss - plain.steps[i].trainLoss) < 1e-4, `step ${i}`));
  assert.ok(Math.abs(scaled.finalValLoss! - plain.finalValLoss!) < 1e-4);
  assert.ok(scaled.summary.includes(`train loss ${Number(scaled.finalTrainLoss.toPrecision(3))}`), scaled.summary);
  const run = (config: Record<string, number | string>, history = plain) =>
    sweepRecord({ index: 0, config, key: "k", cached: false, outcome: { history } });
  const records = [run(base), run({ ...base, lr: 0.001, lossScale: 100 }, scaled), run({ ...base, schedule: "cosine" })];
  assert.equal(sweepCurve(records, "sgd").map((p) => p.lr), [0.1]);
  assert.equal(sweepCurve(records, "sgd", { lossScale: 100 }).map((p) => p.lr), [0.001]);
  assert.equal(sweepCurve(records, "sgd", { schedule: "cosine" }).map((p) => p.lr), [0.1]);
});

test("adamStepSizes reads lr / (|g| + eps) after the first update, from Adam's own slots", async () => {
  const lr = 0.01;
  const run = await adamStepSizes({ lr, steps: 3, recordAt: [1, 3], seed: 4, hidden: 8 });
  assert.is(run.snapshots.length, 2);
  assert.is(run.losses.length, 3);
  // The gradient of the first update, computed here from the same initialisation and batch.
  const model = namesMlp(4, 8);
  const batch = model.batch(createRng(4), 32, "train");
  const grads = tf.tidy(() => {
    const { value, grads: g } = tf.variableGrads(() => model.loss(batch), model.params);
    value.dispose();
    return model.params.map((p) => Array.from(g[p.name].dataSync()));
  });
  tf.dispose(batch);
  model.dispose();
  const all = grads.flat();
  const touched = all.filter((g) => g !== 0);
  const first = run.snapshots[0];
  assert.is(first.step, 1);
  assert.is(first.untouched, all.length - touched.length);
  assert.is(first.stepSizes.length, touched.length);
  // After one update m_hat = g and v_hat = g²: the rate is lr / (|g| + eps), and the update
  // |g| / (|g| + eps) in units of lr, i.e. 1 unless the gradient is as small as eps.
  touched.forEach((g, i) => {
    const expected = lr / (Math.abs(g) + 1e-8);
    assert.ok(Math.abs(first.stepSizes[i] - expected) <= 1e-4 * expected, `weight ${i}: ${first.stepSizes[i]} vs ${expected}`);
    const units = Math.abs(g) / (Math.abs(g) + 1e-8);
    assert.ok(Math.abs(first.updateUnits[i] - units) <= 1e-4, `weight ${i}: ${first.updateUnits[i]} vs ${units}`);
  });
  assert.ok(touched.filter((g) => Math.abs(g) > 1e-6).length > touched.length / 2);
  assert.equal(Object.keys(first.medianByParam), ["embedding", "hidden.w", "hidden.b", "out.w", "out.b"]);
  assert.ok(run.snapshots[1].updateUnits.some((u) => u < 0.99), "later updates are no longer all of size lr");
});

test("adamStepSizes refuses a non-Adam optimizer and bad record steps", async () => {
  for (const bad of [{ optimizer: "sgd" }, { recordAt: [0] }, { recordAt: [5] }]) {
    let threw = false;
    try {
      await adamStepSizes({ lr: 0.01, steps: 2, recordAt: [1], hidden: 4, ...bad });
    } catch (e) {
      threw = e instanceof RangeError;
    }
    assert.ok(threw, JSON.stringify(bad));
  }
});

test("quantile interpolates between order statistics", () => {
  assert.is(quantile([3, 1, 2], 0.5), 2);
  assert.is(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.is(quantile([5], 0.99), 5);
  assert.is(quantile([1, 11], 0.1), 2);
  assert.throws(() => quantile([], 0.5), RangeError);
});

test.run();
