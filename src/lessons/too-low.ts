// Helpers of notebook 03 (too low): stop a run once it reaches a target loss, read off how many
// steps and seconds that took, fit the power law steps ~ lr^slope on log-log axes, and measure
// how fast a curve is still moving (per 100 steps, per doubling of the step count).
import type { History, TrainCallbacks } from "../train/types";

function checkTarget(target: number): void {
  if (typeof target !== "number" || !Number.isFinite(target)) throw new RangeError(`target must be a finite loss; got ${target}`);
}

export type LossSource = "train" | "eval";

/**
 * Callbacks that end a run at the first training loss (`"train"`) or evaluation loss (`"eval"`)
 * below `target`: steps spent after reaching the target are not part of "steps to target".
 */
export function stopBelow(target: number, source: LossSource): TrainCallbacks {
  checkTarget(target);
  if (source === "train") return { onStep: (r) => !(r.trainLoss < target) };
  if (source === "eval") return { onEval: (e) => !(e.valLoss < target) };
  throw new RangeError(`source must be "train" or "eval"; got ${String(source)}`);
}

/** When a run first got below its target: updates done and wall-clock seconds at that moment. */
export interface TargetReached {
  steps: number;
  seconds: number;
}

/**
 * The first time the run's loss was below `target`, or null when it never was. `"train"` reads the
 * loss measured before each update (so `steps` = updates that produced those weights); `"eval"`
 * reads the evaluations. Seconds come from the history's own clock.
 */
export function stepsToTarget(h: History, target: number, source: LossSource): TargetReached | null {
  checkTarget(target);
  if (source === "train") {
    const r = h.steps.find((s) => s.trainLoss < target);
    if (!r) return null;
    // The loss of weights after r.step updates; the clock stopped at the end of update r.step - 1.
    const previous = r.step > 0 ? h.steps[r.step - 1].time : 0;
    return { steps: r.step, seconds: previous / 1000 };
  }
  if (source === "eval") {
    const e = h.evals.find((v) => v.valLoss < target);
    return e ? { steps: e.step, seconds: e.time / 1000 } : null;
  }
  throw new RangeError(`source must be "train" or "eval"; got ${String(source)}`);
}

export { logLogSlope } from "../stats";

/** A curve sampled at increasing steps, e.g. evaluations. */
export interface CurvePoint {
  step: number;
  value: number;
}

/** The value at `step`, interpolated linearly between the samples around it. */
export function valueAt(curve: readonly CurvePoint[], step: number): number {
  if (curve.length === 0) throw new RangeError("curve must not be empty");
  const first = curve[0];
  const last = curve[curve.length - 1];
  if (!(step >= first.step && step <= last.step)) {
    throw new RangeError(`step must be within the curve's steps [${first.step}, ${last.step}]; got ${step}`);
  }
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1];
    const b = curve[i];
    if (step <= b.step) return b.step === a.step ? b.value : a.value + ((b.value - a.value) * (step - a.step)) / (b.step - a.step);
  }
  return last.value;
}

/** How much the curve fell per 100 steps over its last `window` steps (positive = still falling). */
export function dropPer100(curve: readonly CurvePoint[], window: number): number {
  if (!(window > 0) || !Number.isFinite(window)) throw new RangeError(`window must be a finite number of steps > 0; got ${window}`);
  const end = curve[curve.length - 1];
  if (!end || end.step - curve[0].step < window) throw new RangeError(`the curve must span at least window = ${window} steps`);
  return ((valueAt(curve, end.step - window) - end.value) / window) * 100;
}

/** How much the curve fell between half its last step and its last step (one doubling of steps). */
export function dropPerDoubling(curve: readonly CurvePoint[]): number {
  if (curve.length === 0) throw new RangeError("curve must not be empty");
  const end = curve[curve.length - 1];
  return valueAt(curve, end.step / 2) - end.value;
}

/** The evaluations of a history as a curve. */
export function evalCurve(h: History): CurvePoint[] {
  return h.evals.map((e) => ({ step: e.step, value: e.valLoss }));
}
