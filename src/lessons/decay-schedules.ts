// Helpers of notebook 05 (decay schedules): the arms it compares (as sweep schedule specs, so the
// schedule drawn is the one that trained), the noisy quadratic's noise floor and the exact expected
// loss under any schedule, the summed learning rate, reduce-on-plateau driven from a training run,
// and the sweep experiments the notebook runs ("decay-quadratic", "decay-names").
import * as path from "path";
import type { Schedule } from "../schedules/types";
import { sampleSchedule } from "../schedules/sample";
import type { SchedulePoint } from "../schedules/sample";
import { reduceOnPlateau } from "../schedules/reduce-on-plateau";
import type { ReduceOnPlateau, ReduceOnPlateauOptions } from "../schedules/reduce-on-plateau";
import { scheduleFromSpec, optimizerFromSpec } from "../sweep/factories";
import { registerExperiment, trainFromConfig, num } from "../sweep/experiments";
import type { ExperimentRef, RunOutcome } from "../sweep/experiments";
import type { Config, Json } from "../sweep/grid";
import { createNoisyQuadratic } from "../models/noisy-quadratic";
import { createMlpCharModel } from "../models/mlp-char";
import { createGpt } from "../models/gpt";
import { createNamesDataset } from "../data/text-dataset";
import type { Model } from "../models/model";
import { trainSync } from "../train/train";
import type { History, TrainCallbacks } from "../train/types";
import { progress } from "../progress";
import type { Progress } from "../progress";

// ---------------------------------------------------------------------------------------------
// The arms

/** A named schedule as a sweep spec (see `scheduleFromSpec`): the same spec draws it and trains it. */
export interface ScheduleArm {
  name: string;
  schedule: Json;
}

/**
 * The decays of the bake-off, each at the library's defaults for a run of `steps` updates:
 * constant; step (x0.1 every third of the run); multi-step (x0.1 at 1/2 and 3/4); exponential
 * (to 1% of the peak at the end); polynomial of power 1 (linear to 0) and 2; cosine to 0.
 */
export function decayArms(): ScheduleArm[] {
  return [
    { name: "constant", schedule: "constant" },
    { name: "step", schedule: "step" },
    { name: "multi-step", schedule: "multi-step" },
    { name: "exponential", schedule: "exponential" },
    { name: "linear (poly 1)", schedule: { name: "polynomial", power: 1 } },
    { name: "poly 2", schedule: { name: "polynomial", power: 2 } },
    { name: "cosine", schedule: "cosine" },
  ];
}

/** The "sensible" decays: every one ends near zero and keeps a large summed rate. */
export const SENSIBLE = ["multi-step", "linear (poly 1)", "poly 2", "cosine"];

/**
 * An exponential decay that is too fast: down to `factor` (default 1e-4) of the peak after
 * `fraction` (default 20%) of the run, and still falling after.
 */
export function tooFastArm(steps: number, fraction = 0.2, factor = 1e-4): ScheduleArm {
  const reach = Math.max(1, Math.round(fraction * steps));
  return { name: `exponential, ${formatShare(factor)} by ${Math.round(fraction * 100)}%`, schedule: { name: "exponential", gamma: Math.pow(factor, 1 / reach) } };
}

function formatShare(x: number): string {
  const e = Math.log10(x);
  return Number.isInteger(e) ? `1e${e}` : String(x);
}

/** Cosines planned for `c` times the run (`steps`) and stopped at `steps`: the horizon mismatch. */
export function horizonArms(steps: number, factors: readonly number[]): ScheduleArm[] {
  return factors.map((c) => ({
    name: `cosine planned for ${c}×`,
    schedule: c === 1 ? "cosine" : { name: "cosine", totalSteps: Math.round(c * steps) },
  }));
}

/** The fraction of the peak a cosine planned for c·T has left when stopped at T: (1 + cos(π/c)) / 2. */
export function cosineLeftAt(c: number): number {
  if (!(c >= 1) || !Number.isFinite(c)) throw new RangeError(`c must be a finite number >= 1; got ${c}`);
  return (1 + Math.cos(Math.PI / c)) / 2;
}

/** Cosines to a floor of `fraction` x the peak. */
export function floorArms(peak: number, fractions: readonly number[]): ScheduleArm[] {
  return fractions.map((f) => ({
    name: `cosine to ${f}× peak`,
    schedule: f === 0 ? "cosine" : { name: "cosine", minLr: f * peak },
  }));
}

/** Reduce-on-plateau as an arm of the "decay-names" experiment (options of `reduceOnPlateau`, plus `window`). */
export function plateauArm(options: { factor?: number; patience?: number; window?: number; threshold?: number } = {}): ScheduleArm {
  return { name: "reduce on plateau", schedule: { name: "plateau", ...options } };
}

/** The schedule a spec means for a run of `steps` updates at peak `lr` (plateau: its starting rate, held). */
export function armSchedule(spec: Json, lr: number, steps: number): Schedule {
  if (isPlateau(spec)) return () => lr;
  return scheduleFromSpec(spec, lr, steps);
}

/** Samples of each arm's schedule over `steps` updates, for `scheduleChart`. */
export function armSamples(arms: readonly ScheduleArm[], lr: number, steps: number, stride = 1): { name: string; samples: SchedulePoint[] }[] {
  return arms.map((a) => ({ name: a.name, samples: sampleSchedule(armSchedule(a.schedule, lr, steps), { steps, stride }) }));
}

/** Sum of the rate over `steps` updates (steps 0 .. steps-1). */
export function summedRate(schedule: Schedule, steps: number): number {
  let s = 0;
  for (let t = 0; t < steps; t++) s += schedule(t);
  return s;
}

/** Sum of the rates a finished run actually used (its history). */
export function summedRateOf(h: History): number {
  return h.steps.reduce((s, r) => s + r.lr, 0);
}

// ---------------------------------------------------------------------------------------------
// The noisy quadratic

/** `n` curvatures log-spaced from `lo` to `hi`. */
export function logSpaced(n: number, lo: number, hi: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`n must be an integer >= 2; got ${n}`);
  if (!(lo > 0 && hi > lo)) throw new RangeError(`need 0 < lo < hi; got ${lo}, ${hi}`);
  return Array.from({ length: n }, (_, i) => lo * Math.pow(hi / lo, i / (n - 1)));
}

/**
 * The expected loss SGD settles at with a constant rate on the noisy quadratic
 * f(w) = 1/2 Σ λ_i w_i², gradient λ_i w_i + noise of variance c_i per coordinate:
 * E[w_i²] → η c_i / (λ_i (2 − η λ_i)), so E[f] → Σ η c_i / (2 (2 − η λ_i)).
 * Infinity when η λ_i >= 2 for some coordinate.
 */
export function noiseFloor(lr: number, curvatures: readonly number[], noiseVariances: readonly number[]): number {
  if (curvatures.length !== noiseVariances.length) throw new RangeError("curvatures and noiseVariances must have the same length");
  let total = 0;
  for (let i = 0; i < curvatures.length; i++) {
    const q = 2 - lr * curvatures[i];
    if (!(q > 0)) return Infinity;
    total += (lr * noiseVariances[i]) / (2 * q);
  }
  return total;
}

/**
 * The exact expected loss E[f(w_t)], t = 0..steps, of SGD under `schedule` on the noisy quadratic:
 * per coordinate m ← (1 − η_t λ)² m + η_t² c, from m_0 = start² (Infinity once it overflows).
 */
export function expectedLossCurve(
  schedule: Schedule,
  steps: number,
  problem: { curvatures: readonly number[]; noiseVariances: readonly number[]; start?: readonly number[] },
): number[] {
  const { curvatures: h, noiseVariances: c } = problem;
  if (h.length !== c.length) throw new RangeError("curvatures and noiseVariances must have the same length");
  const m = h.map((_, i) => (problem.start ? problem.start[i] : 1) ** 2);
  const loss = (): number => {
    const f = m.reduce((s, mi, i) => s + 0.5 * h[i] * mi, 0);
    return Number.isFinite(f) ? f : Infinity;
  };
  const out = [loss()];
  for (let t = 0; t < steps; t++) {
    const lr = schedule(t);
    for (let i = 0; i < h.length; i++) m[i] = (1 - lr * h[i]) ** 2 * m[i] + lr * lr * c[i];
    out.push(loss());
  }
  return out;
}

/** The expected loss of each coordinate after the run: where bias (slow directions) and variance sit. */
export function expectedLossByCoordinate(
  schedule: Schedule,
  steps: number,
  problem: { curvatures: readonly number[]; noiseVariances: readonly number[] },
): { bias: number[]; variance: number[] } {
  const h = problem.curvatures;
  const c = problem.noiseVariances;
  const bias = h.map(() => 1);
  const variance = h.map(() => 0);
  for (let t = 0; t < steps; t++) {
    const lr = schedule(t);
    for (let i = 0; i < h.length; i++) {
      const r2 = (1 - lr * h[i]) ** 2;
      bias[i] *= r2;
      variance[i] = r2 * variance[i] + lr * lr * c[i];
    }
  }
  return { bias: bias.map((b, i) => 0.5 * h[i] * b), variance: variance.map((v, i) => 0.5 * h[i] * v) };
}

/** The problem of the notebook's quadratic section: `dim` curvatures in [lo, hi], equal noise σ². */
export function quadraticProblem(o: { dim: number; lo: number; hi: number; noise: number }): { curvatures: number[]; noiseVariances: number[] } {
  const curvatures = logSpaced(o.dim, o.lo, o.hi);
  return { curvatures, noiseVariances: curvatures.map(() => o.noise) };
}

// ---------------------------------------------------------------------------------------------
// Reduce on plateau, driven by a training run

/**
 * A schedule and callbacks that let `reduceOnPlateau` steer a `train` run: every `window` updates
 * the mean training loss of that window is fed to the plateau scheduler, whose rate the schedule
 * returns from then on. (Validation loss works the same through `onEval`; the training loss costs
 * nothing extra.)
 */
export function plateauDriver(plateau: ReduceOnPlateau, window: number): { schedule: Schedule; callbacks: TrainCallbacks; reductions: number[] } {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be an integer >= 1; got ${window}`);
  let sum = 0;
  let count = 0;
  const reductions: number[] = [];
  return {
    schedule: () => plateau.lr,
    reductions,
    callbacks: {
      onStep: (r) => {
        sum += r.trainLoss;
        count += 1;
        if (count === window) {
          const before = plateau.lr;
          plateau.update(sum / count);
          if (plateau.lr < before) reductions.push(r.step + 1);
          sum = 0;
          count = 0;
        }
      },
    },
  };
}

function isPlateau(spec: Json | undefined): spec is { name: string; [k: string]: Json } {
  return typeof spec === "object" && spec !== null && !Array.isArray(spec) && (spec as { name?: Json }).name === "plateau";
}

// ---------------------------------------------------------------------------------------------
// Sweep experiments

/** Where this module lives, for `{ name, module }` experiment references. */
export function decayModule(): string {
  return path.join(__dirname, "decay-schedules");
}

/** A reference to one of this module's experiments for `sweep` / `compareArms`. */
export function decayExperiment(name: "decay-quadratic" | "decay-names"): ExperimentRef {
  return { name, module: decayModule() };
}

/**
 * The noisy quadratic, `replicas` independent copies of a `dim`-coordinate problem in one model
 * (the coordinates of a diagonal quadratic never interact, so R copies of the curvatures are R
 * independent runs). Evaluations report the exact loss of one copy, averaged over the copies.
 * Settings: dim (20), lo (0.01), hi (1), noise σ² (0.01), replicas (16), and the training ones.
 */
registerExperiment("decay-quadratic", (config) => {
  const dim = num(config, "dim", 20);
  const replicas = num(config, "replicas", 16);
  const p = quadraticProblem({ dim, lo: num(config, "lo", 0.01), hi: num(config, "hi", 1), noise: num(config, "noise", 0.01) });
  const curvatures: number[] = [];
  for (let r = 0; r < replicas; r++) curvatures.push(...p.curvatures);
  const model = createNoisyQuadratic({ curvatures, noiseVariances: curvatures.map(() => p.noiseVariances[0]) });
  try {
    const history = trainFromConfig(model, config, { steps: 500, batchSize: 1, evalEvery: 10 });
    return { history: perCopy(history, replicas), metrics: { summedRate: summedRateOf(history) } };
  } finally {
    model.dispose();
  }
});

/** The history with its evaluated losses divided by the number of copies. */
export function perCopy(h: History, replicas: number): History {
  const d = (v: number | undefined) => (v === undefined ? undefined : v / replicas);
  const out: History = { ...h, evals: h.evals.map((e) => ({ ...e, valLoss: e.valLoss / replicas })) };
  if (h.finalValLoss !== undefined) out.finalValLoss = d(h.finalValLoss);
  if (h.bestValLoss !== undefined) out.bestValLoss = d(h.bestValLoss);
  return out;
}

let namesData: ReturnType<typeof createNamesDataset> | null = null;

function namesModel(config: Config): Model {
  const full = (namesData ??= createNamesDataset({ seed: 0 }));
  const data = typeof config.words === "number" ? full.subset(config.words, 0) : full;
  // The initialisation follows the seed unless a modelSeed is given: seeds vary init and batches.
  const seed = num(config, "modelSeed", num(config, "seed", 0));
  if (config.model === "gpt") {
    return createGpt({
      data,
      blockSize: num(config, "blockSize", 16),
      width: num(config, "width", 64),
      heads: num(config, "heads", 4),
      layers: num(config, "layers", 2),
      seed,
      evalWindows: num(config, "evalWindows", 128),
    });
  }
  if (config.model !== undefined && config.model !== "mlp") throw new RangeError(`config.model must be "mlp" or "gpt"; got ${JSON.stringify(config.model)}`);
  return createMlpCharModel({ data, contextSize: num(config, "contextSize", 3), embedding: num(config, "embedding", 10), hidden: num(config, "hidden", 200), seed });
}

/**
 * The names corpus with the MLP (`model: "mlp"`, default) or the tiny GPT (`model: "gpt"`); the
 * seed sets both the batch order and the initialisation. `schedule` is any sweep spec, or
 * `{ name: "plateau", factor, patience, threshold, window }` for reduce-on-plateau on the mean
 * training loss of each window of updates. Metrics: summedRate, finalLr, reductions.
 */
registerExperiment("decay-names", (config): RunOutcome => {
  const model = namesModel(config);
  try {
    const spec = config.schedule;
    if (!isPlateau(spec)) {
      const history = trainFromConfig(model, config, { steps: 500, batchSize: 32 });
      return { history, metrics: { summedRate: summedRateOf(history), finalLr: history.steps[history.steps.length - 1].lr, params: model.numParams } };
    }
    const lr = num(config, "lr");
    const steps = num(config, "steps", 500);
    const o = spec as Record<string, Json>;
    const plateauOptions: ReduceOnPlateauOptions = { lr };
    if (typeof o.factor === "number") plateauOptions.factor = o.factor;
    if (typeof o.patience === "number") plateauOptions.patience = o.patience;
    if (typeof o.threshold === "number") plateauOptions.threshold = o.threshold;
    const window = typeof o.window === "number" ? o.window : Math.max(1, Math.round(steps / 20));
    const driver = plateauDriver(reduceOnPlateau(plateauOptions), window);
    const history = trainSync({
      model,
      optimizer: optimizerFromSpec(config.optimizer, lr),
      schedule: driver.schedule,
      steps,
      batchSize: num(config, "batchSize", 32),
      seed: num(config, "seed", 0),
      callbacks: driver.callbacks,
    });
    const metrics = { summedRate: summedRateOf(history), finalLr: history.steps[history.steps.length - 1].lr, params: model.numParams, reductions: driver.reductions.join(" ") };
    return { history, metrics };
  } finally {
    model.dispose();
  }
});

// ---------------------------------------------------------------------------------------------
// Reading compared arms (the result of `compareArms`) for figures and checks

/** What these helpers need of an arm of `compareArms`: its name, runs and final values. */
export interface ArmRuns {
  name: string;
  values: number[];
  runs: { outcome: RunOutcome }[];
}

/** The rate each arm actually used, read from its first run's history (every `stride` steps). */
export function usedRates(arms: readonly ArmRuns[], stride = 1): { name: string; samples: SchedulePoint[] }[] {
  return arms.map((a) => {
    const steps = a.runs[0].outcome.history.steps;
    const samples = steps.filter((s, i) => i % stride === 0 || i === steps.length - 1).map((s) => ({ step: s.step, lr: s.lr }));
    return { name: a.name, samples };
  });
}

/** Mean training loss over consecutive windows of `window` updates, averaged over the arm's runs. */
export function windowedLoss(arm: ArmRuns, window: number): { name: string; x: number[]; y: number[] } {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be an integer >= 1; got ${window}`);
  const n = Math.min(...arm.runs.map((r) => r.outcome.history.steps.length));
  const x: number[] = [];
  const y: number[] = [];
  for (let start = 0; start + window <= n; start += window) {
    let sum = 0;
    for (const r of arm.runs) for (let t = start; t < start + window; t++) sum += r.outcome.history.steps[t].trainLoss;
    x.push(start + window / 2);
    y.push(sum / (window * arm.runs.length));
  }
  return { name: arm.name, x, y };
}

/** The evaluated loss of an arm's first run against the step (the quadratic's per-copy loss). */
export function evalCurve(arm: ArmRuns): { name: string; x: number[]; y: number[] } {
  const evals = arm.runs[0].outcome.history.evals;
  return { name: arm.name, x: evals.map((e) => e.step), y: evals.map((e) => e.valLoss) };
}

/** Mean of the evaluated loss from step `from` on (a run that has settled: its level). */
export function tailMean(arm: ArmRuns, from: number): number {
  const tail = arm.runs[0].outcome.history.evals.filter((e) => e.step >= from);
  if (tail.length === 0) throw new RangeError(`no evaluation at or after step ${from}`);
  return tail.reduce((s, e) => s + e.valLoss, 0) / tail.length;
}

export const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

export { spearman } from "../stats";

/** A progress line for `compareArms` (its onProgress), updated in place. */
export function armsProgress(label: string): (done: number, total: number) => void {
  let bar: Progress | null = null;
  return (done, total) => {
    bar ??= progress({ total, label });
    bar.update(done);
  };
}
