// branchedRun: a branch equals the straight run it stands for, the trunk is untouched by its
// branches (weights and Adam state put back), and the compute of the plan is counted.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createNamesDataset } from "../src/data/text-dataset";
import { adam } from "../src/optimizers/adam";
import { branchedRun, batchSeed } from "../src/train/branch";
import type { Schedule } from "../src/schedules/types";

test.before(async () => {
  await ready();
});

const data = createNamesDataset({ seed: 0 }).subset(300, 0);
const LR = 0.02;
const trunk: Schedule = () => LR;
// A linear cooldown of `len` updates from step `at` to 0.
const cooldown = (at: number, len: number): Schedule => (k) => LR * (1 - (k - at) / len);

function run(trunkSteps: number, branches: { at: number; steps: number; schedule: Schedule }[], schedule = trunk) {
  const model = createMlpCharModel({ data, contextSize: 3, embedding: 4, hidden: 16, seed: 1 });
  const optimizer = adam({ lr: LR });
  try {
    return branchedRun({ model, optimizer, trunk: schedule, trunkSteps, branches, batchSize: 8, seed: 7, evalEvery: 10 });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

const losses = (h: { steps: { trainLoss: number }[] }) => h.steps.map((s) => s.trainLoss);

test("a branch from step c is the straight run with the trunk's schedule to c and the branch's after", () => {
  const r = run(60, [{ at: 30, steps: 20, schedule: cooldown(30, 20) }, { at: 60, steps: 10, schedule: cooldown(60, 10) }]);
  const straight = run(50, [], (k) => (k < 30 ? trunk(k) : cooldown(30, 20)(k))).trunk;
  const b = r.branches[0]!;
  assert.equal(b.steps.map((s) => s.step), Array.from({ length: 20 }, (_, i) => 30 + i));
  assert.equal(losses(b), losses(straight).slice(30));
  assert.equal(b.steps.map((s) => s.lr), straight.steps.slice(30).map((s) => s.lr));
  assert.is(b.finalValLoss, straight.finalValLoss);
  assert.equal(b.evals.map((e) => e.step), [30, 40, 50]);
});

test("the trunk is unchanged by its branches, and the plan's updates are counted", () => {
  const alone = run(60, []).trunk;
  const r = run(60, [{ at: 20, steps: 15, schedule: cooldown(20, 15) }, { at: 40, steps: 5, schedule: cooldown(40, 5) }]);
  assert.equal(losses(r.trunk), losses(alone));
  assert.is(r.trunk.finalValLoss, alone.finalValLoss);
  assert.equal(r.trunk.evals.map((e) => e.step), [0, 10, 20, 30, 40, 50, 60]);
  assert.is(r.trunk.stepsDone, 60);
  assert.is(r.updates, 60 + 15 + 5);
  assert.is(r.branches[1]!.stepsDone, 45);
});

test("bad branch points are rejected before any training", () => {
  assert.throws(() => run(20, [{ at: 25, steps: 5, schedule: trunk }]), /at must be an integer in \[0, 20\]/);
  assert.throws(() => run(20, [{ at: 5, steps: 5, schedule: trunk }]), /multiples of evalEvery/);
  assert.throws(() => run(20, [{ at: 10, steps: 0, schedule: trunk }]), /steps must be an integer/);
});

test("batchSeed gives a different seed per step and per run seed", () => {
  const seeds = new Set<number>();
  for (let s = 0; s < 3; s++) for (let k = 0; k < 1000; k++) seeds.add(batchSeed(s, k));
  assert.is(seeds.size, 3000);
  assert.is(batchSeed(4, 9), batchSeed(4, 9));
});

test.run();
