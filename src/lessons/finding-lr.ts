// Helpers of notebook 04 (finding the learning rate): a log grid of rates, sweep rows as chart
// points with the best rate picked out, the LR range test's curve and suggestions as a figure,
// and the peak learning rates that GPT-3 and LLaMA were trained with (published data).
import type { LrFinderResult, LrSuggestions, SuggestionMethod } from "../lr-finder/index";
import type { SweepProgress, SweepRecord } from "../sweep/index";
import type { Config } from "../sweep/grid";
import type { TextDataset } from "../data/text-dataset";
import { createMlpCharModel } from "../models/mlp-char";
import { sgd } from "../optimizers/sgd";
import { adam } from "../optimizers/adam";
import { lrFinder } from "../lr-finder/lr-finder";
import type { Figure, Layer, PointLayer, PointShape } from "../plot/figure";
import { Curve, SweepPoint, lineChart, lrSweepChart } from "../plot/build";
import { formatNumber } from "../plot/format";
import { Progress, progress } from "../progress";

/**
 * `perDecade` rates per factor of 10 from `from` to `to` (both included when they sit on the grid):
 * 10^(k/perDecade), rounded to 3 significant digits so that they print and cache cleanly.
 */
export function logGrid(from: number, to: number, perDecade: number): number[] {
  for (const [name, v] of [["from", from], ["to", to]] as const) {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number > 0; got ${v}`);
  }
  if (!(to >= from)) throw new RangeError(`to must be >= from (${from}); got ${to}`);
  if (!Number.isInteger(perDecade) || perDecade < 1 || perDecade > 100) throw new RangeError(`perDecade must be an integer in [1, 100]; got ${perDecade}`);
  const first = Math.ceil(Math.log10(from) * perDecade - 1e-9);
  const last = Math.floor(Math.log10(to) * perDecade + 1e-9);
  const out: number[] = [];
  for (let k = first; k <= last; k++) out.push(Number(Math.pow(10, k / perDecade).toPrecision(3)));
  return out;
}

/** A run of a sweep, as the sweep chart draws it. `failed`: diverged, or ended above where it started. */
export interface LrPoint extends SweepPoint {
  failed: boolean;
}

/**
 * The sweep rows whose columns equal `where` (e.g. { optimizer: "adam" }), as points (lr, final
 * validation loss). A run "failed" when the engine stopped it as diverged, or when it ended with a
 * validation loss above its first training loss: it learned nothing in its budget.
 */
export function sweepPoints(records: readonly SweepRecord[], where: Record<string, string | number | boolean> = {}): LrPoint[] {
  const rows = records.filter((r) => Object.entries(where).every(([k, v]) => r[k] === v));
  if (rows.length === 0) throw new RangeError(`no sweep rows match ${JSON.stringify(where)}`);
  return rows
    .map((r, i) => {
      const lr = r.lr;
      if (typeof lr !== "number" || !(lr > 0)) throw new RangeError(`records[${i}].lr must be a number > 0; got ${String(lr)}`);
      const loss = typeof r.finalValLoss === "number" ? r.finalValLoss : NaN;
      const start = typeof r.initialLoss === "number" ? r.initialLoss : NaN;
      const failed = r.diverged === true || !Number.isFinite(loss) || !(loss <= start);
      return { lr, loss, failed, diverged: failed };
    })
    .sort((a, b) => a.lr - b.lr);
}

/** The point with the lowest loss among those that did not fail; throws when every run failed. */
export function bestPoint(points: readonly LrPoint[]): LrPoint {
  let best: LrPoint | null = null;
  for (const p of points) if (!p.failed && (best === null || p.loss < best.loss)) best = p;
  if (best === null) throw new RangeError("every run of the sweep failed: there is no best learning rate");
  return best;
}

/** Lowest and highest rate that did not fail: the range in which training works at all. */
export function workingRange(points: readonly LrPoint[]): [number, number] {
  const ok = points.filter((p) => !p.failed).map((p) => p.lr);
  if (ok.length === 0) throw new RangeError("every run of the sweep failed: there is no working range");
  return [Math.min(...ok), Math.max(...ok)];
}

/** How far apart two rates are, as a factor >= 1 (3 = one is three times the other). */
export function lrFactor(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`rates must be > 0; got ${a} and ${b}`);
  return Math.max(a / b, b / a);
}

const SUGGESTION_LOOK: Record<SuggestionMethod, { label: string; shape: PointShape; color: string }> = {
  minimum: { label: "minimum/10", shape: "diamond", color: "#2ca02c" },
  steep: { label: "steep", shape: "triangle-up", color: "#9467bd" },
  valley: { label: "valley", shape: "square", color: "#ff7f0e" },
};
export const SUGGESTION_METHODS: readonly SuggestionMethod[] = ["minimum", "steep", "valley"];

/** "minimum/10", "steep", "valley": how the notebook names fastai's three suggestions. */
export function suggestionLabel(method: SuggestionMethod): string {
  return SUGGESTION_LOOK[method].label;
}

/** The smoothed loss of the curve at `lr`, interpolated linearly in log(lr) between recorded points. */
export function lossAtLr(result: LrFinderResult, lr: number): number {
  const pts = result.points.filter((p) => Number.isFinite(p.smoothedLoss));
  if (pts.length === 0) throw new RangeError("the range test recorded no finite loss");
  if (lr <= pts[0].lr) return pts[0].smoothedLoss;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i];
    const b = pts[i + 1];
    if (lr <= b.lr) {
      const t = (Math.log(lr) - Math.log(a.lr)) / (Math.log(b.lr) - Math.log(a.lr));
      return a.smoothedLoss + t * (b.smoothedLoss - a.smoothedLoss);
    }
  }
  return pts[pts.length - 1].smoothedLoss;
}

function suggestionLayers(entries: { method: SuggestionMethod; x: number; y: number }[]): Layer[] {
  return SUGGESTION_METHODS.map((m): PointLayer => {
    const mine = entries.filter((e) => e.method === m);
    const look = SUGGESTION_LOOK[m];
    return { type: "point", name: look.label, shape: look.shape, color: look.color, x: mine.map((e) => e.x), y: mine.map((e) => e.y) };
  }).filter((l) => l.x.length > 0);
}

/**
 * A loss axis from a little below the lowest smoothed loss to a little above the highest starting
 * one: the blow-up leaves the top of the chart, and the part where the suggestions sit stays readable.
 */
function zoomedDomain(curves: readonly RangeTestCurve[]): [number, number] {
  const finite = (c: RangeTestCurve) => c.result.points.map((p) => p.smoothedLoss).filter((v) => Number.isFinite(v));
  const lo = Math.min(...curves.map((c) => Math.min(...finite(c))));
  const hi = Math.max(...curves.map((c) => finite(c)[0] ?? lo));
  const span = Math.max(hi - lo, 0.05);
  return [lo - 0.2 * span, hi + 0.6 * span];
}

export interface RangeTestCurve {
  name: string;
  result: LrFinderResult;
}

/**
 * The range tests' smoothed loss against the rate (log x), one curve per test, with each
 * suggestion marked where it sits on its curve.
 */
export function rangeTestFigure(curves: readonly RangeTestCurve[], title = "LR range test"): Figure {
  if (!curves || curves.length === 0) throw new RangeError("curves must be a non-empty array of { name, result }");
  for (const c of curves) {
    if (!c.result.points.some((p) => Number.isFinite(p.smoothedLoss))) throw new RangeError(`curve "${c.name}" has no finite loss to draw`);
  }
  const fig = lineChart({
    title,
    subtitle: "smoothed training loss while the rate grows every step; markers: the three suggestions",
    series: curves.map((c) => ({ name: c.name, x: c.result.points.map((p) => p.lr), y: c.result.points.map((p) => p.smoothedLoss) })),
    x: { label: "learning rate", scale: "log", format: "~e" },
    y: { label: "smoothed training loss", unit: "nats", domain: zoomedDomain(curves) },
  });
  const marks: { method: SuggestionMethod; x: number; y: number }[] = [];
  for (const c of curves) {
    const s = c.result.suggestions;
    if (!s) continue;
    for (const m of SUGGESTION_METHODS) marks.push({ method: m, x: s[m].lr, y: lossAtLr(c.result, s[m].lr) });
  }
  fig.layers.push(...suggestionLayers(marks));
  return fig;
}

/** A suggestion trained for the sweep's budget: where it lands on the sweep chart. */
export interface SuggestionOutcome {
  method: SuggestionMethod;
  lr: number;
  loss: number;
  failed: boolean;
}

/** Each suggestion with the outcome of training at its rate, found among `points` (runs at those rates). */
export function suggestionOutcomes(suggestions: LrSuggestions, points: readonly LrPoint[]): SuggestionOutcome[] {
  return SUGGESTION_METHODS.map((method) => {
    const lr = suggestions[method].lr;
    const p = points.find((q) => q.lr === lr);
    if (!p) throw new RangeError(`no run at the ${suggestionLabel(method)} rate ${lr}; train at every suggested rate first`);
    return { method, lr, loss: p.loss, failed: p.failed };
  });
}

/** onProgress for a sweep: one progress line over its runs, created at the first finished run. */
export function sweepProgress(label: string): (p: SweepProgress) => void {
  let bar: Progress | null = null;
  return (p) => {
    bar ??= progress({ total: p.total, label });
    bar.update(p.done);
  };
}

/**
 * The sweeps' final loss against the rate (lrSweepChart, failed runs as red crosses), with the
 * loss that training at each suggested rate reached marked on top.
 */
export function sweepWithSuggestionsFigure(
  sweeps: { name: string; points: LrPoint[] }[],
  outcomes: readonly SuggestionOutcome[],
  title: string,
): Figure {
  const fig = sweepFigure(title, sweeps, "validation loss after the budget");
  const marks = outcomes.filter((o) => Number.isFinite(o.loss)).map((o) => ({ method: o.method, x: o.lr, y: o.loss }));
  fig.layers.push(...suggestionLayers(marks));
  return fig;
}

/** A published training setting: the peak learning rate a model was trained with. */
export interface PublishedLr {
  family: string;
  model: string;
  /** Parameters. */
  params: number;
  /** Peak learning rate (after warmup, before decay). */
  lr: number;
  source: string;
}

const GPT3 = "Brown et al. 2020, Language Models are Few-Shot Learners, Table 2.1";
const LLAMA = "Touvron et al. 2023, LLaMA: Open and Efficient Foundation Language Models, Table 2";

/** Peak learning rates of GPT-3 (Adam) and LLaMA (AdamW), as their papers report them. */
export const PUBLISHED_LRS: readonly PublishedLr[] = [
  { family: "GPT-3", model: "GPT-3 Small", params: 125e6, lr: 6.0e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 Medium", params: 350e6, lr: 3.0e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 Large", params: 760e6, lr: 2.5e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 XL", params: 1.3e9, lr: 2.0e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 2.7B", params: 2.7e9, lr: 1.6e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 6.7B", params: 6.7e9, lr: 1.2e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 13B", params: 13e9, lr: 1.0e-4, source: GPT3 },
  { family: "GPT-3", model: "GPT-3 175B", params: 175e9, lr: 0.6e-4, source: GPT3 },
  { family: "LLaMA", model: "LLaMA 7B", params: 6.7e9, lr: 3.0e-4, source: LLAMA },
  { family: "LLaMA", model: "LLaMA 13B", params: 13.0e9, lr: 3.0e-4, source: LLAMA },
  { family: "LLaMA", model: "LLaMA 33B", params: 32.5e9, lr: 1.5e-4, source: LLAMA },
  { family: "LLaMA", model: "LLaMA 65B", params: 65.2e9, lr: 1.5e-4, source: LLAMA },
];

/** The families of `rows` in order of first appearance. */
export function families(rows: readonly PublishedLr[]): string[] {
  const out: string[] = [];
  for (const r of rows) if (!out.includes(r.family)) out.push(r.family);
  return out;
}

/**
 * Families in which a larger model was trained with a higher peak rate than a smaller one
 * (empty when, in every family, the rate never rises with size).
 */
export function familiesWhereLrRises(rows: readonly PublishedLr[]): string[] {
  return families(rows).filter((f) => {
    const sorted = rows.filter((r) => r.family === f).sort((a, b) => a.params - b.params);
    return sorted.some((r, i) => i > 0 && r.lr > sorted[i - 1].lr);
  });
}

/**
 * The power law lr = a * params^slope fitted by least squares on log-log axes to one family's
 * rows, evaluated at `params`: where that family's trend would put a model of this size.
 */
export function trendAt(rows: readonly PublishedLr[], family: string, params: number): { slope: number; lr: number } {
  const mine = rows.filter((r) => r.family === family);
  if (mine.length < 2) throw new RangeError(`family must name at least 2 rows; "${family}" has ${mine.length}`);
  if (!(params > 0) || !Number.isFinite(params)) throw new RangeError(`params must be a finite number > 0; got ${params}`);
  const xs = mine.map((r) => Math.log(r.params));
  const ys = mine.map((r) => Math.log(r.lr));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) * (x - mx);
  });
  if (sxx === 0) throw new RangeError(`family "${family}" has a single model size: no trend to fit`);
  const slope = sxy / sxx;
  return { slope, lr: Math.exp(my + slope * (Math.log(params) - mx)) };
}

/** A rate measured here, placed on the published chart. */
export interface MeasuredLr {
  name: string;
  params: number;
  lr: number;
}

/** Peak learning rate against parameter count on log-log axes: one line per family, our measurements as points. */
export interface PublishedFigureOptions {
  /** Draw this "typical" range of rates as two horizontal lines, e.g. [1e-3, 0.1]. */
  typical?: [number, number];
  /** Extend this family's fitted power law (trendAt) from the smallest of `ours` to its largest model. */
  trendOf?: string;
}

export function publishedLrFigure(rows: readonly PublishedLr[], ours: readonly MeasuredLr[] = [], options: PublishedFigureOptions = {}): Figure {
  if (!rows || rows.length === 0) throw new RangeError("rows must be a non-empty array of published rates");
  const sizes = [...rows.map((r) => r.params), ...ours.map((m) => m.params)];
  const [xMin, xMax] = [Math.min(...sizes), Math.max(...sizes)];
  const extra: Curve[] = [];
  if (options.typical) {
    const [a, b] = options.typical;
    if (!(a > 0 && b > a)) throw new RangeError(`typical must be [low, high] with 0 < low < high; got [${a}, ${b}]`);
    extra.push({ name: `typical range, ${formatNumber(a)}`, x: [xMin, xMax], y: [a, a] }, { name: `typical range, ${formatNumber(b)}`, x: [xMin, xMax], y: [b, b] });
  }
  if (options.trendOf) {
    const big = Math.max(...rows.filter((r) => r.family === options.trendOf).map((r) => r.params));
    const ends = [xMin, big];
    extra.push({ name: `${options.trendOf} trend, extended`, x: ends, y: ends.map((n) => trendAt(rows, options.trendOf!, n).lr) });
  }
  const fig = lineChart({
    title: "Peak learning rate against model size",
    subtitle: "published LLM settings (lines with points) and the best rates measured in this notebook (markers)",
    series: [...families(rows).map((f) => {
      const sorted = rows.filter((r) => r.family === f).sort((a, b) => a.params - b.params);
      return { name: f, x: sorted.map((r) => r.params), y: sorted.map((r) => r.lr) };
    }), ...extra],
    x: { label: "parameters", scale: "log", format: "~e" },
    y: { label: "peak learning rate", scale: "log", format: "~e" },
  });
  const line = fig.layers[0];
  if (line.type === "line") line.showPoints = true;
  const shapes: PointShape[] = ["diamond", "circle", "square", "triangle-up"];
  ours.forEach((m, i) => {
    fig.layers.push({ type: "point", name: m.name, shape: shapes[i % shapes.length], color: i % 2 ? "#d62728" : "#2ca02c", x: [m.params], y: [m.lr] });
  });
  return fig;
}

const DIVERGED_LOOK: { shape: PointShape; color: string }[] = [
  { shape: "cross", color: "#d62728" },
  { shape: "circle", color: "#8c564b" },
  { shape: "triangle-up", color: "#e377c2" },
];

/**
 * lrSweepChart with one "diverged" marker layer per sweep ("SGD diverged", "Adam diverged"),
 * each in its own shape and colour, so the reader sees which optimizer failed at which rate.
 * Failed runs sit along the top edge at their rate; sweeps that fail at the same rate are drawn a
 * little apart (a few per cent of the axis) so that both markers show.
 */
export function sweepFigure(title: string, sweeps: { name: string; points: LrPoint[] }[], yLabel = "validation loss"): Figure {
  const fig = lrSweepChart({ title, sweeps, y: { label: yLabel, unit: "nats" } });
  fig.layers = fig.layers.filter((l) => !(l.type === "point" && l.name === "diverged"));
  const [lo, hi] = fig.y.domain!;
  sweeps.forEach((s, i) => {
    const failed = s.points.filter((p) => p.failed || p.diverged || !Number.isFinite(p.loss));
    if (failed.length === 0) return;
    const look = DIVERGED_LOOK[i % DIVERGED_LOOK.length];
    const y = hi - (hi - lo) * 0.04 * (i + 1);
    fig.layers.push({ type: "point", name: `${s.name} diverged`, shape: look.shape, color: look.color, x: failed.map((p) => p.lr), y: failed.map(() => y) });
  });
  return fig;
}

/** One range test's suggestions, with the seed of its model and batches. */
export interface SeededSuggestions {
  optimizer: "sgd" | "adam";
  seed: number;
  suggestions: LrSuggestions;
}

export interface RangeTestsOptions {
  data: TextDataset;
  arch: { contextSize: number; embedding: number; hidden: number };
  optimizers: readonly ("sgd" | "adam")[];
  /** Each seed sets the model's initial weights and the batches of its range test. */
  seeds: readonly number[];
  steps: number;
  batchSize: number;
}

/** The LR range test (1e-5 to 10) for every optimizer and seed, on a fresh MLP each time. */
export async function rangeTestsOverSeeds(o: RangeTestsOptions): Promise<SeededSuggestions[]> {
  if (!o.seeds.length || !o.optimizers.length) throw new RangeError("give at least one seed and one optimizer");
  const out: SeededSuggestions[] = [];
  for (const opt of o.optimizers) {
    for (const seed of o.seeds) {
      const model = createMlpCharModel({ data: o.data, ...o.arch, seed });
      const optimizer = opt === "sgd" ? sgd({ lr: 1e-3 }) : adam({ lr: 1e-3 });
      try {
        const r = await lrFinder({ model, optimizer, startLr: 1e-5, endLr: 10, steps: o.steps, batchSize: o.batchSize, seed });
        if (!r.suggestions) throw new Error(`${opt}, seed ${seed}: the range test gave no suggestions (${r.summary})`);
        out.push({ optimizer: opt, seed, suggestions: r.suggestions });
      } finally {
        model.dispose();
        optimizer.dispose();
      }
    }
  }
  return out;
}

/** One sweep configuration per range test and suggestion: train at the suggested rate, same seed. */
export function suggestionConfigs(tests: readonly SeededSuggestions[]): Config[] {
  return tests.flatMap((t) => SUGGESTION_METHODS.map((m) => ({ optimizer: t.optimizer, lr: t.suggestions[m].lr, seed: t.seed, modelSeed: t.seed })));
}

/** Per optimizer and suggestion: the suggested rates and the final validation losses over the seeds. */
export interface SuggestionArm {
  name: string;
  optimizer: string;
  method: SuggestionMethod;
  lrs: number[];
  losses: number[];
}

/** Groups the records of a sweep over `suggestionConfigs(tests)` (same order) into arms. */
export function suggestionArms(tests: readonly SeededSuggestions[], records: readonly SweepRecord[]): SuggestionArm[] {
  const configs = suggestionConfigs(tests);
  if (records.length !== configs.length) throw new RangeError(`expected ${configs.length} records (one per config); got ${records.length}`);
  const arms: SuggestionArm[] = [];
  configs.forEach((c, i) => {
    const method = SUGGESTION_METHODS[i % SUGGESTION_METHODS.length];
    const name = `${c.optimizer === "sgd" ? "SGD" : "Adam"} ${suggestionLabel(method)}`;
    let arm = arms.find((a) => a.name === name);
    if (!arm) arms.push((arm = { name, optimizer: String(c.optimizer), method, lrs: [], losses: [] }));
    const r = records[i];
    if (r.lr !== c.lr) throw new RangeError(`records[${i}] has lr ${String(r.lr)}, config ${String(c.lr)}: not in config order`);
    arm.lrs.push(c.lr as number);
    arm.losses.push(typeof r.finalValLoss === "number" && r.diverged !== true ? r.finalValLoss : NaN);
  });
  return arms;
}
