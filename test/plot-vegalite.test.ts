import { test } from "uvu";
import * as assert from "uvu/assert";
import { compile, TopLevelSpec } from "vega-lite";
import {
  lineChart, runsChart, lrSweepChart, scheduleChart, landscapeChart, heatmapChart, histogramChart, intervalChart, describeFigure,
  toVegaLite, renderSvg, compactSvg, VEGALITE_SCHEMA, Figure,
} from "../src/plot/index";

type Json = Record<string, any>;
const steps = 5000;
const decay = (lr: number) => Array.from({ length: steps }, (_, i) => 0.4 + 3 * Math.exp((-i * lr) / 5) + 0.03 * Math.sin(i));
const grid = Array.from({ length: 50 }, (_, i) => -2 + (4 * i) / 49);

function allFigures(): Record<string, Figure> {
  return {
    line: lineChart({ title: "Loss", series: [{ name: "train", y: decay(0.05) }, { name: "validation", y: decay(0.03) }], y: { scale: "log" } }),
    runs: runsChart({ title: "Runs", runs: [1e-3, 1e-2, 1e-1, 1].map((lr) => ({ value: lr, y: lr === 1 ? [3, 30, NaN] : decay(lr) })), y: { scale: "log" } }),
    sweep: lrSweepChart({ title: "Sweep", points: [1e-3, 1e-2, 1e-1, 1].map((lr) => ({ lr, loss: lr === 1 ? Infinity : 1 / lr })) }),
    schedule: scheduleChart({ title: "Cosine", schedules: [{ name: "cosine", samples: Array.from({ length: 3000 }, (_, s) => ({ step: s, lr: 0.5 * (1 + Math.cos((Math.PI * s) / 3000)) })) }] }),
    landscape: landscapeChart({ title: "Bowl", grid: { x: grid, y: grid, z: grid.map((y) => grid.map((x) => 0.1 + x * x + 5 * y * y)) }, trajectories: [{ name: "gd", points: [{ x: -1.5, y: 1 }, { x: -1, y: -0.5 }, { x: -0.5, y: 0.2 }] }] }),
    heatmap: heatmapChart({ title: "LR x batch", x: { label: "learning rate", values: [0.01, 0.1] }, y: { label: "batch size", values: [8, 16] }, z: [[1, 2], [3, NaN]] }),
    histogram: histogramChart({ title: "Hist", groups: [{ name: "sgd", values: decay(0.01) }, { name: "adam", values: decay(0.1) }] }),
    interval: intervalChart({ title: "Final loss per schedule", arms: [{ name: "constant", values: [2.3, 2.32, 2.31] }, { name: "cosine", values: [2.2, 2.21, NaN] }] }),
  };
}

test("every figure kind compiles as Vega-Lite v5 without warnings", () => {
  for (const [kind, fig] of Object.entries(allFigures())) {
    const spec = toVegaLite(fig);
    assert.is(spec.$schema, VEGALITE_SCHEMA);
    const warnings: string[] = [];
    const logger = { level: () => logger, error: (...a: unknown[]) => { throw new Error(a.join(" ")); }, warn: (...a: unknown[]) => { warnings.push(a.join(" ")); return logger; }, info: () => logger, debug: () => logger } as any;
    const vg = compile(spec as unknown as TopLevelSpec, { logger }).spec;
    assert.ok(Array.isArray(vg.marks) && vg.marks.length > 0, `${kind}: no marks`);
    assert.equal(warnings, [], `${kind}: ${warnings.join("; ")}`);
  }
});

test("long curves are decimated and rounded in the inlined data; non-drawable points are left out", () => {
  const fig = lineChart({ title: "t", series: [{ name: "a", y: [...decay(0.05), NaN, -1] }], y: { scale: "log" } });
  const spec = toVegaLite(fig) as Json;
  const row = spec.layer[0].data.values[0];
  assert.is(row.s, "a");
  const ys: string[] = row.y.split(" ");
  const xs: number[] = row.x.split(" ").map(Number);
  assert.is(xs.length, ys.length);
  assert.ok(ys.length <= 200 && ys.length > 100, `${ys.length} points`);
  assert.ok(ys.every((v) => Number(v) > 0 && Number.isFinite(Number(v))), "NaN and -1 dropped on a log axis");
  assert.ok(ys.every((v) => v.replace(/^0\.0*|\./g, "").length <= 5), "5 significant digits");
  assert.is(xs[xs.length - 1], steps - 1);
  assert.throws(() => toVegaLite(fig, { maxPoints: 2 }), /maxPoints must be an integer >= 4/);
});

test("curves coloured by a parameter use a sequential scheme, ordered by the parameter", () => {
  const spec = toVegaLite(allFigures().runs) as Json;
  const color = spec.layer[0].encoding.color;
  assert.is(color.scale.scheme.name, "viridis");
  assert.equal(color.sort, ["lr=1e-3", "lr=0.01", "lr=0.1", "lr=1"]);
  const many = runsChart({ title: "m", runs: Array.from({ length: 12 }, (_, i) => ({ value: 10 ** (-i / 3), y: [1, 0.5] })) });
  const mc = (toVegaLite(many) as Json).layer[0].encoding.color;
  assert.equal([mc.field, mc.type, mc.scale.type], ["p", "quantitative", "log"]);
});

test("SVG: valid, titled, legends name every series, one path per curve, tens of KB", async () => {
  const figs = allFigures();
  const svg = await renderSvg(figs.runs);
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>$/);
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const name of ["Runs", "lr=1e-3", "lr=0.01", "lr=0.1", "lr=1", "diverged", "learning rate"]) assert.ok(texts.includes(name), `missing text ${name}`);
  const lines = svg.match(/aria-roledescription="line mark"/g) ?? [];
  assert.is(lines.length, 4);
  for (const [kind, fig] of Object.entries(figs)) {
    const s = await renderSvg(fig);
    assert.ok(s.length > 3_000 && s.length < 100_000, `${kind}: ${s.length} bytes`);
  }
});

test("compactSvg rounds coordinates and colours, drops empty and default parts, leaves text alone", () => {
  const svg = '<svg width="9"><path d="M1.23456,2.5L3.14159,0.001" transform="translate(103.00000000000001,-7)" fill="rgb(160, 218, 57)" opacity="1"/>' +
    '<text font-family="sans-serif" opacity="0.5">0.00123</text><text font-family="sans-serif" fill="#000"/></svg>';
  assert.is(compactSvg(svg), '<svg font-family="sans-serif" width="9"><path d="M1.2,2.5L3.1,0" transform="translate(103,-7)" fill="#a0da39"/><text opacity="0.5">0.00123</text></svg>');
});

test("the rendered picture survives packing: every curve's samples reach the SVG", async () => {
  const fig = lineChart({ title: "t", series: [{ name: "a", x: [1, 2, 3], y: [1, 2, 3] }, { name: "b", x: [1, 2], y: [3, 1] }] });
  const svg = await renderSvg(fig);
  const paths = [...svg.matchAll(/aria-roledescription="line mark" d="([^"]*)"/g)].map((m) => m[1]);
  assert.is(paths.length, 2);
  assert.equal(paths.map((d) => (d.match(/[ML]/g) ?? []).length), [3, 2]);
});

test("intervalChart: arms in the given order, mean dot, min-max rule, one circle per drawable seed value", async () => {
  const fig = intervalChart({
    title: "Final loss per schedule",
    x: { label: "schedule" },
    y: { label: "validation loss", unit: "nats", scale: "log" },
    arms: [{ name: "step", values: [2.4, 2.5] }, { name: "cosine", values: [2.2, 2.3, 2.25] }, { name: "diverged", values: [NaN, 2.6] }],
  });
  const layer = fig.layers[0] as Json;
  assert.equal(layer.arms.map((a: Json) => a.name), ["step", "cosine", "diverged"]);
  assert.ok(Math.abs(layer.arms[1].mean - 2.25) < 1e-12);
  assert.equal([layer.arms[1].lo, layer.arms[1].hi], [2.2, 2.3]);
  assert.equal([layer.arms[2].lo, layer.arms[2].hi, layer.arms[2].mean], [2.6, 2.6, 2.6]);
  const spec = toVegaLite(fig) as Json;
  assert.is(spec.layer.length, 3);
  assert.equal(spec.layer[0].encoding.x.sort, ["step", "cosine", "diverged"]);
  assert.is(spec.layer[0].encoding.x.title, "schedule");
  assert.is(spec.layer[1].data.values.length, 6); // the NaN is not drawn
  assert.is(spec.layer[0].encoding.y.scale.type, "log");
  const svg = await renderSvg(fig);
  for (const name of ["step", "cosine", "diverged", "validation loss (nats)"]) assert.ok(svg.includes(name), name);
  assert.match(describeFigure(fig), /interval chart; 3 arms, mean and range over seeds: step, cosine, diverged/);
  assert.throws(() => intervalChart({ title: "t", arms: [] }), /non-empty array/);
  assert.throws(() => intervalChart({ title: "t", arms: [{ name: "a", values: [1] }, { name: "a", values: [2] }] }), /unique; "a"/);
  assert.throws(() => intervalChart({ title: "t", arms: [{ name: "a", values: [] }] }), /has no values/);
});

test.run();
