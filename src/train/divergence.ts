// Divergence is a result, not a crash: a non-finite value or a loss far above where it started.
import type { StepValues } from "./step";

export const DEFAULT_DIVERGENCE_FACTOR = 10;

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(3)).toString() : String(x);
}

/**
 * Why step `values` counts as divergence, or null when it does not. `factor` null: only
 * non-finite values count. The ratio test needs a positive initial loss (a loss that starts at
 * or below zero has no meaningful "x times higher").
 */
export function divergenceReason(values: StepValues, initialLoss: number, factor: number | null): string | null {
  if (!Number.isFinite(values.loss)) return `loss ${values.loss}`;
  if (!Number.isFinite(values.gradNorm)) return `gradient norm ${values.gradNorm}`;
  if (!Number.isFinite(values.updateNorm) || !Number.isFinite(values.weightNorm)) return "weights not finite after the update";
  if (factor !== null && initialLoss > 0 && values.loss > factor * initialLoss) {
    return `loss ${fmt(values.loss)} > ${factor} x initial ${fmt(initialLoss)}`;
  }
  return null;
}

export function checkDivergenceFactor(factor: number): void {
  if (typeof factor !== "number" || !(factor > 1) || !Number.isFinite(factor)) {
    throw new RangeError(`divergence.factor must be a finite number > 1; got ${factor}`);
  }
}
