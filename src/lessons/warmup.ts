// Notebook 06 (warmup and the schedules LLMs use): Adam's first updates measured per coordinate,
// the stability numbers of a warmup grid (largest peak that trains, Wortsman's sensitivity), loss
// read at a step, the WSD "anytime" plan (cooldowns branched from one constant run, through
// src/train/branch) against separate cosine runs, and the published schedules table.
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../random";
import type { Model } from "../models/model";
import { createGpt } from "../models/gpt";
import { createNamesDataset } from "../data/text-dataset";
import type { TextDataset } from "../data/text-dataset";
import type { History, LrOptimizer } from "../train/types";
import type { Schedule } from "../schedules/types";
import { warmupCosine } from "../schedules/warmup-cosine";
import { warmupStableDecay } from "../schedules/warmup-stable-decay";
import type { DecayShape } from "../schedules/warmup-stable-decay";
import { branchedRun } from "../train/branch";
import { registerExperiment, num } from "../sweep/experiments";
import type { RunOutcome } from "../sweep/experiments";
import { optimizerFromSpec, scheduleFromSpec } from "../sweep/factories";
import type { Config, Json } from "../sweep/grid";
import { SeedStats, seedStats } from "../check";
import { smooth } from "../train/history";
import { sampleSchedule } from "../schedules/sample";
import { compareArms } from "../sweep/compare";
import { progress } from "../progress";
import type { ArmResult } from "../sweep/compare";

// ---------------------------------------------------------------------------------------------
// Adam's first step, per coordinate.

export interface Quantiles {
  p01: number;
  p10: number;
  median: number;
  p90: number;
  p99: number;
}

/** Quantiles of `values` (nearest rank on a sorted copy). */
export function quantiles(values: ArrayLike<number>): Quantiles {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) throw new RangeError("quantiles of an empty list");
  const q = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))];
  return { p01: q(0.01), p10: q(0.1), median: q(0.5), p90: q(0.9), p99: q(0.99) };
}

export interface FirstStep {
  lr: number;
  /** |gradient| of every coordinate at the first batch. */
  absGrad: Float32Array;
  /** |change of the weight| of every coordinate after the first update. */
  absUpdate: Float32Array;
  /** Quantiles of |g| and of |Δw| / lr over the coordinates whose gradient is not zero. */
  grad: Quantiles;
  updateOverLr: Quantiles;
  /** Fraction of those coordinates with | |Δw|/lr − 1 | < 1%. */
  atLr: number;
}

/**
 * One optimizer update on `model` with the batch `createRng(seed)` draws: per coordinate the
 * gradient and the change of the weight. With Adam the first update is lr · g / (|g| + ε'),
 * i.e. lr per coordinate whatever the gradient's size (bias correction makes m̂ = g, v̂ = g²).
 */
export function firstStep(model: Model, optimizer: LrOptimizer, batchSize: number, seed: number): FirstStep {
  const batch = model.batch(createRng(seed), batchSize, "train");
  const before = model.params.map((p) => p.dataSync().slice());
  const grads = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => model.loss(batch), model.params);
    const flat = model.params.map((p) => (grads[p.name] ? grads[p.name].dataSync().slice() : new Float32Array(p.size)));
    optimizer.applyGradients(grads);
    return flat;
  });
  tf.dispose(batch);
  const n = before.reduce((s, b) => s + b.length, 0);
  const absGrad = new Float32Array(n);
  const absUpdate = new Float32Array(n);
  let o = 0;
  model.params.forEach((p, i) => {
    const after = p.dataSync();
    for (let j = 0; j < after.length; j++, o++) {
      absGrad[o] = Math.abs(grads[i][j]);
      absUpdate[o] = Math.abs(after[j] - before[i][j]);
    }
  });
  const lr = optimizer.learningRate;
  const g: number[] = [];
  const r: number[] = [];
  for (let k = 0; k < n; k++) {
    if (absGrad[k] > 0) {
      g.push(absGrad[k]);
      r.push(absUpdate[k] / lr);
    }
  }
  const atLr = r.filter((x) => Math.abs(x - 1) < 0.01).length / Math.max(1, r.length);
  return { lr, absGrad, absUpdate, grad: quantiles(g), updateOverLr: quantiles(r), atLr };
}

/**
 * Mean |Δw| per coordinate at each of the first `steps` updates of a run under `schedule`,
 * with the rate of each: the size of the steps Adam actually takes.
 */
export function updateSizes(
  model: Model,
  optimizer: LrOptimizer,
  schedule: Schedule,
  steps: number,
  batchSize: number,
  seed: number,
): { step: number; lr: number; meanAbsUpdate: number; trainLoss: number }[] {
  const rng = createRng(seed);
  const out: { step: number; lr: number; meanAbsUpdate: number; trainLoss: number }[] = [];
  const size = model.params.reduce((s, p) => s + p.size, 0);
  for (let k = 0; k < steps; k++) {
    const lr = schedule(k);
    optimizer.learningRate = lr;
    const batch = model.batch(rng, batchSize, "train");
    const before = model.params.map((p) => tf.clone(p));
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => model.loss(batch), model.params);
      optimizer.applyGradients(grads);
      return value;
    });
    const total = tf.tidy(() => tf.addN(model.params.map((p, i) => tf.sum(tf.abs(tf.sub(p, before[i]))))));
    out.push({ step: k + 1, lr, meanAbsUpdate: total.dataSync()[0] / size, trainLoss: loss.dataSync()[0] });
    tf.dispose([batch, before, loss, total]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Stability over a grid of peak rates.

export interface PeakPoint {
  lr: number;
  /** Final validation loss; NaN when the run diverged. */
  loss: number;
  /** Highest smoothed training loss after the first update (smoothedMax). */
  maxLoss: number;
  initialLoss: number;
  diverged: boolean;
}

export function peakPoint(lr: number, h: History): PeakPoint {
  return {
    lr,
    loss: h.diverged ? NaN : h.finalValLoss ?? h.finalTrainLoss,
    maxLoss: smoothedMax(h),
    initialLoss: h.initialLoss,
    diverged: h.diverged,
  };
}

/** A peak "trains" when its run completed and ended within `tolerance` nats of `best`. */
export function trains(p: PeakPoint, best: number, tolerance: number): boolean {
  return !p.diverged && Number.isFinite(p.loss) && p.loss <= best + tolerance;
}

/** The largest peak rate that trains (NaN when none does). */
export function largestTrainingPeak(points: readonly PeakPoint[], best: number, tolerance: number): number {
  const ok = points.filter((p) => trains(p, best, tolerance)).map((p) => p.lr);
  return ok.length ? Math.max(...ok) : NaN;
}

/**
 * Wortsman et al. 2023's learning-rate sensitivity over a grid: the mean over the grid of
 * min(loss, initial loss) minus the best loss (a diverged run counts as the initial loss).
 * 0 means every rate of the grid is as good as the best; larger means more sensitive.
 */
export function lrSensitivity(points: readonly PeakPoint[]): number {
  if (points.length === 0) throw new RangeError("lrSensitivity needs at least one point");
  const capped = points.map((p) => (Number.isFinite(p.loss) ? Math.min(p.loss, p.initialLoss) : p.initialLoss));
  return capped.reduce((s, v) => s + v, 0) / capped.length - Math.min(...capped);
}

// ---------------------------------------------------------------------------------------------
// Reading losses.

/** The validation loss evaluated at `step` (throws when the run has no evaluation there). */
export function valAt(h: History, step: number): number {
  const e = h.evals.find((x) => x.step === step);
  if (!e) throw new RangeError(`no evaluation at step ${step}; evaluated at ${h.evals.map((x) => x.step).join(", ")}`);
  return e.valLoss;
}

/** Validation loss per evaluation, as a figure series: { x: steps, y: losses }. */
export function valCurve(h: History): { x: number[]; y: number[] } {
  return { x: h.evals.map((e) => e.step), y: h.evals.map((e) => e.valLoss) };
}

// ---------------------------------------------------------------------------------------------
// The anytime plan: cooldowns branched from one constant run, or one cosine run per length.

/** Where the experiment module lives, for `sweep({ run: { name, module } })`. */
export const WARMUP_MODULE = path.join(__dirname, "warmup");
export const ANYTIME = { name: "warmup-anytime", module: WARMUP_MODULE };

export interface AnytimeSettings {
  lr: number;
  warmupSteps: number;
  /** Checkpoints c of the constant run at which a cooldown starts (each a multiple of evalEvery). */
  checkpoints: number[];
  /** Cooldown length as a fraction of c: the run that ends there has c · (1 + fraction) steps. */
  cooldownFraction: number;
  decayShape: DecayShape;
  /** Floor of every decay, as a fraction of lr. */
  floor: number;
}

/** Total length of the run that ends after the cooldown from checkpoint c. */
export function planLength(c: number, fraction: number): number {
  return Math.round(c * (1 + fraction));
}

/** The WSD schedule of the run that ends after the cooldown from c (what the branch follows). */
export function wsdFor(s: AnytimeSettings, c: number): Schedule {
  const total = planLength(c, s.cooldownFraction);
  return warmupStableDecay({
    lr: s.lr,
    warmupSteps: s.warmupSteps,
    decaySteps: total - c,
    totalSteps: total,
    minLr: s.lr * s.floor,
    decayShape: s.decayShape,
  });
}

/** A separate warmup + cosine run of the same total length. */
export function cosineFor(s: AnytimeSettings, c: number): Schedule {
  return warmupCosine({ lr: s.lr, warmupSteps: s.warmupSteps, totalSteps: planLength(c, s.cooldownFraction), minLr: s.lr * s.floor });
}

/** Updates each plan spends: one constant run to the last checkpoint plus every cooldown, or one cosine run per length. */
export function planCompute(checkpoints: readonly number[], fraction: number): { branched: number; separate: number } {
  const last = Math.max(...checkpoints);
  const cool = checkpoints.reduce((s, c) => s + planLength(c, fraction) - c, 0);
  return { branched: last + cool, separate: checkpoints.reduce((s, c) => s + planLength(c, fraction), 0) };
}

let namesData: TextDataset | null = null;

function gptFor(config: Config) {
  const data = (namesData ??= createNamesDataset({ seed: 0 }));
  return createGpt({
    data,
    blockSize: num(config, "blockSize", 16),
    width: num(config, "width", 32),
    heads: num(config, "heads", 4),
    layers: num(config, "layers", 1),
    seed: num(config, "modelSeed", 0),
    evalWindows: num(config, "evalWindows", 64),
  });
}

function settingsOf(config: Config): AnytimeSettings {
  const cps = config.checkpoints;
  if (!Array.isArray(cps) || cps.some((c) => typeof c !== "number")) throw new RangeError("config.checkpoints must be an array of numbers");
  return {
    lr: num(config, "lr"),
    warmupSteps: num(config, "warmupSteps"),
    checkpoints: cps as number[],
    cooldownFraction: num(config, "cooldownFraction", 0.25),
    decayShape: (config.decayShape as DecayShape) ?? "linear",
    floor: num(config, "floor", 0),
  };
}

/**
 * Sweep experiment "warmup-anytime". config.plan = "branched": one constant run (after warmup)
 * to the last checkpoint, a cooldown branched from every checkpoint; metrics.branch<i> = final
 * validation loss of branch i. config.plan = "cosine": config.checkpoint = c, one warmup-cosine
 * run of planLength(c) steps; the history is that run. Same batches (keyed by seed and step).
 */
export function anytimeExperiment(config: Config): RunOutcome {
  const s = settingsOf(config);
  const model = gptFor(config);
  const optimizer = optimizerFromSpec(config.optimizer ?? "adamw", s.lr);
  const common = { model, optimizer, batchSize: num(config, "batchSize", 16), seed: num(config, "seed", 0), evalEvery: num(config, "evalEvery", 0) };
  try {
    if (config.plan === "cosine") {
      const c = num(config, "checkpoint");
      const r = branchedRun({ ...common, trunk: cosineFor(s, c), trunkSteps: planLength(c, s.cooldownFraction) });
      return { history: r.trunk, metrics: { updates: r.updates } };
    }
    const trunk = warmupStableDecay({ lr: s.lr, warmupSteps: s.warmupSteps, decaySteps: 0, totalSteps: Math.max(...s.checkpoints) });
    const branches = s.checkpoints.map((c) => ({ at: c, steps: planLength(c, s.cooldownFraction) - c, schedule: wsdFor(s, c) }));
    const r = branchedRun({ ...common, trunk, trunkSteps: Math.max(...s.checkpoints), branches });
    const metrics: { [k: string]: number } = { updates: r.updates };
    r.branches.forEach((b, i) => (metrics[`branch${i}`] = b && !b.diverged ? b.finalValLoss ?? NaN : NaN));
    return { history: r.trunk, metrics: { ...metrics, branches: JSON.stringify(r.branches.map((b) => (b ? b.evals : null))) } };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
registerExperiment("warmup-anytime", anytimeExperiment);

/** The evaluations of branch i of a "branched" run, read back from its metrics. */
export function branchEvals(metrics: { [k: string]: unknown } | undefined, i: number): { step: number; valLoss: number }[] {
  const raw = metrics?.branches;
  if (typeof raw !== "string") throw new RangeError("no branches in these metrics (not a branched run?)");
  const all = JSON.parse(raw) as ({ step: number; valLoss: number }[] | null)[];
  return all[i] ?? [];
}

// ---------------------------------------------------------------------------------------------
// Published schedules.

export interface PublishedSchedule {
  model: string;
  warmup: string;
  peak: string;
  decay: string;
  floor: string;
  source: string;
}

/**
 * Schedules of published LLMs. Marks: [V] checked in the primary text, [S] through a secondary
 * source that quotes it (see /shared anchors), "not stated here" where we have no checked number.
 */
export const PUBLISHED_SCHEDULES: readonly PublishedSchedule[] = [
  {
    model: "GPT-3 (125M-175B)",
    warmup: "linear, first 375M tokens",
    peak: "6e-4 (125M) to 0.6e-4 (175B)",
    decay: "cosine over 260B tokens",
    floor: "10% of peak, then held",
    source: "Brown et al. 2020, App. B (schedule) [S]; peaks Table 2.1",
  },
  {
    model: "LLaMA (7B-65B)",
    warmup: "2,000 steps",
    peak: "3e-4 (7B, 13B), 1.5e-4 (33B, 65B)",
    decay: "cosine",
    floor: "10% of peak",
    source: "Touvron et al. 2023, §2.3, Table 2 [S]",
  },
  {
    model: "Chinchilla (70B) and its scaling runs",
    warmup: "not stated here",
    peak: "2e-4 (smallest) to 1.25e-4 (largest)",
    decay: "cosine, cycle matched to the run (>25% too long hurts)",
    floor: "10% of peak (10x decay)",
    source: "Hoffmann et al. 2022, App. B and D.1 [V]",
  },
  {
    model: "DeepSeek LLM (7B, 67B)",
    warmup: "2,000 steps",
    peak: "4.2e-4 (7B), 3.2e-4 (67B)",
    decay: "multi-step: x0.316 after 80% of tokens, x0.1 after 90%",
    floor: "10% of peak",
    source: "Bi et al. 2024, §2.3 and §3.1 [V]",
  },
  {
    model: "MiniCPM (1.2B, 2.4B)",
    warmup: "not stated here",
    peak: "not stated here (tuned with μP)",
    decay: "WSD: long stable phase, then exponential decay over ~10% of tokens (2.5% too short)",
    floor: "not stated here",
    source: "Hu et al. 2024, arXiv 2404.06395, WSD section [S]",
  },
  {
    model: "nanoGPT (GPT-2 124M recipe)",
    warmup: "2,000 iterations",
    peak: "6e-4",
    decay: "cosine over 600,000 iterations",
    floor: "6e-5 (peak / 10)",
    source: "karpathy/nanoGPT train.py defaults [V]",
  },
  {
    model: "Transformer (base)",
    warmup: "4,000 steps, linear",
    peak: "d_model^-0.5 · warmup^-0.5 ≈ 7e-4 (d = 512)",
    decay: "inverse square root of the step",
    floor: "none: never reaches 0",
    source: "Vaswani et al. 2017, §5.3 [S]",
  },
];

// ---------------------------------------------------------------------------------------------
// Comparisons over seeds, paired: every arm at seed s shares the initialisation and the batches.

// Paired gaps live in src/check.ts (05 and 09 use them too); 06 reaches them through this module.
export { pairedGap, gapHolds } from "../check";

/** Mean validation loss over the evaluations at steps in [from, to]. */
export function meanValBetween(h: History, from: number, to: number): number {
  const es = h.evals.filter((e) => e.step >= from && e.step <= to);
  if (es.length === 0) throw new RangeError(`no evaluation in steps [${from}, ${to}]`);
  return es.reduce((s, e) => s + e.valLoss, 0) / es.length;
}

/** Mean over runs of their validation curves (all evaluated at the same steps). */
export function meanCurve(hs: readonly History[]): { x: number[]; y: number[] } {
  if (hs.length === 0) throw new RangeError("meanCurve needs at least one history");
  const x = hs[0].evals.map((e) => e.step);
  const y = x.map((_, i) => hs.reduce((s, h) => s + h.evals[i].valLoss, 0) / hs.length);
  return { x, y };
}

/** Highest EMA-smoothed training loss after the first update (batch noise smoothed out). */
export function smoothedMax(h: History, beta = 0.9): number {
  const s = smooth(h.steps.map((r) => r.trainLoss), beta).slice(1);
  return s.length ? Math.max(...s) : h.initialLoss;
}

/** Sampled learning rates of a sweep schedule spec, for scheduleChart. */
export function specSamples(spec: Json, lr: number, steps: number): { step: number; lr: number }[] {
  const s = scheduleFromSpec(spec, lr, steps);
  return sampleSchedule(s, { steps: steps, stride: Math.max(1, Math.round(steps / 100)) });
}

/** EMA-smoothed training loss of every update (for figures). */
export function smoothedCurve(h: History, beta = 0.9): number[] {
  return smooth(h.steps.map((r) => r.trainLoss), beta);
}

/** Evaluations as a figure series. */
export function evalCurve(evals: readonly { step: number; valLoss: number }[]): { x: number[]; y: number[] } {
  return { x: evals.map((e) => e.step), y: evals.map((e) => e.valLoss) };
}

export interface CompareSchedulesOptions {
  /** The progress line's label (default "schedules"). */
  label?: string;
  /** Worker processes of the sweeps (default 2, as `sweep`); 0 runs them in this process. */
  workers?: number;
  /** Run cache folder, as `sweep` (default "data/runs"); null: no cache. */
  cacheDir?: string | null;
}

/**
 * Schedule specs as arms of one comparison: the arms named in `multiSeed` at every seed, the
 * others at the first seed only (cheap extra points for a figure). `arm(name)` finds either.
 */
export async function compareSchedules(
  specs: Record<string, Json>,
  fixed: Config,
  seeds: number[],
  multiSeed: string[],
  options: CompareSchedulesOptions = {},
): Promise<{ arm(name: string): ArmResult; summary: string }> {
  const { label = "schedules", workers, cacheDir } = options;
  const toArms = (names: string[]) => names.map((name) => ({ name, config: { schedule: specs[name] } }));
  const many = multiSeed.filter((n) => n in specs);
  const one = Object.keys(specs).filter((n) => !many.includes(n));
  const total = many.length * seeds.length + one.length;
  const bar = progress({ total, label });
  const a = await compareArms({ run: "gpt-names", arms: toArms(many), seeds, fixed, workers, cacheDir, onProgress: (d) => bar.update(d) });
  const first = many.length * seeds.length;
  const b = one.length
    ? await compareArms({ run: "gpt-names", arms: toArms(one), seeds: seeds.slice(0, 1), fixed, workers, cacheDir, onProgress: (d) => bar.update(first + d) })
    : null;
  bar.update(total);
  const all = [...a.arms, ...(b ? b.arms : [])];
  return {
    arm(name: string) {
      const found = all.find((x) => x.name === name);
      if (!found) throw new RangeError(`no arm "${name}"; arms: ${all.map((x) => x.name).join(", ")}`);
      return found;
    },
    summary: [a.sweep.summary, b?.sweep.summary].filter(Boolean).join("; "),
  };
}
