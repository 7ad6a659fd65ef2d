// The gradient-noise-scale estimator (McCandlish et al. 2018, Appendix A) against exact answers:
// synthetic norms that follow E|g_B|^2 = |G|^2 + tr(Sigma)/B, and the noisy quadratic, whose
// B_simple = sum(c) / sum((h w)^2) is known in closed form.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { estimateNoiseScale, gradientSqNorm, noiseScaleFromNorms } from "../src/noise-scale";
import { createNoisyQuadratic } from "../src/models/noisy-quadratic";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createNamesDataset } from "../src/data/text-dataset";
import { createRng } from "../src/random";

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("exact norms give back |G|^2, tr(Sigma) and B_simple", () => {
  const G2 = 3;
  const T = 120;
  const e = noiseScaleFromNorms({ smallBatch: 4, bigBatch: 64, smallSqNorms: [G2 + T / 4], bigSqNorms: [G2 + T / 64] });
  assert.ok(Math.abs(e.gradSq - G2) < 1e-12 && Math.abs(e.traceSigma - T) < 1e-9, JSON.stringify(e));
  assert.ok(Math.abs(e.bSimple - 40) < 1e-9);
  const swamped = noiseScaleFromNorms({ smallBatch: 1, bigBatch: 2, smallSqNorms: [1], bigSqNorms: [0.4] });
  assert.is(swamped.bSimple, Infinity); // |G|^2 estimate 2 * 0.4 - 1 < 0
});

test("bad inputs are RangeErrors", () => {
  assert.throws(() => noiseScaleFromNorms({ smallBatch: 8, bigBatch: 8, smallSqNorms: [1], bigSqNorms: [1] }), RangeError);
  assert.throws(() => noiseScaleFromNorms({ smallBatch: 1, bigBatch: 8, smallSqNorms: [], bigSqNorms: [1] }), RangeError);
  assert.throws(() => noiseScaleFromNorms({ smallBatch: 1, bigBatch: 8, smallSqNorms: [NaN], bigSqNorms: [1] }), RangeError);
});

test("noisy quadratic: the estimate matches the closed form sum(c)/sum((h w)^2) within 10%", () => {
  const q = createNoisyQuadratic({ curvatures: [0.1, 0.5, 1, 2], start: [1, -2, 0.5, 1] });
  const exact = q.noiseScale();
  // sum c = 3.6; sum (h w)^2 = 0.01 + 1 + 0.25 + 4 = 5.26
  assert.ok(Math.abs(exact - 3.6 / 5.26) < 1e-12);
  const e = estimateNoiseScale(q, { smallBatch: 1, bigBatch: 8, repeats: 2000, seed: 3 });
  assert.ok(Math.abs(e.bSimple / exact - 1) < 0.1, `estimate ${e.bSimple} vs exact ${exact}`);
  assert.ok(Math.abs(e.traceSigma / 3.6 - 1) < 0.1, `tr ${e.traceSigma}`);
  // at a point near the optimum the signal is small, the noise scale large
  assert.ok(q.noiseScale([0.01, 0.01, 0.01, 0.01]) > 1000 * exact);
  q.dispose();
});

test("a real model: positive, finite estimate; the weights are untouched and nothing leaks", () => {
  const data = createNamesDataset({ seed: 0 }).subset(500, 0);
  const model = createMlpCharModel({ data, hidden: 32, seed: 0 });
  const before = Array.from(model.params[0].dataSync());
  const n0 = tf.memory().numTensors;
  const e = estimateNoiseScale(model, { smallBatch: 4, bigBatch: 64, repeats: 4, rng: createRng(1) });
  assert.is(tf.memory().numTensors, n0);
  assert.ok(e.bSimple > 0 && Number.isFinite(e.bSimple), JSON.stringify(e));
  assert.equal(Array.from(model.params[0].dataSync()), before);
  const batch = model.batch(createRng(2), 8);
  assert.ok(gradientSqNorm(model, batch) > 0);
  tf.dispose(batch);
  model.dispose();
});

test.run();
