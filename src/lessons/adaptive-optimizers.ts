// Helpers of notebook 08 (adaptive optimizers): a sweep experiment that trains the names MLP with
// any of the library's optimizers on the loss multiplied by a constant c; the grids it sweeps; the
// good range of a sweep (how many decades of rate end within a margin of the best); the weight
// changes of a few updates at a given loss scale, to compare Adam's with SGD's; and Adam's
// per-weight step sizes lr / (sqrt(v_hat) + eps), read from the optimizer's slots during a run.
// (The momentum stability edge is `stabilityEdge` of gradient-descent.ts with its `beta` option.)
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { createNamesDataset } from "../data/text-dataset";
import type { TextDataset } from "../data/text-dataset";
import { createMlpCharModel } from "../models/mlp-char";
import type { MlpCharModel } from "../models/mlp-char";
import type { Model } from "../models/model";
import { AdamFamilyOptimizer } from "../optimizers/adam";
import { createRng } from "../random";
import type { Schedule } from "../schedules/types";
import { trainStep } from "../train/step";
import type { History, LrOptimizer } from "../train/types";
import { summarize } from "../train/history";
import { registerExperiment, num, trainFromConfig } from "../sweep/experiments";
import type { RunOutcome } from "../sweep/experiments";
import { optimizerFromSpec } from "../sweep/factories";
import type { Config, Json } from "../sweep/grid";
import type { SweepRecord } from "../sweep/sweep";
import { logGrid, sweepPoints } from "./finding-lr";
import type { LrPoint } from "./finding-lr";

/** The sweep experiment of this notebook, for `sweep({ run: ADAPTIVE_EXPERIMENT, ... })`. */
export const ADAPTIVE_EXPERIMENT = {
  name: "adaptive-names",
  module: path.join(__dirname, "adaptive-optimizers"),
};

/** The optimizers compared, as the sweep's optimizer specs name them (src/sweep/factories.ts). */
export const OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
export const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: "SGD",
  momentum: "SGD + momentum 0.9",
  nesterov: "Nesterov 0.9",
  rmsprop: "RMSprop",
  adam: "Adam",
  adamw: "AdamW (λ = 0.01)",
};

/** The model with its training loss multiplied by `c` (evaluation, and so the validation loss, unchanged). */
export function scaleLoss<M extends Model>(model: M, c: number): M {
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`the loss scale must be a finite number > 0; got ${c}`);
  if (c === 1) return model;
  return { ...model, loss: (batch) => tf.tidy(() => tf.mul(model.loss(batch), tf.scalar(c)) as tf.Scalar) };
}

let names: TextDataset | null = null;

/** The names corpus (split seed 0), read once per process; `words` keeps that many training names. */
export function namesData(words?: number): TextDataset {
  names ??= createNamesDataset({ seed: 0 });
  return words === undefined ? names : names.subset(words, 0);
}

function mlpFor(config: Config, seed: number): MlpCharModel {
  return createMlpCharModel({
    data: namesData(typeof config.words === "number" ? config.words : undefined),
    hidden: num(config, "hidden", 64),
    embedding: num(config, "embedding", 10),
    contextSize: num(config, "contextSize", 3),
    seed,
  });
}

/**
 * A history of training on c x the loss, with its training losses divided by c again, so that
 * every loss it holds is the cross-entropy in nats, comparable across c (the validation loss is
 * never scaled). The divergence test inside the run compares losses with the first one, which
 * the scale does not change. Gradient norms stay those of the scaled loss: what the optimizer saw.
 */
export function unscaleHistory(h: History, c: number): History {
  if (c === 1) return h;
  const out: History = {
    ...h,
    steps: h.steps.map((r) => ({ ...r, trainLoss: r.trainLoss / c })),
    initialLoss: h.initialLoss / c,
    finalTrainLoss: h.finalTrainLoss / c,
  };
  out.summary = summarize(out, "");
  return out;
}

/**
 * One run of the names MLP. Settings: optimizer (a sweep optimizer spec, e.g. "adam" or
 * { name: "sgd", momentum: 0.5 }), lr, schedule (a sweep schedule spec, default constant), steps
 * (200), batchSize (32), seed (initialisation and batch order), lossScale (c, default 1: the
 * training loss is c x the cross-entropy), hidden (64), embedding (10), contextSize (3), words.
 * The run ends with an evaluation of the whole validation split (never scaled).
 */
export function adaptiveExperiment(config: Config): RunOutcome {
  const seed = num(config, "seed", 0);
  const model = mlpFor(config, seed);
  try {
    const c = num(config, "lossScale", 1);
    const history = unscaleHistory(trainFromConfig(scaleLoss(model, c), config, { steps: 200, batchSize: 32 }), c);
    return { history, metrics: { params: model.numParams } };
  } finally {
    model.dispose();
  }
}
registerExperiment(ADAPTIVE_EXPERIMENT.name, adaptiveExperiment);

// ---- the good range of a sweep ----

export interface GoodRange {
  /** The best rate and its loss (the lowest loss among runs that did not fail). */
  best: number;
  bestLoss: number;
  /** The loss a rate may reach and still count as good: bestLoss + margin. */
  threshold: number;
  /** Lowest and highest rate of the unbroken run of good grid points around the best. */
  lo: number;
  hi: number;
  /**
   * Where the loss crosses the threshold beyond lo and hi, read by linear interpolation in
   * log10(lr) between grid points (at lo or hi itself when the next run failed or is off the grid).
   */
  loEdge: number;
  hiEdge: number;
  /** log10(hiEdge / loEdge): how many decades of rate are good. */
  decades: number;
  /** log10(hi / lo): the same counted in whole grid steps (0 when only the best point is good). */
  gridDecades: number;
  /** How many grid points are good. */
  count: number;
  /** The good run reaches the first or last rate of the grid (the true range may be wider). */
  atEdge: boolean;
}

/**
 * The good range of a sweep: from the best rate, walk down and up the grid while the loss stays
 * within `margin` of the best (failed runs end the walk). Its width in decades runs from where the
 * loss crosses best + margin below the best rate to where it crosses it above.
 */
export function goodRange(points: readonly LrPoint[], margin: number): GoodRange {
  if (!(margin >= 0) || !Number.isFinite(margin)) throw new RangeError(`margin must be a finite number >= 0; got ${margin}`);
  if (!Array.isArray(points) || points.length === 0) throw new RangeError("points must be a non-empty array");
  const pts = points.slice().sort((a, b) => a.lr - b.lr);
  let b = -1;
  pts.forEach((p, i) => {
    if (!p.failed && Number.isFinite(p.loss) && (b < 0 || p.loss < pts[b].loss)) b = i;
  });
  if (b < 0) throw new RangeError("every run of the sweep failed: there is no good range");
  const threshold = pts[b].loss + margin;
  const good = (i: number) => i >= 0 && i < pts.length && !pts[i].failed && pts[i].loss <= threshold;
  let i = b;
  let j = b;
  while (good(i - 1)) i--;
  while (good(j + 1)) j++;
  // Past the last good point the loss crosses the threshold somewhere before the next point:
  // linearly in log10(lr) when that point has a finite loss; a failed point ends it at the good one.
  const cross = (k: number, next: number) => {
    const q = pts[next];
    if (next < 0 || next >= pts.length || q.failed || !Number.isFinite(q.loss)) return Math.log10(pts[k].lr);
    const f = (threshold - pts[k].loss) / (q.loss - pts[k].loss);
    return Math.log10(pts[k].lr) + f * (Math.log10(q.lr) - Math.log10(pts[k].lr));
  };
  const loEdge = 10 ** cross(i, i - 1);
  const hiEdge = 10 ** cross(j, j + 1);
  return {
    best: pts[b].lr,
    bestLoss: pts[b].loss,
    threshold,
    lo: pts[i].lr,
    hi: pts[j].lr,
    loEdge,
    hiEdge,
    decades: Math.log10(hiEdge / loEdge),
    gridDecades: Math.log10(pts[j].lr / pts[i].lr),
    count: j - i + 1,
    atEdge: i === 0 || j === pts.length - 1,
  };
}

/** How many steps of a log grid with `perDecade` points per decade lie between two rates (signed: b over a). */
export function gridSteps(a: number, b: number, perDecade: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`rates must be > 0; got ${a} and ${b}`);
  if (!(perDecade > 0)) throw new RangeError(`perDecade must be > 0; got ${perDecade}`);
  return Math.round(Math.log10(b / a) * perDecade * 1e6) / 1e6;
}

// ---- a few updates at several loss scales ----

function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  const parts = tensors.map((t) => t.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/** The names MLP at its defaults here (hidden 64, embedding 10, 3 letters of context), initialised by `seed`. */
export function namesMlp(seed: number, hidden = 64): MlpCharModel {
  return createMlpCharModel({ data: namesData(), hidden, seed });
}

export interface UpdateOptions {
  /** Updates to apply (default 1). */
  updates?: number;
  /** Seeds the batches (default 0). */
  seed?: number;
  batchSize?: number;
}

/**
 * The change of every weight (all parameters, concatenated) after `updates` updates of a fresh
 * model from `makeModel` with the optimizer `spec` at rate `lr`, on c x the model's loss. Equal
 * calls draw equal batches, so two calls differ only in what their arguments change.
 */
export function updateAfter(makeModel: () => Model, spec: Json, lr: number, c: number, options: UpdateOptions = {}): Float32Array {
  const updates = options.updates ?? 1;
  if (!Number.isInteger(updates) || updates < 1) throw new RangeError(`updates must be an integer >= 1; got ${updates}`);
  const model = makeModel();
  const optimizer = optimizerFromSpec(spec, lr);
  const before = model.params.map((p) => tf.keep(tf.clone(p)));
  try {
    const scaled = scaleLoss(model, c);
    const rng = createRng(options.seed ?? 0);
    for (let k = 0; k < updates; k++) {
      const batch = scaled.batch(rng, options.batchSize ?? 32, "train");
      try {
        trainStep(scaled, optimizer, batch);
      } finally {
        tf.dispose(batch);
      }
    }
    const diffs = model.params.map((p, i) => tf.sub(p, before[i]));
    const delta = flatten(diffs);
    tf.dispose(diffs);
    return delta;
  } finally {
    tf.dispose(before);
    optimizer.dispose();
    model.dispose();
  }
}

/** ||a - b|| / ||b|| (L2 norms): how far one update is from another, relative to its size. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`need two non-empty arrays of one length; got ${a.length} and ${b.length}`);
  let diff = 0;
  let size = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    size += b[i] ** 2;
  }
  if (size === 0) return diff === 0 ? 0 : Infinity;
  return Math.sqrt(diff / size);
}

// ---- Adam's per-parameter step sizes ----

/** Adam's state after some update, read from its slots. */
export interface StepSizeSnapshot {
  /** Updates applied so far. */
  step: number;
  /** The global rate of the last update. */
  lr: number;
  /**
   * Per weight that has had a gradient: lr / (sqrt(v_hat) + eps), the rate that multiplies
   * m_hat in Adam's update (all parameters in order, untouched weights left out).
   */
  stepSizes: Float64Array;
  /** The same weights: |m_hat| / (sqrt(v_hat) + eps), the size of the last update in units of lr. */
  updateUnits: Float64Array;
  /** Weights whose gradient has been exactly zero at every update so far (v = 0: their rate is lr / eps, unused). */
  untouched: number;
  /** The median step size of each parameter tensor (its weights that had a gradient), by short name ("hidden.w"). */
  medianByParam: Record<string, number>;
}

export interface StepSizeRun {
  snapshots: StepSizeSnapshot[];
  /** Training loss of each update (the loss of the batch before it). */
  losses: number[];
}

export interface StepSizeOptions {
  /** Adam-family spec ("adam", "adamw" or { name: "adam", beta2: 0.99, ... }). Default "adam". */
  optimizer?: Json;
  lr: number;
  steps: number;
  /** Read the slots after these update counts (each in 1..steps). */
  recordAt: readonly number[];
  /** Learning rate per step (default constant lr). */
  schedule?: Schedule;
  seed?: number;
  batchSize?: number;
  hidden?: number;
}

/** The part of a variable's name after the model's scope: "mlp-char_3/hidden.w" -> "hidden.w". */
const shortName = (name: string) => name.slice(name.indexOf("/") + 1);

/**
 * Train the names MLP (initialised by `seed`) with Adam, batch for batch as `trainSync` does with
 * the same seed, and after each update count in `recordAt` read the optimizer's state through
 * `getWeights()` (each parameter's step count t, exp_avg m and exp_avg_sq v) to compute, per
 * weight, PyTorch's rate lr / (sqrt(v / (1 - beta2^t)) + eps) and the update in units of lr,
 * |m / (1 - beta1^t)| / (sqrt(v_hat) + eps).
 */
export async function adamStepSizes(o: StepSizeOptions): Promise<StepSizeRun> {
  const { lr, steps } = o;
  const seed = o.seed ?? 0;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be an integer >= 1; got ${steps}`);
  const at = new Set(o.recordAt);
  for (const k of at) if (!Number.isInteger(k) || k < 1 || k > steps) throw new RangeError(`recordAt values must be integers in 1..${steps}; got ${k}`);
  const model = namesMlp(seed, o.hidden ?? 64);
  const optimizer = optimizerFromSpec(o.optimizer ?? "adam", lr);
  try {
    // Not `instanceof`: tf.Optimizer's Symbol.hasInstance accepts any optimizer (duck typing).
    if (!AdamFamilyOptimizer.prototype.isPrototypeOf(optimizer)) throw new RangeError("adamStepSizes needs an Adam-family optimizer (adam, adamw)");
    const rng = createRng(seed);
    const out: StepSizeRun = { snapshots: [], losses: [] };
    for (let t = 0; t < steps; t++) {
      const rate = o.schedule ? o.schedule(t) : lr;
      (optimizer as LrOptimizer).learningRate = rate;
      const batch = model.batch(rng, o.batchSize ?? 32, "train");
      try {
        out.losses.push(trainStep(model, optimizer, batch).loss);
      } finally {
        tf.dispose(batch);
      }
      if (at.has(t + 1)) out.snapshots.push(await readStepSizes(optimizer as AdamFamilyOptimizer, model.params, rate, t + 1));
    }
    return out;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

async function readStepSizes(optimizer: AdamFamilyOptimizer, params: readonly tf.Variable[], lr: number, step: number): Promise<StepSizeSnapshot> {
  const weights = await optimizer.getWeights();
  const byName = new Map(weights.map((w) => [w.name, w.tensor]));
  const sizes: number[] = [];
  const units: number[] = [];
  let untouched = 0;
  const medianByParam: Record<string, number> = {};
  for (const p of params) {
    const m = byName.get(`${p.name}/exp_avg`);
    const v = byName.get(`${p.name}/exp_avg_sq`);
    const t = byName.get(`${p.name}/step`);
    if (!m || !v || !t) throw new Error(`no Adam state for ${p.name}: was it updated?`);
    const tp = t.dataSync()[0];
    const bc1 = 1 - Math.pow(optimizer.beta1, tp);
    const bc2 = 1 - Math.pow(optimizer.beta2, tp);
    const mv = m.dataSync();
    const vv = v.dataSync();
    const own: number[] = [];
    for (let i = 0; i < vv.length; i++) {
      if (vv[i] === 0) {
        untouched++;
        continue;
      }
      const denom = Math.sqrt(vv[i] / bc2) + optimizer.eps;
      own.push(lr / denom);
      units.push(Math.abs(mv[i] / bc1) / denom);
    }
    for (const x of own) sizes.push(x);
    if (own.length > 0) medianByParam[shortName(p.name)] = quantile(own, 0.5);
  }
  return { step, lr, stepSizes: Float64Array.from(sizes), updateUnits: Float64Array.from(units), untouched, medianByParam };
}

/** The q-quantile (0..1, linear between order statistics) of the values. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new RangeError("quantile of no values");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`q must be in [0, 1]; got ${q}`);
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const i = Math.floor(pos);
  return i + 1 < s.length ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[i];
}

// ---- the grids ----

/**
 * Where each optimizer's rates are swept: three decades around where it trains at all. Plain SGD
 * needs the largest rates; momentum 0.9 multiplies the step by about 1/(1 - 0.9) = 10, so its
 * window sits a decade lower; the adaptive methods normalise each step to about the rate, and
 * sit lower again. A good range that reaches the edge of its window is flagged by goodRange.
 */
export const RATE_WINDOWS: Record<OptimizerName, [number, number]> = {
  sgd: [1e-2, 10],
  momentum: [1e-3, 1],
  nesterov: [1e-3, 1],
  rmsprop: [1e-4, 0.1],
  adam: [1e-4, 0.1],
  adamw: [1e-4, 0.1],
};

/** Rates of Adam's cosine runs (a cosine from the peak to 0 over the run). */
export const COSINE_WINDOW: [number, number] = [1e-3, 0.1];

/**
 * The window of SGD or Adam at loss scale c. SGD's is its c = 1 window moved by 1/c: where the
 * algebra puts its best rate (SGD on c·L at rate η is SGD on L at rate c·η). A best rate found at
 * the edge of a window would say the prediction is wrong, so the notebook checks that it is not.
 * Adam's window stays where it is at every c.
 */
export function lossScaleWindow(optimizer: "sgd" | "adam", c: number): [number, number] {
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`c must be a finite number > 0; got ${c}`);
  const [lo, hi] = RATE_WINDOWS[optimizer];
  return optimizer === "sgd" ? [lo / c, hi / c] : [lo, hi];
}

/** Every optimizer over its window: { optimizer, lr } configurations. */
export function optimizerConfigs(perDecade: number): Config[] {
  return OPTIMIZERS.flatMap((o) => logGrid(...RATE_WINDOWS[o], perDecade).map((lr) => ({ optimizer: o, lr })));
}

/** SGD and Adam at each loss scale other than 1 (c = 1 is the plain run of optimizerConfigs). */
export function lossScaleConfigs(scales: readonly number[], perDecade: number): Config[] {
  return scales
    .filter((c) => c !== 1)
    .flatMap((c) => (["sgd", "adam"] as const).flatMap((o) => logGrid(...lossScaleWindow(o, c), perDecade).map((lr) => ({ optimizer: o, lr, lossScale: c }))));
}

/** Adam with a cosine decay to 0 over the run, at each peak of COSINE_WINDOW. */
export function cosineConfigs(perDecade: number): Config[] {
  return logGrid(...COSINE_WINDOW, perDecade).map((lr) => ({ optimizer: "adam", lr, schedule: "cosine" }));
}

/**
 * One optimizer's sweep points (final validation loss against rate) at one loss scale and
 * schedule: rows without a lossScale are c = 1, rows without a schedule are constant.
 */
export function sweepCurve(records: readonly SweepRecord[], optimizer: string, where: { lossScale?: number; schedule?: string } = {}): LrPoint[] {
  const c = where.lossScale ?? 1;
  const schedule = where.schedule ?? "constant";
  const rows = records.filter((r) => (r.lossScale ?? 1) === c && (r.schedule ?? "constant") === schedule);
  return sweepPoints(rows, { optimizer });
}
