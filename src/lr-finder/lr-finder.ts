// The learning-rate range test (Smith 2015; fastai's lr_find): train with a learning rate that
// grows exponentially each step, watch the smoothed loss, stop once it has blown up, put the
// weights and the optimizer back, and read suggestions off the curve.
import type { Model } from "../models/model";
import type { History, LrOptimizer, TrainOptions } from "../train/types";
import { checkTrainOptions, train, trainSync } from "../train/train";
import { OptimizerSnapshot, VariableSnapshot, snapshotOptimizer, snapshotVariables } from "../train/snapshot";
import { LrSuggestions, SuggestionWindow, suggest, suggestionWindow } from "./suggestions";

export interface LrFinderOptions {
  model: Model;
  optimizer: LrOptimizer;
  /** First learning rate (default 1e-7). */
  startLr?: number;
  /** Last learning rate, reached at the last step (default 10). */
  endLr?: number;
  /** Steps of the sweep (default 100, at least 2). */
  steps?: number;
  batchSize: number;
  seed: number;
  /** EMA factor of the smoothed loss, in [0, 1) (default 0.98, bias-corrected as fastai). */
  smoothing?: number;
  /** Stop when the smoothed loss exceeds this multiple of its best (default 4; Infinity: never). */
  stopFactor?: number;
  /** Gradient clipping during the sweep (default none). */
  clipNorm?: number;
  /** Points left out at the start / end when suggesting (default floor(steps/10) and 5, as fastai). */
  skipStart?: number;
  skipEnd?: number;
  signal?: AbortSignal;
}

export interface LrFinderPoint {
  step: number;
  lr: number;
  loss: number;
  smoothedLoss: number;
}

export type LrFinderStop = "completed" | "loss exploded" | "loss not finite" | "aborted";

export interface LrFinderResult {
  points: LrFinderPoint[];
  stopReason: LrFinderStop;
  /** The smoothed loss's lowest value and where. */
  bestLoss: number;
  bestLr: number;
  /** The part of the curve the suggestions read. */
  window: SuggestionWindow;
  /** null when fewer than two finite points were recorded. */
  suggestions: LrSuggestions | null;
  summary: string;
}

function checkPositive(name: string, x: unknown): void {
  if (typeof x !== "number" || !(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a finite number > 0; got ${x}`);
}

/** The options of the sweep itself, shared by lrFinder and lrFinderFit. */
export type RangeTestOptions = Pick<LrFinderOptions, "startLr" | "endLr" | "steps" | "smoothing" | "stopFactor" | "skipStart" | "skipEnd">;

export function resolveRangeTest(o: RangeTestOptions) {
  const startLr = o.startLr ?? 1e-7;
  const endLr = o.endLr ?? 10;
  const steps = o.steps ?? 100;
  const smoothing = o.smoothing ?? 0.98;
  const stopFactor = o.stopFactor ?? 4;
  checkPositive("startLr", startLr);
  checkPositive("endLr", endLr);
  if (!(endLr > startLr)) throw new RangeError(`endLr must be greater than startLr (${startLr}); got ${endLr}`);
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`steps must be an integer >= 2; got ${steps}`);
  if (typeof smoothing !== "number" || !(smoothing >= 0 && smoothing < 1)) throw new RangeError(`smoothing must be in [0, 1); got ${smoothing}`);
  if (typeof stopFactor !== "number" || !(stopFactor > 1)) throw new RangeError(`stopFactor must be a number > 1 (Infinity: never stop); got ${stopFactor}`);
  const skipStart = o.skipStart ?? Math.floor(steps / 10);
  const skipEnd = o.skipEnd ?? 5;
  for (const [name, v] of [["skipStart", skipStart], ["skipEnd", skipEnd]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be an integer >= 0; got ${v}`);
  }
  return { startLr, endLr, steps, smoothing, stopFactor, skipStart, skipEnd };
}

/** lr of step i of `steps`: startLr * (endLr/startLr)^(i/(steps-1)), so both ends are reached. */
export function rangeTestLr(startLr: number, endLr: number, steps: number): (step: number) => number {
  const ratio = Math.log(endLr / startLr);
  return (i) => (i === steps - 1 ? endLr : startLr * Math.exp((ratio * i) / (steps - 1)));
}

/**
 * The curve of one range test: each step's loss smoothed by an EMA with bias correction
 * (fastai's AvgSmoothLoss), the stop rule, and the suggestions read from it at the end.
 */
export class RangeCurve {
  readonly points: LrFinderPoint[] = [];
  private best = Infinity;
  private bestLr = NaN;
  /** Set when the smoothed loss passed stopFactor x its best. */
  exploded = false;
  private avg = 0;

  constructor(private readonly p: ReturnType<typeof resolveRangeTest>) {}

  /** Record a step; false means stop the sweep. */
  record(step: number, lr: number, loss: number): boolean {
    const i = this.points.length;
    this.avg = this.p.smoothing * this.avg + (1 - this.p.smoothing) * loss;
    const smoothedLoss = this.avg / (1 - Math.pow(this.p.smoothing, i + 1));
    this.points.push({ step, lr, loss, smoothedLoss });
    if (smoothedLoss < this.best) {
      this.best = smoothedLoss;
      this.bestLr = lr;
    }
    if (smoothedLoss > this.p.stopFactor * this.best) {
      this.exploded = true;
      return false;
    }
    return true;
  }

  result(stopReason: LrFinderStop): LrFinderResult {
    const { points, p } = this;
    const smoothed = points.map((q) => q.smoothedLoss);
    const window = suggestionWindow(smoothed, p.skipStart, p.skipEnd);
    const suggestions = suggest(points.map((q) => q.lr), smoothed, window);
    const last = points[points.length - 1];
    const end =
      stopReason === "completed"
        ? `ran all ${points.length} steps to lr ${p.endLr.toExponential(1)}`
        : stopReason === "aborted" || !last
          ? `aborted after ${points.length} steps`
          : `stopped at lr ${last.lr.toExponential(2)} after ${points.length} steps (${stopReason})`;
    const sugg = suggestions
      ? `; suggestions: minimum/10 ${suggestions.minimum.lr.toExponential(2)}, steep ${suggestions.steep.lr.toExponential(2)}, valley ${suggestions.valley.lr.toExponential(2)}`
      : "; too few finite points for suggestions";
    return { points, stopReason, bestLoss: this.best, bestLr: this.bestLr, window, suggestions, summary: `LR range test ${end}${sugg}` };
  }
}

/** One range test: the training options it runs, then restoring and reading the curve. */
class RangeTest {
  readonly trainOptions: TrainOptions;
  private readonly curve: RangeCurve;
  private readonly weights: VariableSnapshot;
  private readonly state: OptimizerSnapshot;
  private restored = false;

  constructor(private readonly o: LrFinderOptions) {
    const p = resolveRangeTest(o);
    this.curve = new RangeCurve(p);
    if (!o.model || !Array.isArray(o.model.params)) throw new RangeError("model must be a Model");
    this.trainOptions = {
      model: o.model,
      optimizer: o.optimizer,
      schedule: rangeTestLr(p.startLr, p.endLr, p.steps),
      steps: p.steps,
      batchSize: o.batchSize,
      seed: o.seed,
      evalEvery: 0,
      clipNorm: o.clipNorm,
      divergence: false,
      signal: o.signal,
      callbacks: { onStep: (r) => this.curve.record(r.step, r.lr, r.trainLoss) },
    };
    checkTrainOptions(this.trainOptions);
    this.weights = snapshotVariables(o.model.params);
    this.state = snapshotOptimizer(o.optimizer);
  }

  /** Weights and optimizer back as they were (the learning rate included). */
  restore(): void {
    if (this.restored) return;
    this.restored = true;
    this.weights.restore();
    this.weights.dispose();
    this.state.restore();
  }

  result(h: History): LrFinderResult {
    const stopReason: LrFinderStop =
      h.endReason === "diverged" ? "loss not finite" : this.curve.exploded ? "loss exploded" : h.endReason === "aborted" ? "aborted" : "completed";
    return this.curve.result(stopReason);
  }
}

/**
 * The LR range test, run synchronously. Weights and optimizer state (slots, step counts, the
 * learning rate) are exactly as before when it returns, so training can start right after.
 */
export function lrFinderSync(options: LrFinderOptions): LrFinderResult {
  const t = new RangeTest(options);
  let h: History;
  try {
    h = trainSync(t.trainOptions);
  } finally {
    t.restore();
  }
  return t.result(h);
}

/**
 * The LR range test (fastai's lr_find):
 *
 *   const r = await lrFinder({ model, optimizer, batchSize: 32, seed: 0 });
 *   r.suggestions?.valley.lr   // and .minimum, .steep, each with an explanation
 *
 * Step i trains at startLr * (endLr/startLr)^(i/(steps-1)); the loss is smoothed by an EMA with
 * bias correction; the sweep stops once the smoothed loss exceeds stopFactor x its best (or is not
 * finite). Afterwards the weights and the optimizer's state are put back.
 */
export async function lrFinder(options: LrFinderOptions): Promise<LrFinderResult> {
  const t = new RangeTest(options);
  let h: History;
  try {
    h = await train(t.trainOptions);
  } finally {
    t.restore();
  }
  return t.result(h);
}
