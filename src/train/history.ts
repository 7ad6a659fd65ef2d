// Reading a history: the one-line summary and small helpers for notebooks.
import type { History } from "./types";

/** Three significant digits, plain notation where it stays short. */
export function formatLoss(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? x.toExponential(2) : Number(x.toPrecision(3)).toString();
}

type SummaryInput = Omit<History, "summary">;

/** "diverged at step 37 (loss NaN)", "completed 500 steps: train loss 1.23, val 1.31 (best 1.29 at step 400)", ... */
export function summarize(h: SummaryInput, detail = ""): string {
  const val =
    h.finalValLoss !== undefined
      ? `, val ${formatLoss(h.finalValLoss)}` +
        (h.bestValLoss !== undefined && h.bestValStep !== undefined && h.bestValLoss !== h.finalValLoss
          ? ` (best ${formatLoss(h.bestValLoss)} at step ${h.bestValStep})`
          : "")
      : "";
  const restored = h.restoredStep !== undefined ? `; weights of step ${h.restoredStep} restored` : "";
  const losses = `train loss ${formatLoss(h.finalTrainLoss)}${val}`;
  switch (h.endReason) {
    case "diverged":
      return `diverged at step ${h.divergedAt} (${h.divergence})${restored}`;
    case "completed":
      return `completed ${h.stepsDone} steps: ${losses}${restored}`;
    case "early-stopped":
      return `stopped early after ${h.stepsDone} steps (${detail}): ${losses}${restored}`;
    case "stopped-by-callback":
      return `stopped by a callback after ${h.stepsDone} steps: ${losses}${restored}`;
    case "aborted":
      return `aborted after ${h.stepsDone} steps: ${losses}${restored}`;
  }
}

/** The histories' step records as columns, e.g. for a DataFrame or a figure. */
export function stepColumns(h: History): { step: number[]; lr: number[]; trainLoss: number[]; gradNorm: number[]; updateRatio: number[] } {
  return {
    step: h.steps.map((r) => r.step),
    lr: h.steps.map((r) => r.lr),
    trainLoss: h.steps.map((r) => r.trainLoss),
    gradNorm: h.steps.map((r) => r.gradNorm),
    updateRatio: h.steps.map((r) => r.updateRatio),
  };
}

/** Exponential moving average with bias correction (as fastai's smoothed loss): for noisy curves. */
export function smooth(values: readonly number[], beta = 0.98): number[] {
  if (!(beta >= 0 && beta < 1)) throw new RangeError(`beta must be in [0, 1); got ${beta}`);
  const out: number[] = [];
  let avg = 0;
  for (let i = 0; i < values.length; i++) {
    avg = beta * avg + (1 - beta) * values[i];
    out.push(avg / (1 - Math.pow(beta, i + 1)));
  }
  return out;
}
