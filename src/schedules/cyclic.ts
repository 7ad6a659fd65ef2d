import type { Schedule } from "./types";
import { checkStep, requireInteger, requireNumber, requireOneOf } from "./validate";

export type CyclicMode = "triangular" | "triangular2" | "exp_range";

export interface CyclicOptions {
  /** The lower boundary, at the start of each cycle (>= 0). */
  baseLr: number;
  /** The upper boundary, reached after `stepSizeUp` steps (>= 0). */
  maxLr: number;
  /** Steps in the rising half of a cycle (integer >= 1). */
  stepSizeUp: number;
  /** Steps in the falling half (integer >= 0). Default `stepSizeUp`. */
  stepSizeDown?: number;
  /** Amplitude policy. Default "triangular". */
  mode?: CyclicMode;
  /** Per-step amplitude multiplier for "exp_range", in (0, 1]. Default 1. */
  gamma?: number;
}

/**
 * PyTorch `CyclicLR` (Smith's cyclical learning rates). With `total = stepSizeUp + stepSizeDown`,
 * `cycle = floor(1 + t / total)`, `x = 1 + t / total - cycle` and `r = stepSizeUp / total`:
 *
 * `lr(t) = baseLr + (maxLr - baseLr) * (x <= r ? x / r : (x - 1) / (r - 1)) * scale`
 *
 * where scale is 1 ("triangular"), `1 / 2^(cycle - 1)` ("triangular2") or `gamma^t` ("exp_range").
 *
 * @example cyclic({ baseLr: 0.001, maxLr: 0.01, stepSizeUp: 10 })(10) // 0.01
 */
export function cyclic(options: CyclicOptions): Schedule {
  const where = "cyclic";
  const baseLr = requireNumber(where, "baseLr", options.baseLr, { min: 0 });
  const maxLr = requireNumber(where, "maxLr", options.maxLr, { min: 0 });
  const up = requireInteger(where, "stepSizeUp", options.stepSizeUp, 1);
  const down = requireInteger(where, "stepSizeDown", options.stepSizeDown ?? up, 0);
  const mode = requireOneOf(where, "mode", options.mode ?? "triangular", ["triangular", "triangular2", "exp_range"]);
  const gamma = requireNumber(where, "gamma", options.gamma ?? 1, { min: 0, minOpen: true, max: 1 });
  const total = up + down;
  const ratio = up / total;
  const amplitude = maxLr - baseLr;
  return (step: number): number => {
    checkStep(where, step);
    const cycle = Math.floor(1 + step / total);
    const x = 1 + step / total - cycle;
    const scaleFactor = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    const scale = mode === "triangular" ? 1 : mode === "triangular2" ? 1 / Math.pow(2, cycle - 1) : Math.pow(gamma, step);
    return baseLr + amplitude * scaleFactor * scale;
  };
}
