import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import {
  createMultiMinima,
  createNoisyQuadratic,
  createQuadratic,
  createRosenbrock,
  curvatureSpectrum,
  gradientDescent,
  Landscape,
} from "../src/models/index";

test.before(async () => {
  await ready({ backend: "cpu" });
});

/** Run `steps` of tfjs SGD on a landscape; returns the final exact loss. */
function sgd(model: Landscape, lr: number, steps: number): number {
  const opt = tf.train.sgd(lr);
  const rng = createRng(0);
  for (let s = 0; s < steps; s++) {
    const batch = model.batch(rng, 1);
    const l = opt.minimize(() => model.loss(batch), true, model.params);
    tf.dispose(batch);
    l?.dispose();
  }
  opt.dispose();
  return model.evaluate();
}

function numericGradient(f: (w: number[]) => number, w: number[], eps = 1e-6): number[] {
  return w.map((_, i) => {
    const up = w.slice();
    const down = w.slice();
    up[i] += eps;
    down[i] -= eps;
    return (f(up) - f(down)) / (2 * eps);
  });
}

test("curvatureSpectrum spans [mu, L] linearly or geometrically", () => {
  assert.equal(curvatureSpectrum("linear", 3, 1, 3), [1, 2, 3]);
  const g = curvatureSpectrum("geometric", 3, 0.01, 1);
  assert.ok(Math.abs(g[1] - 0.1) < 1e-12 && g[0] === 0.01 && Math.abs(g[2] - 1) < 1e-12);
  assert.throws(() => curvatureSpectrum("linear", 3, 2, 1), /mu <= L/);
});

test("quadratic: JS and tfjs losses and gradients agree, gradient zero at the optimum", () => {
  const q = createQuadratic({ eigenvalues: [0.5, 2, 5], rotate: true, seed: 3, optimum: [1, -2, 0.5], start: [0.3, 0.1, -1] });
  const start = q.start.slice();
  const { value, grads } = tf.variableGrads(() => q.loss({}), q.params);
  assert.ok(Math.abs(value.dataSync()[0] - q.value(start)) < 1e-5 * Math.max(1, q.value(start)));
  const g = grads[q.params[0].name].dataSync();
  q.gradient(start).forEach((gi, i) => assert.ok(Math.abs(g[i] - gi) < 1e-4, `grad ${i}: ${g[i]} vs ${gi}`));
  numericGradient((w) => q.value(w), start).forEach((gi, i) => assert.ok(Math.abs(q.gradient(start)[i] - gi) < 1e-5));
  assert.equal(q.value(q.optimum), 0);
  q.gradient(q.optimum).forEach((gi) => assert.ok(Math.abs(gi) < 1e-12));
  tf.dispose([value, grads]);
  q.dispose();
});

test("rotated quadratic: the Hessian has exactly the chosen eigenvalues and eigen-directions", () => {
  const eig = [0.1, 1, 10];
  const q = createQuadratic({ eigenvalues: eig, rotate: true, seed: 7 });
  const h = q.hessian(q.optimum);
  const trace = h[0][0] + h[1][1] + h[2][2];
  assert.ok(Math.abs(trace - 11.1) < 1e-9, `trace ${trace}`);
  const det =
    h[0][0] * (h[1][1] * h[2][2] - h[1][2] * h[2][1]) -
    h[0][1] * (h[1][0] * h[2][2] - h[1][2] * h[2][0]) +
    h[0][2] * (h[1][0] * h[2][1] - h[1][1] * h[2][0]);
  assert.ok(Math.abs(det - 1) < 1e-9, `det ${det}`);
  assert.ok(Math.abs(h[0][1] - h[1][0]) < 1e-12, "symmetric");
  assert.ok(Math.abs(h[0][1]) > 1e-3, "rotated: off-diagonal terms present");
  assert.is(q.L, 10);
  assert.is(q.mu, 0.1);
  assert.ok(Math.abs(q.conditionNumber - 100) < 1e-9);
  assert.ok(Math.abs(q.maxStableLr - 0.2) < 1e-15);
  q.dispose();
});

test("quadratic stability boundary is exact: GD converges at 0.99*2/L and diverges at 1.01*2/L", () => {
  const q = createQuadratic({ eigenvalues: curvatureSpectrum("linear", 4, 0.5, 4), rotate: true, seed: 1 });
  const start = q.value(q.start);
  // Plain JS, float64.
  const below = gradientDescent(q, q.start, 0.99 * q.maxStableLr, 1000);
  const above = gradientDescent(q, q.start, 1.01 * q.maxStableLr, 1000);
  assert.ok(below.losses[1000] < 1e-6 * start, `0.99*2/L should converge; loss ${below.losses[1000]}`);
  assert.ok(above.losses[1000] > 1e6 * start, `1.01*2/L should diverge; loss ${above.losses[1000]}`);
  // tfjs SGD, float32: the same boundary.
  assert.ok(sgd(q, 0.99 * q.maxStableLr, 1000) < 1e-6 * start);
  q.reset();
  assert.equal(q.position().map((v) => Math.round(v * 1e6) / 1e6), q.start.map((v) => Math.round(v * 1e6) / 1e6));
  assert.ok(sgd(q, 1.01 * q.maxStableLr, 1000) > 1e6 * start);
  q.dispose();
});

test("quadratic rate(lr) is the observed per-step contraction along the slowest direction", () => {
  const q = createQuadratic({ eigenvalues: [0.2, 1] });
  const lr = 0.5; // contractions 0.9 and 0.5: the worst is 0.9
  assert.ok(Math.abs(q.rate(lr) - 0.9) < 1e-12);
  const path = gradientDescent(q, q.start, lr, 60);
  const ratio = path.losses[60] / path.losses[59];
  assert.ok(Math.abs(ratio - 0.81) < 1e-6, `loss ratio per step ${ratio} vs rate^2 0.81`);
  assert.ok(Math.abs(q.rate(q.bestLr) - (1 - 0.2) / (1 + 0.2)) < 1e-12);
  q.dispose();
});

test("rosenbrock: exact gradient, minimum at (a, a^2), curvature there from the Hessian", () => {
  const r = createRosenbrock({ a: 1, b: 100 });
  for (const w of [[-1.2, 1], [0.5, -0.3], [2, 3]]) {
    const num = numericGradient((x) => r.value(x), w);
    r.gradient(w).forEach((g, i) => assert.ok(Math.abs(g - num[i]) < 1e-4 * Math.max(1, Math.abs(g)), `at ${w}: ${g} vs ${num[i]}`));
  }
  assert.equal(r.optimum, [1, 1]);
  assert.is(r.value([1, 1]), 0);
  const [lo, hi] = r.curvatureAtOptimum;
  const h = r.hessian([1, 1]);
  assert.ok(Math.abs(lo + hi - (h[0][0] + h[1][1])) < 1e-9);
  assert.ok(Math.abs(lo * hi - (h[0][0] * h[1][1] - h[0][1] ** 2)) < 1e-6);
  assert.ok(lo > 0 && hi / lo > 1000, "ill-conditioned valley");
  const { value, grads } = tf.variableGrads(() => r.loss({}), r.params);
  assert.ok(Math.abs(value.dataSync()[0] - r.value(r.start)) < 1e-4);
  const g = grads[r.params[0].name].dataSync();
  r.gradient(r.start).forEach((gi, i) => assert.ok(Math.abs(g[i] - gi) < 1e-3 * Math.abs(gi)));
  tf.dispose([value, grads]);
  r.dispose();
});

test("multi-minima: minima and maxima are exact critical points; descent ends in the start's basin", () => {
  const m = createMultiMinima();
  assert.is(m.minima.length, 3);
  assert.is(m.maxima.length, 2);
  for (const p of [...m.minima, ...m.maxima]) assert.ok(Math.abs(m.gradient([p.x])[0]) < 1e-9);
  for (const p of m.minima) assert.ok(p.curvature > 0 && Math.abs(p.value - m.value([p.x])) < 1e-12);
  for (const p of m.maxima) assert.ok(p.curvature < 0);
  const depths = m.minima.map((p) => p.value);
  assert.is(Math.min(...depths), 0);
  assert.is(new Set(depths).size, 3, "three different depths");
  assert.is(m.value(m.optimum), 0);
  // Sampled on a fine grid, no point is lower than the global minimum.
  for (let x = -3; x <= 3; x += 0.001) assert.ok(m.value([x]) >= -1e-12);
  // Small steps stay in the basin they start in.
  const basin = m.basinOf(m.start[0]);
  const end = gradientDescent(m, m.start, 0.01, 2000).path[2000][0];
  assert.ok(Math.abs(end - m.minima[basin].x) < 1e-6, `ended at ${end}, expected ${m.minima[basin].x}`);
  assert.ok(m.minima[basin].value > 0, "the default start leads to a local, not the global, minimum");
  // tfjs loss and gradient match the JS ones.
  const { value, grads } = tf.variableGrads(() => m.loss({}), m.params);
  assert.ok(Math.abs(value.dataSync()[0] - m.value(m.start)) < 1e-4);
  assert.ok(Math.abs(grads[m.params[0].name].dataSync()[0] - m.gradient(m.start)[0]) < 1e-3);
  tf.dispose([value, grads]);
  m.dispose();
  assert.throws(() => createMultiMinima({ criticalPoints: [0, 1] }), /odd number/);
  assert.throws(() => createMultiMinima({ criticalPoints: [0, 2, 1] }), /increasing/);
});

test("multi-minima with noise: slope() is f', the batch gradient is f' plus noise * N(0, 1)", () => {
  const m = createMultiMinima({ criticalPoints: [-1, 0.2, 1], scale: 2, noise: 0.5 });
  assert.equal(m.criticalPoints, [-1, 0.2, 1]);
  assert.is(m.noise, 0.5);
  for (const x of [-1.3, -0.4, 0.2, 0.7, 1.9]) {
    assert.ok(Math.abs(m.slope(x) - m.gradient([x])[0]) < 1e-12);
    assert.ok(Math.abs(m.slope(x) - 2 * (x + 1) * (x - 0.2) * (x - 1)) < 1e-12);
  }
  assert.is(m.basinOf(0.2), 0, "a maximum belongs to the basin on its left");
  assert.is(m.basinOf(0.2000001), 1);
  const batch = m.batch(createRng(3), 1);
  const xi = createRng(3).normal();
  assert.ok(Math.abs(batch.noise.dataSync()[0] - 0.5 * xi) < 1e-6);
  const { grads } = tf.variableGrads(() => m.loss(batch), m.params);
  const g = grads[m.params[0].name].dataSync()[0];
  assert.ok(Math.abs(g - (m.gradient(m.start)[0] + 0.5 * xi)) < 1e-4, `gradient ${g}`);
  tf.dispose([batch, grads]);
  assert.equal(Object.keys(createMultiMinima().batch(createRng(0), 1)), [], "no noise: an empty batch");
  assert.throws(() => createMultiMinima({ noise: -1 }), /noise/);
  m.dispose();
});

test("noisy quadratic: the batch gradient is h*w plus noise of variance c/B", () => {
  const nq = createNoisyQuadratic({ curvatures: [1, 0.1], noiseVariances: [4, 1], start: [1, 2] });
  const batch = nq.batch(createRng(0), 4);
  const noise = batch.noise.dataSync();
  const { grads } = tf.variableGrads(() => nq.loss(batch), nq.params);
  const g = grads[nq.params[0].name].dataSync();
  assert.ok(Math.abs(g[0] - (1 * 1 + noise[0])) < 1e-5);
  assert.ok(Math.abs(g[1] - (0.1 * 2 + noise[1])) < 1e-5);
  tf.dispose([grads, batch]);
  // Empirical noise variance over many batches at B = 4: c/B = 1 and 0.25.
  const rng = createRng(1);
  const sums = [0, 0];
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const b = nq.batch(rng, 4);
    const v = b.noise.dataSync();
    sums[0] += v[0] ** 2;
    sums[1] += v[1] ** 2;
    b.noise.dispose();
  }
  // Standard error of a variance estimate from n normals: sigma^2 * sqrt(2/n) ~ 2.2%.
  assert.ok(Math.abs(sums[0] / n - 1) < 0.1 && Math.abs(sums[1] / n - 0.25) < 0.025, `variances ${sums.map((s) => s / n)}`);
  nq.dispose();
});

test("noisy quadratic: the closed-form expected SGD loss matches a Monte Carlo average", () => {
  const nq = createNoisyQuadratic({ curvatures: [1, 0.3, 0.05], start: [1, 1, 1] });
  const lr = 0.5;
  const B = 8;
  const steps = 40;
  const runs = 3000;
  const rng = createRng(2);
  let total = 0;
  let totalSq = 0;
  for (let r = 0; r < runs; r++) {
    let w = nq.start.slice();
    for (let t = 0; t < steps; t++) {
      const g = nq.gradient(w).map((gi, i) => gi + Math.sqrt(nq.noiseVariances[i] / B) * rng.normal());
      w = w.map((wi, i) => wi - lr * g[i]);
    }
    const f = nq.value(w);
    total += f;
    totalSq += f * f;
  }
  const mean = total / runs;
  const se = Math.sqrt((totalSq / runs - mean * mean) / runs);
  const exact = nq.expectedLoss(lr, B, steps);
  assert.ok(Math.abs(mean - exact) < 4 * se, `Monte Carlo ${mean} +- ${se} vs exact ${exact}`);
  // After many steps the expected loss settles at the steady state, and it shrinks with batch size.
  assert.ok(Math.abs(nq.expectedLoss(lr, B, 5000) - nq.steadyStateLoss(lr, B)) < 1e-12);
  assert.ok(nq.steadyStateLoss(lr, 4 * B) < nq.steadyStateLoss(lr, B));
  assert.is(nq.steadyStateLoss(2.5, B), Infinity, "lr above 2/h_max is unstable");
  nq.dispose();
});

test("landscapes reject bad input with a RangeError naming the parameter", () => {
  assert.throws(() => createQuadratic({ eigenvalues: [] }), (e: Error) => e instanceof RangeError && /eigenvalues/.test(e.message));
  assert.throws(() => createQuadratic({ eigenvalues: [1, -1] }), /eigenvalues/);
  assert.throws(() => createQuadratic({ eigenvalues: [1, 2], start: [1] }), /start must be 2 finite numbers/);
  assert.throws(() => createRosenbrock({ b: 0 }), /b must be/);
  assert.throws(() => createNoisyQuadratic({ curvatures: [1], noiseVariances: [1, 2] }), /noiseVariances/);
  const q = createQuadratic({ eigenvalues: [1] });
  assert.throws(() => gradientDescent(q, [1], 0, 10), /lr must be/);
  assert.throws(() => gradientDescent(q, [1], 0.1, -1), /steps must be/);
  assert.throws(() => q.reset([1, 2]), /w must be 1 finite numbers/);
  q.dispose();
});

test("landscapes leave no tensors behind", () => {
  const before = tf.memory().numTensors;
  const models = [createQuadratic({ eigenvalues: [1, 2] }), createRosenbrock(), createMultiMinima(), createNoisyQuadratic()];
  for (const m of models) {
    sgd(m, 1e-3, 3);
    m.reset();
    m.dispose();
  }
  assert.is(tf.memory().numTensors, before);
});

test.run();
