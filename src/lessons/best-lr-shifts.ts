// Helpers of notebook 10 (what shifts the best learning rate): one sweep experiment that trains
// the names MLP or the tiny GPT in the standard parametrisation or muP, with any batch size,
// width, training-set size and horizon, and can measure the gradient noise scale during the run;
// the optimum of a log-spaced LR sweep (parabola in log lr through the best grid point and its
// neighbours), log-log slopes, steps to a target loss, and the notebook's figures.
import * as path from "path";
import type { Figure } from "../plot/figure";
import { lineChart, lrSweepChart } from "../plot/build";
import { registerExperiment } from "../sweep/experiments";
import type { Metrics, RunOutcome } from "../sweep/experiments";
import type { Config, Json } from "../sweep/grid";
import type { SweepRun } from "../sweep/sweep";
import { scheduleFromSpec } from "../sweep/factories";
import { trainSync } from "../train/train";
import type { History } from "../train/types";
import type { LrOptimizer } from "../train/types";
import { createNamesDataset } from "../data/text-dataset";
import type { TextDataset } from "../data/text-dataset";
import { createMlpCharModel } from "../models/mlp-char";
import { createGpt } from "../models/gpt";
import type { Model } from "../models/model";
import { mupInit, mupParamGroups } from "../models/mup";
import type { ParamGroup } from "../optimizers/base";
import { sgd } from "../optimizers/sgd";
import { adam } from "../optimizers/adam";
import { adamw } from "../optimizers/adamw";
import { cosineAnnealing } from "../schedules/cosine-annealing";
import { estimateNoiseScale } from "../noise-scale";
import { createRng } from "../random";

/** The sweep experiment of this notebook, for `sweep({ run: SHIFTS_EXPERIMENT, ... })`. */
export const SHIFTS_EXPERIMENT = {
  name: "best-lr-shifts",
  module: path.join(__dirname, "best-lr-shifts"),
};

let names: TextDataset | null = null;
const num = (c: Config, k: string, d: number): number => {
  const v = c[k];
  if (v === undefined) return d;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`config.${k} must be a number; got ${JSON.stringify(v)}`);
  return v;
};

function buildModel(config: Config, data: TextDataset): { model: Model; width: number } {
  const arch = config.arch ?? "mlp";
  const seed = num(config, "modelSeed", 0);
  if (arch === "mlp") {
    const hidden = num(config, "hidden", 64);
    const model = createMlpCharModel({ data, hidden, seed, contextSize: num(config, "contextSize", 3), embedding: num(config, "embedding", 10) });
    return { model, width: hidden };
  }
  if (arch === "gpt") {
    const width = num(config, "width", 32);
    const model = createGpt({
      data,
      width,
      seed,
      heads: num(config, "heads", 4),
      layers: num(config, "layers", 1),
      blockSize: num(config, "blockSize", 16),
      evalWindows: num(config, "evalWindows", 128),
    });
    return { model, width };
  }
  throw new RangeError(`config.arch must be "mlp" or "gpt"; got ${JSON.stringify(arch)}`);
}

function buildOptimizer(name: Json | undefined, lr: number, paramGroups: ParamGroup[]): LrOptimizer {
  const groups = paramGroups.length > 0 ? { paramGroups } : {};
  switch (name ?? "adam") {
    case "sgd":
      return sgd({ lr, ...groups });
    case "momentum":
      return sgd({ lr, momentum: 0.9, ...groups });
    case "adam":
      return adam({ lr, ...groups });
    case "adamw":
      return adamw({ lr, ...groups });
    default:
      throw new RangeError(`config.optimizer must be sgd, momentum, adam or adamw; got ${JSON.stringify(name)}`);
  }
}

/**
 * One run. Config: arch ("mlp" | "gpt"), hidden (mlp) or width/heads/layers/blockSize (gpt),
 * param ("sp" | "mup") with baseWidth (muP rates via optimizer groups, plus muP init unless
 * mupInit: false), optimizer (sgd | momentum | adam | adamw), lr, steps, batchSize, seed (batch
 * order), modelSeed, words (training-set size), decayTo (cosine from lr to decayTo x lr over the
 * run; default constant), evalEvery, and noiseAt (update counts after which B_simple is measured
 * with batches of noiseSmall and noiseBig examples, noiseRepeats of each).
 */
export function runShift(config: Config): RunOutcome {
  const full = (names ??= createNamesDataset({ seed: 0 }));
  const data = typeof config.words === "number" ? full.subset(config.words, 0) : full;
  const { model, width } = buildModel(config, data);
  const lr = num(config, "lr", NaN);
  const steps = num(config, "steps", 300);
  const param = config.param ?? "sp";
  if (param !== "sp" && param !== "mup") throw new RangeError(`config.param must be "sp" or "mup"; got ${JSON.stringify(param)}`);
  try {
    let groups: ParamGroup[] = [];
    if (param === "mup") {
      const mup = { width, baseWidth: num(config, "baseWidth", width), optimizer: config.optimizer === "sgd" || config.optimizer === "momentum" ? ("sgd" as const) : ("adam" as const) };
      if (config.mupInit !== false) mupInit(model, mup);
      groups = mupParamGroups(model, mup);
    }
    const optimizer = buildOptimizer(config.optimizer, lr, groups);
    const decayTo = config.decayTo;
    const schedule =
      typeof decayTo === "number" ? cosineAnnealing({ lr, totalSteps: steps, minLr: decayTo * lr }) : scheduleFromSpec(undefined, lr, steps);
    const noiseAt = Array.isArray(config.noiseAt) ? (config.noiseAt as number[]) : [];
    const metrics: Metrics = { params: model.numParams };
    const noiseRng = createRng(1000 + num(config, "seed", 0));
    const measure = (k: number) => {
      const e = estimateNoiseScale(model, {
        smallBatch: num(config, "noiseSmall", 8),
        bigBatch: num(config, "noiseBig", 256),
        repeats: num(config, "noiseRepeats", 8),
        rng: noiseRng,
      });
      metrics[`bSimple@${k}`] = Number.isFinite(e.bSimple) ? e.bSimple : null;
      metrics[`gradSq@${k}`] = e.gradSq;
      metrics[`traceSigma@${k}`] = e.traceSigma;
    };
    if (noiseAt.includes(0)) measure(0);
    const history = trainSync({
      model,
      optimizer,
      schedule,
      steps,
      batchSize: num(config, "batchSize", 32),
      seed: num(config, "seed", 0),
      evalEvery: config.evalEvery === undefined ? undefined : num(config, "evalEvery", 0),
      callbacks: noiseAt.length > 0 ? { onStep: (r) => void (noiseAt.includes(r.step + 1) ? measure(r.step + 1) : undefined) } : undefined,
    });
    optimizer.dispose();
    return { history, metrics };
  } finally {
    model.dispose();
  }
}
registerExperiment(SHIFTS_EXPERIMENT.name, runShift);

// ---- reading sweeps ----

export interface LrPoint {
  lr: number;
  loss: number;
  /** Diverged, not finite, or ended above its initial loss. */
  failed: boolean;
  diverged: boolean;
}

/** The final validation loss of a run (Infinity when it diverged or ended above its start). */
export function runLoss(run: SweepRun): number {
  const h = run.outcome.history;
  const v = h.finalValLoss;
  if (h.diverged || typeof v !== "number" || !Number.isFinite(v) || !(v <= h.initialLoss)) return Infinity;
  return v;
}

/** The sweep's runs whose config matches `where`, as LR points sorted by rate. */
export function lrCurve(runs: readonly SweepRun[], where: Config = {}, metric: (r: SweepRun) => number = runLoss): LrPoint[] {
  const rows = runs.filter((r) => Object.entries(where).every(([k, v]) => JSON.stringify(r.config[k]) === JSON.stringify(v)));
  if (rows.length === 0) throw new RangeError(`no runs match ${JSON.stringify(where)}`);
  return rows
    .map((r) => {
      const loss = metric(r);
      const failed = !Number.isFinite(loss);
      return { lr: r.config.lr as number, loss, failed, diverged: failed };
    })
    .sort((a, b) => a.lr - b.lr);
}

export interface Optimum {
  /** The estimated best rate: the parabola's vertex in log10(lr), or the grid point at an edge. */
  lr: number;
  /** The best rate on the grid. */
  gridLr: number;
  /** Loss at the best grid point. */
  loss: number;
  /** The best grid point is the first or last finite point of the grid (the optimum may lie beyond). */
  atEdge: boolean;
}

/**
 * The optimum of a log-spaced sweep: the best grid point, refined by the parabola through it and
 * its two neighbours in log10(lr) (a vertex within half a grid step of the best point).
 */
export function optimum(points: readonly LrPoint[]): Optimum {
  const ok = points.filter((p) => !p.failed);
  if (ok.length === 0) throw new RangeError("every run of the sweep failed: there is no best learning rate");
  let i = 0;
  points.forEach((p, k) => {
    if (!p.failed && (points[i].failed || p.loss < points[i].loss)) i = k;
  });
  const best = points[i];
  const left = points[i - 1];
  const right = points[i + 1];
  if (!left || !right || left.failed || right.failed) {
    return { lr: best.lr, gridLr: best.lr, loss: best.loss, atEdge: !left || !right || left.failed || right.failed };
  }
  const [x0, x1, x2] = [left.lr, best.lr, right.lr].map(Math.log10);
  const [y0, y1, y2] = [left.loss, best.loss, right.loss];
  // vertex of the parabola through three points (not necessarily equally spaced)
  const d0 = (y1 - y0) / (x1 - x0);
  const d1 = (y2 - y1) / (x2 - x1);
  const curv = (d1 - d0) / (x2 - x0);
  let x = x1;
  if (curv > 0) x = (x0 + x1) / 2 - d0 / (2 * curv);
  x = Math.min(Math.max(x, (x0 + x1) / 2), (x1 + x2) / 2);
  return { lr: Math.pow(10, x), gridLr: best.lr, loss: best.loss, atEdge: false };
}

/** Slope of log(y) against log(x) between two points. */
export function logSlope(x1: number, y1: number, x2: number, y2: number): number {
  if (!(x1 > 0 && x2 > 0 && y1 > 0 && y2 > 0) || x1 === x2) throw new RangeError("logSlope needs positive values and x1 != x2");
  return Math.log(y2 / y1) / Math.log(x2 / x1);
}

/** Least-squares slope of log(y) on log(x) (the name notebook 10 uses). */
export { logLogSlope as logLogFit } from "../stats";

/** Mean training loss over a trailing window of updates, per update (the window grows at the start). */
export function smoothedTrainLoss(history: History, window: number): number[] {
  const xs = history.steps.map((s) => s.trainLoss);
  const out: number[] = [];
  let sum = 0;
  xs.forEach((x, i) => {
    sum += x;
    if (i >= window) sum -= xs[i - window];
    out.push(sum / Math.min(i + 1, window));
  });
  return out;
}

/** Updates until the smoothed training loss first reaches `target` (Infinity if it never does). */
export function stepsToTarget(history: History, target: number, window = 20): number {
  const s = smoothedTrainLoss(history, window);
  for (let i = window - 1; i < s.length; i++) if (s[i] <= target) return i + 1;
  return Infinity;
}

/** Fewest updates to `target` over the runs that match `where` (the rate tuned for speed). */
export function fewestSteps(runs: readonly SweepRun[], where: Config, target: number, window = 20): { steps: number; lr: number } {
  let best = { steps: Infinity, lr: NaN };
  for (const r of runs) {
    if (!Object.entries(where).every(([k, v]) => JSON.stringify(r.config[k]) === JSON.stringify(v))) continue;
    const s = stepsToTarget(r.outcome.history, target, window);
    if (s < best.steps) best = { steps: s, lr: r.config.lr as number };
  }
  return best;
}

// ---- figures ----

export interface OptimaSeries {
  name: string;
  /** The varied quantity (batch size, width, training names, steps). */
  x: number[];
  /** The best rate at each x. */
  lr: number[];
}

/** Best rate against the varied quantity, log-log, one line per series (optionally reference slopes). */
export function optimaFigure(title: string, xLabel: string, series: readonly OptimaSeries[], subtitle?: string): Figure {
  return lineChart({
    title,
    subtitle,
    series: series.map((s) => ({ name: s.name, x: s.x, y: s.lr })),
    x: { label: xLabel, scale: "log" },
    y: { label: "best learning rate", scale: "log", format: "~e" },
  });
}

/** LR sweeps as loss-against-rate curves, one per setting. */
export function curvesFigure(title: string, sweeps: { name: string; points: LrPoint[] }[], yLabel = "validation loss after the budget"): Figure {
  return lrSweepChart({ title, sweeps, y: { label: yLabel, unit: "nats" } });
}

/** The optimum of the LR sweep at each value of `key` (other config keys fixed by `where`). */
export function optimaBy(runs: readonly SweepRun[], key: string, values: readonly Json[], where: Config = {}): Optimum[] {
  return values.map((v) => optimum(lrCurve(runs, { ...where, [key]: v })));
}

/** Log-log slopes between consecutive points. */
export function pairSlopes(xs: readonly number[], ys: readonly number[]): number[] {
  return xs.slice(1).map((x, i) => logSlope(xs[i], ys[i], x, ys[i + 1]));
}

/** A metric of the run with the lowest loss among those matching `where`. */
export function atBestRun(runs: readonly SweepRun[], where: Config, metric: string): number {
  const rows = runs.filter((r) => Object.entries(where).every(([k, v]) => JSON.stringify(r.config[k]) === JSON.stringify(v)));
  let best: SweepRun | null = null;
  for (const r of rows) if (Number.isFinite(runLoss(r)) && (best === null || runLoss(r) < runLoss(best))) best = r;
  const v = best?.outcome.metrics?.[metric];
  return typeof v === "number" ? v : NaN;
}
