import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requireOneOf, requirePositive } from "./validate";

export type DecayShape = "linear" | "cosine" | "1-sqrt";

export interface WarmupStableDecayOptions {
  /** The learning rate of the stable phase (> 0). */
  lr: number;
  /** Steps of linear warmup from `minLr` to `lr` (integer >= 0). */
  warmupSteps: number;
  /** Steps of the final decay from `lr` to `minLr` (integer >= 0). */
  decaySteps: number;
  /** All steps (integer >= warmupSteps + decaySteps); the stable phase fills the rest. */
  totalSteps: number;
  /** Start of warmup and end of decay, in [0, lr]. Default 0. */
  minLr?: number;
  /** Shape of the decay. Default "cosine". */
  decayShape?: DecayShape;
}

/**
 * Hugging Face `warmup_stable_decay` (`get_wsd_schedule`, linear warmup, 0.5 cycles). With
 * `r = minLr / lr`, `s = totalSteps - warmupSteps - decaySteps` and `f -> lr * (f * (1 - r) + r)`:
 *
 * warmup `f = t / max(1, w)`; stable `lr`; decay with `p = (t - w - s) / max(1, decaySteps)`:
 * `linear f = 1 - p`, `cosine f = (1 + cos(pi * p)) / 2`, `1-sqrt f = 1 - sqrt(p)`; after: `lr * r`.
 *
 * @example warmupStableDecay({ lr: 1e-3, warmupSteps: 10, decaySteps: 20, totalSteps: 100 })(50) // 1e-3
 */
export function warmupStableDecay(options: WarmupStableDecayOptions): Schedule {
  const where = "warmupStableDecay";
  const lr = requirePositive(where, "lr", options.lr);
  const warmupSteps = requireInteger(where, "warmupSteps", options.warmupSteps, 0);
  const decaySteps = requireInteger(where, "decaySteps", options.decaySteps, 0);
  const totalSteps = requireInteger(where, "totalSteps", options.totalSteps, 0);
  if (warmupSteps + decaySteps > totalSteps) {
    throw new RangeError(
      `${where}: totalSteps must be an integer >= warmupSteps + decaySteps = ${warmupSteps + decaySteps}; got ${totalSteps}`,
    );
  }
  const minLr = requireNumber(where, "minLr", options.minLr ?? 0, { min: 0, max: lr });
  const shape = requireOneOf(where, "decayShape", options.decayShape ?? "cosine", ["linear", "cosine", "1-sqrt"]);
  const r = minLr / lr;
  const stableEnd = totalSteps - decaySteps;
  const warmupDivisor = Math.max(1, warmupSteps);
  const decayDivisor = Math.max(1, decaySteps);
  return (step: number): number => {
    checkStep(where, step);
    if (step < warmupSteps) {
      const factor = step / warmupDivisor;
      return lr * Math.max(0, factor * (1 - r) + r);
    }
    if (step < stableEnd) return lr * 1;
    if (step < totalSteps) {
      const p = (step - stableEnd) / decayDivisor;
      const factor = shape === "linear" ? 1 - p : shape === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * 0.5 * 2 * p)) : 1 - Math.sqrt(p);
      return lr * Math.max(0, factor * (1 - r) + r);
    }
    return lr * r;
  };
}
