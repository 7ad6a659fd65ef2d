// The training loop every notebook uses: seeded batches, a schedule that sets the learning rate
// before each update, one read-back per update, evaluation, early stopping, and divergence as a
// result (never an exception).
import * as tf from "@tensorflow/tfjs-core";
import { createRng, Rng } from "../random";
import { checkSplit } from "../data/types";
import type { Split } from "../data/types";
import type { EndReason, EvalRecord, History, StepRecord, TrainOptions } from "./types";
import { checkLearningRate, getLearningRate, setLearningRate } from "./learning-rate";
import { trainStep, updateRatio } from "./step";
import { DEFAULT_DIVERGENCE_FACTOR, checkDivergenceFactor, divergenceReason } from "./divergence";
import { EarlyStopper } from "./early-stopping";
import { VariableSnapshot, snapshotVariables } from "./snapshot";
import { summarize } from "./history";

function checkInteger(name: string, value: unknown, min: number): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}; got ${value}`);
  }
}

/** Every option checked before the first update, so bad input fails fast with a RangeError. */
export function checkTrainOptions(o: TrainOptions): void {
  if (!o || typeof o !== "object") throw new RangeError("train needs an options object");
  if (!o.model || !Array.isArray(o.model.params) || typeof o.model.loss !== "function") {
    throw new RangeError("model must be a Model (params, batch, loss, evaluate)");
  }
  if (o.model.params.length === 0) throw new RangeError("model has no parameters to train");
  if (!o.optimizer || typeof o.optimizer.applyGradients !== "function") {
    throw new RangeError("optimizer must be a tf.Optimizer");
  }
  checkInteger("steps", o.steps, 1);
  checkInteger("batchSize", o.batchSize, 1);
  if (typeof o.seed !== "number" || !Number.isInteger(o.seed)) throw new RangeError(`seed must be an integer; got ${o.seed}`);
  if (o.schedule !== undefined && typeof o.schedule !== "function") {
    throw new RangeError("schedule must be a function step -> learning rate");
  }
  if (o.schedule === undefined) checkLearningRate("optimizer.learningRate (no schedule given)", getLearningRate(o.optimizer));
  if (o.evalEvery !== undefined) checkInteger("evalEvery", o.evalEvery, 0);
  if (o.evalSplit !== undefined) checkSplit(o.evalSplit);
  if (o.clipNorm !== undefined && (typeof o.clipNorm !== "number" || !(o.clipNorm > 0) || !Number.isFinite(o.clipNorm))) {
    throw new RangeError(`clipNorm must be a finite number > 0; got ${o.clipNorm}`);
  }
  if (o.earlyStopping !== undefined && !(o.evalEvery !== undefined && o.evalEvery > 0)) {
    throw new RangeError("earlyStopping needs evalEvery >= 1 (it watches the evaluation loss)");
  }
  if (o.divergence) checkDivergenceFactor(o.divergence.factor ?? DEFAULT_DIVERGENCE_FACTOR);
}

/** One run, advanced an update at a time so that sync and async drivers share it. */
class TrainRun {
  readonly steps: StepRecord[] = [];
  readonly evals: EvalRecord[] = [];
  private readonly rng: Rng;
  private readonly start = performance.now();
  private readonly factor: number | null;
  private readonly stopper: EarlyStopper | null;
  private readonly evalSplit: Split;
  private readonly baseLr: number;
  private best: VariableSnapshot | null = null;
  private step = 0;
  private initialLoss = NaN;
  private ended: EndReason | null = null;
  private divergedAt?: number;
  private divergence?: string;

  constructor(private readonly o: TrainOptions) {
    checkTrainOptions(o);
    this.rng = createRng(o.seed);
    this.factor = o.divergence === false ? null : o.divergence?.factor ?? DEFAULT_DIVERGENCE_FACTOR;
    this.stopper = o.earlyStopping ? new EarlyStopper(o.earlyStopping) : null;
    this.evalSplit = o.evalSplit ?? "val";
    this.baseLr = getLearningRate(o.optimizer);
    if (o.schedule) checkLearningRate("schedule(0)", o.schedule(0));
    if ((o.evalEvery ?? 0) > 0) this.evaluate();
  }

  private now(): number {
    return performance.now() - this.start;
  }

  /** Evaluate now; `final` evaluations can only add divergence, not end the run another way. */
  private evaluate(final = false): void {
    const valLoss = this.o.model.evaluate(this.evalSplit);
    const record: EvalRecord = { step: this.step, valLoss, time: this.now() };
    this.evals.push(record);
    if (!Number.isFinite(valLoss)) {
      this.diverge(this.step, `${this.evalSplit} loss ${valLoss}`);
      return;
    }
    if (this.stopper) {
      if (this.stopper.observe(this.step, valLoss) && this.o.earlyStopping?.restoreBest) {
        this.best?.dispose();
        this.best = snapshotVariables(this.o.model.params);
      }
      if (this.stopper.shouldStop && !final) this.ended = "early-stopped";
    }
    if (this.o.callbacks?.onEval?.(record) === false && !this.ended && !final) this.ended = "stopped-by-callback";
  }

  private diverge(step: number, why: string): void {
    this.ended = "diverged";
    this.divergedAt = step;
    this.divergence = why;
  }

  /** One update (and evaluation when due); false once the run has ended. */
  advance(): boolean {
    if (this.ended) return false;
    const o = this.o;
    if (o.signal?.aborted) {
      this.ended = "aborted";
      return false;
    }
    const s = this.step;
    const lr = o.schedule ? o.schedule(s) : this.baseLr;
    checkLearningRate(`schedule(${s})`, lr);
    setLearningRate(o.optimizer, lr);
    const batch = o.model.batch(this.rng, o.batchSize, "train");
    let v;
    try {
      v = trainStep(o.model, o.optimizer, batch, o.clipNorm);
    } finally {
      tf.dispose(batch);
    }
    if (s === 0) this.initialLoss = v.loss;
    this.step = s + 1;
    const record: StepRecord = {
      step: s,
      lr,
      trainLoss: v.loss,
      gradNorm: v.gradNorm,
      updateRatio: updateRatio(v.updateNorm, v.weightNorm),
      time: this.now(),
    };
    this.steps.push(record);
    const stopAsked = o.callbacks?.onStep?.(record) === false;
    const why = divergenceReason(v, this.initialLoss, this.factor);
    if (why !== null) this.diverge(s, why);
    else if (stopAsked) this.ended = "stopped-by-callback";
    else if ((o.evalEvery ?? 0) > 0 && this.step % (o.evalEvery as number) === 0) this.evaluate();
    if (!this.ended && this.step >= o.steps) this.ended = "completed";
    return !this.ended;
  }

  finish(): History {
    const o = this.o;
    const last = this.evals[this.evals.length - 1];
    const evalAtEnd = o.evalEvery !== 0 && this.ended !== "diverged" && this.ended !== "aborted";
    if (evalAtEnd && this.step > 0 && (!last || last.step !== this.step)) this.evaluate(true);
    const endReason: EndReason = this.ended ?? "aborted";
    const finite = this.evals.filter((e) => Number.isFinite(e.valLoss));
    let bestValLoss: number | undefined;
    let bestValStep: number | undefined;
    for (const e of finite) {
      if (bestValLoss === undefined || e.valLoss < bestValLoss) {
        bestValLoss = e.valLoss;
        bestValStep = e.step;
      }
    }
    let restoredStep: number | undefined;
    if (this.best && this.stopper && this.stopper.bestStep !== this.step) {
      this.best.restore();
      restoredStep = this.stopper.bestStep;
    }
    this.best?.dispose();
    this.best = null;
    const lastEval = this.evals[this.evals.length - 1];
    const lastStep = this.steps[this.steps.length - 1];
    const h: Omit<History, "summary"> = {
      steps: this.steps,
      evals: this.evals,
      stepsDone: this.step,
      endReason,
      diverged: endReason === "diverged",
      stoppedEarly: endReason === "early-stopped",
      initialLoss: this.initialLoss,
      finalTrainLoss: lastStep ? lastStep.trainLoss : NaN,
      seconds: (performance.now() - this.start) / 1000,
    };
    if (this.divergedAt !== undefined) h.divergedAt = this.divergedAt;
    if (this.divergence !== undefined) h.divergence = this.divergence;
    if (lastEval && endReason !== "diverged") h.finalValLoss = lastEval.valLoss;
    if (bestValLoss !== undefined) {
      h.bestValLoss = bestValLoss;
      h.bestValStep = bestValStep;
    }
    if (restoredStep !== undefined) h.restoredStep = restoredStep;
    return { ...h, summary: summarize(h, this.stopper?.describe() ?? "") };
  }

  dispose(): void {
    this.best?.dispose();
  }
}

/**
 * Train `model` with `optimizer` for `steps` updates and return the history. Runs synchronously:
 * use it where nothing needs the event loop meanwhile (workers, tests). See `train`.
 */
export function trainSync(options: TrainOptions): History {
  const run = new TrainRun(options);
  try {
    while (run.advance());
    return run.finish();
  } finally {
    run.dispose();
  }
}

/** How long the async loop runs before it lets timers, the signal and display messages through. */
const YIELD_MS = 50;

/**
 * Train `model` with `optimizer` for `steps` updates and return the history:
 *
 *   const h = await train({ model, optimizer, schedule, steps: 500, batchSize: 32, seed: 0, evalEvery: 50 });
 *   h.summary  // "completed 500 steps: train loss 2.21, val 2.25"
 *
 * The learning rate of update `step` is `schedule(step)` (set on the optimizer before the update).
 * A non-finite loss, gradient or weight, or a training loss above `divergence.factor` (10) x the
 * first one, ends the run with `diverged: true`. Same seed, same backend: the same history, bit for
 * bit (time fields aside). Yields to the event loop every 50 ms so progress displays update and
 * `signal` can abort.
 */
export async function train(options: TrainOptions): Promise<History> {
  const run = new TrainRun(options);
  try {
    let last = performance.now();
    while (run.advance()) {
      if (performance.now() - last > YIELD_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        last = performance.now();
      }
    }
    return run.finish();
  } finally {
    run.dispose();
  }
}
