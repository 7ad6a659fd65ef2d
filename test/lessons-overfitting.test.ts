// Notebook 09's helpers: the overfit experiment (train-split evaluations, restore-best), weight
// decay in three forms, reading curves at equal training loss, Spearman's rho and separability.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import type { History } from "../src/train/index";
import {
  adamWithDecay,
  additiveFit,
  argminPerColumn,
  argminPerRow,
  atTrainLoss,
  gapCurve,
  mean,
  overfitExperiment,
  overfitRun,
  turningPoint,
} from "../src/lessons/overfitting";
import type { GapCurve, OverfitHistory } from "../src/lessons/overfitting";
import { resolveExperiment } from "../src/sweep/experiments";

test.before(async () => {
  await ready({ backend: "cpu" });
});

/** One update of w = [1] with a zero loss gradient: only the weight decay acts. */
function afterOneStep(form: "l2" | "coupled" | "independent", lr: number, wd: number): number {
  const w = tf.variable(tf.tensor1d([1]));
  const opt = adamWithDecay(form, lr, wd);
  opt.minimize(() => tf.mul(tf.sum(w), tf.scalar(0)) as tf.Scalar, false, [w]);
  const v = w.dataSync()[0];
  w.dispose();
  opt.dispose();
  return v;
}

test("weight decay forms: L2 goes through Adam's normalisation, PyTorch AdamW shrinks by lr*wd, the paper form by wd", () => {
  // L2: the gradient is wd*w, Adam's first step moves by lr whatever the gradient's size.
  assert.ok(Math.abs(afterOneStep("l2", 0.01, 1e-3) - 0.99) < 1e-6);
  assert.ok(Math.abs(afterOneStep("l2", 0.01, 1) - 0.99) < 1e-6);
  // Coupled: w (1 - lr wd).
  assert.ok(Math.abs(afterOneStep("coupled", 0.01, 2) - 0.98) < 1e-6);
  assert.ok(Math.abs(afterOneStep("coupled", 0.001, 2) - 0.998) < 1e-6);
  // Independent: w (1 - wd) at any peak rate.
  assert.ok(Math.abs(afterOneStep("independent", 0.01, 0.05) - 0.95) < 1e-6);
  assert.ok(Math.abs(afterOneStep("independent", 0.001, 0.05) - 0.95) < 1e-6);
  assert.throws(() => adamWithDecay("l2", 0.01, -1), RangeError);
  assert.throws(() => adamWithDecay("independent", 0, 0.1), RangeError);
  assert.throws(() => adamWithDecay("x" as "l2", 0.01, 0), RangeError);
});

const curve: GapCurve = { steps: [0, 10, 20, 30], train: [3, 2, 1.5, 1], val: [3.1, 2.5, 2.4, 2.8], gap: [0.1, 0.5, 0.9, 1.8] };

test("turningPoint finds the lowest validation loss; atTrainLoss interpolates to a training-loss level", () => {
  assert.equal(turningPoint(curve), { step: 20, val: 2.4, train: 1.5, gap: 0.9 });
  // what an early stop at step 10 (or 15) had seen: the best so far, not the run's best
  assert.equal(turningPoint(curve, 10), { step: 10, val: 2.5, train: 2, gap: 0.5 });
  assert.equal(turningPoint(curve, 15), turningPoint(curve, 10));
  assert.equal(turningPoint(curve, 30), turningPoint(curve));
  assert.throws(() => turningPoint(curve, -1), /upToStep must be at or after the first evaluation \(step 0\); got -1/);
  const at = atTrainLoss(curve, 2.5)!;
  assert.is(at.step, 5);
  assert.ok(Math.abs(at.val - 2.8) < 1e-12);
  const at2 = atTrainLoss(curve, 1.25)!;
  assert.is(at2.step, 25);
  assert.ok(Math.abs(at2.val - 2.6) < 1e-12);
  assert.equal(atTrainLoss(curve, 3.5), { step: 0, val: 3.1 });
  assert.is(atTrainLoss(curve, 0.5), null);
  assert.throws(() => atTrainLoss(curve, NaN), RangeError);
});

test("gapCurve pairs train and val evaluations by step", () => {
  const h = { evals: [{ step: 0, valLoss: 3 }, { step: 5, valLoss: 2.5 }], trainEvals: [{ step: 0, loss: 2.9 }, { step: 5, loss: 2 }] } as unknown as History;
  assert.equal(gapCurve(h), { steps: [0, 5], train: [2.9, 2], val: [3, 2.5], gap: [3 - 2.9, 0.5] });
  assert.throws(() => gapCurve({ evals: [] } as unknown as History), RangeError);
});

test("additiveFit: separability 1 for row + column grids, 0 for pure interaction, in between for a diagonal valley", () => {
  const additive = [[1, 2, 4], [3, 4, 6]];
  const a = additiveFit(additive);
  assert.ok(Math.abs(a.separability - 1) < 1e-12);
  assert.ok(Math.abs(a.mean - 10 / 3) < 1e-12);
  assert.equal(a.row.map((v) => Math.round(v * 1e9) / 1e9), [-1, 1]);
  assert.is(additiveFit([[1, -1], [-1, 1]]).separability, 0);
  // A diagonal valley: the best column moves with the row.
  const diagonal = [[0, 1, 2], [1, 0, 1], [2, 1, 0]];
  const d = additiveFit(diagonal).separability;
  assert.ok(d < 0.2, `diagonal separability ${d}`);
  assert.is(additiveFit([[2, 2], [2, 2]]).separability, 1);
  assert.throws(() => additiveFit([[1, 2]]), RangeError);
  assert.throws(() => additiveFit([[1, 2], [1]]), RangeError);
  assert.throws(() => additiveFit([[1, NaN], [1, 2]]), RangeError);
  assert.equal(argminPerRow(diagonal), [0, 1, 2]);
  assert.equal(argminPerColumn([[3, 1], [2, 5], [4, 0]]), [1, 2]);
  assert.is(mean([1, 2, 6]), 3);
});

test("overfitExperiment evaluates the train split at every evaluation; patience restores the best weights", () => {
  const base = { words: 20, hidden: 16, embedding: 4, steps: 120, evalEvery: 10, batchSize: 16, seed: 0 };
  const plain = overfitExperiment({ ...base, lr: 0.03 });
  const h = plain.history as OverfitHistory;
  assert.equal(h.trainEvals.map((t) => t.step), h.evals.map((e) => e.step));
  const c = gapCurve(h);
  assert.ok(c.train[c.train.length - 1] < c.train[0] - 0.5, "trains on its 20 names");
  assert.ok(c.gap[c.gap.length - 1] > c.gap[0] + 0.3, "and overfits them");
  assert.is(plain.metrics!.endValLoss, h.finalValLoss);
  const stopped = overfitExperiment({ ...base, lr: 0.03, patience: 2 });
  const s = stopped.history;
  assert.is(s.endReason, "early-stopped");
  assert.ok(s.stepsDone < base.steps);
  assert.is(s.restoredStep, s.bestValStep);
  assert.is(stopped.metrics!.endValLoss, s.bestValLoss, "the restored weights are those of the best evaluation");
  // The same seed and batch order: the stopped run is the plain run cut short.
  assert.equal(s.evals.map((e) => e.valLoss), h.evals.slice(0, s.evals.length).map((e) => e.valLoss));
});

test("overfitRun names a module that registers the experiment", () => {
  const ref = overfitRun() as { name: string; module: string };
  assert.is(typeof resolveExperiment(ref), "function");
});

test.run();
