import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  lineChart, runsChart, lrSweepChart, scheduleChart, landscapeChart, heatmapChart, histogramChart,
  LineLayer, PointLayer, CellLayer, BarLayer, describeFigure, withReferenceLines, withMarkers, withDivergedMarkers, toVegaLite, downsampleIndices, roundSignificant, formatNumber, formatDuration,
} from "../src/plot/index";

test("lineChart: default axes, x defaults to 0..n-1, mismatched lengths are a RangeError", () => {
  const f = lineChart({ title: "t", series: [{ name: "a", y: [3, 2, 1] }], y: { scale: "log", unit: "nats" } });
  assert.is(f.kind, "line");
  assert.equal(f.x, { label: "step", scale: "linear" });
  assert.equal(f.y, { label: "loss", scale: "log", unit: "nats" });
  assert.equal((f.layers[0] as LineLayer).series[0].x, [0, 1, 2]);
  assert.throws(() => lineChart({ title: "t", series: [{ name: "a", x: [1, 2], y: [1] }] }), (e: Error) => e instanceof RangeError && /x has 2 values but y has 1/.test(e.message));
  assert.throws(() => lineChart({ title: "t", series: [] }), RangeError);
  assert.throws(() => lineChart({ title: "t", series: [{ name: "a", y: [1] }], y: { scale: "log", domain: [0, 1] } }), /min > 0 on a log scale/);
  assert.throws(() => lineChart({ title: "t", width: 10, series: [{ name: "a", y: [1] }] }), /width must be in \[50, 2000\]/);
});

test("runsChart: runs sorted by value, coloured by it, a blown-up run ends in a cross at its last finite point", () => {
  const f = runsChart({
    title: "runs",
    runs: [
      { value: 1, y: [2, 5, 50, NaN, NaN] },
      { value: 0.01, y: [2, 1.5, 1.2, 1.1, 1] },
    ],
  });
  const lines = f.layers[0] as LineLayer;
  assert.equal(lines.series.map((s) => s.name), ["lr=0.01", "lr=1"]);
  assert.equal(lines.series.map((s) => s.param), [0.01, 1]);
  assert.equal(lines.colorBy, { label: "learning rate", scale: "log" });
  const cross = f.layers[1] as PointLayer;
  assert.is(cross.shape, "cross");
  assert.equal([cross.x, cross.y], [[2], [50]]);
  assert.throws(() => runsChart({ title: "r", runs: [{ value: 0, y: [1] }] }), /runs\[0\]\.value must be finite and > 0/);
});

test("lrSweepChart: diverged runs become crosses on the top edge of the fitted y domain", () => {
  const f = lrSweepChart({
    title: "sweep",
    points: [
      { lr: 1, loss: NaN },
      { lr: 0.01, loss: 2 },
      { lr: 0.1, loss: 1 },
      { lr: 0.3, loss: 1.5, diverged: true },
    ],
  });
  assert.is(f.x.scale, "log");
  const [lo, hi] = f.y.domain!;
  assert.ok(lo < 1 && hi > 2, `domain ${lo}..${hi} must contain the finite losses with room`);
  const line = f.layers[0] as LineLayer;
  assert.equal(line.series[0].x, [0.01, 0.1]); // sorted, diverged ones left out
  const crosses = f.layers[1] as PointLayer;
  assert.equal(crosses.x, [0.3, 1]);
  assert.equal(crosses.y, [hi, hi]);
  assert.throws(() => lrSweepChart({ title: "s", points: [{ lr: -1, loss: 1 }] }), /lr must be finite and > 0/);
});

test("withReferenceLines: dashed grey lines across the drawable x range (a step-0 start is skipped on log x)", () => {
  const f = lineChart({ title: "t", series: [{ name: "a", x: [0, 10, 100], y: [3, 2, 1] }], x: { scale: "log" } });
  const g = withReferenceLines(f, [{ name: "floor", y: 1.5 }, { name: "start", y: 3 }]);
  assert.is(f.layers.length, 1, "the input figure is left alone");
  const refs = g.layers.slice(1) as LineLayer[];
  assert.equal(refs.map((l) => [l.series[0].name, l.series[0].x, l.series[0].y]), [["floor", [10, 100], [1.5, 1.5]], ["start", [10, 100], [3, 3]]]);
  assert.ok(refs.every((l) => l.dash && l.color));
  assert.is(new Set(refs.map((l) => l.color)).size, 2, "two greys");
  assert.match(describeFigure(g), /reference line floor; reference line start/);
  const spec = toVegaLite(g) as Record<string, any>;
  assert.equal(spec.layer[1].mark.strokeDash, [6, 4]);
  assert.equal(spec.layer[1].encoding.color.scale.range, [refs[0].color]);
  assert.throws(() => withReferenceLines(f, []), RangeError);
  assert.throws(() => withReferenceLines(lineChart({ title: "t", series: [{ name: "a", y: [1] }], y: { scale: "log" } }), [{ name: "zero", y: 0 }]), /drawable/);
});

test("withMarkers / withDivergedMarkers: one legend entry on top; a cross at the last finite point of each run that ends in NaN", () => {
  const f = lineChart({ title: "t", series: [{ name: "ok", y: [3, 2, 1] }, { name: "blown", y: [3, 9, 40, NaN] }, { name: "early", y: [3, NaN] }] });
  const d = withDivergedMarkers(f);
  const p = d.layers[1] as PointLayer;
  assert.equal([p.name, p.shape, p.x, p.y], ["diverged", "cross", [2, 0], [40, 3]]);
  assert.is(withDivergedMarkers(lineChart({ title: "t", series: [{ name: "ok", y: [1, 2] }] })).layers.length, 1);
  const m = withMarkers(f, { name: "largest spike", x: [1], y: [9] }).layers[1] as PointLayer;
  assert.equal([m.shape, m.x, m.y], ["diamond", [1], [9]]);
  assert.throws(() => withMarkers(f, { name: "bad", x: [1, 2], y: [1] }), RangeError);
});

test("scheduleChart takes {step, lr} samples", () => {
  const f = scheduleChart({ title: "s", schedules: [{ name: "cos", samples: [{ step: 0, lr: 1 }, { step: 10, lr: 0.5 }] }] });
  const s = (f.layers[0] as LineLayer).series[0];
  assert.equal([s.x, s.y], [[0, 10], [1, 0.5]]);
  assert.is(f.y.label, "learning rate");
  assert.throws(() => scheduleChart({ title: "s", schedules: [{ name: "x", samples: [] }] }), /schedules\[0\]\.samples/);
});

test("landscapeChart: grid shape checked, log colour when all positive, domain covers the cells, trajectories on top", () => {
  const g = { x: [0, 1, 2], y: [0, 1], z: [[1, 2, 3], [4, 5, 6]] };
  const f = landscapeChart({ title: "l", grid: g, trajectories: [{ name: "sgd", points: [{ x: 2, y: 1 }, { x: 1, y: 0.5 }] }] });
  const cells = f.layers[0] as CellLayer;
  assert.is(cells.color.scale, "log");
  assert.equal(f.x.domain, [-0.5, 2.5]);
  assert.equal(f.y.domain, [-0.5, 1.5]);
  assert.is(f.layers[1].type, "line");
  assert.equal((f.layers[2] as PointLayer).x, [2]); // start marker
  assert.is((landscapeChart({ title: "l", grid: { ...g, z: [[-1, 2, 3], [4, 5, 6]] } }).layers[0] as CellLayer).color.scale, "linear");
  assert.throws(() => landscapeChart({ title: "l", grid: { x: [0, 1], y: [0], z: [[1, 2, 3]] } }), /grid\.z\[0\] must have one value per x value \(2\)/);
});

test("heatmapChart: discrete cells, annotated when small", () => {
  const f = heatmapChart({ title: "h", x: { label: "learning rate", values: [0.01, 0.1] }, y: { label: "batch size", values: [8, 16, 32] }, z: [[1, 2], [3, NaN], [5, 6]] });
  const c = f.layers[0] as CellLayer;
  assert.ok(c.discrete && c.annotate);
  assert.throws(() => heatmapChart({ title: "h", x: { label: "a", values: [1] }, y: { label: "b", values: [1, 2] }, z: [[1]] }), /one row per y value \(2\)/);
});

test("histogramChart: counts add up, the maximum lands in the last bin, log bins are equal in log space", () => {
  const values = [0, 0.1, 0.5, 0.9, 1, 1, NaN];
  const f = histogramChart({ title: "h", values, bins: 4 });
  const bins = (f.layers[0] as BarLayer).groups[0].bins;
  assert.is(bins.reduce((a, b) => a + b.count, 0), 6);
  assert.equal(bins.map((b) => b.count), [2, 0, 1, 3]);
  const lg = histogramChart({ title: "h", values: [1, 10, 100, 1000], bins: 3, x: { scale: "log" } });
  const lb = (lg.layers[0] as BarLayer).groups[0].bins;
  assert.ok(Math.abs(lb[1].x0 - 10) < 1e-9 && Math.abs(lb[1].x1 - 100) < 1e-9);
  assert.equal(lb.map((b) => b.count), [1, 1, 2]);
  const clipped = histogramChart({ title: "h", values: [0, 0.5, 2], bins: 2, x: { domain: [0, 1] } });
  assert.is((clipped.layers[0] as BarLayer).groups[0].bins.reduce((a, b) => a + b.count, 0), 2);
  assert.throws(() => histogramChart({ title: "h", values, bins: 0 }), /bins must be an integer in \[1, 1000\]/);
});

test("downsampleIndices keeps first, last and every bucket's extremes (spikes survive)", () => {
  const y = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 100));
  y[5_123] = 1e6;
  y[7_777] = -1e6;
  const idx = downsampleIndices(y, 200);
  assert.ok(idx.length <= 200, `${idx.length} points`);
  assert.is(idx[0], 0);
  assert.is(idx[idx.length - 1], 9_999);
  assert.ok(idx.includes(5_123) && idx.includes(7_777));
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], "order kept");
  assert.equal(downsampleIndices([1, 2, 3], 10), [0, 1, 2]);
  assert.throws(() => downsampleIndices(y, 3), /maxPoints must be an integer >= 4/);
});

test("number formatting for legends and durations", () => {
  assert.is(formatNumber(0.0003), "3e-4");
  assert.is(formatNumber(0.00125), "1.25e-3");
  assert.is(formatNumber(0.5), "0.5");
  assert.is(formatNumber(2.34567), "2.346");
  assert.is(formatNumber(NaN), "NaN");
  assert.is(roundSignificant(0.123456789), 0.12346);
  assert.is(formatDuration(75), "1m 15s");
  assert.is(formatDuration(3.21), "3.2s");
  assert.is(formatDuration(NaN), "?");
});

test("describeFigure says what is drawn", () => {
  const f = runsChart({ title: "Loss per LR", runs: [0.001, 0.01, 1].map((v) => ({ value: v, y: v > 0.5 ? [1, NaN] : [1, 0.5] })), y: { scale: "log" } });
  const d = describeFigure(f);
  assert.match(d, /^Loss per LR — runs chart; 3 curves coloured by learning rate: lr=1e-3, lr=0.01, lr=1; 1 diverged marker; x: step, y: loss \[log\]$/);
});

test.run();
