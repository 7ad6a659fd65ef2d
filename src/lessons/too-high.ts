// Helpers of notebook 02 (too high), also used by 03 (too low): train one fresh model per
// learning rate, and read the signatures of a too-high rate off a loss curve (the loss ratio per
// step, sign flips of an oscillating coordinate, the largest spike).
import type { Model } from "../models/model";
import type { History, LrOptimizer, TrainOptions } from "../train/types";
import { train } from "../train/train";
import { progress } from "../progress";
import { smooth } from "../train/history";

/** One training run at one learning rate. */
export interface LrRun {
  lr: number;
  history: History;
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
): Promise<LrRun[]> {
  checkRates(rates);
  if (typeof setup !== "function") throw new RangeError("setup must be a function lr -> { model, optimizer }");
  const bar = label === undefined ? null : progress({ total: rates.length, label });
  const runs: LrRun[] = [];
  for (const lr of rates) {
    const { model, optimizer } = setup(lr);
    try {
      const history = await train({ ...options, model, optimizer });
      runs.push({ lr, history });
      bar?.update(runs.length, { lr, loss: history.finalTrainLoss });
    } finally {
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
