// Notebook 03's helpers: stopping at a target, reading steps and seconds to it from a history,
// the log-log slope, and how fast a curve still falls.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createQuadratic } from "../src/models/index";
import { sgd } from "../src/optimizers/index";
import { train } from "../src/train/index";
import type { History } from "../src/train/index";
import { dropPer100, dropPerDoubling, evalCurve, stepsToTarget, stopBelow, valueAt } from "../src/lessons/too-low";

test.before(async () => {
  await ready({ backend: "cpu" });
});

/** f = w^2 / 2 from w = 1: after t steps of lr the loss is (1 - lr)^(2t) / 2. */
function exactSteps(lr: number, target: number): number {
  return Math.ceil(Math.log(target / 0.5) / (2 * Math.log(1 - lr)));
}

test("stopBelow('train') ends the run at the first loss below target; stepsToTarget reads the same step", async () => {
  for (const lr of [0.05, 0.2]) {
    const target = 1e-3;
    const h = await train({ model: createQuadratic({ eigenvalues: [1] }), optimizer: sgd({ lr }), steps: 10_000, batchSize: 1, seed: 0, evalEvery: 0, callbacks: stopBelow(target, "train") });
    const reached = stepsToTarget(h, target, "train");
    assert.ok(reached !== null);
    assert.is(reached!.steps, exactSteps(lr, target));
    assert.is(h.endReason, "stopped-by-callback");
    assert.is(h.stepsDone, reached!.steps + 1, "the update after the check is the last one");
    assert.ok(reached!.seconds >= 0 && reached!.seconds <= h.seconds);
  }
});

test("stopBelow('eval') stops at the first evaluation below target", async () => {
  const h = await train({ model: createQuadratic({ eigenvalues: [1] }), optimizer: sgd({ lr: 0.1 }), steps: 1000, batchSize: 1, seed: 0, evalEvery: 5, callbacks: stopBelow(0.01, "eval") });
  const reached = stepsToTarget(h, 0.01, "eval")!;
  assert.is(reached.steps % 5, 0);
  assert.is(reached.steps, Math.ceil(exactSteps(0.1, 0.01) / 5) * 5);
  assert.is(h.stepsDone, reached.steps);
  assert.is(stepsToTarget(h, 1e-9, "eval"), null, "never reached");
});

test("stepsToTarget and stopBelow reject bad input", () => {
  const h = { steps: [], evals: [] } as unknown as History;
  assert.throws(() => stepsToTarget(h, NaN, "train"), RangeError);
  assert.throws(() => stepsToTarget(h, 1, "val" as "eval"), RangeError);
  assert.throws(() => stopBelow(Infinity, "eval"), RangeError);
  assert.throws(() => stopBelow(1, "x" as "eval"), RangeError);
});

test("valueAt interpolates; dropPer100 and dropPerDoubling measure the fall", () => {
  const curve = [0, 100, 200, 400].map((step) => ({ step, value: 10 - step / 100 }));
  assert.is(valueAt(curve, 150), 8.5);
  assert.is(valueAt(curve, 400), 6);
  assert.throws(() => valueAt(curve, 401), RangeError);
  assert.ok(Math.abs(dropPer100(curve, 300) - 1) < 1e-12);
  assert.is(dropPerDoubling(curve), 2);
  assert.throws(() => dropPer100(curve, 500), RangeError);
  assert.throws(() => dropPer100(curve, 0), RangeError);
  const flat = [0, 1000, 2000].map((step) => ({ step, value: 3 }));
  assert.is(dropPer100(flat, 1000), 0);
});

test("evalCurve lists the evaluations", async () => {
  const h = await train({ model: createQuadratic({ eigenvalues: [1] }), optimizer: sgd({ lr: 0.5 }), steps: 4, batchSize: 1, seed: 0, evalEvery: 2 });
  assert.equal(evalCurve(h).map((p) => p.step), [0, 2, 4]);
  assert.ok(Math.abs(evalCurve(h)[1].value - 0.5 * Math.pow(0.5, 4)) < 1e-7);
});

test.run();
