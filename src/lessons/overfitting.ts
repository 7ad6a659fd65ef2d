// Helpers of notebook 09 (overfitting): a sweep experiment that trains the names MLP on a small
// subset of the training names and evaluates the whole train split as well as the validation
// split, so that the train/validation gap can be read at every evaluation; reading curves at an
// equal training loss; the step where validation turns; and a separability measure for an
// LR x weight-decay grid.
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { createNamesDataset } from "../data/text-dataset";
import type { TextDataset } from "../data/text-dataset";
import { createMlpCharModel } from "../models/mlp-char";
import { adam } from "../optimizers/adam";
import { adamw } from "../optimizers/adamw";
import { trainSync } from "../train/train";
import type { History, LrOptimizer } from "../train/types";
import { registerExperiment, num } from "../sweep/experiments";
import type { ExperimentRef, RunOutcome } from "../sweep/experiments";
import { scheduleFromSpec } from "../sweep/factories";
import type { Config } from "../sweep/grid";
import type { SweepRun } from "../sweep/sweep";

export const OVERFIT_EXPERIMENT = "overfit-names";

/**
 * The sweep reference of the experiment below: worker processes (ts-node) load this file by its
 * path, which registers the experiment; in the caller it is registered already.
 */
export function overfitRun(): ExperimentRef {
  return { name: OVERFIT_EXPERIMENT, module: path.join(__dirname, "overfitting") };
}

/** How weight decay enters Adam. */
export type DecayForm = "l2" | "coupled" | "independent";
export const DECAY_FORMS: readonly DecayForm[] = ["l2", "coupled", "independent"];
export const DECAY_LABELS: Record<DecayForm, string> = {
  l2: "Adam + L2 (decay in the gradient)",
  coupled: "AdamW, PyTorch form (w ← w·(1 − η·λ))",
  independent: "AdamW, paper form (w ← w·(1 − λ·η_t/η))",
};

/**
 * Adam with weight decay `wd` in one of three forms:
 * - "l2": torch.optim.Adam's weight_decay, g ← g + λw, then normalised by Adam like any gradient;
 * - "coupled": torch.optim.AdamW, w ← w(1 − ηλ) per step (the decay is multiplied by the rate);
 * - "independent": Loshchilov & Hutter's Algorithm 2, w ← w(1 − λ·η_t/η₀), where η_t/η₀ is the
 *   schedule's multiplier: the per-step decay λ does not change with the peak rate η₀.
 *   Built as AdamW with weightDecay λ/η₀ (PyTorch multiplies it by the current rate η_t).
 */
export function adamWithDecay(form: DecayForm, lr: number, wd: number): LrOptimizer {
  if (!(wd >= 0) || !Number.isFinite(wd)) throw new RangeError(`wd must be a finite number >= 0; got ${wd}`);
  if (form === "l2") return adam({ lr, weightDecay: wd });
  if (form === "coupled") return adamw({ lr, weightDecay: wd });
  if (form === "independent") {
    if (!(lr > 0)) throw new RangeError(`the independent form needs lr > 0; got ${lr}`);
    return adamw({ lr, weightDecay: wd / lr });
  }
  throw new RangeError(`form must be one of ${DECAY_FORMS.join(", ")}; got ${String(form)}`);
}

/** An evaluation of the whole train split after `step` updates. */
export interface TrainEval {
  step: number;
  loss: number;
}

/** A history that also holds the train split's loss at every evaluation. */
export type OverfitHistory = History & { trainEvals: TrainEval[] };

let corpus: TextDataset | null = null;
const subsets = new Map<number, TextDataset>();

/** The names corpus (split seed 0) with only `words` training names (subset seed 0); val is the full val split. */
export function namesSubset(words: number): TextDataset {
  corpus ??= createNamesDataset({ seed: 0 });
  let d = subsets.get(words);
  if (!d) {
    d = corpus.subset(words, 0);
    subsets.set(words, d);
  }
  return d;
}

function globalNorm(params: readonly tf.Variable[]): number {
  const sq = tf.tidy(() => tf.addN(params.map((p) => tf.sum(tf.square(p)))));
  const v = sq.dataSync()[0];
  sq.dispose();
  return Math.sqrt(v);
}

/**
 * One run of the names MLP on a subset of the training names. Settings: words (default 300),
 * hidden (200), embedding (10), contextSize (3), lr, decay ("l2" | "coupled" | "independent",
 * default "coupled"), wd (default 0), schedule (a sweep schedule spec, default constant), steps,
 * batchSize (32), seed (batch order and initialisation), evalEvery (50), patience (early stopping
 * with restore-best when set). Metrics: params, weightNorm at the end, the train and val loss of
 * the weights the run ends with (after a restore, those of the best evaluation).
 */
export function overfitExperiment(config: Config): RunOutcome {
  const data = namesSubset(num(config, "words", 300));
  const seed = num(config, "seed", 0);
  const model = createMlpCharModel({
    data,
    hidden: num(config, "hidden", 200),
    embedding: num(config, "embedding", 10),
    contextSize: num(config, "contextSize", 3),
    seed,
  });
  const lr = num(config, "lr");
  const steps = num(config, "steps", 1000);
  const decay = (config.decay ?? "coupled") as DecayForm;
  const optimizer = adamWithDecay(decay, lr, num(config, "wd", 0));
  const trainEvals: TrainEval[] = [];
  try {
    const patience = config.patience;
    const h = trainSync({
      model,
      optimizer,
      schedule: scheduleFromSpec(config.schedule, lr, steps),
      steps,
      batchSize: num(config, "batchSize", 32),
      seed,
      evalEvery: num(config, "evalEvery", 50),
      earlyStopping: typeof patience === "number" ? { patience, restoreBest: true } : undefined,
      callbacks: { onEval: (e) => void trainEvals.push({ step: e.step, loss: model.evaluate("train") }) },
    });
    const last = trainEvals[trainEvals.length - 1];
    if (!last || last.step !== h.stepsDone) trainEvals.push({ step: h.stepsDone, loss: model.evaluate("train") });
    const history: OverfitHistory = Object.assign(h, { trainEvals });
    return {
      history,
      metrics: {
        params: model.numParams,
        weightNorm: globalNorm(model.params),
        endTrainLoss: model.evaluate("train"),
        endValLoss: model.evaluate("val"),
      },
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}
registerExperiment(OVERFIT_EXPERIMENT, overfitExperiment);

/** Train loss, validation loss and their gap at each evaluation of a run. */
export interface GapCurve {
  steps: number[];
  train: number[];
  val: number[];
  /** val − train. */
  gap: number[];
}

/** The curves of an `overfit-names` history (the final extra train evaluation is matched by step). */
export function gapCurve(h: History): GapCurve {
  const trainEvals = (h as OverfitHistory).trainEvals;
  if (!Array.isArray(trainEvals)) throw new RangeError("the history has no trainEvals: run it through the overfit-names experiment");
  const byStep = new Map(trainEvals.map((t) => [t.step, t.loss]));
  const out: GapCurve = { steps: [], train: [], val: [], gap: [] };
  for (const e of h.evals) {
    const t = byStep.get(e.step);
    if (t === undefined) continue;
    out.steps.push(e.step);
    out.train.push(t);
    out.val.push(e.valLoss);
    out.gap.push(e.valLoss - t);
  }
  return out;
}

/** The curves of a sweep run. */
export const runCurve = (r: SweepRun): GapCurve => gapCurve(r.outcome.history);

/**
 * The evaluation with the lowest validation loss: where validation turns from falling to rising.
 * With `upToStep`, among the evaluations at or before that step only (what early stopping could
 * have seen when it stopped there).
 */
export function turningPoint(c: GapCurve, upToStep = Infinity): { step: number; val: number; train: number; gap: number } {
  if (c.val.length === 0) throw new RangeError("the curve has no evaluations");
  if (!(c.steps[0] <= upToStep)) throw new RangeError(`upToStep must be at or after the first evaluation (step ${c.steps[0]}); got ${upToStep}`);
  let i = 0;
  for (let k = 1; k < c.val.length && c.steps[k] <= upToStep; k++) if (c.val[k] < c.val[i]) i = k;
  return { step: c.steps[i], val: c.val[i], train: c.train[i], gap: c.gap[i] };
}

/**
 * Where the training loss first reaches `target` (linear interpolation between evaluations), and
 * the validation loss there; null when the run never gets that low.
 */
export function atTrainLoss(c: GapCurve, target: number): { step: number; val: number } | null {
  if (!Number.isFinite(target)) throw new RangeError(`target must be a finite loss; got ${target}`);
  for (let k = 0; k < c.train.length; k++) {
    if (c.train[k] > target) continue;
    if (k === 0) return { step: c.steps[0], val: c.val[0] };
    const f = (c.train[k - 1] - target) / (c.train[k - 1] - c.train[k]);
    return { step: c.steps[k - 1] + f * (c.steps[k] - c.steps[k - 1]), val: c.val[k - 1] + f * (c.val[k] - c.val[k - 1]) };
  }
  return null;
}

export { spearman } from "../stats";

/** The fit z[j][i] ≈ mean + row[j] + col[i] of a grid (two-way layout, one value per cell). */
export interface AdditiveFit {
  mean: number;
  row: number[];
  col: number[];
  /** Share of the grid's variance that row and column effects explain: 1 − SS(interaction)/SS(total). */
  separability: number;
}

/**
 * How separable a grid of losses is: fit an additive model (a row effect plus a column effect, no
 * interaction) and report the share of the variance it explains. 1 means every row has the same
 * profile up to a shift, so the best column is the same in every row (and vice versa): the two
 * settings can be tuned one at a time. A diagonal valley (the best column moves from row to row)
 * leaves variance in the interaction and lowers it.
 */
export function additiveFit(z: readonly (readonly number[])[]): AdditiveFit {
  const rows = z.length;
  const cols = rows ? z[0].length : 0;
  if (rows < 2 || cols < 2) throw new RangeError(`the grid must be at least 2 x 2; got ${rows} x ${cols}`);
  if (z.some((r) => r.length !== cols)) throw new RangeError("every row must have the same number of values");
  if (z.some((r) => r.some((v) => !Number.isFinite(v)))) throw new RangeError("the grid must hold finite values (no diverged cells)");
  const mean = z.flat().reduce((a, b) => a + b, 0) / (rows * cols);
  const row = z.map((r) => r.reduce((a, b) => a + b, 0) / cols - mean);
  const col = z[0].map((_, i) => z.reduce((a, r) => a + r[i], 0) / rows - mean);
  let total = 0;
  let inter = 0;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      total += (z[j][i] - mean) ** 2;
      inter += (z[j][i] - mean - row[j] - col[i]) ** 2;
    }
  }
  return { mean, row, col, separability: total === 0 ? 1 : 1 - inter / total };
}

/** The column index of the smallest value in each row. */
export function argminPerRow(z: readonly (readonly number[])[]): number[] {
  return z.map((r) => {
    let best = 0;
    for (let i = 1; i < r.length; i++) if (r[i] < r[best]) best = i;
    return best;
  });
}

/** Mean of the numbers. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("mean of an empty list");
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The row index of the smallest value in each column. */
export function argminPerColumn(z: readonly (readonly number[])[]): number[] {
  if (z.length === 0) throw new RangeError("the grid must not be empty");
  return z[0].map((_, i) => {
    let best = 0;
    for (let j = 1; j < z.length; j++) if (z[j][i] < z[best][i]) best = j;
    return best;
  });
}

/** What one run ends with, and where its validation turned. */
export interface RunSummary {
  endTrain: number;
  endVal: number;
  /** val − train at the end. */
  endGap: number;
  /** The lowest validation loss and the step it was reached (the turning point). */
  bestVal: number;
  turnStep: number;
  /** The training loss at the turning point. */
  trainAtTurn: number;
  /** How far validation rose after its minimum: endVal − bestVal. */
  rise: number;
}

export function summarize(c: GapCurve): RunSummary {
  const n = c.val.length - 1;
  if (n < 0) throw new RangeError("the curve has no evaluations");
  const t = turningPoint(c);
  return { endTrain: c.train[n], endVal: c.val[n], endGap: c.gap[n], bestVal: t.val, turnStep: t.step, trainAtTurn: t.train, rise: c.val[n] - t.val };
}

/**
 * A grid of one number per run, z[j][i] for rows[j] (config key `rowKey`) and cols[i]
 * (`colKey`), from sweep runs; throws when a cell has no run or more than one.
 */
export function gridOf(
  runs: readonly SweepRun[],
  rowKey: string,
  rows: readonly number[],
  colKey: string,
  cols: readonly number[],
  metric: (r: SweepRun) => number,
): number[][] {
  return rows.map((rv) =>
    cols.map((cv) => {
      const found = runs.filter((r) => r.config[rowKey] === rv && r.config[colKey] === cv);
      if (found.length !== 1) throw new RangeError(`${found.length} runs at ${rowKey} = ${rv}, ${colKey} = ${cv}; expected 1`);
      return metric(found[0]);
    }),
  );
}

/** The metric the weight-decay grids compare: the validation loss of the weights a run ends with. */
export const endVal = (r: SweepRun): number => r.outcome.metrics?.endValLoss as number;
