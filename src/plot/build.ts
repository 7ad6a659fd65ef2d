// The figure vocabulary of the series: small functions that turn experiment results into a
// Figure with sensible defaults (titles, labelled axes with units, log scales where the lesson
// needs them). They only arrange data; drawing is the adapters' job.
import { Axis, CellLayer, Figure, HistogramBin, Layer, LineSeries, ParameterColor, PointLayer, ScaleType, cellEdges, drawable } from "./figure";
import { formatNumber } from "./format";

const WIDTH = 480;
const HEIGHT = 300;

export interface AxisOptions {
  label?: string;
  unit?: string;
  scale?: ScaleType;
  domain?: [number, number];
  format?: string;
}

interface Common {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

export interface Curve {
  name: string;
  y: ArrayLike<number>;
  /** Default: 0, 1, 2, ... */
  x?: ArrayLike<number>;
}

function axis(defaults: Axis, given: AxisOptions | undefined, name: string): Axis {
  const a: Axis = { ...defaults, ...stripUndefined(given ?? {}) };
  if (a.scale !== "linear" && a.scale !== "log") throw new RangeError(`${name}.scale must be "linear" or "log", got ${String(a.scale)}`);
  if (a.domain) {
    const [lo, hi] = a.domain;
    if (!(lo < hi) || (a.scale === "log" && lo <= 0)) {
      throw new RangeError(`${name}.domain must be [min, max] with min < max${a.scale === "log" ? " and min > 0 on a log scale" : ""}, got [${lo}, ${hi}]`);
    }
  }
  return a;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function frame(kind: Figure["kind"], o: Common, x: Axis, y: Axis, layers: Layer[]): Figure {
  const width = o.width ?? WIDTH;
  const height = o.height ?? HEIGHT;
  if (!(width >= 50 && width <= 2000)) throw new RangeError(`width must be in [50, 2000] pixels, got ${width}`);
  if (!(height >= 50 && height <= 2000)) throw new RangeError(`height must be in [50, 2000] pixels, got ${height}`);
  if (typeof o.title !== "string") throw new RangeError("title must be a string");
  const f: Figure = { kind, title: o.title, x, y, layers, width, height };
  if (o.subtitle) f.subtitle = o.subtitle;
  return f;
}

function toSeries(c: Curve, i: number, param?: number): LineSeries {
  if (!c || typeof c.name !== "string") throw new RangeError(`series[${i}].name must be a string`);
  const y = Array.from(c.y);
  const x = c.x ? Array.from(c.x) : y.map((_, k) => k);
  if (x.length !== y.length) throw new RangeError(`series[${i}] ("${c.name}"): x has ${x.length} values but y has ${y.length}; they must match`);
  const s: LineSeries = { name: c.name, x, y };
  if (param !== undefined) s.param = param;
  return s;
}

/** Extent of the drawable values, or null when there are none. */
function extent(values: number[], scale: ScaleType): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!drawable(v, scale)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** [lo, hi] widened a little so that marks on the edge stay visible. */
function pad([lo, hi]: [number, number], scale: ScaleType, fraction = 0.08): [number, number] {
  if (scale === "log") {
    const r = Math.max(Math.log10(hi / lo), 0.3) * fraction;
    return [lo / 10 ** r, hi * 10 ** r];
  }
  const r = Math.max(hi - lo, Math.abs(hi) * 0.1, 1e-12) * fraction;
  return [lo - r, hi + r];
}

// ---------------------------------------------------------------------------------------------

export interface LineChartOptions extends Common {
  series: Curve[];
  x?: AxisOptions;
  y?: AxisOptions;
}

/** Curves against a common x (default: loss against step); log axes via `x.scale`/`y.scale`. */
export function lineChart(o: LineChartOptions): Figure {
  if (!Array.isArray(o.series) || o.series.length === 0) throw new RangeError("series must be a non-empty array of curves");
  const x = axis({ label: "step", scale: "linear" }, o.x, "x");
  const y = axis({ label: "loss", scale: "linear" }, o.y, "y");
  return frame("line", o, x, y, [{ type: "line", series: o.series.map((c, i) => toSeries(c, i)) }]);
}

export interface Run {
  /** The parameter this run differs in, e.g. its learning rate. */
  value: number;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
  /** Legend entry; default "<symbol>=<value>". */
  name?: string;
}

export interface RunsChartOptions extends Common {
  runs: Run[];
  /** What the runs differ in. Default: learning rate on a log colour scale, written "lr". */
  parameter?: { label?: string; symbol?: string; scale?: ScaleType };
  x?: AxisOptions;
  y?: AxisOptions;
}

/**
 * Many runs, one curve each, coloured on a sequential scale by the parameter they differ in.
 * A run that blows up (a non-finite value) ends in a cross at its last drawable point.
 */
export function runsChart(o: RunsChartOptions): Figure {
  if (!Array.isArray(o.runs) || o.runs.length === 0) throw new RangeError("runs must be a non-empty array");
  const p = { label: "learning rate", symbol: "lr", scale: "log" as ScaleType, ...stripUndefined(o.parameter ?? {}) };
  if (p.scale !== "linear" && p.scale !== "log") throw new RangeError(`parameter.scale must be "linear" or "log", got ${String(p.scale)}`);
  const x = axis({ label: "step", scale: "linear" }, o.x, "x");
  const y = axis({ label: "loss", scale: "linear" }, o.y, "y");
  const runs = o.runs.slice().sort((a, b) => a.value - b.value);
  const series = runs.map((r, i) => {
    if (!drawable(r.value, p.scale)) throw new RangeError(`runs[${i}].value must be finite${p.scale === "log" ? " and > 0 on a log scale" : ""}, got ${r.value}`);
    return toSeries({ name: r.name ?? `${p.symbol}=${formatNumber(r.value)}`, x: r.x, y: r.y }, i, r.value);
  });
  const colorBy: ParameterColor = { label: p.label, scale: p.scale };
  const layers: Layer[] = [{ type: "line", series, colorBy }];
  const blown = { xs: [] as number[], ys: [] as number[] };
  for (const s of series) {
    if (s.y.every((v) => Number.isFinite(v))) continue;
    let last = -1;
    for (let i = 0; i < s.y.length && Number.isFinite(s.y[i]); i++) if (drawable(s.y[i], y.scale) && drawable(s.x[i], x.scale)) last = i;
    if (last >= 0) {
      blown.xs.push(s.x[last]);
      blown.ys.push(s.y[last]);
    }
  }
  if (blown.xs.length) layers.push({ type: "point", name: "diverged", shape: "cross", x: blown.xs, y: blown.ys, color: "#d62728" });
  return frame("runs", o, x, y, layers);
}

export interface SweepPoint {
  lr: number;
  /** Final (or best) loss; NaN or Infinity counts as diverged. */
  loss: number;
  diverged?: boolean;
}

export interface LrSweepOptions extends Common {
  /** One sweep, or several (e.g. one per optimizer) as named groups. */
  points?: SweepPoint[];
  sweeps?: { name: string; points: SweepPoint[] }[];
  x?: AxisOptions;
  y?: AxisOptions;
}

/**
 * Final loss against learning rate (log x). Diverged runs have no loss to plot, so they are drawn
 * as red crosses along the top edge at their LR: the reader sees where the cliff is.
 */
export function lrSweepChart(o: LrSweepOptions): Figure {
  const sweeps = o.sweeps ?? (o.points ? [{ name: "final loss", points: o.points }] : []);
  if (sweeps.length === 0 || sweeps.some((s) => !Array.isArray(s.points) || s.points.length === 0)) {
    throw new RangeError("give points (a non-empty array of {lr, loss}) or sweeps (non-empty arrays of them)");
  }
  const x = axis({ label: "learning rate", scale: "log", format: "~e" }, o.x, "x");
  const yGiven = axis({ label: "final loss", scale: "linear" }, o.y, "y");
  const ok = (p: SweepPoint) => !p.diverged && drawable(p.loss, yGiven.scale);
  const finite = sweeps.flatMap((s) => s.points.filter(ok).map((p) => p.loss));
  const fitted = extent(finite, yGiven.scale) ?? (yGiven.scale === "log" ? ([0.1, 10] as [number, number]) : ([0, 1] as [number, number]));
  const y: Axis = { ...yGiven, domain: yGiven.domain ?? pad(fitted, yGiven.scale) };
  const top = y.domain![1];
  const series: LineSeries[] = [];
  const crosses: PointLayer = { type: "point", name: "diverged", shape: "cross", x: [], y: [], color: "#d62728" };
  sweeps.forEach((s, i) => {
    const pts = s.points.slice().sort((a, b) => a.lr - b.lr);
    pts.forEach((p, k) => {
      if (!drawable(p.lr, x.scale)) throw new RangeError(`sweeps[${i}].points[${k}].lr must be finite${x.scale === "log" ? " and > 0" : ""}, got ${p.lr}`);
    });
    const good = pts.filter(ok);
    series.push({ name: s.name, x: good.map((p) => p.lr), y: good.map((p) => p.loss) });
    for (const p of pts) {
      if (ok(p)) continue;
      crosses.x.push(p.lr);
      crosses.y.push(top);
    }
  });
  const layers: Layer[] = [{ type: "line", series, showPoints: true }];
  if (crosses.x.length) layers.push(crosses);
  return frame("sweep", o, x, y, layers);
}

export interface ScheduleSamples {
  name: string;
  samples: { step: number; lr: number }[];
}

export interface ScheduleChartOptions extends Common {
  schedules: ScheduleSamples[];
  x?: AxisOptions;
  y?: AxisOptions;
}

/** Learning rate against step for one or more schedules, from {step, lr} samples. */
export function scheduleChart(o: ScheduleChartOptions): Figure {
  if (!Array.isArray(o.schedules) || o.schedules.length === 0) throw new RangeError("schedules must be a non-empty array");
  const x = axis({ label: "step", scale: "linear" }, o.x, "x");
  const y = axis({ label: "learning rate", scale: "linear", format: "~g" }, o.y, "y");
  const series = o.schedules.map((s, i) => {
    if (!Array.isArray(s.samples) || s.samples.length === 0) throw new RangeError(`schedules[${i}].samples must be a non-empty array of {step, lr}`);
    return toSeries({ name: s.name, x: s.samples.map((p) => p.step), y: s.samples.map((p) => p.lr) }, i);
  });
  return frame("schedule", o, x, y, [{ type: "line", series }]);
}

export interface Grid {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** z[j][i] at (x[i], y[j]). */
  z: ArrayLike<number>[];
}

function checkGrid(g: Grid): { x: number[]; y: number[]; z: number[][] } {
  if (!g || !g.x || !g.y || !g.z) throw new RangeError("grid must be {x, y, z} with z[j][i] at (x[i], y[j])");
  const x = Array.from(g.x);
  const y = Array.from(g.y);
  if (x.length === 0 || y.length === 0) throw new RangeError("grid.x and grid.y must be non-empty");
  if (g.z.length !== y.length) throw new RangeError(`grid.z must have one row per y value (${y.length}), got ${g.z.length}`);
  const z = g.z.map((row, j) => {
    if (row.length !== x.length) throw new RangeError(`grid.z[${j}] must have one value per x value (${x.length}), got ${row.length}`);
    return Array.from(row);
  });
  return { x, y, z };
}

export interface LandscapeOptions extends Common {
  grid: Grid;
  /** Optimizer paths drawn over the landscape, in visiting order. */
  trajectories?: { name: string; points: { x: number; y: number }[] }[];
  /** Colour of the landscape; default "loss" on a log scale when all values are positive. */
  color?: { label?: string; scale?: ScaleType };
  x?: AxisOptions;
  y?: AxisOptions;
}

/** A loss landscape as a heatmap over two parameters, with optimizer trajectories on top. */
export function landscapeChart(o: LandscapeOptions): Figure {
  const g = checkGrid(o.grid);
  const allPositive = g.z.every((row) => row.every((v) => !Number.isFinite(v) || v > 0));
  const color: ParameterColor = { label: "loss", scale: allPositive ? "log" : "linear", ...stripUndefined(o.color ?? {}) };
  const ex = cellEdges(g.x);
  const ey = cellEdges(g.y);
  const x = axis({ label: "w1", scale: "linear", domain: [Math.min(...ex), Math.max(...ex)] }, o.x, "x");
  const y = axis({ label: "w2", scale: "linear", domain: [Math.min(...ey), Math.max(...ey)] }, o.y, "y");
  const cells: CellLayer = { type: "cells", discrete: false, x: g.x, y: g.y, z: g.z, color };
  const layers: Layer[] = [cells];
  const paths = (o.trajectories ?? []).map((t, i) => {
    if (!Array.isArray(t.points)) throw new RangeError(`trajectories[${i}].points must be an array of {x, y}`);
    return toSeries({ name: t.name, x: t.points.map((p) => p.x), y: t.points.map((p) => p.y) }, i);
  });
  if (paths.length) {
    layers.push({ type: "line", series: paths, showPoints: true });
    layers.push({ type: "point", name: "start", shape: "circle", x: paths.map((p) => p.x[0]), y: paths.map((p) => p.y[0]), color: "#ffffff" });
  }
  return frame("landscape", o, x, y, layers);
}

export interface HeatmapOptions extends Common {
  /** Column values, e.g. learning rates. */
  x: { label: string; unit?: string; values: ArrayLike<number> };
  /** Row values, e.g. batch sizes. */
  y: { label: string; unit?: string; values: ArrayLike<number> };
  /** z[j][i] for column x[i], row y[j]; NaN marks a run that diverged. */
  z: ArrayLike<number>[];
  color?: { label?: string; scale?: ScaleType };
  /** Write the value in each cell; default: when the grid has at most 150 cells. */
  annotate?: boolean;
}

/** A discrete grid such as final loss over LR x batch size, one labelled cell per run. */
export function heatmapChart(o: HeatmapOptions): Figure {
  const g = checkGrid({ x: o.x?.values, y: o.y?.values, z: o.z });
  const cells: CellLayer = {
    type: "cells",
    discrete: true,
    x: g.x,
    y: g.y,
    z: g.z,
    color: { label: "final loss", scale: "linear", ...stripUndefined(o.color ?? {}) },
    annotate: o.annotate ?? g.x.length * g.y.length <= 150,
  };
  const x: Axis = { label: o.x.label, scale: "linear" };
  if (o.x.unit) x.unit = o.x.unit;
  const y: Axis = { label: o.y.label, scale: "linear" };
  if (o.y.unit) y.unit = o.y.unit;
  return frame("heatmap", o, x, y, [cells]);
}

export interface IntervalChartOptions extends Common {
  /** One entry per arm, drawn left to right in this order: its values over seeds (or repeats). */
  arms: { name: string; values: ArrayLike<number> }[];
  /** The x axis only has a title (default "arm"). */
  x?: { label?: string };
  y?: AxisOptions;
}

/**
 * A comparison of arms over seeds: per arm the mean as a dot, the range (min to max) as a bar,
 * and each seed's value as a small circle. Values that cannot be drawn (NaN, diverged runs, <= 0
 * on a log axis) are left out of the mark and counted in the figure's text.
 */
export function intervalChart(o: IntervalChartOptions): Figure {
  if (!Array.isArray(o.arms) || o.arms.length === 0) throw new RangeError("arms must be a non-empty array of { name, values }");
  const y = axis({ label: "final loss", unit: "nats", scale: "linear" }, o.y, "y");
  const seen = new Set<string>();
  const arms = o.arms.map((a, i) => {
    if (!a || typeof a.name !== "string" || a.name === "") throw new RangeError(`arms[${i}].name must be a non-empty string`);
    if (seen.has(a.name)) throw new RangeError(`arm names must be unique; "${a.name}" appears twice`);
    seen.add(a.name);
    const values = Array.from(a.values ?? []);
    if (values.length === 0) throw new RangeError(`arms[${i}] ("${a.name}") has no values`);
    const good = values.filter((v) => drawable(v, y.scale));
    const mean = good.length ? good.reduce((s, v) => s + v, 0) / good.length : NaN;
    return { name: a.name, mean, lo: good.length ? Math.min(...good) : NaN, hi: good.length ? Math.max(...good) : NaN, values };
  });
  if (!y.domain) {
    const e = extent(arms.flatMap((a) => a.values), y.scale);
    if (e) y.domain = pad(e, y.scale, 0.15);
  }
  const x: Axis = { label: o.x?.label ?? "arm", scale: "linear" };
  return frame("interval", o, x, y, [{ type: "intervals", arms }]);
}

export interface HistogramOptions extends Common {
  /** One sample, or several named samples drawn over each other. */
  values?: ArrayLike<number>;
  groups?: { name: string; values: ArrayLike<number> }[];
  bins?: number;
  x?: AxisOptions;
  y?: AxisOptions;
}

/** Counts in equal-width bins (equal in log space on a log x axis). Non-drawable values are skipped. */
export function histogramChart(o: HistogramOptions): Figure {
  const groups = o.groups ?? (o.values ? [{ name: "count", values: o.values }] : []);
  if (groups.length === 0) throw new RangeError("give values (an array of numbers) or groups of them");
  const bins = o.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) throw new RangeError(`bins must be an integer in [1, 1000], got ${bins}`);
  const x = axis({ label: "value", scale: "linear" }, o.x, "x");
  const y = axis({ label: "count", scale: "linear" }, o.y, "y");
  const arrays = groups.map((g) => Array.from(g.values).filter((v) => drawable(v, x.scale)));
  const range = x.domain ?? extent(arrays.flat(), x.scale) ?? [0, 1];
  const t = x.scale === "log" ? Math.log10 : (v: number) => v;
  const inv = x.scale === "log" ? (v: number) => 10 ** v : (v: number) => v;
  let [lo, hi] = [t(range[0]), t(range[1])];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const barGroups = groups.map((g, gi) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of arrays[gi]) {
      const tv = t(v);
      if (tv < lo || tv > hi) continue; // outside a given domain
      counts[Math.min(Math.floor((tv - lo) / width), bins - 1)]++; // the maximum belongs to the last bin
    }
    const hb: HistogramBin[] = counts.map((count, k) => ({ x0: inv(lo + k * width), x1: inv(lo + (k + 1) * width), count }));
    return { name: g.name, bins: hb };
  });
  return frame("histogram", o, x, y, [{ type: "bars", groups: barGroups }]);
}
