// sharpness(): power iteration on Hessian-vector products recovers the largest curvature of
// quadratics with known spectra (both ways of computing H v), agrees between the two ways on the
// character MLP, restores the weights, and leaves no tensors behind.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createQuadratic, curvatureSpectrum } from "../src/models/quadratic";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createNamesDataset } from "../src/data/text-dataset";
import { createRng } from "../src/random";
import { hessianVectorProduct, sharpness } from "../src/train/sharpness";
import type { Model } from "../src/models/model";

test.before(async () => {
  await ready();
});

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("recovers L of rotated quadratics by double backprop and by finite differences", () => {
  const spectra = [[0.5, 3, 12], curvatureSpectrum("geometric", 10, 1, 100), [2, 2, 7, 40, 41.5]];
  for (const [k, eig] of spectra.entries()) {
    const q = createQuadratic({ eigenvalues: eig, rotate: true, seed: k + 1 });
    const L = Math.max(...eig);
    for (const method of ["double-backprop", "finite-difference"] as const) {
      const s = sharpness(q, {}, { method, iterations: 500, tolerance: method === "double-backprop" ? 1e-7 : 1e-5, seed: 3 });
      assert.ok(s.converged, `${method} on [${eig}] did not converge`);
      assert.is(s.method, method);
      assert.ok(rel(s.value, L) < (method === "double-backprop" ? 1e-4 : 1e-3), `${method}: ${s.value} vs L = ${L}`);
      assert.is(s.history.length, s.iterations);
    }
    q.dispose();
  }
});

test("the estimate is the dominant eigenvalue, not the trace or the norm of the start vector", () => {
  // an axis-aligned bowl: the kept vector must point along the steepest axis
  const q = createQuadratic({ eigenvalues: [1, 9, 3] });
  const s = sharpness(q, {}, { method: "double-backprop", iterations: 200, tolerance: 1e-9, keepVector: true });
  assert.ok(rel(s.value, 9) < 1e-5, `${s.value}`);
  const v = Array.from(s.vector![0].dataSync());
  assert.ok(Math.abs(Math.abs(v[1]) - 1) < 1e-3 && Math.abs(v[0]) < 1e-2 && Math.abs(v[2]) < 1e-2, `vector ${v}`);
  tf.dispose(s.vector!);
  q.dispose();
});

test("reports no convergence when the iterations run out on a small spectral gap, and a seed fixes the numbers", () => {
  const q = createQuadratic({ eigenvalues: [1, 9.9, 10], rotate: true, seed: 4 });
  const s = sharpness(q, {}, { method: "double-backprop", iterations: 3, tolerance: 1e-9 });
  assert.is(s.converged, false);
  assert.is(s.iterations, 6, "an unsettled first pass is followed by a shifted one of the same length");
  assert.ok(s.shift > 0);
  assert.ok(s.value < 10 && s.value > 5, `${s.value}`);
  const again = sharpness(q, {}, { method: "double-backprop", iterations: 3, tolerance: 1e-9 });
  assert.equal(again.history, s.history);
  const other = sharpness(q, {}, { method: "double-backprop", iterations: 3, tolerance: 1e-9, seed: 1 });
  assert.not.equal(other.history, s.history);
  q.dispose();
});

test("a start vector along the top eigenvector converges at once", () => {
  const q = createQuadratic({ eigenvalues: [1, 5, 2] });
  const start = [tf.tensor1d([0, 3, 0])];
  const s = sharpness(q, {}, { start, method: "finite-difference", tolerance: 1e-4 });
  assert.ok(s.iterations <= 2 && rel(s.value, 5) < 1e-4, `${s.iterations} ${s.value}`);
  assert.is(start[0].isDisposed, false);
  start[0].dispose();
  q.dispose();
});

test("on the character MLP: the estimate is v·Hv = the second derivative of the loss along v, stable in epsilon; no leak, weights restored", () => {
  const data = createNamesDataset({ seed: 0 });
  const model = createMlpCharModel({ data, hidden: 32, embedding: 4, seed: 1 });
  const batch = model.batch(createRng(0), 64);
  const before = model.params.map((p) => Array.from(p.dataSync()));
  const n0 = tf.memory().numTensors;
  const runs = [1e-2, 1e-3, 1e-4].map((epsilon) => sharpness(model, batch, { epsilon, iterations: 200, tolerance: 1e-6 }));
  assert.is(tf.memory().numTensors, n0, "sharpness leaked tensors");
  model.params.forEach((p, i) => assert.equal(Array.from(p.dataSync()), before[i]));
  for (const r of runs) {
    assert.ok(r.converged && r.method === "finite-difference", `${r.method} converged ${r.converged}`);
    assert.ok(rel(r.value, runs[1].value) < 2e-3, `epsilon changes the estimate: ${runs.map((x) => x.value)}`);
  }
  // an independent check from losses alone: (L(w + h v) - 2 L(w) + L(w - h v)) / h^2 = v·Hv
  const kept = sharpness(model, batch, { iterations: 200, tolerance: 1e-6, keepVector: true });
  const v = kept.vector!;
  const lossAt = (h: number) => {
    model.params.forEach((p, i) => tf.tidy(() => p.assign(tf.add(tf.tensor(before[i], p.shape), tf.mul(h, v[i])))));
    return tf.tidy(() => model.loss(batch).dataSync()[0]);
  };
  const h = 0.05;
  const second = (lossAt(h) - 2 * lossAt(0) + lossAt(-h)) / (h * h);
  assert.ok(kept.value > 0.05 && rel(second, kept.value) < 0.01, `power iteration ${kept.value}, second difference of the loss ${second}`);
  tf.dispose(v);
  tf.dispose(batch);
  model.dispose();
});

test("an indefinite Hessian: the largest eigenvalue, not the one largest in size (shifted second pass)", () => {
  // f(w) = 1/2 w^T diag(2, -5, 0.5) w, rotated: plain power iteration would settle on -5
  const d = [2, -5, 0.5];
  const c = Math.cos(0.7), sn = Math.sin(0.7);
  const Q = [[c, -sn, 0], [sn, c, 0], [0, 0, 1]];
  const H = Q.map((_, i) => Q.map((__, j) => d.reduce((acc, dk, k) => acc + Q[i][k] * dk * Q[j][k], 0)));
  const Ht = tf.tensor2d(H.flat(), [3, 3]);
  const w = tf.variable(tf.tensor1d([0.3, -0.2, 0.5]), true, "indefinite/w");
  const model: Model = {
    name: "indefinite", params: [w], numParams: 3, batch: () => ({}), evaluate: () => 0, dispose: () => w.dispose(),
    loss: () => tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(w, tf.reshape(tf.matMul(Ht, tf.reshape(w, [3, 1])), [3])))) as tf.Scalar),
  };
  for (const method of ["double-backprop", "finite-difference"] as const) {
    const s = sharpness(model, {}, { method, iterations: 300, tolerance: 1e-6 });
    assert.ok(s.shift > 4 && Math.abs(s.value - 2) < 2e-3, `${method}: ${s.value}, shift ${s.shift}`);
  }
  const positive = sharpness(createQuadratic({ eigenvalues: [1, 3] }), {}, { iterations: 100, tolerance: 1e-6 });
  assert.is(positive.shift, 0, "a positive definite bowl needs no second pass");
  model.dispose();
  Ht.dispose();
});

test("rejects bad options", () => {
  const q = createQuadratic({ eigenvalues: [1, 2] });
  assert.throws(() => sharpness(q, {}, { iterations: 0 }), /iterations/);
  assert.throws(() => sharpness(q, {}, { tolerance: -1 }), /tolerance/);
  assert.throws(() => sharpness(q, {}, { method: "newton" as never }), /method/);
  assert.throws(() => sharpness(q, {}, { method: "auto" as never }), /method/);
  assert.throws(() => sharpness(q, {}, { method: "finite-difference", epsilon: 0 }), /epsilon/);
  assert.throws(() => sharpness(q, {}, { start: [] }), /start/);
  q.dispose();
});

test.run();
