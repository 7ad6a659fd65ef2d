// compareArms: every arm at every seed through one sweep, arms and seeds in order, statistics
// over seeds (none for an arm with a diverged run), the same numbers as single runs; explicit
// config lists in sweep; every schedule spec builds; the gpt-names experiment trains.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { sweep } from "../src/sweep/sweep";
import { compareArms, finalLoss } from "../src/sweep/compare";
import { SCHEDULE_NAMES, scheduleFromSpec } from "../src/sweep/factories";
import { runExperiment } from "../src/sweep/experiments";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const NOISY = { steps: 150, eigenvalues: [1, 10], noise: true, lr: 0.15 };

test("compareArms: arms x seeds in order, each value equals a single run's, stats over seeds", async () => {
  const c = await compareArms({
    run: "quadratic",
    fixed: NOISY,
    arms: [
      { name: "constant", config: {} },
      { name: "cosine", config: { schedule: "cosine" } },
    ],
    seeds: [0, 1, 2],
    workers: 0,
    cacheDir: null,
  });
  assert.equal(c.arms.map((a) => a.name), ["constant", "cosine"]);
  for (const a of c.arms) {
    assert.equal(a.runs.map((r) => r.config.seed), [0, 1, 2]);
    assert.is(a.values.length, 3);
    assert.ok(a.stats && Math.abs(a.stats.mean - a.values.reduce((s, v) => s + v, 0) / 3) < 1e-12);
  }
  const single = await sweep({ run: "quadratic", grid: { seed: [1] }, fixed: { ...NOISY, schedule: "cosine" }, workers: 0, cacheDir: null });
  assert.is(c.arm("cosine").values[1], finalLoss(single.runs[0]));
  // Decaying to 0 removes the noise floor that a constant rate keeps (notebook 05's claim, here as a test).
  assert.ok(c.arm("cosine").stats!.mean < c.arm("constant").stats!.mean / 3);
  assert.throws(() => c.arm("step"), /no arm "step"; arms: constant, cosine/);
});

test("compareArms: an arm with a diverged run has no stats; bad arms are refused by name", async () => {
  const c = await compareArms({
    run: "quadratic",
    fixed: { steps: 50, eigenvalues: [1, 10] },
    arms: [{ name: "stable", config: { lr: 0.1 } }, { name: "too high", config: { lr: 0.25 } }],
    seeds: [0],
    workers: 0,
    cacheDir: null,
  });
  assert.ok(c.arm("stable").stats);
  assert.is(c.arm("too high").stats, null);
  assert.is(c.arm("too high").diverged, 1);
  for (const [arms, re] of [
    [[], /non-empty array/],
    [[{ name: "a", config: {} }, { name: "a", config: {} }], /unique; "a"/],
    [[{ name: "", config: {} }], /non-empty name/],
  ] as const) {
    let message = "";
    try {
      await compareArms({ run: "quadratic", arms: arms as never, workers: 0, cacheDir: null });
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, re);
  }
});

test("sweep takes an explicit list of configs over fixed, after the grid's", async () => {
  const s = await sweep({ run: "quadratic", grid: { lr: [0.1] }, configs: [{ lr: 0.05 }, { lr: 0.01, steps: 3 }], fixed: { steps: 10 }, workers: 0, cacheDir: null });
  assert.equal(s.runs.map((r) => [r.config.lr, r.config.steps]), [[0.1, 10], [0.05, 10], [0.01, 3]]);
  let message = "";
  try {
    await sweep({ run: "quadratic", workers: 0, cacheDir: null });
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, /needs a grid .* or a list of configs/);
});

test("every schedule spec builds a schedule that starts at its peak (cyclic: at lr/10) and is positive", () => {
  for (const name of SCHEDULE_NAMES) {
    const s = scheduleFromSpec(name, 0.1, 100);
    const values = Array.from({ length: 100 }, (_, t) => s(t));
    assert.ok(values.every((v) => Number.isFinite(v) && v >= 0), name);
    assert.ok(Math.max(...values) <= 0.1 + 1e-12, `${name} stays at or below the peak`);
  }
  assert.is(scheduleFromSpec("multi-step", 1, 100)(49), 1);
  assert.ok(Math.abs(scheduleFromSpec("multi-step", 1, 100)(50) - 0.1) < 1e-12);
  assert.ok(Math.abs(scheduleFromSpec("multi-step", 1, 100)(75) - 0.01) < 1e-12);
  assert.ok(Math.abs(scheduleFromSpec({ name: "polynomial", power: 2 }, 1, 100)(50) - 0.25) < 1e-12);
  assert.is(scheduleFromSpec("cosine-restarts", 1, 100)(25), 1);
  assert.ok(Math.abs(scheduleFromSpec("cyclic", 1, 80)(0) - 0.1) < 1e-12);
  assert.ok(Math.abs(scheduleFromSpec("cyclic", 1, 80)(10) - 1) < 1e-12);
});

test("gpt-names: the tiny GPT trains from a JSON config (adamw by default) and reports its size", async () => {
  const out = await runExperiment("gpt-names", { lr: 3e-3, steps: 3, batchSize: 4, width: 16, heads: 2, layers: 1, blockSize: 8, words: 200, evalWindows: 8, evalEvery: 3 });
  assert.is(out.history.stepsDone, 3);
  assert.ok(Number.isFinite(out.history.finalValLoss!));
  assert.ok((out.metrics!.params as number) > 1000);
});

test.run();
