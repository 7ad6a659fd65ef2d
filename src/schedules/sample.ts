import type { Schedule } from "./types";
import { requireInteger } from "./validate";

/** One point of a sampled schedule. */
export interface SchedulePoint {
  step: number;
  lr: number;
}

export interface SampleOptions {
  /** How many steps to cover, from `start` (integer >= 1). */
  steps: number;
  /** First step (integer >= 0). Default 0. */
  start?: number;
  /** Distance between samples (integer >= 1). Default 1. The last step is always included. */
  stride?: number;
}

/**
 * Samples a schedule for plotting or printing: steps `start, start + stride, ...` below
 * `start + steps`, plus the last one `start + steps - 1` so a plot ends where the run ends.
 *
 * @example sampleSchedule(cosineAnnealing({ lr: 0.1, totalSteps: 100 }), { steps: 101, stride: 10 }).length // 11
 */
export function sampleSchedule(schedule: Schedule, options: SampleOptions): SchedulePoint[] {
  const where = "sampleSchedule";
  if (typeof schedule !== "function") throw new RangeError(`${where}: schedule must be a function of the step; got ${String(schedule)}`);
  const steps = requireInteger(where, "steps", options.steps, 1);
  const start = requireInteger(where, "start", options.start ?? 0, 0);
  const stride = requireInteger(where, "stride", options.stride ?? 1, 1);
  const last = start + steps - 1;
  const points: SchedulePoint[] = [];
  for (let step = start; step <= last; step += stride) points.push({ step, lr: schedule(step) });
  if (points[points.length - 1].step !== last) points.push({ step: last, lr: schedule(last) });
  return points;
}
