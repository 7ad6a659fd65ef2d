// The model.fit side of the schedule bindings: tfjs-layers callbacks that drive the rate of the
// compiled optimizer per batch (a schedule) or per epoch (reduce-on-plateau). In a file of their
// own so that code using only the driver never loads tfjs-layers.
import * as tfl from "@tensorflow/tfjs-layers";
import * as tf from "@tensorflow/tfjs-core";
import { LearningRateTarget, PlateauController, ScheduleDriver, ScheduleDriverOptions, StepSchedule } from "./schedule-binding";
import { requireLearningRate } from "./validate";

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
