// Driving an optimizer's learning rate from a schedule, with PyTorch's counting: the update with
// index k (0-based, k = updates done so far) uses schedule(k), like calling scheduler.step() after
// every optimizer.step(). Typed structurally so any step -> rate function and any
// reduce-on-plateau object (src/schedules) fits, and any optimizer with a writable learningRate.
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
