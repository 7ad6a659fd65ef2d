// Helpers of notebook 02 (too high), also used by 03 (too low): train one fresh model per
// learning rate (optionally watching each layer's update ratio and sampling names from the
// trained model), and read the signatures of a too-high rate off a loss curve (the loss ratio per
// step, sign flips of an oscillating coordinate, the largest spike).
import * as tf from "@tensorflow/tfjs-core";
import type { LanguageModel, Model } from "../models/model";
import { paramName } from "../models/model";
import { createQuadratic } from "../models/quadratic";
import { sgd } from "../optimizers/sgd";
import type { History, LrOptimizer, StepRecord, TrainOptions } from "../train/types";
import { train } from "../train/train";
import { progress } from "../progress";
import { smooth } from "../train/history";
import { createRng } from "../random";

/** One training run at one learning rate. */
export interface LrRun {
  lr: number;
  history: History;
  /** Scalar parameters of the model trained. */
  numParams: number;
  /** With `watch.layerRatios`: each weight matrix's update-to-data ratio per step (by parameter name). */
  layerRatios?: Record<string, number[]>;
  /** With `watch.samples`: names sampled from the trained model (before it is disposed). */
  samples?: string[];
}

/** What `runAtRates` records beyond the history. */
export interface RunWatch {
  /** Record `updateToDataRatio` of every 2-D parameter at every step (Karpathy's per-layer ratio). */
  layerRatios?: boolean;
  /** Sample this many words from each trained model (a LanguageModel), with an Rng seeded by `options.seed`. */
  samples?: number;
}

/** What `runAtRates` builds for each rate: a fresh model and an optimizer set to that rate. */
export interface RunSetup {
  model: Model;
  optimizer: LrOptimizer;
}

export type RunOptions = Omit<TrainOptions, "model" | "optimizer" | "schedule">;

function checkRates(rates: readonly number[]): void {
  if (!Array.isArray(rates) || rates.length === 0) throw new RangeError("rates must be a non-empty array of learning rates");
  rates.forEach((lr, i) => {
    if (typeof lr !== "number" || !(lr > 0) || !Number.isFinite(lr)) {
      throw new RangeError(`rates[${i}] must be a finite learning rate > 0; got ${lr}`);
    }
  });
}

/**
 * Train a fresh model at each rate with the same options (same seed, so the runs differ only in
 * the rate) and return the histories in the order of `rates`. Model and optimizer are disposed
 * after each run. `label` shows one progress line over the runs (omit it for no display).
 */
export async function runAtRates(
  rates: readonly number[],
  setup: (lr: number) => RunSetup,
  options: RunOptions,
  label?: string,
  watch: RunWatch = {},
): Promise<LrRun[]> {
  checkRates(rates);
  if (typeof setup !== "function") throw new RangeError("setup must be a function lr -> { model, optimizer }");
  const count = watch.samples ?? 0;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`watch.samples must be an integer >= 0; got ${watch.samples}`);
  const bar = label === undefined ? null : progress({ total: rates.length, label });
  const runs: LrRun[] = [];
  for (const lr of rates) {
    const { model, optimizer } = setup(lr);
    const tracker = watch.layerRatios ? trackLayerRatios(model.params.filter((p) => p.rank === 2)) : null;
    try {
      const own = options.callbacks?.onStep;
      const onStep = tracker ? (r: StepRecord) => (tracker.onStep(), own?.(r)) : own;
      const history = await train({ ...options, model, optimizer, callbacks: { ...options.callbacks, onStep } });
      const run: LrRun = { lr, history, numParams: model.numParams };
      if (tracker) run.layerRatios = tracker.ratios;
      if (count > 0) run.samples = sampleNames(model as LanguageModel, count, options.seed);
      runs.push(run);
      bar?.update(runs.length, { lr, loss: history.finalTrainLoss });
    } finally {
      tracker?.dispose();
      model.dispose();
      optimizer.dispose();
    }
  }
  bar?.done();
  return runs;
}

/** The training losses of a history, one per update. */
export function trainLosses(h: History): number[] {
  return h.steps.map((r) => r.trainLoss);
}

/** loss[t+1] / loss[t] for each step: a constant ratio above 1 is exponential divergence. */
export function lossRatios(losses: readonly number[]): number[] {
  const out: number[] = [];
  for (let t = 0; t + 1 < losses.length; t++) out.push(losses[t + 1] / losses[t]);
  return out;
}

/** Geometric mean of the per-step loss ratios over the finite, positive part of the curve. */
export function meanLossRatio(losses: readonly number[]): number {
  const ok: number[] = [];
  for (const l of losses) {
    if (!(l > 0) || !Number.isFinite(l)) break;
    ok.push(l);
  }
  if (ok.length < 2) throw new RangeError(`losses must start with at least 2 finite positive values; got ${ok.length}`);
  return Math.pow(ok[ok.length - 1] / ok[0], 1 / (ok.length - 1));
}

/** How often consecutive values change sign (zeros are skipped): one flip per step is oscillation. */
export function signFlips(values: readonly number[]): number {
  let flips = 0;
  let previous = 0;
  for (const v of values) {
    if (v === 0 || Number.isNaN(v)) continue;
    const s = Math.sign(v);
    if (previous !== 0 && s !== previous) flips++;
    previous = s;
  }
  return flips;
}

/**
 * The largest rise of a loss curve above its lowest value so far: max_t (loss_t - min_{s<=t} loss_s).
 * A healthy noisy curve rises by about its batch noise; a too-high rate jumps far above.
 * Non-finite losses count as an infinite spike.
 */
export function largestSpike(losses: readonly number[]): number {
  let low = Infinity;
  let spike = 0;
  for (const l of losses) {
    if (!Number.isFinite(l)) return Infinity;
    if (l < low) low = l;
    spike = Math.max(spike, l - low);
  }
  return spike;
}

/** Mean of the last `n` values (all of them when fewer): a final loss less noisy than the last batch. */
export function tailMean(values: readonly number[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer >= 1; got ${n}`);
  if (values.length === 0) throw new RangeError("values must not be empty");
  const tail = values.slice(-n);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** The middle value (mean of the two middle ones for an even count), ignoring NaN. */
export function median(values: readonly number[]): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) throw new RangeError("values must hold at least one number");
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/**
 * A run's training loss for a figure: smoothed (EMA with bias correction, `beta` 0 = raw) and,
 * when the run diverged, a trailing NaN so that runsChart ends the curve in a "diverged" cross.
 */
export function lossCurve(h: History, beta = 0.9): { x: number[]; y: number[] } {
  const losses = trainLosses(h);
  const y = beta === 0 ? losses : smooth(losses, beta);
  const x = h.steps.map((r) => r.step);
  if (h.diverged) {
    x.push(x.length ? x[x.length - 1] + 1 : 0);
    y.push(NaN);
  }
  return { x, y };
}

const std = (t: tf.Tensor) => tf.sqrt(tf.moments(t).variance);
const ratioTensor = (before: tf.Tensor, after: tf.Tensor) => tf.div(std(tf.sub(after, before)), std(before));

/**
 * std(after − before) / std(before): how far one update moved a tensor, relative to the spread of
 * its values. Karpathy (makemore part 3) plots log10 of this per weight matrix and calls about
 * 1e-3 (−3) healthy. NaN when `before` is constant (std 0).
 */
export function updateToDataRatio(before: tf.Tensor, after: tf.Tensor): number {
  const r = tf.tidy(() => ratioTensor(before, after));
  const v = r.dataSync()[0];
  r.dispose();
  return v;
}

/**
 * Watch tensors across updates: call `onStep()` after each update (train's onStep callback);
 * `ratios[name]` gets `updateToDataRatio(previous, current)` of each tensor. Holds one copy of
 * each tensor: call `dispose()` at the end.
 */
export function trackLayerRatios(params: tf.Variable[]): { ratios: Record<string, number[]>; onStep: () => void; dispose: () => void } {
  const names = params.map(paramName);
  const ratios: Record<string, number[]> = {};
  for (const n of names) ratios[n] = [];
  let previous = params.map((p) => tf.clone(p));
  return {
    ratios,
    onStep() {
      const r = tf.tidy(() => tf.stack(params.map((p, i) => ratioTensor(previous[i], p))));
      const values = r.dataSync();
      r.dispose();
      names.forEach((n, i) => ratios[n].push(values[i]));
      tf.dispose(previous);
      previous = params.map((p) => tf.clone(p));
    },
    dispose() {
      tf.dispose(previous);
      previous = [];
    },
  };
}

/** `count` words sampled from a language model with one Rng seeded by `seed`. */
export function sampleNames(model: LanguageModel, count: number, seed: number, maxTokens = 20): string[] {
  if (typeof model.sample !== "function") throw new RangeError(`model ${model.name} cannot sample text (not a LanguageModel)`);
  const rng = createRng(seed);
  return Array.from({ length: count }, () => model.sample(rng, { maxTokens }));
}

/** The largest absolute difference between two lists of tensors of the same shapes. */
export function maxAbsDiff(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: ${a.length} tensors vs ${b.length}`);
  let m = 0;
  a.forEach((t, i) => {
    if (t.shape.join() !== b[i].shape.join()) throw new RangeError(`maxAbsDiff: shapes [${t.shape}] vs [${b[i].shape}] at ${i}`);
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(t, b[i]))));
    m = Math.max(m, d.dataSync()[0]);
    d.dispose();
  });
  return m;
}

/** Where a curve peaks: the step (index) and value of its largest finite entry. */
export function peak(values: readonly number[]): { step: number; value: number } {
  let step = -1;
  let value = -Infinity;
  values.forEach((v, i) => {
    if (Number.isFinite(v) && v > value) [step, value] = [i, v];
  });
  if (step < 0) throw new RangeError("peak needs at least one finite value");
  return { step, value };
}

/** Fraction of the updates whose gradient norm (before clipping) exceeded `clipNorm`. */
export function clippedFraction(h: History, clipNorm: number): number {
  if (!(clipNorm > 0)) throw new RangeError(`clipNorm must be > 0; got ${clipNorm}`);
  if (h.steps.length === 0) return 0;
  return h.steps.filter((s) => s.gradNorm > clipNorm).length / h.steps.length;
}

/** One SGD run on f(w) = L·w²/2 from w = 1 at rate `lr`, with w recorded after every step. */
export interface QuadraticRun {
  lr: number;
  /** w before the first step, then after each step. */
  w: number[];
  history: History;
}

/**
 * SGD on the one-weight quadratic f(w) = L w²/2 from w = `start` (default 1) for `steps` updates.
 * `divergence` as in train (default false: run until float32 overflows).
 */
export async function quadraticRun(
  L: number,
  lr: number,
  steps: number,
  options: { seed?: number; start?: number; divergence?: TrainOptions["divergence"] } = {},
): Promise<QuadraticRun> {
  const q = createQuadratic({ eigenvalues: [L], start: [options.start ?? 1] });
  const optimizer = sgd({ lr });
  const w = [q.position()[0]];
  try {
    const history = await train({
      model: q, optimizer, steps, batchSize: 1, seed: options.seed ?? 0, evalEvery: 0,
      divergence: options.divergence ?? false, callbacks: { onStep: () => void w.push(q.position()[0]) },
    });
    return { lr, w, history };
  } finally {
    q.dispose();
    optimizer.dispose();
  }
}
