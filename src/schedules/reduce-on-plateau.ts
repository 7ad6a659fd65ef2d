import { requireInteger, requireNumber, requireOneOf, requirePositive } from "./validate";

export type PlateauMode = "min" | "max";
export type ThresholdMode = "rel" | "abs";

export interface ReduceOnPlateauOptions {
  /** The starting learning rate (> 0). */
  lr: number;
  /** "min": lower metric is better (a loss); "max": higher is better (an accuracy). Default "min". */
  mode?: PlateauMode;
  /** Multiplier on each reduction, in [0, 1). Default 0.1. */
  factor?: number;
  /** Updates without improvement tolerated before a reduction (integer >= 0). Default 10. */
  patience?: number;
  /** How much better a metric must be to count as an improvement (>= 0). Default 1e-4. */
  threshold?: number;
  /** "rel": better than best * (1 -/+ threshold); "abs": better than best -/+ threshold. Default "rel". */
  thresholdMode?: ThresholdMode;
  /** Updates to wait after a reduction before counting bad updates again (integer >= 0). Default 0. */
  cooldown?: number;
  /** The rate is never reduced below this, in [0, lr]. Default 0. */
  minLr?: number;
  /** A reduction smaller than this is skipped (>= 0). Default 1e-8. */
  eps?: number;
}

/** The state of a plateau scheduler: read-only fields, changed only by `update`. */
export interface ReduceOnPlateau {
  /** The learning rate for the next optimizer update. */
  readonly lr: number;
  /** The best metric seen so far (Infinity / -Infinity before the first update in min / max mode). */
  readonly best: number;
  /** Consecutive updates without improvement, as PyTorch counts them. */
  readonly badUpdates: number;
  /** Updates of cooldown left. */
  readonly cooldownLeft: number;
  /** Feed one metric value (e.g. a validation loss); returns the learning rate after seeing it. */
  update(metric: number): number;
}

/**
 * PyTorch `ReduceLROnPlateau`, as a stateful object. After each `update(metric)`: if the metric is
 * better than `best` by the threshold it becomes `best`, else a bad update is counted (not during
 * cooldown); after more than `patience` bad updates `lr <- max(lr * factor, minLr)` (skipped when
 * the change is below `eps`) and cooldown starts. A NaN metric counts as no improvement, as in PyTorch.
 *
 * @example const p = reduceOnPlateau({ lr: 0.1, patience: 2 }); p.update(1); p.update(1); p.update(1); p.update(1) // 0.01
 */
export function reduceOnPlateau(options: ReduceOnPlateauOptions): ReduceOnPlateau {
  const where = "reduceOnPlateau";
  let lr = requirePositive(where, "lr", options.lr);
  const mode = requireOneOf(where, "mode", options.mode ?? "min", ["min", "max"]);
  const factor = requireNumber(where, "factor", options.factor ?? 0.1, { min: 0, max: 1, maxOpen: true });
  const patience = requireInteger(where, "patience", options.patience ?? 10, 0);
  const threshold = requireNumber(where, "threshold", options.threshold ?? 1e-4, { min: 0 });
  const thresholdMode = requireOneOf(where, "thresholdMode", options.thresholdMode ?? "rel", ["rel", "abs"]);
  const cooldown = requireInteger(where, "cooldown", options.cooldown ?? 0, 0);
  const minLr = requireNumber(where, "minLr", options.minLr ?? 0, { min: 0, max: lr });
  const eps = requireNumber(where, "eps", options.eps ?? 1e-8, { min: 0 });

  let best = mode === "min" ? Infinity : -Infinity;
  let bad = 0;
  let cooldownLeft = 0;
  const isBetter = (a: number): boolean => {
    if (mode === "min") return thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  };

  return {
    get lr() {
      return lr;
    },
    get best() {
      return best;
    },
    get badUpdates() {
      return bad;
    },
    get cooldownLeft() {
      return cooldownLeft;
    },
    update(metric: number): number {
      if (typeof metric !== "number") throw new RangeError(`${where}: metric must be a number; got ${String(metric)}`);
      if (isBetter(metric)) {
        best = metric;
        bad = 0;
      } else {
        bad += 1;
      }
      if (cooldownLeft > 0) {
        cooldownLeft -= 1;
        bad = 0; // bad updates during cooldown are ignored
      }
      if (bad > patience) {
        const reduced = Math.max(lr * factor, minLr);
        if (lr - reduced > eps) lr = reduced;
        cooldownLeft = cooldown;
        bad = 0;
      }
      return lr;
    },
  };
}
