// Notebook 01's helpers, checked against what linear algebra says about gradient descent on a
// quadratic: each eigen-direction is multiplied by (1 - lr * lambda) per step.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createQuadratic, gradientDescent } from "../src/models/index";
import * as tf from "@tensorflow/tfjs-core";
import { contractionFactor, heavyBall, lossGrid, medianFrom, sharpnessAtRates, sharpnessDuringGd, stabilityEdge, stepsToTolerance } from "../src/lessons/gradient-descent";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const close = (a: number, b: number, rel: number, what: string) =>
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b} (rel ${rel})`);

test("contractionFactor reads |1 - lr L| off a 1-D path, Infinity after overflow", () => {
  const q = createQuadratic({ eigenvalues: [4], start: [1] });
  for (const lr of [0.1, 0.45, 0.6]) {
    const p = gradientDescent(q, q.start, lr, 30);
    close(contractionFactor(p.path, q.optimum, 10), Math.abs(1 - lr * 4), 1e-12, `lr ${lr}`);
  }
  const blown = gradientDescent(q, q.start, 100, 400); // stops once the loss overflows
  close(contractionFactor(blown.path, q.optimum, 1), 399, 1e-12, "last finite step");
  assert.is(contractionFactor([[1], [Infinity]], [0], 1), Infinity);
  assert.is(contractionFactor([[1], [NaN]], [0], 1), Infinity);
  assert.throws(() => contractionFactor([[1], [0.5]], [0], 2), (e: Error) => e instanceof RangeError && /window \+ 1 = 3/.test(e.message));
  assert.throws(() => contractionFactor([[1], [0.5]], [0], 0), /window must be an integer >= 1/);
  q.dispose();
});

test("contractionFactor of a 2-D path tends to the slowest direction's factor", () => {
  const q = createQuadratic({ eigenvalues: [1, 10], rotate: true, seed: 2 });
  const lr = 0.05; // factors 0.95 and 0.5: the flat direction is left after a while
  const p = gradientDescent(q, q.start, lr, 200);
  close(contractionFactor(p.path, q.optimum, 20), 0.95, 1e-9, "flat direction");
  q.dispose();
});

test("stepsToTolerance matches ceil(ln tol / (2 ln|1 - lr L|)) on a 1-D quadratic; null when too few steps or diverging", () => {
  const q = createQuadratic({ eigenvalues: [2], start: [3] });
  for (const lr of [0.05, 0.3, 0.8]) {
    for (const tol of [1e-2, 1e-6]) {
      const exact = Math.ceil(Math.log(tol) / (2 * Math.log(Math.abs(1 - 2 * lr))));
      assert.is(stepsToTolerance(q, q.start, lr, { tolerance: tol, maxSteps: 10_000 }), exact, `lr ${lr} tol ${tol}`);
    }
  }
  assert.is(stepsToTolerance(q, q.start, 0.5, { tolerance: 1e-9, maxSteps: 5 }), 1, "lr = 1/L lands on the minimum in one step");
  assert.is(stepsToTolerance(q, q.start, 0.01, { tolerance: 1e-6, maxSteps: 50 }), null);
  assert.is(stepsToTolerance(q, q.start, 1.2, { tolerance: 1e-6, maxSteps: 5000 }), null);
  assert.throws(() => stepsToTolerance(q, q.start, 0.1, { tolerance: 1, maxSteps: 5 }), /tolerance must be in \(0, 1\)/);
  assert.throws(() => stepsToTolerance(q, q.start, -1, { tolerance: 0.1, maxSteps: 5 }), /lr must be a finite number > 0/);
  q.dispose();
});

test("stabilityEdge finds 2/L: 1-D, an axis-aligned spectrum and a rotated one", () => {
  const one = createQuadratic({ eigenvalues: [4], start: [1] });
  close(stabilityEdge(one, one.start, one.optimum, { lo: 0.1, hi: 1 }), 0.5, 1e-12, "1-D");
  const three = createQuadratic({ eigenvalues: [0.5, 3, 12] });
  close(stabilityEdge(three, three.start, three.optimum, { lo: 0.01, hi: 1 }), 2 / 12, 1e-9, "[0.5, 3, 12]");
  const rotated = createQuadratic({ eigenvalues: [1, 7, 50], rotate: true, seed: 5 });
  close(stabilityEdge(rotated, rotated.start, rotated.optimum, { lo: 0.001, hi: 0.2 }), 2 / 50, 1e-9, "rotated");
  for (const q of [one, three, rotated]) q.dispose();
});

test("stabilityEdge refuses a bracket that does not straddle the edge", () => {
  const q = createQuadratic({ eigenvalues: [4], start: [1] });
  assert.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.6, hi: 1 }), (e: Error) => e instanceof RangeError && /lo=0.6 .* diverges/.test(e.message));
  assert.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.1, hi: 0.4 }), /hi=0.4 .* converges/);
  assert.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.4, hi: 0.1 }), /need lo < hi/);
  assert.throws(() => stabilityEdge(q, q.start, q.optimum, { lo: 0.1, hi: 1, steps: 10, window: 10 }), /window must be < steps/);
  q.dispose();
});

test("heavyBall: beta = 0 is plain gradient descent; the first steps follow the recurrence", () => {
  const q = createQuadratic({ eigenvalues: [1, 9], rotate: true, seed: 1 });
  const plain = gradientDescent(q, q.start, 0.1, 20);
  assert.equal(heavyBall(q, q.start, 0.1, 0, 20).path, plain.path);
  const m = heavyBall(q, q.start, 0.1, 0.5, 2);
  const g0 = q.gradient(q.start);
  const w1 = q.start.map((v, i) => v - 0.1 * g0[i]);
  const g1 = q.gradient(w1);
  const w2 = w1.map((v, i) => v - 0.1 * g1[i] + 0.5 * (v - q.start[i]));
  assert.equal(m.path, [q.start.slice(), w1, w2]);
  assert.throws(() => heavyBall(q, q.start, 0.1, 1, 5), /beta must be in \[0, 1\)/);
  q.dispose();
});

test("heavyBall on w^2 L/2 is stable iff lr L < 2 (1 + beta)", () => {
  const q = createQuadratic({ eigenvalues: [2], start: [1] });
  const beta = 0.5; // limit lr = 2 (1.5) / 2 = 1.5
  assert.ok(heavyBall(q, q.start, 1.45, beta, 2000).losses.at(-1)! < 1e-6);
  const over = heavyBall(q, q.start, 1.55, beta, 2000);
  assert.ok(over.diverged || over.losses.at(-1)! > 1e6);
  q.dispose();
});

test("lossGrid lays z out as z[j][i] = f([x_i, y_j]) and checks its ranges", () => {
  const g = lossGrid({ value: (w) => w[0] + 10 * w[1] }, [0, 2], [-1, 1], 3);
  assert.equal(g.x, [0, 1, 2]);
  assert.equal(g.y, [-1, 0, 1]);
  assert.equal(g.z, [[-10, -9, -8], [0, 1, 2], [10, 11, 12]]);
  assert.throws(() => lossGrid({ value: () => 0 }, [1, 1], [0, 1], 3), /xRange must be \[min, max\]/);
  assert.throws(() => lossGrid({ value: () => 0 }, [0, 1], [0, 1], 1), /n must be an integer >= 2/);
});

test("sharpnessDuringGd on a quadratic: the sharpness is L at every step, lr·L the product, the loss falls as (1 - lr μ)^2t", () => {
  const q = createQuadratic({ eigenvalues: [0.5, 2, 4], rotate: true, seed: 2 });
  const n0 = tf.memory().numTensors;
  const t = sharpnessDuringGd(q, {}, { lr: 0.3, steps: 40, every: 10, iterations: 200, tolerance: 1e-6 });
  assert.is(tf.memory().numTensors, n0);
  assert.equal(t.steps, [0, 10, 20, 30, 40]);
  for (const s of t.sharpness) assert.ok(Math.abs(s - 4) < 4e-3, `${t.sharpness}`);
  for (const p of t.product) assert.ok(Math.abs(p - 1.2) < 2e-3, `${t.product}`);
  assert.ok(t.converged && !t.diverged);
  // late in the run the slowest direction (0.5) dominates: the loss shrinks by (1 - 0.15)^20 per 10 steps
  const ratio = t.loss[4] / t.loss[3];
  assert.ok(Math.abs(ratio - 0.85 ** 20) < 0.02 * 0.85 ** 20, `${ratio}`);
  assert.ok(Math.abs(medianFrom(t, 20) - 1.2) < 2e-3);
  assert.throws(() => medianFrom(t, 41), /no measurement/);
  q.dispose();
});

test("sharpnessDuringGd stops at a non-finite loss above 2/L, and sharpnessAtRates gives every rate a fresh model", async () => {
  const q = createQuadratic({ eigenvalues: [1, 10] });
  const blown = sharpnessDuringGd(q, {}, { lr: 2, steps: 500, every: 5, iterations: 50 });
  assert.ok(blown.diverged && blown.steps.length < 100, `${blown.steps.length}`);
  q.dispose();
  let made = 0;
  const traces = await sharpnessAtRates(() => (made++, createQuadratic({ eigenvalues: [1, 10] })), {}, [0.05, 0.15], { steps: 20, every: 10, iterations: 100, tolerance: 1e-6 });
  assert.is(made, 2);
  assert.equal(traces.map((t) => t.lr), [0.05, 0.15]);
  assert.ok(traces.every((t) => Math.abs(t.sharpness[0] - 10) < 0.01 && t.loss[0] === traces[0].loss[0]));
  assert.ok(traces[1].product[2] > 2 - 0.6 && traces[0].product[2] < 0.6);
  assert.throws(() => sharpnessDuringGd(createQuadratic({ eigenvalues: [1] }), {}, { lr: 0.1, steps: 0, every: 1 }), /steps/);
});

test.run();
