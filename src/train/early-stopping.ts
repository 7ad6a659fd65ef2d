// Early stopping on the evaluation loss: stop after `patience` evaluations without a new best.
import type { EarlyStoppingOptions } from "./types";

export class EarlyStopper {
  best = Infinity;
  bestStep = -1;
  private bad = 0;
  private readonly patience: number;
  private readonly minDelta: number;

  constructor(options: EarlyStoppingOptions) {
    const { patience, minDelta = 0 } = options;
    if (!Number.isInteger(patience) || patience < 1) {
      throw new RangeError(`earlyStopping.patience must be a positive integer; got ${patience}`);
    }
    if (typeof minDelta !== "number" || !(minDelta >= 0) || !Number.isFinite(minDelta)) {
      throw new RangeError(`earlyStopping.minDelta must be a finite number >= 0; got ${minDelta}`);
    }
    this.patience = patience;
    this.minDelta = minDelta;
  }

  /** Record an evaluation; returns whether it is a new best. */
  observe(step: number, loss: number): boolean {
    if (loss < this.best - this.minDelta) {
      this.best = loss;
      this.bestStep = step;
      this.bad = 0;
      return true;
    }
    this.bad++;
    return false;
  }

  get shouldStop(): boolean {
    return this.bad >= this.patience;
  }

  describe(): string {
    return `no improvement > ${this.minDelta} in ${this.patience} evaluation${this.patience === 1 ? "" : "s"}`;
  }
}
