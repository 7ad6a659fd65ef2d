// Notebook 05's helpers: the arms (as sweep specs), the noisy quadratic's floor and exact expected
// loss under a schedule, the summed rate, reduce-on-plateau driven by a run, and the experiments.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createNoisyQuadratic } from "../src/models/index";
import { constant, cosineAnnealing, reduceOnPlateau } from "../src/schedules/index";
import { runExperiment } from "../src/sweep/experiments";
import {
  armSamples,
  armSchedule,
  cosineLeftAt,
  decayArms,
  decayExperiment,
  expectedLossByCoordinate,
  expectedLossCurve,
  floorArms,
  horizonArms,
  logSpaced,
  noiseFloor,
  plateauArm,
  plateauDriver,
  quadraticProblem,
  summedRate,
  summedRateOf,
  tooFastArm,
} from "../src/lessons/decay-schedules";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

test("noiseFloor: a hand value, and the model's own steady state (lr^2 c / (1 - r^2) per coordinate)", () => {
  // One coordinate, lambda = 1, c = 1, lr = 0.5: 0.5 / (2 * 1.5) = 1/6.
  assert.ok(close(noiseFloor(0.5, [1], [1]), 1 / 6));
  const h = logSpaced(7, 0.01, 1);
  const c = h.map((_, i) => 0.1 + i * 0.05);
  const model = createNoisyQuadratic({ curvatures: h, noiseVariances: c });
  for (const lr of [0.1, 1, 1.9]) assert.ok(close(noiseFloor(lr, h, c), model.steadyStateLoss(lr, 1), 1e-12), `lr ${lr}`);
  assert.is(noiseFloor(2.5, h, c), Infinity, "unstable: lr * lambda_max >= 2");
  model.dispose();
});

test("expectedLossCurve: with a constant rate it is the model's closed form at every step", () => {
  const p = quadraticProblem({ dim: 5, lo: 0.05, hi: 1.2, noise: 0.3 });
  const model = createNoisyQuadratic(p);
  const curve = expectedLossCurve(constant({ lr: 0.7 }), 200, p);
  assert.is(curve.length, 201);
  for (const t of [0, 1, 17, 200]) assert.ok(close(curve[t], model.expectedLoss(0.7, 1, t), 1e-9), `step ${t}`);
  // And it settles at the floor.
  assert.ok(close(expectedLossCurve(constant({ lr: 0.7 }), 5000, p)[5000], noiseFloor(0.7, p.curvatures, p.noiseVariances), 1e-6));
  model.dispose();
});

test("expectedLossByCoordinate: bias + variance add up to the expected loss; no noise means no variance", () => {
  const p = quadraticProblem({ dim: 6, lo: 0.01, hi: 1, noise: 0.05 });
  const s = cosineAnnealing({ lr: 1, totalSteps: 300 });
  const parts = expectedLossByCoordinate(s, 300, p);
  const sum = parts.bias.reduce((a, b) => a + b, 0) + parts.variance.reduce((a, b) => a + b, 0);
  assert.ok(close(sum, expectedLossCurve(s, 300, p)[300], 1e-12));
  const quiet = expectedLossByCoordinate(s, 300, { curvatures: p.curvatures, noiseVariances: p.curvatures.map(() => 0) });
  assert.ok(quiet.variance.every((v) => v === 0));
  // Bias of a coordinate = 1/2 lambda prod (1 - lr_t lambda)^2.
  let prod = 1;
  for (let t = 0; t < 300; t++) prod *= (1 - s(t) * 0.01) ** 2;
  assert.ok(close(quiet.bias[0], 0.5 * 0.01 * prod, 1e-12));
});

test("summed rate: a cosine over T sums to T/2 + 1/2; a history sums the rates it used", async () => {
  assert.ok(close(summedRate(cosineAnnealing({ lr: 1, totalSteps: 100 }), 100), 50.5, 1e-12));
  assert.ok(close(summedRate(constant({ lr: 0.3 }), 10), 3, 1e-12));
  const out = await runExperiment(decayExperiment("decay-quadratic"), { lr: 0.5, steps: 40, schedule: "cosine", dim: 3, replicas: 2, evalEvery: 0 });
  assert.ok(close(summedRateOf(out.history), summedRate(cosineAnnealing({ lr: 0.5, totalSteps: 40 }), 40), 1e-12));
  assert.ok(close(out.metrics!.summedRate as number, summedRateOf(out.history), 1e-12));
});

test("arms: the specs mean the schedules they are named after", () => {
  const T = 200;
  const arms = decayArms();
  assert.equal(arms.map((a) => a.name), ["constant", "step", "multi-step", "exponential", "linear (poly 1)", "poly 2", "cosine"]);
  const at = (name: string, t: number) => armSchedule(arms.find((a) => a.name === name)!.schedule, 2, T)(t);
  assert.is(at("constant", 150), 2);
  assert.ok(close(at("step", 66), 0.2) && close(at("step", 65), 2), "x0.1 every floor(T/3) steps");
  assert.ok(close(at("multi-step", 100), 0.2) && close(at("multi-step", 150), 0.02) && close(at("multi-step", 99), 2));
  assert.ok(close(at("exponential", T), 0.02, 1e-9), "1% of the peak at the end");
  assert.ok(close(at("linear (poly 1)", 50), 1.5) && close(at("poly 2", 100), 0.5));
  assert.ok(close(at("cosine", 100), 1, 1e-12));
  const fast = tooFastArm(T);
  assert.ok(close(armSchedule(fast.schedule, 1, T)(40), 1e-4, 1e-9), "1e-4 of the peak after 20% of the run");
  const samples = armSamples(arms, 1, T, 10);
  assert.is(samples.length, arms.length);
  assert.is(samples[0].samples[samples[0].samples.length - 1].step, T - 1);
});

test("horizon and floor arms: the rate left at the end is (1 + cos(pi / c)) / 2, or the floor", () => {
  assert.ok(close(cosineLeftAt(1), 0, 1e-12) || Math.abs(cosineLeftAt(1)) < 1e-15);
  assert.ok(close(cosineLeftAt(2), 0.5, 1e-12));
  assert.ok(Math.abs(cosineLeftAt(1.25) - 0.0954915) < 1e-6);
  assert.throws(() => cosineLeftAt(0.5), RangeError);
  const T = 400;
  for (const a of horizonArms(T, [1, 1.25, 2, 5])) {
    const c = Number(a.name.match(/for ([\d.]+)×/)![1]);
    assert.ok(Math.abs(armSchedule(a.schedule, 1, T)(T) - cosineLeftAt(c)) < 1e-12, a.name);
  }
  for (const a of floorArms(0.2, [0, 0.1, 0.5])) {
    const f = Number(a.name.match(/to ([\d.]+)×/)![1]);
    assert.ok(Math.abs(armSchedule(a.schedule, 0.2, T)(T) - f * 0.2) < 1e-15, a.name);
  }
});

test("plateauDriver: the window's mean loss feeds reduceOnPlateau; the schedule follows its rate", () => {
  const d = plateauDriver(reduceOnPlateau({ lr: 1, factor: 0.5, patience: 1 }), 2);
  const feed = (step: number, loss: number) => d.callbacks.onStep!({ step, lr: d.schedule(step), trainLoss: loss, gradNorm: 0, updateRatio: 0, time: 0 });
  // Windows of 2: means 3, 2 (better), 2, 2 -> the 2nd bad window (> patience 1) halves the rate.
  [3, 3, 2, 2, 2, 2].forEach((l, i) => feed(i, l));
  assert.is(d.schedule(6), 1, "one bad window is tolerated");
  feed(6, 2);
  feed(7, 2);
  assert.is(d.schedule(8), 0.5);
  assert.equal(d.reductions, [8]);
  assert.throws(() => plateauDriver(reduceOnPlateau({ lr: 1 }), 0), RangeError);
});

test("decay-quadratic: without noise each copy follows the exact descent, and the loss is per copy", async () => {
  const p = quadraticProblem({ dim: 4, lo: 0.1, hi: 1, noise: 0 });
  const out = await runExperiment(decayExperiment("decay-quadratic"), { lr: 0.8, steps: 30, schedule: "cosine", dim: 4, lo: 0.1, hi: 1, noise: 0, replicas: 3, evalEvery: 10 });
  const exact = expectedLossCurve(cosineAnnealing({ lr: 0.8, totalSteps: 30 }), 30, p);
  assert.equal(out.history.evals.map((e) => e.step), [0, 10, 20, 30]);
  for (const e of out.history.evals) assert.ok(close(e.valLoss, exact[e.step], 1e-5), `step ${e.step}: ${e.valLoss} vs ${exact[e.step]}`);
  assert.ok(close(out.history.finalValLoss!, exact[30], 1e-5));
});

test("decay-names: a schedule spec, and reduce-on-plateau steering the run", async () => {
  const fixed = { lr: 0.01, steps: 12, optimizer: "adam", batchSize: 8, words: 300, hidden: 16 };
  const cos = await runExperiment(decayExperiment("decay-names"), { ...fixed, schedule: "cosine" });
  assert.is(cos.history.stepsDone, 12);
  assert.ok(close(cos.metrics!.summedRate as number, summedRate(cosineAnnealing({ lr: 0.01, totalSteps: 12 }), 12), 1e-12));
  // A threshold no window can beat: every window after the first is bad, so with patience 0 the
  // rate drops by the factor after every window from the second on.
  const plateau = await runExperiment(decayExperiment("decay-names"), { ...fixed, schedule: plateauArm({ factor: 0.5, patience: 0, window: 3, threshold: 0.99 }).schedule });
  const lrs = plateau.history.steps.map((s) => s.lr);
  assert.equal(lrs, [0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025]);
  assert.is(plateau.metrics!.reductions, "6 9 12");
  assert.ok(Number.isFinite(plateau.history.finalValLoss!));
});

test.run();
