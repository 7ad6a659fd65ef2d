// Helpers of notebook 07 (restarts and cycles):
// - SGDR's cycle boundaries;
// - the "restarts-mlp" sweep experiment: the names MLP trained under a schedule spec (the sweep's
//   specs: "cosine", "cosine-restarts", "cyclic", "one-cycle", ...), with snapshots of the
//   model's predicted probabilities at chosen steps and their ensemble's validation loss;
// - the escape experiment: many noisy-SGD particles on a landscape with several minima (the
//   multi-minima model with gradient noise), vectorised in plain JS, with the theory's hazard;
// - small statistics: Spearman's rank correlation, an ensemble's negative log-likelihood.
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import type { Schedule } from "../schedules/types";
import { createRng } from "../random";
import type { MultiMinima } from "../models/multi-minima";
import { createMlpCharModel } from "../models/mlp-char";
import { createNamesDataset } from "../data/text-dataset";
import { optimizerFromSpec, scheduleFromSpec } from "../sweep/factories";
import { num, registerExperiment } from "../sweep/experiments";
import type { Config, Json } from "../sweep/grid";
import { progress, Progress } from "../progress";
import { check, seedStats } from "../check";
import { trainSync } from "../train/train";
import type { History } from "../train/types";

// ---------------------------------------------------------------------------------------------
// SGDR's cycles

/** The steps at which SGDR cycles end (a restart follows each, except past `total`), up to `total`. */
export function cycleEnds(firstCycleSteps: number, cycleMult: number, total: number): number[] {
  if (!Number.isInteger(firstCycleSteps) || firstCycleSteps < 1) throw new RangeError(`firstCycleSteps must be an integer >= 1; got ${firstCycleSteps}`);
  if (!Number.isInteger(cycleMult) || cycleMult < 1) throw new RangeError(`cycleMult must be an integer >= 1; got ${cycleMult}`);
  const ends: number[] = [];
  for (let end = firstCycleSteps, len = firstCycleSteps; end <= total; len *= cycleMult, end += len) ends.push(end);
  return ends;
}

/** A first cycle such that `cycles` cycles growing by `cycleMult` fill exactly `total` steps (rounded down). */
export function firstCycleFor(total: number, cycles: number, cycleMult: number): number {
  const units = cycleMult === 1 ? cycles : (Math.pow(cycleMult, cycles) - 1) / (cycleMult - 1);
  return Math.max(1, Math.floor(total / units));
}

/** `schedule` at steps 0..steps-1. */
export function scheduleValues(schedule: Schedule, steps: number): Float64Array {
  const out = new Float64Array(steps);
  for (let t = 0; t < steps; t++) out[t] = schedule(t);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ensembles

/** Mean negative log-likelihood (nats) of the probabilities each example gave its true label. */
export function nll(pTrue: ArrayLike<number>): number {
  if (pTrue.length === 0) throw new RangeError("nll needs at least one example");
  let s = 0;
  for (let i = 0; i < pTrue.length; i++) s -= Math.log(pTrue[i]);
  return s / pTrue.length;
}

/**
 * NLL of an ensemble that averages its members' predicted probabilities: each member gives
 * p_k(y_i) for the true label of example i; the ensemble gives mean_k p_k(y_i). By Jensen's
 * inequality it is never above the mean of the members' NLLs.
 */
export function ensembleNll(members: readonly ArrayLike<number>[]): number {
  if (members.length === 0) throw new RangeError("ensembleNll needs at least one member");
  const n = members[0].length;
  if (members.some((m) => m.length !== n)) throw new RangeError("every member must score the same examples");
  const avg = new Float64Array(n);
  for (const m of members) for (let i = 0; i < n; i++) avg[i] += m[i] / members.length;
  return nll(avg);
}

// ---------------------------------------------------------------------------------------------
// The MLP experiment: a plan, snapshots, their ensemble

let namesData: ReturnType<typeof createNamesDataset> | null = null;

/**
 * The names MLP (makemore) trained with SGD (or `config.optimizer`) under the schedule spec
 * `config.schedule` at peak `config.lr` for `config.steps`
 * updates; at every step in `config.snapshots` it records each validation example's predicted
 * probability of its true next character. Metrics: `snapshotLosses` (JSON list, one validation
 * NLL per snapshot), `ensembleLastK` (JSON list: the NLL of the average of the last k snapshots,
 * k = 1..n) and `ensembleLoss` (the NLL of the average of all of them).
 */
export function restartsMlp(config: Config) {
  const data = (namesData ??= createNamesDataset({ seed: 0 }));
  const steps = num(config, "steps");
  const lr = num(config, "lr");
  const contextSize = num(config, "contextSize", 3);
  const model = createMlpCharModel({ data, contextSize, embedding: num(config, "embedding", 10), hidden: num(config, "hidden", 64), seed: num(config, "modelSeed", num(config, "seed", 0)) });
  const snapshots = (Array.isArray(config.snapshots) ? config.snapshots : []) as number[];
  const val = data.contexts("val", contextSize);
  const members: Float32Array[] = [];
  const probeTrue = (): Float32Array =>
    tf.tidy(() => {
      const x = tf.tensor2d(val.x, [val.count, contextSize], "int32");
      const logp = tf.logSoftmax(model.logits(x));
      const mask = tf.oneHot(tf.tensor1d(val.y, "int32"), data.vocabSize);
      return tf.exp(tf.sum(tf.mul(mask, logp), -1)).dataSync() as Float32Array;
    });
  try {
    const history = trainSync({
      model,
      optimizer: optimizerFromSpec(config.optimizer, lr),
      schedule: scheduleFromSpec(config.schedule, lr, steps),
      steps,
      batchSize: num(config, "batchSize", 32),
      seed: num(config, "seed", 0),
      evalEvery: num(config, "evalEvery", 0),
      callbacks: { onStep: (r) => void (snapshots.includes(r.step + 1) && members.push(probeTrue())) },
    });
    const snapshotLosses = members.map(nll);
    // The ensembles of the last k snapshots, k = 1 (the final model alone) .. all of them.
    const lastK = members.map((_, i) => ensembleNll(members.slice(members.length - 1 - i)));
    const ensembleLoss = members.length ? lastK[lastK.length - 1] : null;
    return {
      history,
      metrics: { snapshotLosses: JSON.stringify(snapshotLosses), ensembleLastK: JSON.stringify(lastK), ensembleLoss, params: model.numParams },
    };
  } finally {
    model.dispose();
  }
}
registerExperiment("restarts-mlp", restartsMlp);

/** The sweep reference of `restartsMlp`, for `sweep({ run: RESTARTS_MLP, ... })` from a notebook. */
export const RESTARTS_MLP = { name: "restarts-mlp", module: path.join(__dirname, "restarts-cycles") };

// ---------------------------------------------------------------------------------------------
// Escaping local minima: noisy SGD particles

export interface ParticleOptions {
  landscape: MultiMinima;
  schedule: Schedule;
  steps: number;
  /** Standard deviation of the additive gradient noise, g = f'(x) + noise * N(0, 1) (default: the landscape's). */
  noise?: number;
  /** Number of independent runs (each its own noise). */
  particles: number;
  /** Seeds the noise of all particles. */
  seed: number;
  /** Where every particle starts (default: the landscape's minimum in the basin of its start). */
  start?: number;
  /** Record the fraction in each basin every this many steps (default steps / 50). */
  every?: number;
}

export interface ParticleResult {
  /** Final positions. */
  final: Float64Array;
  /** Fraction of particles ending in each basin (index into landscape.minima). */
  endFractions: number[];
  /** Fraction that left the starting basin at least once. */
  everLeft: number;
  /** Fraction in each basin at steps `curveSteps`. */
  curve: number[][];
  curveSteps: number[];
  /** Particles whose position stopped being finite (counted outside every basin). */
  diverged: number;
}

/**
 * Noisy SGD, x <- x - lr_t (f'(x) + noise * xi), for many particles at once in float64. The noise
 * stands for the minibatch gradient's error; each particle is one seed of the same run.
 */
export function runParticles(o: ParticleOptions): ParticleResult {
  const { landscape: f, schedule, steps, particles } = o;
  const noise = o.noise ?? f.noise;
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be an integer >= 1; got ${steps}`);
  if (!Number.isInteger(particles) || particles < 1) throw new RangeError(`particles must be an integer >= 1; got ${particles}`);
  if (!(noise >= 0)) throw new RangeError(`noise must be >= 0; got ${noise}`);
  const x0 = o.start ?? f.minima[f.basinOf(f.start[0])].x;
  const home = f.basinOf(x0);
  const every = o.every ?? Math.max(1, Math.floor(steps / 50));
  const rng = createRng(o.seed);
  const x = new Float64Array(particles).fill(x0);
  const left = new Uint8Array(particles);
  const k = f.minima.length;
  const fractions = (): number[] => {
    const c = new Array<number>(k).fill(0);
    for (let i = 0; i < particles; i++) if (Number.isFinite(x[i])) c[f.basinOf(x[i])]++;
    return c.map((n) => n / particles);
  };
  const curve: number[][] = [fractions()];
  const curveSteps = [0];
  for (let t = 0; t < steps; t++) {
    const lr = schedule(t);
    for (let i = 0; i < particles; i++) {
      const g = f.slope(x[i]) + noise * rng.normal();
      x[i] -= lr * g;
      if (!left[i] && f.basinOf(x[i]) !== home) left[i] = 1;
    }
    if ((t + 1) % every === 0 || t === steps - 1) {
      curve.push(fractions());
      curveSteps.push(t + 1);
    }
  }
  let diverged = 0;
  for (let i = 0; i < particles; i++) if (!Number.isFinite(x[i])) diverged++;
  return { final: x, endFractions: curve[curve.length - 1], everLeft: left.reduce((s, v) => s + v, 0) / particles, curve, curveSteps, diverged };
}

/**
 * The noise temperature of SGD at rate lr with gradient noise sd `noise`: the stationary
 * distribution near a minimum is ~exp(-f / T) with T = lr * noise^2 / 2.
 */
export function temperature(lr: number, noise: number): number {
  return (lr * noise * noise) / 2;
}

/**
 * Kramers' escape hazard summed over a schedule: sum_t lr_t exp(-barrier / T(lr_t)), the expected
 * number of escapes over a barrier of height `barrier` up to a constant prefactor (time in SGD
 * runs as the summed rate). Escapes depend on this, not on how the rate got there.
 */
export function escapeHazard(schedule: Schedule, steps: number, barrier: number, noise: number): number {
  let h = 0;
  for (let t = 0; t < steps; t++) {
    const lr = schedule(t);
    if (lr > 0 && noise > 0) h += lr * Math.exp(-barrier / temperature(lr, noise));
  }
  return h;
}

/** Fraction of the steps whose rate is at least `fraction` of `peak`. */
export function hotFraction(schedule: Schedule, steps: number, peak: number, fraction = 0.5): number {
  let n = 0;
  for (let t = 0; t < steps; t++) if (schedule(t) >= fraction * peak) n++;
  return n / steps;
}

/** Height of the lowest barrier out of basin `basin`: the lower of its neighbouring maxima, minus its floor. */
export function barrierOut(f: MultiMinima, basin: number): number {
  const floor = f.minima[basin].value;
  const walls = [f.maxima[basin - 1], f.maxima[basin]].filter((m) => m !== undefined).map((m) => m.value);
  return Math.min(...walls) - floor;
}

// ---------------------------------------------------------------------------------------------
// Statistics

export { spearman } from "../stats";

// ---------------------------------------------------------------------------------------------
// Reading runs in the notebook

/** `{ name, samples }` of each arm's schedule (its `config.schedule` at `config.lr ?? lr`), for scheduleChart. */
export function armSchedules(
  arms: readonly { name: string; config: Config }[],
  lr: number,
  steps: number,
): { name: string; samples: { step: number; lr: number }[] }[] {
  return arms.map((a) => {
    const peak = typeof a.config.lr === "number" ? a.config.lr : lr;
    const s = scheduleFromSpec(a.config.schedule, peak, steps);
    const stride = Math.max(1, Math.floor(steps / 400));
    const samples: { step: number; lr: number }[] = [];
    for (let t = 0; t < steps; t += stride) samples.push({ step: t, lr: s(t) });
    if (samples[samples.length - 1].step !== steps - 1) samples.push({ step: steps - 1, lr: s(steps - 1) });
    return { name: a.name, samples };
  });
}

/** The evaluation at exactly `step` (throws when the run has none there). */
export function evalAt(h: History, step: number): number {
  const e = h.evals.find((v) => v.step === step);
  if (!e) throw new RangeError(`no evaluation at step ${step}; evaluations at ${h.evals.map((v) => v.step).join(", ")}`);
  return e.valLoss;
}

/** The mean over runs of their evaluation curves (runs evaluated at the same steps). */
export function meanEvalCurve(histories: readonly History[]): { x: number[]; y: number[] } {
  if (histories.length === 0) throw new RangeError("meanEvalCurve needs at least one run");
  const x = histories[0].evals.map((e) => e.step);
  const y = x.map((step) => histories.reduce((s, h) => s + evalAt(h, step), 0) / histories.length);
  return { x, y };
}

/** First evaluation step whose loss is at or below `target` (null if none). */
export function firstStepAtOrBelow(h: History, target: number): number | null {
  const e = h.evals.find((v) => v.valLoss <= target);
  return e ? e.step : null;
}

/** A metric stored as a JSON list by `restartsMlp` (snapshotLosses, ensembleLastK). */
export function listMetric(metrics: Record<string, unknown> | undefined, key: string): number[] {
  const v = metrics?.[key];
  if (typeof v !== "string") throw new RangeError(`metric ${key} missing`);
  return JSON.parse(v) as number[];
}

/** Binomial standard error of a fraction measured on n particles. */
export function fractionError(p: number, n: number): number {
  return Math.sqrt(Math.max(p * (1 - p), 1 / n) / n);
}

// ---------------------------------------------------------------------------------------------
// The escape experiment over schedules and peak rates

/** A schedule of the escape experiment: a legend name and a sweep schedule spec ("cosine", ...). */
export interface EscapeArm {
  name: string;
  schedule: Json;
}

export interface EscapeRow {
  arm: string;
  peak: number;
  /** Fraction of particles ending in the global minimum's basin. */
  global: number;
  /** Fraction that left the starting basin at least once. */
  everLeft: number;
  /** Kramers hazard of the barrier out of the starting basin (see `escapeHazard`). */
  hazard: number;
  /** Fraction of steps at or above half the peak rate. */
  hot: number;
  /** Fraction in the global basin over the run. */
  curve: { x: number[]; y: number[] };
}

/**
 * Every arm at every peak rate: `particles` noisy-SGD runs from the landscape's starting minimum,
 * all arms with the same noise seed and step budget. The hazard uses the lowest barrier out of the
 * starting basin.
 */
export function escapeTable(o: {
  landscape: MultiMinima;
  arms: readonly EscapeArm[];
  peaks: readonly number[];
  steps: number;
  particles: number;
  seed: number;
  noise?: number;
}): EscapeRow[] {
  const f = o.landscape;
  const noise = o.noise ?? f.noise;
  const home = f.basinOf(f.start[0]);
  const global = f.minima.findIndex((m) => m.x === f.optimum[0]);
  const barrier = barrierOut(f, home);
  const rows: EscapeRow[] = [];
  for (const peak of o.peaks) {
    for (const arm of o.arms) {
      const schedule = scheduleFromSpec(arm.schedule, peak, o.steps);
      const r = runParticles({ landscape: f, schedule, steps: o.steps, noise, particles: o.particles, seed: o.seed });
      rows.push({
        arm: arm.name,
        peak,
        global: r.endFractions[global],
        everLeft: r.everLeft,
        hazard: escapeHazard(schedule, o.steps, barrier, noise),
        hot: hotFraction(schedule, o.steps, peak),
        curve: { x: r.curveSteps, y: r.curve.map((c) => c[global]) },
      });
    }
  }
  return rows;
}

/** A progress line for compareArms' `onProgress`. */
export function armsProgress(label: string): (done: number, total: number) => void {
  let bar: Progress | null = null;
  return (done, total) => {
    bar ??= progress({ total, label });
    bar.update(done);
  };
}

/** Per run, the first evaluation step at or below that run's own target (null: never). */
export function stepsToTargets(histories: readonly History[], targets: readonly number[]): (number | null)[] {
  if (histories.length !== targets.length) throw new RangeError(`one target per run: ${histories.length} runs, ${targets.length} targets`);
  return histories.map((h, i) => firstStepAtOrBelow(h, targets[i]));
}

/** mean(reference) / mean(steps): how many times fewer steps; null when any run never got there. */
export function speedUp(reference: readonly (number | null)[], steps: readonly (number | null)[]): number | null {
  if (reference.some((v) => v === null) || steps.some((v) => v === null) || steps.length === 0) return null;
  const mean = (v: readonly (number | null)[]) => (v as number[]).reduce((s, x) => s + x, 0) / v.length;
  return mean(reference) / mean(steps);
}

// checkPaired lives in src/check.ts with the other checks; re-exported for notebook 07.
export { checkPaired } from "../check";
