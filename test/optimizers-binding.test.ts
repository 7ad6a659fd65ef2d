// The schedule bindings in a hand-written loop: applySchedule / scheduleDriver set the rate of
// update k to schedule(k) (PyTorch's counting), resume from a start step, refuse bad rates; and
// they accept the project's real schedules (src/schedules) through their structural types.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { reduceOnPlateau, warmupCosine } from "../src/schedules/index";
import { NamedGradient, PlateauController, StepSchedule, adamw, applySchedule, scheduleDriver, sgd } from "../src/optimizers/index";
import { loadFixture, setUpProblem } from "./optimizers-helpers";

const leastsq = loadFixture().problems.leastsq;

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("scheduleDriver: update k uses schedule(k); warmup from 0 leaves the first update a no-op", () => {
  const schedule: StepSchedule = warmupCosine({ lr: 0.05, warmupSteps: 5, totalSteps: 30, minLr: 0.005 });
  const p = setUpProblem(leastsq, "driver");
  const opt = adamw({ lr: 1 });
  const used: number[] = [];
  const apply = opt.applyGradients.bind(opt);
  opt.applyGradients = (g: tf.NamedTensorMap | NamedGradient[]) => {
    used.push(opt.learningRate);
    apply(g);
  };
  const drive = scheduleDriver(opt, schedule);
  const w0 = Array.from(p.vars.W.dataSync());
  for (let k = 0; k < 30; k++) {
    assert.is(drive.step, k);
    const lr = drive.next();
    assert.is(lr, schedule(k));
    opt.minimize(p.loss);
    if (k === 0) assert.equal(Array.from(p.vars.W.dataSync()), w0, "lr 0 at step 0 must not move W (weight decay is x lr too)");
  }
  assert.equal(used, Array.from({ length: 30 }, (_, k) => schedule(k)));
  // Resuming: a driver that starts at step 12 continues the same sequence.
  const resumed = scheduleDriver(opt, schedule, { startStep: 12 });
  assert.is(resumed.next(), schedule(12));
  assert.is(opt.learningRate, schedule(12));
  opt.dispose();
  p.dispose();
});

test("applySchedule refuses a bad step or a bad rate, and leaves the optimizer's rate unchanged", () => {
  const opt = sgd({ lr: 0.1 });
  for (const [schedule, step, word] of [
    [() => -0.01, 0, "learningRate"],
    [() => NaN, 3, "learningRate"],
    [() => 0.1, -1, "step"],
    [() => 0.1, 1.5, "step"],
  ] as [StepSchedule, number, string][]) {
    try {
      applySchedule(opt, schedule, step);
      assert.unreachable("no RangeError");
    } catch (e) {
      assert.instance(e, RangeError);
      assert.ok((e as Error).message.includes(word), (e as Error).message);
    }
  }
  assert.is(opt.learningRate, 0.1);
  assert.is(applySchedule(opt, (k) => 0.1 / (k + 1), 4), 0.02);
  assert.is(opt.learningRate, 0.02);
  opt.dispose();
});

test("the project's reduceOnPlateau fits PlateauController and drives an optimizer", () => {
  const plateau: PlateauController = reduceOnPlateau({ lr: 0.1, patience: 1, factor: 0.5 });
  const opt = sgd({ lr: plateau.lr });
  const rates = [1, 0.5, 0.5, 0.5, 0.5, 0.5].map((metric) => (opt.learningRate = plateau.update(metric)));
  // patience 1: the 2nd bad epoch in a row halves the rate (PyTorch: bad epochs > patience)
  assert.equal(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.025]);
  assert.is(opt.learningRate, 0.025);
  opt.dispose();
});

test.run();
