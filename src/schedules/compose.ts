import type { Schedule } from "./types";
import { linear } from "./linear";
import { checkStep, countAtOrBelow, requireIncreasingIntegers, requireInteger, requireNumber } from "./validate";

function requireSchedule(where: string, name: string, value: unknown): Schedule {
  if (typeof value !== "function") throw new RangeError(`${where}: ${name} must be a schedule (a function of the step); got ${String(value)}`);
  return value as Schedule;
}

/**
 * PyTorch `SequentialLR` / optax `join_schedules`: schedule i runs from `milestones[i - 1]` on,
 * restarted from its own step 0 there.
 *
 * `lr(t) = schedules[i](t - milestones[i - 1])`, `i = number of milestones <= t` (O(log milestones))
 *
 * @example sequential([linear({ lr: 0.1, startFactor: 0.1, totalSteps: 5 }), cosineAnnealing({ lr: 0.1, totalSteps: 95 })], [5])
 */
export function sequential(schedules: readonly Schedule[], milestones: readonly number[]): Schedule {
  const where = "sequential";
  if (!Array.isArray(schedules) || schedules.length < 1) {
    throw new RangeError(`${where}: schedules must be a non-empty array of schedules; got ${String(schedules)}`);
  }
  const parts = schedules.map((s, i) => requireSchedule(where, `schedules[${i}]`, s));
  const bounds = requireIncreasingIntegers(where, "milestones", milestones, 1);
  if (bounds.length !== parts.length - 1) {
    throw new RangeError(
      `${where}: milestones must have schedules.length - 1 = ${parts.length - 1} entries; got ${bounds.length}`,
    );
  }
  return (step: number): number => {
    checkStep(where, step);
    const i = countAtOrBelow(bounds, step);
    return parts[i](i === 0 ? step : step - bounds[i - 1]);
  };
}

/**
 * Linear warmup from 0 to `schedule(0)` over `warmupSteps`, then `schedule` from its own step 0:
 * `sequential([linear({ lr: schedule(0), startFactor: 0, endFactor: 1, totalSteps: w }), schedule], [w])`.
 * The same shape as Hugging Face's `get_*_schedule_with_warmup`.
 *
 * @example withWarmup(cosineAnnealing({ lr: 3e-4, totalSteps: 900 }), 100)(50) // 1.5e-4
 */
export function withWarmup(schedule: Schedule, warmupSteps: number): Schedule {
  const where = "withWarmup";
  requireSchedule(where, "schedule", schedule);
  requireInteger(where, "warmupSteps", warmupSteps, 0);
  if (warmupSteps === 0) return schedule;
  const peak = schedule(0);
  if (!(peak > 0)) throw new RangeError(`${where}: schedule(0) must be > 0 to warm up to; got ${peak}`);
  const ramp = linear({ lr: peak, startFactor: 0, endFactor: 1, totalSteps: warmupSteps });
  return sequential([ramp, schedule], [warmupSteps]);
}

/**
 * Multiplies a schedule by a constant: `lr(t) = factor * schedule(t)`. Useful to reuse a shape at
 * another peak, or for a per-layer learning-rate multiplier. (The product is a plain double: it
 * overflows to Infinity only if factor * schedule(t) exceeds about 1.8e308.)
 *
 * @example scale(cosineAnnealing({ lr: 1, totalSteps: 100 }), 3e-4)(0) // 3e-4
 */
export function scale(schedule: Schedule, factor: number): Schedule {
  const where = "scale";
  requireSchedule(where, "schedule", schedule);
  requireNumber(where, "factor", factor, { min: 0 });
  return (step: number): number => {
    checkStep(where, step);
    return factor * schedule(step);
  };
}
