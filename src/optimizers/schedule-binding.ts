// Driving an optimizer's learning rate from a schedule, with PyTorch's counting: the update with
// index k (0-based, k = updates done so far) uses schedule(k), like calling scheduler.step() after
// every optimizer.step(). Typed structurally so any step -> rate function and any
// reduce-on-plateau object (src/schedules) fits, and any optimizer with a writable learningRate.
import * as tfl from "@tensorflow/tfjs-layers";
import * as tf from "@tensorflow/tfjs-core";
import { requireLearningRate } from "./validate";

/** A learning-rate schedule: the rate for the update with this 0-based index. */
export type StepSchedule = (step: number) => number;

/** A reduce-on-plateau controller: its current rate, and a metric in / new rate out. */
export interface PlateauController {
  readonly lr: number;
  update(metric: number): number;
}

/** Anything whose learning rate can be set between updates (our optimizers, tfjs's SGD). */
export interface LearningRateTarget {
  learningRate: number;
}

function requireStep(where: string, step: number): number {
  if (!Number.isInteger(step) || step < 0) {
    throw new RangeError(`${where}: step must be an integer >= 0; got ${String(step)}`);
  }
  return step;
}

/** Set `optimizer.learningRate = schedule(step)` (checked: finite, >= 0) and return the rate. */
export function applySchedule(optimizer: LearningRateTarget, schedule: StepSchedule, step: number): number {
  requireStep("applySchedule", step);
  const lr = requireLearningRate(`applySchedule: schedule(${step})`, schedule(step));
  optimizer.learningRate = lr;
  return lr;
}

export interface ScheduleDriverOptions {
  /** Index of the first update (e.g. the saved step when resuming). Default 0. */
  startStep?: number;
}

/**
 * For a hand-written loop: call `next()` right before each update; it sets the rate for that
 * update from the schedule and advances the step.
 *
 * @example
 * const drive = scheduleDriver(opt, warmupCosine({...}));
 * for (let k = 0; k < steps; k++) { drive.next(); opt.minimize(loss); }
 */
export class ScheduleDriver {
  private nextStep: number;

  constructor(
    readonly optimizer: LearningRateTarget,
    readonly schedule: StepSchedule,
    options: ScheduleDriverOptions = {},
  ) {
    this.nextStep = requireStep("scheduleDriver", options.startStep ?? 0);
  }

  /** Index of the update the next `next()` prepares (= updates prepared so far + startStep). */
  get step(): number {
    return this.nextStep;
  }

  /** Set the learning rate for the coming update and return it. */
  next(): number {
    const lr = applySchedule(this.optimizer, this.schedule, this.nextStep);
    this.nextStep += 1;
    return lr;
  }
}

export function scheduleDriver(
  optimizer: LearningRateTarget,
  schedule: StepSchedule,
  options: ScheduleDriverOptions = {},
): ScheduleDriver {
  return new ScheduleDriver(optimizer, schedule, options);
}

export interface ScheduleCallbackOptions extends ScheduleDriverOptions {
  /** Keep the rate of every batch in `history` (default true). */
  record?: boolean;
}

/**
 * A tfjs-layers callback for `model.fit`: before every batch it sets the optimizer's learning
 * rate from the schedule; the step counts batches across epochs (and across fit calls).
 *
 * @example model.fit(x, y, { epochs: 5, callbacks: [scheduleCallback(opt, cosine)] })
 */
export class ScheduleCallback extends tfl.Callback {
  private readonly driver: ScheduleDriver;
  /** The learning rate set for each batch, in order (when `record` is on). */
  readonly history: number[] = [];
  private readonly record: boolean;

  constructor(optimizer: LearningRateTarget, schedule: StepSchedule, options: ScheduleCallbackOptions = {}) {
    super();
    this.driver = new ScheduleDriver(optimizer, schedule, options);
    this.record = options.record ?? true;
  }

  /** Index of the next batch's update. */
  get step(): number {
    return this.driver.step;
  }

  async onBatchBegin(): Promise<void> {
    const lr = this.driver.next();
    if (this.record) this.history.push(lr);
  }
}

export function scheduleCallback(
  optimizer: LearningRateTarget,
  schedule: StepSchedule,
  options: ScheduleCallbackOptions = {},
): ScheduleCallback {
  return new ScheduleCallback(optimizer, schedule, options);
}

export interface PlateauCallbackOptions {
  /** The epoch log to watch (default "val_loss"; "loss" when fitting without validation). */
  monitor?: string;
}

async function logValue(value: unknown): Promise<number | undefined> {
  if (typeof value === "number") return value;
  if (value instanceof tf.Tensor) return (await value.data())[0];
  return undefined;
}

/**
 * A tfjs-layers callback for `model.fit`: sets the optimizer's rate to the controller's rate when
 * training begins, and after every epoch feeds the monitored metric to `update` and applies the
 * returned rate (PyTorch's ReduceLROnPlateau stepped once per epoch).
 */
export class PlateauCallback extends tfl.Callback {
  readonly monitor: string;
  /** The learning rate after each epoch. */
  readonly history: number[] = [];

  constructor(
    readonly optimizer: LearningRateTarget,
    readonly plateau: PlateauController,
    options: PlateauCallbackOptions = {},
  ) {
    super();
    this.monitor = options.monitor ?? "val_loss";
  }

  async onTrainBegin(): Promise<void> {
    this.optimizer.learningRate = requireLearningRate("plateauCallback: plateau.lr", this.plateau.lr);
  }

  async onEpochEnd(_epoch: number, logs?: tfl.Logs | Record<string, unknown>): Promise<void> {
    const raw = logs?.[this.monitor];
    const metric = await logValue(raw);
    if (metric === undefined) {
      const keys = logs ? Object.keys(logs).join(", ") : "none";
      throw new RangeError(`plateauCallback: monitor "${this.monitor}" is not in the epoch logs (have: ${keys})`);
    }
    const lr = requireLearningRate("plateauCallback: plateau.update()", this.plateau.update(metric));
    this.optimizer.learningRate = lr;
    this.history.push(lr);
  }
}

export function plateauCallback(
  optimizer: LearningRateTarget,
  plateau: PlateauController,
  options: PlateauCallbackOptions = {},
): PlateauCallback {
  return new PlateauCallback(optimizer, plateau, options);
}
