// Notebook 04's helpers: the log grid, sweep rows as points (failed runs, the best rate), the
// suggestions' outcomes, the figures, and the published learning rates with their trend.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createQuadratic } from "../src/models/index";
import { sgd } from "../src/optimizers/index";
import { lrFinderSync } from "../src/lr-finder/index";
import type { SweepRecord } from "../src/sweep/index";
import {
  PUBLISHED_LRS,
  bestPoint,
  families,
  familiesWhereLrRises,
  logGrid,
  lossAtLr,
  lrFactor,
  publishedLrFigure,
  rangeTestFigure,
  suggestionOutcomes,
  sweepPoints,
  sweepWithSuggestionsFigure,
  trendAt,
  workingRange,
  sweepFigure,
  suggestionConfigs,
  suggestionArms,
} from "../src/lessons/finding-lr";
import type { LrSuggestions } from "../src/lr-finder/index";
import type { LrPoint, PublishedLr } from "../src/lessons/finding-lr";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.abs(b);

test("logGrid: m rates per decade, both ends included, 3 significant digits", () => {
  const g = logGrid(1e-4, 10, 2);
  assert.is(g.length, 11);
  assert.is(g[0], 1e-4);
  assert.is(g[g.length - 1], 10);
  assert.is(g[1], 3.16e-4);
  for (let i = 1; i < g.length; i++) assert.ok(close(g[i] / g[i - 1], Math.sqrt(10), 0.01), `ratio at ${i}`);
  assert.equal(logGrid(1e-3, 1, 3), [1e-3, 2.15e-3, 4.64e-3, 0.01, 0.0215, 0.0464, 0.1, 0.215, 0.464, 1]);
  assert.equal(logGrid(2e-3, 0.05, 1), [0.01], "only the grid points inside [from, to]");
  assert.equal(logGrid(0.1, 0.1, 4), [0.1]);
});

test("logGrid: bad input is a RangeError naming the parameter", () => {
  assert.throws(() => logGrid(0, 1, 2), /from must be a finite number > 0/);
  assert.throws(() => logGrid(1, Infinity, 2), /to must be a finite number > 0/);
  assert.throws(() => logGrid(1, 0.1, 2), /to must be >= from/);
  assert.throws(() => logGrid(1e-3, 1, 0), /perDecade must be an integer in \[1, 100\]/);
  assert.throws(() => logGrid(1e-3, 1, 1.5), /perDecade/);
});

function row(optimizer: string, lr: number, finalValLoss: number | null, diverged = false, initialLoss = 3.3): SweepRecord {
  return { optimizer, lr, finalValLoss, initialLoss, diverged };
}

const RECORDS: SweepRecord[] = [
  row("sgd", 1, 2.9),
  row("sgd", 0.01, 3.1),
  row("sgd", 0.1, 2.5),
  row("sgd", 10, null, true),
  row("sgd", 3, 5.0), // ended above its start: learned nothing
  row("adam", 1e-3, 2.4),
  row("adam", 1, 3.2),
];

test("sweepPoints: the rows of one configuration, sorted by rate, failed = diverged or ended above the start", () => {
  const p = sweepPoints(RECORDS, { optimizer: "sgd" });
  assert.equal(p.map((q) => q.lr), [0.01, 0.1, 1, 3, 10]);
  assert.equal(p.map((q) => q.failed), [false, false, false, true, true]);
  assert.equal(p.map((q) => q.diverged), [false, false, false, true, true], "the chart's crosses follow failed");
  assert.ok(Number.isNaN(p[4].loss), "no loss for a diverged run");
  assert.is(p[3].loss, 5.0);
  assert.is(sweepPoints(RECORDS).length, RECORDS.length, "no filter: every row");
  assert.throws(() => sweepPoints(RECORDS, { optimizer: "rmsprop" }), /no sweep rows match/);
  assert.throws(() => sweepPoints([{ lr: "fast" }]), /records\[0\]\.lr must be a number > 0/);
});

test("bestPoint and workingRange ignore failed runs", () => {
  const p = sweepPoints(RECORDS, { optimizer: "sgd" });
  assert.is(bestPoint(p).lr, 0.1);
  assert.equal(workingRange(p), [0.01, 1]);
  const lowFailed: LrPoint[] = [
    { lr: 1, loss: 1.0, failed: true },
    { lr: 2, loss: 2.0, failed: false },
  ];
  assert.is(bestPoint(lowFailed).lr, 2, "a failed run never wins, whatever its loss");
  assert.throws(() => bestPoint([{ lr: 1, loss: NaN, failed: true }]), /every run of the sweep failed/);
  assert.throws(() => workingRange([{ lr: 1, loss: NaN, failed: true }]), /every run of the sweep failed/);
});

test("lrFactor is symmetric and >= 1", () => {
  assert.is(lrFactor(0.3, 0.1), lrFactor(0.1, 0.3));
  assert.ok(close(lrFactor(0.3, 0.1), 3));
  assert.is(lrFactor(0.5, 0.5), 1);
  assert.throws(() => lrFactor(0, 1), /rates must be > 0/);
});

function rangeTest() {
  const model = createQuadratic({ eigenvalues: [1, 10] });
  const optimizer = sgd({ lr: 0.01 });
  const r = lrFinderSync({ model, optimizer, startLr: 1e-4, endLr: 1, steps: 60, batchSize: 1, seed: 0 });
  model.dispose();
  optimizer.dispose();
  return r;
}

test("lossAtLr interpolates the smoothed curve in log(lr) and clamps at its ends", () => {
  const r = rangeTest();
  const [a, b] = [r.points[10], r.points[11]];
  assert.ok(close(lossAtLr(r, a.lr), a.smoothedLoss));
  const mid = Math.sqrt(a.lr * b.lr);
  assert.ok(close(lossAtLr(r, mid), (a.smoothedLoss + b.smoothedLoss) / 2, 1e-6));
  assert.is(lossAtLr(r, 1e-9), r.points[0].smoothedLoss);
  const finite = r.points.filter((p) => Number.isFinite(p.smoothedLoss));
  assert.is(lossAtLr(r, 1e9), finite[finite.length - 1].smoothedLoss);
});

test("suggestionOutcomes pairs each suggestion with the run at its rate", () => {
  const r = rangeTest();
  const s = r.suggestions!;
  const points: LrPoint[] = [
    { lr: s.steep.lr, loss: 2, failed: false },
    { lr: s.minimum.lr, loss: 1, failed: false },
    { lr: s.valley.lr, loss: NaN, failed: true },
  ];
  const o = suggestionOutcomes(s, points);
  assert.equal(o.map((x) => x.method), ["minimum", "steep", "valley"]);
  assert.equal(o.map((x) => x.lr), [s.minimum.lr, s.steep.lr, s.valley.lr]);
  assert.is(o[0].loss, 1);
  assert.is(o[1].loss, 2);
  assert.is(o[2].failed, true);
  assert.throws(() => suggestionOutcomes(s, points.slice(0, 2)), /no run at the valley rate/);
});

test("rangeTestFigure: a curve per test, each suggestion marked on its curve, the axis zoomed on the valley", () => {
  const r = rangeTest();
  const fig = rangeTestFigure([{ name: "SGD", result: r }]);
  assert.is(fig.x.scale, "log");
  const line = fig.layers[0];
  assert.is(line.type, "line");
  if (line.type === "line") assert.equal(line.series[0].x, r.points.map((p) => p.lr));
  const marks = fig.layers.filter((l) => l.type === "point");
  assert.equal(marks.map((l) => (l.type === "point" ? l.name : "")), ["minimum/10", "steep", "valley"]);
  for (const l of marks) {
    if (l.type !== "point") continue;
    const method = l.name === "minimum/10" ? "minimum" : (l.name as "steep" | "valley");
    assert.is(l.x[0], r.suggestions![method].lr);
    assert.is(l.y[0], lossAtLr(r, l.x[0]));
  }
  const [lo, hi] = fig.y.domain!;
  const finite = r.points.map((p) => p.smoothedLoss).filter(Number.isFinite);
  assert.ok(lo < Math.min(...finite) && hi > finite[0], "the lowest point and the start are on the chart");
  assert.throws(() => rangeTestFigure([]), /curves must be a non-empty array/);
  const broken = { ...r, points: r.points.map((p) => ({ ...p, smoothedLoss: NaN })) };
  assert.throws(() => rangeTestFigure([{ name: "x", result: broken }]), /curve "x" has no finite loss/);
});

test("sweepWithSuggestionsFigure: failed runs as crosses, finite outcomes as markers", () => {
  const points = sweepPoints(RECORDS, { optimizer: "sgd" });
  const fig = sweepWithSuggestionsFigure(
    [{ name: "SGD", points }],
    [
      { method: "minimum", lr: 0.05, loss: 2.6, failed: false },
      { method: "steep", lr: 5, loss: NaN, failed: true },
    ],
    "t",
  );
  const layers = fig.layers.map((l) => (l.type === "point" ? l.name : l.type));
  assert.equal(layers, ["line", "SGD diverged", "minimum/10"], "a failed suggestion has no loss to mark");
  const crosses = fig.layers[1];
  if (crosses.type === "point") assert.equal(crosses.x.sort((a, b) => a - b), [3, 10]);
});

test("published rates: the papers' values, never rising with size within a family", () => {
  assert.equal(families(PUBLISHED_LRS), ["GPT-3", "LLaMA"]);
  const gpt3 = PUBLISHED_LRS.filter((r) => r.family === "GPT-3");
  assert.equal(gpt3.map((r) => r.lr), [6e-4, 3e-4, 2.5e-4, 2e-4, 1.6e-4, 1.2e-4, 1e-4, 0.6e-4]);
  assert.equal(gpt3.map((r) => r.params), [125e6, 350e6, 760e6, 1.3e9, 2.7e9, 6.7e9, 13e9, 175e9]);
  assert.equal(PUBLISHED_LRS.filter((r) => r.family === "LLaMA").map((r) => r.lr), [3e-4, 3e-4, 1.5e-4, 1.5e-4]);
  assert.equal(familiesWhereLrRises(PUBLISHED_LRS), []);
  const rising: PublishedLr[] = [
    { family: "A", model: "a1", params: 1e6, lr: 1e-3, source: "" },
    { family: "A", model: "a2", params: 1e7, lr: 1e-3, source: "" },
    { family: "B", model: "b2", params: 1e8, lr: 2e-4, source: "" },
    { family: "B", model: "b1", params: 1e7, lr: 1e-4, source: "" },
  ];
  assert.equal(familiesWhereLrRises(rising), ["B"], "rows are compared in order of size, not of listing");
});

test("trendAt fits lr = a * params^slope exactly on a power law, and refuses bad input", () => {
  const law: PublishedLr[] = [1e6, 1e7, 1e8, 1e9].map((p, i) => ({ family: "F", model: `m${i}`, params: p, lr: 0.5 * Math.pow(p, -0.25), source: "" }));
  const t = trendAt(law, "F", 1e4);
  assert.ok(close(t.slope, -0.25, 1e-9));
  assert.ok(close(t.lr, 0.5 * Math.pow(1e4, -0.25), 1e-9));
  const gpt3 = trendAt(PUBLISHED_LRS, "GPT-3", 125e6);
  assert.ok(gpt3.slope < 0, "GPT-3's rates fall with size");
  assert.throws(() => trendAt(law, "G", 1e4), /family must name at least 2 rows/);
  assert.throws(() => trendAt(law, "F", 0), /params must be a finite number > 0/);
  assert.throws(() => trendAt([law[0], { ...law[0], model: "dup" }], "F", 1e4), /single model size/);
});

test("publishedLrFigure: one line per family sorted by size on log-log axes, our rates as points", () => {
  const fig = publishedLrFigure(PUBLISHED_LRS, [{ name: "ours", params: 12000, lr: 3e-3 }]);
  assert.is(fig.x.scale, "log");
  assert.is(fig.y.scale, "log");
  const line = fig.layers[0];
  assert.is(line.type, "line");
  if (line.type === "line") {
    assert.equal(line.series.map((s) => s.name), ["GPT-3", "LLaMA"]);
    for (const s of line.series) assert.ok(s.x.every((x, i) => i === 0 || x > s.x[i - 1]), `${s.name} sorted by size`);
  }
  const ours = fig.layers[1];
  assert.is(ours.type, "point");
  if (ours.type === "point") {
    assert.equal([ours.x, ours.y], [[12000], [3e-3]]);
    assert.is(ours.name, "ours");
  }
  assert.throws(() => publishedLrFigure([]), /rows must be a non-empty array/);
});

test("sweepFigure: one diverged layer per sweep, named after it, at every failed rate", () => {
  const pts = (fail: number[]): LrPoint[] => [1e-3, 1e-2, 1e-1, 1].map((lr) => ({ lr, loss: fail.includes(lr) ? NaN : 2 + lr, failed: fail.includes(lr), diverged: fail.includes(lr) }));
  const fig = sweepFigure("t", [{ name: "SGD", points: pts([1]) }, { name: "Adam", points: pts([0.1, 1]) }]);
  const layers = fig.layers.filter((l) => l.type === "point") as { name: string; x: number[]; shape: string }[];
  assert.equal(layers.map((l) => l.name), ["SGD diverged", "Adam diverged"]);
  assert.equal(layers[1].x, [0.1, 1]);
  assert.not.equal(layers[0].shape, layers[1].shape);
  assert.ok(!fig.layers.some((l) => l.type === "point" && l.name === "diverged"));
});

test("publishedLrFigure draws the typical range and the extended trend through trendAt", () => {
  const fig = publishedLrFigure(PUBLISHED_LRS, [{ name: "ours", params: 1e4, lr: 3e-3 }], { typical: [1e-3, 0.1], trendOf: "GPT-3" });
  const line = fig.layers[0] as { series: { name: string; x: number[]; y: number[] }[] };
  const names = line.series.map((s) => s.name);
  assert.ok(names.includes("typical range, 1e-3") && names.includes("typical range, 0.1"), names.join());
  const trend = line.series.find((s) => s.name === "GPT-3 trend, extended")!;
  assert.equal(trend.x, [1e4, 175e9]);
  assert.ok(Math.abs(trend.y[0] - trendAt(PUBLISHED_LRS, "GPT-3", 1e4).lr) < 1e-12);
  assert.throws(() => publishedLrFigure(PUBLISHED_LRS, [], { typical: [0.1, 1e-3] }), /typical/);
});

test("suggestionConfigs and suggestionArms: one run per test and method, grouped back in order", () => {
  const sug = (k: number) => ({ minimum: { lr: 1e-2 * k }, steep: { lr: 1e-1 * k }, valley: { lr: 1e-3 * k } }) as unknown as LrSuggestions;
  const tests = [{ optimizer: "sgd" as const, seed: 0, suggestions: sug(1) }, { optimizer: "sgd" as const, seed: 1, suggestions: sug(2) }];
  const configs = suggestionConfigs(tests);
  assert.is(configs.length, 6);
  assert.equal(configs[4], { optimizer: "sgd", lr: 0.2, seed: 1, modelSeed: 1 });
  const records = configs.map((c, i) => ({ ...c, finalValLoss: 2 + i / 10, diverged: i === 5 }) as unknown as SweepRecord);
  const arms = suggestionArms(tests, records);
  assert.equal(arms.map((a) => a.name), ["SGD minimum/10", "SGD steep", "SGD valley"]);
  assert.equal(arms[1].lrs, [0.1, 0.2]);
  assert.ok(Math.abs(arms[1].losses[0] - 2.1) < 1e-12 && Math.abs(arms[1].losses[1] - 2.4) < 1e-12);
  assert.ok(Number.isNaN(arms[2].losses[1]));
  assert.throws(() => suggestionArms(tests, records.slice(1)), /expected 6 records/);
});

test.run();
