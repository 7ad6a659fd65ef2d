// Notebook 10's helpers: the sweep optimum (parabola in log lr), slopes, steps to a target, the
// lrCurve filter, and the experiment itself (muP at the base width is the standard model; the
// noise scale is measured where asked).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import type { SweepRun } from "../src/sweep/index";
import type { History } from "../src/train/types";
import {
  atBestRun, fewestSteps, logLogFit, logSlope, lrCurve, optimaBy, optimum, pairSlopes, runLoss, runShift,
  smoothedTrainLoss, stepsToTarget,
} from "../src/lessons/best-lr-shifts";
import type { LrPoint } from "../src/lessons/best-lr-shifts";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const pts = (lrs: number[], f: (x: number) => number): LrPoint[] =>
  lrs.map((lr) => ({ lr, loss: f(Math.log10(lr)), failed: false, diverged: false }));
const grid = [1e-3, 3.16e-3, 1e-2, 3.16e-2, 1e-1];

test("optimum: the parabola's vertex in log10(lr), edges flagged, failed points skipped", () => {
  const o = optimum(pts(grid, (x) => (x + 1.8) ** 2)); // true optimum 10^-1.8 = 0.0158
  assert.ok(Math.abs(Math.log10(o.lr) + 1.8) < 0.01, `got ${o.lr}`);
  assert.is(o.gridLr, 0.01);
  assert.is(o.atEdge, false);
  const edge = optimum(pts(grid, (x) => -x));
  assert.equal([edge.lr, edge.atEdge], [0.1, true]);
  const withFail = pts(grid, (x) => (x + 1.5) ** 2);
  withFail[4] = { lr: 0.1, loss: Infinity, failed: true, diverged: true };
  const f = optimum(withFail);
  assert.is(f.gridLr, 0.0316);
  assert.is(f.atEdge, true); // its right neighbour failed: no parabola
  assert.throws(() => optimum([{ lr: 1, loss: NaN, failed: true, diverged: true }]), RangeError);
});

test("slopes: pairwise and least squares on log-log axes", () => {
  assert.ok(Math.abs(logSlope(8, 0.1, 32, 0.4) - 1) < 1e-12);
  assert.ok(Math.abs(logLogFit([1, 4, 16], [2, 4, 8]) - 0.5) < 1e-12);
  const s = pairSlopes([1, 10, 100], [1, 10, 10]);
  assert.ok(Math.abs(s[0] - 1) < 1e-12 && Math.abs(s[1]) < 1e-12);
  assert.throws(() => logSlope(1, 0, 2, 1), RangeError);
});

const history = (losses: number[]): History =>
  ({ steps: losses.map((trainLoss, step) => ({ step, trainLoss })) } as unknown as History);

test("steps to target: the first update where the trailing mean reaches it", () => {
  const h = history([4, 3, 2, 1, 1, 1]);
  assert.equal(smoothedTrainLoss(h, 2), [4, 3.5, 2.5, 1.5, 1, 1]);
  assert.is(stepsToTarget(h, 1.5, 2), 4);
  assert.is(stepsToTarget(h, 0.5, 2), Infinity);
});

const fakeRun = (config: Record<string, number | string>, finalValLoss: number, losses: number[]): SweepRun =>
  ({
    index: 0, key: "", cached: false, config,
    outcome: { history: { ...history(losses), diverged: false, initialLoss: 3.3, finalValLoss }, metrics: { m: finalValLoss * 10 } },
  }) as unknown as SweepRun;

test("lrCurve, optimaBy, fewestSteps, atBestRun read the matching runs", () => {
  const runs = [
    fakeRun({ b: 8, lr: 0.1 }, 2.5, [3, 2.6, 2.4]),
    fakeRun({ b: 8, lr: 1 }, 2.2, [3, 2.2, 2.1]),
    fakeRun({ b: 8, lr: 10 }, 4, [3, 5, 6]), // ends above its start: failed
    fakeRun({ b: 32, lr: 1 }, 2.0, [3, 2.0, 1.9]),
  ];
  const c = lrCurve(runs, { b: 8 });
  assert.equal(c.map((p) => p.failed), [false, false, true]);
  assert.is(runLoss(runs[2]), Infinity);
  const [o8] = optimaBy(runs, "b", [8]);
  assert.equal([o8.gridLr, o8.atEdge], [1, true]);
  assert.equal(fewestSteps(runs, { b: 8 }, 2.3, 1), { steps: 2, lr: 1 });
  assert.is(atBestRun(runs, { b: 8 }, "m"), 22);
  assert.throws(() => lrCurve(runs, { b: 64 }), RangeError);
});

test("the experiment: muP at the base width is the standard model; noise measured where asked", () => {
  const config = { hidden: 16, lr: 0.01, steps: 5, batchSize: 8, optimizer: "adam", words: 200 };
  const sp = runShift({ ...config, param: "sp" });
  const same = runShift({ ...config, param: "mup", baseWidth: 16 });
  assert.equal(same.history.steps.map((s) => s.trainLoss), sp.history.steps.map((s) => s.trainLoss));
  const wide = runShift({ ...config, hidden: 64, param: "mup", baseWidth: 16, noiseAt: [0, 5], noiseRepeats: 2 });
  const m = wide.metrics!;
  assert.ok(typeof m["gradSq@0"] === "number" && typeof m["traceSigma@5"] === "number", JSON.stringify(m));
  assert.ok(typeof m["bSimple@0"] === "number" && (m["bSimple@0"] as number) > 0);
  assert.throws(() => runShift({ ...config, param: "xp" }), RangeError);
});

test.run();
