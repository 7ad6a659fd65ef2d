// Lesson helpers of notebook 06: Adam's first step is lr per coordinate whatever the gradient,
// quantiles, the stability numbers of a peak grid, the anytime plan's schedules and compute.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createNamesDataset } from "../src/data/text-dataset";
import { adam } from "../src/optimizers/adam";
import { sgd } from "../src/optimizers/sgd";
import {
  quantiles, firstStep, updateSizes, trains, largestTrainingPeak, lrSensitivity, planLength, planCompute,
  wsdFor, cosineFor, PUBLISHED_SCHEDULES, anytimeExperiment, branchEvals, compareSchedules,
} from "../src/lessons/warmup";
import type { PeakPoint } from "../src/lessons/warmup";

test.before(async () => {
  await ready();
});

const data = createNamesDataset({ seed: 0 }).subset(200, 0);
const mlp = () => createMlpCharModel({ data, contextSize: 3, embedding: 4, hidden: 16, seed: 3 });

test("quantiles by nearest rank", () => {
  const q = quantiles(Array.from({ length: 101 }, (_, i) => 100 - i));
  assert.equal([q.p01, q.p10, q.median, q.p90, q.p99], [1, 10, 50, 90, 99]);
  assert.throws(() => quantiles([]));
});

test("Adam's first update is lr per coordinate while the gradients span decades; SGD's is lr·|g|", () => {
  const model = mlp();
  const a = firstStep(model, adam({ lr: 1e-3, eps: 1e-12 }), 32, 0);
  assert.ok(a.grad.p90 / a.grad.p10 > 10, `gradients should span a decade: ${a.grad.p10} .. ${a.grad.p90}`);
  assert.ok(Math.abs(a.updateOverLr.p10 - 1) < 1e-3 && Math.abs(a.updateOverLr.p90 - 1) < 1e-3, JSON.stringify(a.updateOverLr));
  assert.ok(a.atLr > 0.95, `fraction at lr ${a.atLr}`);
  model.dispose();
  const m2 = mlp();
  const s = firstStep(m2, sgd({ lr: 1e-3 }), 32, 0);
  // Same init and batch: the same gradients; SGD moves each weight by lr·|g|.
  assert.ok(Math.abs(s.grad.median - a.grad.median) < 1e-6 * Math.max(1, a.grad.median) + 1e-9);
  assert.ok(Math.abs(s.updateOverLr.median - s.grad.median) < 1e-3 * s.grad.median);
  m2.dispose();
});

test("updateSizes: Adam's mean |Δw| is lr at step 1 and follows the schedule", () => {
  const model = mlp();
  const rows = updateSizes(model, adam({ lr: 1e-3, eps: 1e-12 }), (k) => 1e-3 * (k + 1), 5, 16, 0);
  assert.is(rows.length, 5);
  assert.is(rows[0].step, 1);
  // Every coordinate with a gradient moves by lr; embedding rows of characters absent from the batch do not move.
  const r1 = rows[0].meanAbsUpdate / rows[0].lr;
  assert.ok(r1 > 0.8 && r1 <= 1.0001, `step 1: ${r1}`);
  assert.ok(rows.every((r) => r.meanAbsUpdate <= r.lr * 1.0001), "Adam's step never exceeds lr per coordinate on average here");
  model.dispose();
});

const pt = (lr: number, loss: number, initialLoss = 3.3): PeakPoint => ({ lr, loss, maxLoss: loss, initialLoss, diverged: !Number.isFinite(loss) });

test("largest peak that trains and Wortsman's sensitivity", () => {
  const grid = [pt(0.001, 2.5), pt(0.01, 2.3), pt(0.1, 2.45), pt(1, NaN)];
  assert.ok(trains(grid[2], 2.3, 0.2));
  assert.not.ok(trains(grid[2], 2.3, 0.1));
  assert.is(largestTrainingPeak(grid, 2.3, 0.2), 0.1);
  assert.is(largestTrainingPeak(grid, 2.3, 0.1), 0.01);
  // mean(2.5, 2.3, 2.45, 3.3) - 2.3 = 2.6375 - 2.3
  assert.ok(Math.abs(lrSensitivity(grid) - 0.3375) < 1e-12);
  // A loss above the start counts as the start.
  assert.ok(Math.abs(lrSensitivity([pt(0.1, 2), pt(1, 5)]) - 0.65) < 1e-12);
});

test("anytime plan: lengths, the branch's WSD and the cosine, compute", () => {
  assert.is(planLength(100, 0.25), 125);
  const s = { lr: 0.01, warmupSteps: 10, checkpoints: [40, 80, 160], cooldownFraction: 0.25, decayShape: "linear" as const, floor: 0.1 };
  const w = wsdFor(s, 80);
  assert.ok(Math.abs(w(5) - 0.0055) < 1e-12); // Hugging Face WSD warms up from its floor (0.001)
  assert.is(w(79), 0.01);
  assert.ok(Math.abs(w(100) - 0.001) < 1e-12);
  const c = cosineFor(s, 80);
  assert.is(c(10), 0.01);
  assert.ok(Math.abs(c(100) - 0.001) < 1e-12);
  const k = planCompute([40, 80, 160], 0.25);
  assert.equal(k, { branched: 160 + 10 + 20 + 40, separate: 50 + 100 + 200 });
});

test("the anytime experiment: a branch's final loss equals the straight WSD run's", () => {
  const base = { lr: 0.01, warmupSteps: 4, checkpoints: [8, 16], cooldownFraction: 0.5, floor: 0.1, width: 8, heads: 2, evalWindows: 8, batchSize: 4, evalEvery: 4, seed: 1 };
  const br = anytimeExperiment({ ...base, plan: "branched" });
  assert.is(br.history.stepsDone, 16);
  assert.is(br.metrics!.updates, 16 + 4 + 8);
  const evals = branchEvals(br.metrics, 1);
  assert.equal(evals.map((e) => e.step), [16, 20, 24]);
  assert.is(br.metrics!.branch1, evals[2].valLoss);
  const cos = anytimeExperiment({ ...base, plan: "cosine", checkpoint: 16 });
  assert.is(cos.history.stepsDone, 24);
  // Same init and batches: the two plans agree exactly up to the end of the shared warmup.
  assert.equal(cos.history.steps.slice(0, 4).map((r) => r.trainLoss), br.history.steps.slice(0, 4).map((r) => r.trainLoss));
});

test("compareSchedules: multi-seed arms at every seed, the others at the first; workers and cache are passed on", async () => {
  const specs = { cosine: { name: "warmup-cosine", warmupSteps: 1, minLr: 0 }, constant: "constant" };
  const fixed = { lr: 0.01, steps: 3, width: 8, heads: 2, layers: 1, evalWindows: 4, batchSize: 2 };
  const cmp = await compareSchedules(specs, fixed, [0, 1], ["cosine"], { workers: 0, cacheDir: null });
  assert.is(cmp.arm("cosine").runs.length, 2);
  assert.equal(cmp.arm("cosine").runs.map((r) => r.config.seed), [0, 1]);
  assert.is(cmp.arm("constant").runs.length, 1);
  assert.ok(cmp.arm("constant").values.every(Number.isFinite));
  assert.match(cmp.summary, /2\/2 runs \(2 run now on this process, 0 cached\).*1\/1 runs \(1 run now on this process, 0 cached\)/);
  assert.throws(() => cmp.arm("wsd"), /no arm "wsd"/);
});

test("published schedules: every row has a source with a mark", () => {
  assert.ok(PUBLISHED_SCHEDULES.length >= 5);
  for (const r of PUBLISHED_SCHEDULES) assert.match(r.source, /\[(V|S)\]/);
});

test.run();
