// The vocabulary of a training run: what `train` takes and the history it returns.
// A History is plain JSON-serialisable data (the sweep cache stores it on disk).
import type * as tf from "@tensorflow/tfjs-core";
import type { Model } from "../models/model";
import type { Split } from "../data/types";
import type { Schedule } from "../schedules/types";

/** Any tfjs optimizer whose learning rate can be set between updates. */
export type LrOptimizer = tf.Optimizer & { learningRate: number };

/** One optimizer update. `step` = updates applied before it, so `trainLoss` is the loss of those weights. */
export interface StepRecord {
  step: number;
  /** Learning rate used for this update. */
  lr: number;
  /** Loss of the batch, measured before the update. */
  trainLoss: number;
  /** Global L2 norm of the gradient, before clipping. */
  gradNorm: number;
  /** ||w_after - w_before|| / ||w_before|| over all parameters. */
  updateRatio: number;
  /** Milliseconds since the run started, at the end of this update (not part of determinism). */
  time: number;
}

/** An evaluation of the whole split, after `step` updates. */
export interface EvalRecord {
  step: number;
  valLoss: number;
  time: number;
}

export interface EarlyStoppingOptions {
  /** Evaluations without an improvement before the run stops (positive integer). */
  patience: number;
  /** An evaluation improves on the best only when lower by more than this (default 0). */
  minDelta?: number;
  /** Put back the weights of the best evaluation when the run ends (default false). */
  restoreBest?: boolean;
}

export interface DivergenceOptions {
  /** The run diverges when the training loss exceeds `factor` x the initial loss (default 10, > 1). */
  factor?: number;
}

export interface TrainCallbacks {
  /** After each update; return `false` to end the run (reason "stopped-by-callback"). */
  onStep?: (record: StepRecord) => boolean | void;
  /** After each evaluation; return `false` to end the run. */
  onEval?: (record: EvalRecord) => boolean | void;
}

export interface TrainOptions {
  model: Model;
  optimizer: LrOptimizer;
  /** Learning rate per step; default: the optimizer's own learning rate, held constant. */
  schedule?: Schedule;
  /** Number of updates (positive integer). */
  steps: number;
  batchSize: number;
  /** Seeds the batch generator: the same seed and backend give the same history to the bit. */
  seed: number;
  /**
   * Evaluate `evalSplit` every this many updates, plus before the first and after the last.
   * 0 = never; unset = once, after the last update.
   */
  evalEvery?: number;
  /** Split evaluated (default "val"). */
  evalSplit?: Split;
  /** Clip the global gradient norm to this (PyTorch clip_grad_norm_ semantics). */
  clipNorm?: number;
  earlyStopping?: EarlyStoppingOptions;
  /** Ratio test for divergence, or `false` to only treat non-finite values as divergence. */
  divergence?: DivergenceOptions | false;
  callbacks?: TrainCallbacks;
  /** Abort between updates (async `train` yields to the event loop so timers can fire). */
  signal?: AbortSignal;
}

export type EndReason = "completed" | "diverged" | "early-stopped" | "stopped-by-callback" | "aborted";

export interface History {
  steps: StepRecord[];
  evals: EvalRecord[];
  /** Optimizer updates applied. */
  stepsDone: number;
  endReason: EndReason;
  diverged: boolean;
  /** Step whose loss (or gradient, or the weights after it) was not finite or too high. */
  divergedAt?: number;
  /** What crossed the line, e.g. "loss NaN" or "loss 41.2 > 10 x initial 2.31". */
  divergence?: string;
  stoppedEarly: boolean;
  /** Training loss of the first batch (the reference of the divergence test). */
  initialLoss: number;
  /** Training loss of the last batch. */
  finalTrainLoss: number;
  /** Last evaluation (absent when nothing was evaluated or the run diverged). */
  finalValLoss?: number;
  bestValLoss?: number;
  bestValStep?: number;
  /** Step whose weights were put back by `earlyStopping.restoreBest`. */
  restoredStep?: number;
  /** Wall-clock seconds (not part of determinism). */
  seconds: number;
  /** One line, e.g. "diverged at step 37 (loss NaN)". */
  summary: string;
}
