// Notebook 07's helpers: schedule plans, SGDR cycle ends, ensembles, the noisy-particle
// simulator (against the training engine), the escape hazard and Spearman's correlation.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import { ready } from "../src/backend";
import { createMultiMinima } from "../src/models/index";
import { sgd } from "../src/optimizers/index";
import { constant, cosineAnnealing, cosineWarmRestarts } from "../src/schedules/index";
import { trainSync } from "../src/train/index";
import { resolveExperiment } from "../src/sweep/index";
import type { SweepConfig } from "../src/sweep/index";
import type { History } from "../src/train/index";
import {
  barrierOut,
  cycleEnds,
  ensembleNll,
  escapeHazard,
  firstCycleFor,
  hotFraction,
  nll,
  armSchedules,
  restartsMlp,
  checkPaired,
  speedUp,
  stepsToTargets,
  RESTARTS_MLP,
  runParticles,
  temperature,
} from "../src/lessons/restarts-cycles";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

test("armSchedules samples each arm's library schedule at its own or the shared peak", () => {
  const arms: { name: string; config: SweepConfig }[] = [
    { name: "cosine", config: { schedule: "cosine" } },
    { name: "sgdr", config: { schedule: { name: "cosine-restarts", firstCycleSteps: 10, cycleMult: 2 } } },
    { name: "low", config: { schedule: "constant", lr: 0.1 } },
  ];
  const [cos, sgdr, low] = armSchedules(arms, 0.3, 70);
  const ref = cosineAnnealing({ lr: 0.3, totalSteps: 70 });
  for (const p of cos.samples) assert.ok(close(p.lr, ref(p.step)));
  assert.is(cos.samples[cos.samples.length - 1].step, 69);
  const restarts = cosineWarmRestarts({ lr: 0.3, firstCycleSteps: 10, cycleMult: 2 });
  for (const p of sgdr.samples) assert.ok(close(p.lr, restarts(p.step)));
  assert.ok(close(sgdr.samples[30].lr, 0.3), "a restart at step 30");
  assert.ok(low.samples.every((p) => p.lr === 0.1));
});

test("cycleEnds and firstCycleFor: SGDR's cycle boundaries", () => {
  assert.equal(cycleEnds(50, 2, 350), [50, 150, 350]);
  assert.equal(cycleEnds(50, 2, 349), [50, 150]);
  assert.equal(cycleEnds(100, 1, 350), [100, 200, 300]);
  assert.is(firstCycleFor(350, 3, 2), 50);
  assert.is(firstCycleFor(2100, 3, 2), 300);
  assert.is(firstCycleFor(400, 4, 1), 100);
  // The schedule restarts exactly at each end.
  const s = cosineWarmRestarts({ lr: 1, firstCycleSteps: 50, cycleMult: 2 });
  for (const e of cycleEnds(50, 2, 350)) assert.ok(close(s(e), 1) && s(e - 1) < 0.01);
  assert.throws(() => cycleEnds(0, 2, 10), /firstCycleSteps/);
});

test("nll and ensembleNll: known values, and the ensemble is never worse than its members' mean", () => {
  assert.is(nll([1, 1]), 0);
  assert.ok(close(nll([Math.exp(-1), Math.exp(-3)]), 2));
  assert.ok(close(ensembleNll([[0.5], [0.1]]), -Math.log(0.3)));
  assert.ok(close(ensembleNll([[0.2, 0.4]]), nll([0.2, 0.4])), "one member: its own NLL");
  let seed = 1;
  const u = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 0.98 + 0.01;
  for (let trial = 0; trial < 20; trial++) {
    const members = [0, 1, 2].map(() => Array.from({ length: 30 }, u));
    const mean = members.reduce((s, m) => s + nll(m), 0) / members.length;
    assert.ok(ensembleNll(members) <= mean + 1e-12);
  }
  assert.throws(() => ensembleNll([[0.5], [0.5, 0.5]]), /same examples/);
});

test("temperature, escape hazard and hot fraction: closed forms", () => {
  assert.ok(close(temperature(0.1, 2), 0.2));
  // A constant rate: steps * lr * exp(-barrier / T).
  assert.ok(close(escapeHazard(constant({ lr: 0.1 }), 100, 0.4, 2), 100 * 0.1 * Math.exp(-2)));
  assert.is(escapeHazard(constant({ lr: 0.1 }), 100, 0.4, 0), 0, "no noise, no escapes");
  assert.is(hotFraction(constant({ lr: 0.1 }), 100, 0.1), 1);
  const cos = cosineAnnealing({ lr: 1, totalSteps: 1000 });
  assert.ok(Math.abs(hotFraction(cos, 1000, 1) - 0.5) <= 0.002, "a cosine is above half its peak half the time");
  // Restarts with equal cycles spend exactly the same time hot as one cosine of the same length.
  const sgdr = cosineWarmRestarts({ lr: 1, firstCycleSteps: 250 });
  assert.ok(Math.abs(escapeHazard(sgdr, 1000, 0.5, 2) - escapeHazard(cos, 1000, 0.5, 2)) < 0.01 * escapeHazard(cos, 1000, 0.5, 2));
});

test("barrierOut: the lower wall of a basin above its floor", () => {
  const f = createMultiMinima({ criticalPoints: [-1.8, -0.9, 0, 0.9, 1.6] });
  const [left, mid, right] = f.minima;
  const [m1, m2] = f.maxima;
  assert.ok(close(barrierOut(f, 2), m2.value - right.value));
  assert.ok(close(barrierOut(f, 0), m1.value - left.value));
  assert.ok(close(barrierOut(f, 1), Math.min(m1.value, m2.value) - mid.value));
  f.dispose();
});

test("runParticles: no noise at a stable rate, nobody leaves; one particle follows the training engine", () => {
  const f = createMultiMinima({ criticalPoints: [-1.8, -0.9, 0, 0.9, 1.6], noise: 2 });
  const quiet = runParticles({ landscape: f, schedule: constant({ lr: 0.1 }), steps: 300, noise: 0, particles: 50, seed: 0 });
  assert.equal(quiet.endFractions, [0, 0, 1]);
  assert.is(quiet.everLeft, 0);
  assert.ok(quiet.final.every((x) => Math.abs(x - 1.6) < 1e-9), "they sit at the start's minimum");
  // With noise, fractions over basins sum to 1 and the curve is sampled every `every` steps.
  const hot = runParticles({ landscape: f, schedule: constant({ lr: 0.08 }), steps: 400, particles: 200, seed: 1, every: 100 });
  assert.equal(hot.curveSteps, [0, 100, 200, 300, 400]);
  assert.ok(Math.abs(hot.endFractions.reduce((s, v) => s + v, 0) - 1) < 1e-9);
  assert.ok(hot.everLeft > 0.5, `at lr 0.08 and noise 2 most particles leave (${hot.everLeft})`);
  // One particle, same seed: the same path as train() on the noisy model (float32 vs float64).
  const start = f.minima[2].x;
  const lr = 0.05;
  const sim = runParticles({ landscape: f, schedule: constant({ lr }), steps: 40, particles: 1, seed: 7, start });
  f.reset([start]);
  trainSync({ model: f, optimizer: sgd({ lr }), steps: 40, batchSize: 1, seed: 7, evalEvery: 0, divergence: false });
  const engine = f.position()[0];
  assert.ok(Math.abs(engine - sim.final[0]) < 1e-3, `engine ${engine} vs simulator ${sim.final[0]}`);
  assert.ok(Math.abs(sim.final[0] - start) > 1e-3, "the noise moved it");
  f.dispose();
});

test("restartsMlp: snapshots score the validation set; the last one is the final model", () => {
  const out = restartsMlp({ schedule: { name: "cosine-restarts", firstCycleSteps: 10, cycleMult: 1 }, lr: 0.5, steps: 20, snapshots: [10, 20], hidden: 16, seed: 0, evalEvery: 10 });
  const losses = JSON.parse(out.metrics.snapshotLosses as string) as number[];
  assert.is(losses.length, 2);
  const at10 = out.history.evals.find((e) => e.step === 10)!.valLoss;
  assert.ok(Math.abs(losses[0] - at10) < 1e-4, `snapshot 10: ${losses[0]} vs eval ${at10}`);
  assert.ok(Math.abs(losses[1] - out.history.finalValLoss!) < 1e-4);
  const ens = out.metrics.ensembleLoss as number;
  assert.ok(ens <= (losses[0] + losses[1]) / 2 + 1e-9);
  const lastK = JSON.parse(out.metrics.ensembleLastK as string) as number[];
  assert.ok(Math.abs(lastK[0] - losses[1]) < 1e-12 && Math.abs(lastK[1] - ens) < 1e-12);
  assert.ok(out.history.steps[10].lr === 0.5 && out.history.steps[9].lr < 0.05, "a restart at step 10");
});

test("stepsToTargets and speedUp: per-run targets, null when a run never gets there", () => {
  const h = (losses: number[]) => ({ evals: losses.map((v, i) => ({ step: 10 * i, valLoss: v, time: 0 })) }) as unknown as History;
  const runs = [h([3, 2.5, 2.2, 2.1]), h([3, 2.4, 2.3, 2.2])];
  assert.equal(stepsToTargets(runs, [2.2, 2.4]), [20, 10]);
  assert.equal(stepsToTargets(runs, [2.0, 2.4]), [null, 10]);
  assert.is(speedUp([30, 30], [20, 10]), 2);
  assert.is(speedUp([30, 30], [null, 10]), null);
  assert.throws(() => stepsToTargets(runs, [2]), /one target per run/);
});

test("checkPaired: every per-seed gap must exceed the minimum", () => {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (l: string) => void lines.push(l);
  try {
    checkPaired("a below b", [1.0, 2.0, 3.0], [1.2, 2.11, 3.19], 0.05, "b − a");
  } finally {
    console.log = orig;
  }
  assert.is(lines[0], "✓ a below b: b − a per seed 0.200, 0.110, 0.190 (smallest 0.110 > 0.05)");
  assert.throws(() => checkPaired("a below b", [1, 2, 3], [1.2, 1.9, 3.2], 0), /✗ a below b: gap per seed 0.200, -0.100, 0.200 \(smallest -0.100 <= 0\)/);
  assert.throws(() => checkPaired("a below b", [1, 1], [1.05, 1.3], 0.1), /smallest 0.050 <= 0.1/);
});

test("a notebook that imported the lesson resolves its experiment without loading the module again", () => {
  assert.is(resolveExperiment({ name: "restarts-mlp", module: "/nowhere/restarts-cycles.ts" }), restartsMlp);
  assert.is(RESTARTS_MLP.name, "restarts-mlp");
  // extensionless: .ts under ts-node, .js in the compiled copy the notebooks import
  assert.ok(RESTARTS_MLP.module.endsWith("src/lessons/restarts-cycles"));
  assert.ok(fs.existsSync(`${RESTARTS_MLP.module}.ts`));
});

test.run();
