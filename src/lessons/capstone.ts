// Notebook 11 (the capstone): a tiny GPT on State of the Union text trained with everything the
// series measured (the range test's peak, AdamW with weight decay, warmup then a decay (WSD, or
// cosine), gradient-norm clipping, early stopping with restore-best) against a naive baseline
// (constant Adam 1e-3 and nothing else), at the same budget, initialisation and batches;
// leave-one-out ablations, each ingredient put back to the baseline's value in turn; steps and
// seconds to the baseline's loss; text sampled before and after training.
import * as path from "path";
import type { TextDataset } from "../data/text-dataset";
import { createProseDataset } from "../data/text-dataset";
import { createGpt } from "../models/gpt";
import type { GptModel } from "../models/gpt";
import { createRng } from "../random";
import { adam } from "../optimizers/adam";
import { adamw } from "../optimizers/adamw";
import { constant } from "../schedules/constant";
import { warmupCosine } from "../schedules/warmup-cosine";
import { warmupStableDecay } from "../schedules/warmup-stable-decay";
import type { Schedule } from "../schedules/types";
import { sampleSchedule } from "../schedules/sample";
import { trainSync } from "../train/train";
import type { History, LrOptimizer } from "../train/types";
import { lrFinder } from "../lr-finder/lr-finder";
import type { LrFinderResult } from "../lr-finder/lr-finder";
import type { SuggestionMethod } from "../lr-finder/suggestions";
import { registerExperiment, num } from "../sweep/experiments";
import type { ExperimentRef, RunOutcome } from "../sweep/experiments";
import { sweep } from "../sweep/sweep";
import type { SweepProgress, SweepRun } from "../sweep/sweep";
import type { Config, Json } from "../sweep/grid";
import { canonicalJson } from "../sweep/grid";
import { SeedStats, gapHolds, pairedGap, seedStats } from "../check";
import { formatNumber } from "../plot/format";
import type { Figure } from "../plot/figure";
import { intervalChart, lineChart, lrSweepChart, withMarkers, withReferenceLines } from "../plot/build";

// ---------------------------------------------------------------------------------------------
// The ingredients, the recipe and the baseline.

/**
 * The five settings the recipe changes, each one configuration key. Putting one key back to the
 * baseline's value is that ingredient's leave-one-out ablation; all five give the baseline.
 *   lr:          the peak rate (the range test's pick; the baseline's 1e-3)
 *   weightDecay: AdamW's decoupled decay on the weight matrices (0: plain Adam, see makeOptimizer)
 *   schedule:    "wsd" (warmup, constant, a 1-sqrt decay to floor x peak), "warmup-cosine" or
 *                "constant" (see capstoneSchedule)
 *   clipNorm:    the global gradient norm is clipped to this; null: no clipping
 *   patience:    early stopping after this many evaluations without a new best, restoring the
 *                best weights; null: no early stopping
 */
export type IngredientKey = "lr" | "weightDecay" | "schedule" | "clipNorm" | "patience";
export const INGREDIENT_KEYS: readonly IngredientKey[] = ["lr", "weightDecay", "schedule", "clipNorm", "patience"];

export interface Ingredient {
  key: IngredientKey;
  /** What the ablation does, e.g. "range-test peak → 1e-3". */
  ablation: string;
  /** What the ingredient is, for the verdict: "the range test's peak rate". */
  what: string;
  /** The notebooks of the series that measured it. */
  notebooks: string;
}

export const INGREDIENTS: readonly Ingredient[] = [
  { key: "lr", ablation: "range-test peak → 1e-3", what: "the range test's peak rate", notebooks: "04 (the range test)" },
  { key: "weightDecay", ablation: "AdamW → Adam, no weight decay", what: "AdamW's weight decay", notebooks: "08 (AdamW), 09 (weight decay)" },
  { key: "schedule", ablation: "schedule → constant peak", what: "the schedule (warmup, then the decay)", notebooks: "05 (decay), 06 (warmup, WSD)" },
  { key: "clipNorm", ablation: "clipping off", what: "gradient-norm clipping", notebooks: "02 (clipping)" },
  { key: "patience", ablation: "early stopping off", what: "early stopping with restore-best", notebooks: "09 (early stopping)" },
];

/** The naive baseline's values of the five keys: constant Adam 1e-3, no decay, no clipping, no early stopping. */
export const BASELINE: Readonly<Record<IngredientKey, Json>> = { lr: 1e-3, weightDecay: 0, schedule: "constant", clipNorm: null, patience: null };

export interface RecipeOptions {
  /** The peak rate (the range test's pick). */
  peak: number;
  /** AdamW's decoupled weight decay (default 0.1, nanoGPT's). */
  weightDecay?: number;
  /** Clip the global gradient norm to this (default 1, nanoGPT's grad_clip). */
  clipNorm?: number;
  /** Early-stopping patience in evaluations (default 3). */
  patience?: number;
  /** The schedule (default "wsd"; "warmup-cosine" the alternative). */
  schedule?: "wsd" | "warmup-cosine";
}

/** The recipe's values of the five keys. */
export function recipeIngredients(o: RecipeOptions): Record<IngredientKey, Json> {
  if (!(o.peak > 0) || !Number.isFinite(o.peak)) throw new RangeError(`peak must be a finite rate > 0; got ${o.peak}`);
  return { lr: o.peak, weightDecay: o.weightDecay ?? 0.1, schedule: o.schedule ?? "wsd", clipNorm: o.clipNorm ?? 1, patience: o.patience ?? 3 };
}

/** The recipe with one ingredient put back to the baseline's value. */
export function ablate(recipe: Config, key: IngredientKey): Config {
  if (!INGREDIENT_KEYS.includes(key)) throw new RangeError(`key must be one of ${INGREDIENT_KEYS.join(", ")}; got ${String(key)}`);
  return { ...recipe, [key]: BASELINE[key] };
}

/** The keys whose values differ between two configurations (compared as canonical JSON), sorted. */
export function configDiff(a: Config, b: Config): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null)).sort();
}

/** The peak a range test suggests, rounded to two significant digits (so it prints and caches cleanly). */
export function pickPeak(result: LrFinderResult, method: SuggestionMethod): number {
  const s = result.suggestions;
  if (!s) throw new RangeError(`the range test gave no suggestions (${result.summary})`);
  return Number(s[method].lr.toPrecision(2));
}

/** `peak` times each factor, rounded to two significant digits: the short sweep that confirms the pick. */
export function peakGrid(peak: number, factors: readonly number[]): number[] {
  if (!(peak > 0)) throw new RangeError(`peak must be > 0; got ${peak}`);
  return factors.map((f) => (f === 1 ? peak : Number((peak * f).toPrecision(2))));
}

/**
 * The peaks of the confirming sweep: the baseline's rate, the suggestion, and the suggestion times
 * each factor (two significant digits), in rate order; a value within `closer` (a factor, default
 * 1.5) of one already kept is dropped, so the baseline's rate and the suggestion are never run twice
 * under two names. Priority: the baseline's rate, the suggestion, then the factors in their order.
 */
export function confirmGrid(suggested: number, factors: readonly number[] = [3, 10, 1 / 3], baseline = 1e-3, closer = 1.5): number[] {
  if (!(closer >= 1)) throw new RangeError(`closer must be a factor >= 1; got ${closer}`);
  const kept: number[] = [];
  for (const lr of [baseline, suggested, ...peakGrid(suggested, factors)]) {
    if (!kept.some((k) => Math.max(k / lr, lr / k) < closer)) kept.push(lr);
  }
  return kept.sort((a, b) => a - b);
}

// ---------------------------------------------------------------------------------------------
// The run: model, optimizer and schedule from a configuration.

/** The model's and corpus's settings, shared by every run of the notebook. */
export interface ModelSize {
  width: number;
  layers: number;
  heads: number;
  blockSize: number;
  /** Characters of State of the Union text, from 1790 on (train/val/test chunks of 2,048). */
  maxChars: number;
  /** Validation windows evaluated (fixed, evenly spread over the split). */
  evalWindows: number;
}

const corpora = new Map<number, TextDataset>();

/** State of the Union text, the first `maxChars` characters (split seed 0), read once per process. */
export function sotuData(maxChars: number): TextDataset {
  let d = corpora.get(maxChars);
  if (!d) {
    d = createProseDataset({ maxChars, seed: 0 });
    corpora.set(maxChars, d);
  }
  return d;
}

/** The tiny GPT of a configuration; `modelSeed` (default: `seed`) fixes its initial weights. */
export function capstoneModel(config: Config): GptModel {
  return createGpt({
    data: sotuData(num(config, "maxChars")),
    width: num(config, "width"),
    layers: num(config, "layers"),
    heads: num(config, "heads", 4),
    blockSize: num(config, "blockSize", 16),
    evalWindows: num(config, "evalWindows", 128),
    seed: num(config, "modelSeed", num(config, "seed", 0)),
  });
}

/** The parameter count of the model a configuration describes (built and freed at once). */
export function parameterCount(config: Config): number {
  const m = capstoneModel(config);
  try {
    return m.numParams;
  } finally {
    m.dispose();
  }
}

/**
 * Adam, or AdamW when weightDecay > 0: PyTorch's decoupled decay (w ← w·(1 − η_t·λ)) on the
 * weight matrices and embeddings (every parameter of rank 2, nanoGPT's rule), none on biases and
 * LayerNorm gains. AdamW with λ = 0 is Adam exactly, so one number is the whole ingredient.
 */
export function makeOptimizer(model: GptModel, lr: number, weightDecay: number): LrOptimizer {
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) throw new RangeError(`weightDecay must be a finite number >= 0; got ${weightDecay}`);
  if (weightDecay === 0) return adam({ lr });
  const flat = model.params.filter((p) => p.rank < 2);
  return adamw({ lr, weightDecay, paramGroups: [{ params: flat, weightDecay: 0, name: "biases and gains" }] });
}

/**
 * The rate of every step: "constant" at `lr`, "warmup-cosine" (linear warmup from 0 over
 * warmupFraction of the steps, then a cosine to floor x lr at the last step), or "wsd"
 * (warmup, constant, then a decay over decayFraction of the steps to floor x lr, 1-sqrt shape).
 */
export function capstoneSchedule(config: Config, lr = num(config, "lr")): Schedule {
  const steps = num(config, "steps");
  const warmupSteps = Math.round(num(config, "warmupFraction", 0.05) * steps);
  const minLr = num(config, "floor", 0.1) * lr;
  switch (config.schedule) {
    case "constant":
      return constant({ lr });
    case "warmup-cosine":
      return warmupCosine({ lr, warmupSteps, totalSteps: steps, minLr });
    case "wsd":
      return warmupStableDecay({ lr, warmupSteps, totalSteps: steps, minLr, decayShape: "1-sqrt",
        decaySteps: Math.round(num(config, "decayFraction", 0.2) * steps) });
    default:
      throw new RangeError(`schedule must be "constant", "warmup-cosine" or "wsd"; got ${JSON.stringify(config.schedule)}`);
  }
}

/** The rate against the step of a configuration's schedule, for scheduleChart. */
export function scheduleSamples(config: Config): { step: number; lr: number }[] {
  const steps = num(config, "steps");
  return sampleSchedule(capstoneSchedule(config), { steps, stride: Math.max(1, Math.round(steps / 200)) });
}

const optionalNumber = (config: Config, key: string): number | null => {
  const v = config[key];
  if (v === null || v === undefined) return null;
  if (typeof v !== "number" || !(v > 0)) throw new RangeError(`config.${key} must be a number > 0 or null; got ${JSON.stringify(v)}`);
  return v;
};

/**
 * Sweep experiment "capstone-gpt": one training run of the tiny GPT on State of the Union text.
 * Settings: the ModelSize keys, the five ingredient keys, steps, batchSize, seed (batches, and
 * the initial weights unless modelSeed is given), evalEvery, warmupFraction, floor, and sampling:
 * samplePrompt, sampleTokens (0: none), sampleTemperature, sampleSeed. Metrics: params, the
 * validation, test and train loss (evalWindows windows of each split) of the weights the run ends
 * with (after a restore, the best evaluation's), and text sampled from the initial and the final
 * weights (with the sampling seed, and greedily).
 */
export function capstoneExperiment(config: Config): RunOutcome {
  const model = capstoneModel(config);
  const lr = num(config, "lr");
  const clipNorm = optionalNumber(config, "clipNorm");
  const patience = optionalNumber(config, "patience");
  if (patience !== null && !Number.isInteger(patience)) throw new RangeError(`config.patience must be an integer or null; got ${patience}`);
  const optimizer = makeOptimizer(model, lr, num(config, "weightDecay", 0));
  const tokens = num(config, "sampleTokens", 0);
  const sampleOptions = { prompt: String(config.samplePrompt ?? "The "), maxTokens: Math.max(1, tokens), temperature: num(config, "sampleTemperature", 0.8) };
  const sampleWith = () => (tokens > 0 ? model.sample(createRng(num(config, "sampleSeed", 0)), sampleOptions) : "");
  try {
    const sampleBefore = sampleWith();
    const history = trainSync({
      model,
      optimizer,
      schedule: capstoneSchedule(config, lr),
      steps: num(config, "steps"),
      batchSize: num(config, "batchSize"),
      seed: num(config, "seed", 0),
      evalEvery: num(config, "evalEvery"),
      clipNorm: clipNorm ?? undefined,
      earlyStopping: patience === null ? undefined : { patience, restoreBest: true },
    });
    return {
      history,
      metrics: {
        params: model.numParams,
        endValLoss: history.diverged ? NaN : model.evaluate("val"),
        endTestLoss: history.diverged ? NaN : model.evaluate("test"),
        endTrainLoss: history.diverged ? NaN : model.evaluate("train"),
        sampleBefore,
        sampleAfter: history.diverged ? "" : sampleWith(),
        greedyAfter: history.diverged || tokens === 0 ? "" : model.sample(createRng(0), { ...sampleOptions, greedy: true }),
      },
    };
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

export const CAPSTONE_EXPERIMENT = "capstone-gpt";
registerExperiment(CAPSTONE_EXPERIMENT, capstoneExperiment);

/** The sweep reference: worker processes load this file by its path, which registers the experiment. */
export function capstoneRun(): ExperimentRef {
  return { name: CAPSTONE_EXPERIMENT, module: path.join(__dirname, "capstone") };
}

// ---------------------------------------------------------------------------------------------
// The range test on the same model and optimizer.

export interface RangeTestOptions {
  /** Settings of the runs (ModelSize keys, batchSize; weightDecay and clipNorm of the recipe). */
  fixed: Config;
  seed: number;
  steps: number;
  startLr?: number;
  endLr?: number;
}

/** The LR range test on a fresh model with the recipe's optimizer (AdamW, its groups, clipping) and batches. */
export async function capstoneRangeTest(o: RangeTestOptions): Promise<LrFinderResult> {
  const config = { ...o.fixed, seed: o.seed };
  const model = capstoneModel(config);
  const optimizer = makeOptimizer(model, 1e-3, num(config, "weightDecay", 0.1));
  try {
    return await lrFinder({ model, optimizer, startLr: o.startLr ?? 1e-5, endLr: o.endLr ?? 1, steps: o.steps,
      batchSize: num(config, "batchSize"), seed: o.seed, clipNorm: optionalNumber(config, "clipNorm") ?? undefined });
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Arms over seeds, each through one cached sweep (one pool of workers per call).

export interface CapstoneArm {
  name: string;
  /** The arm's settings over `fixed` (without the seed). */
  config: Config;
  /** One run per seed, in seed order. */
  runs: SweepRun[];
  /** Validation loss of the weights each run ended with. */
  values: number[];
  /** Test loss of the same weights. */
  test: number[];
  /** Statistics of `values`; null when a run diverged (its value is then its initial loss). */
  stats: SeedStats | null;
}

/** The recipe and the baseline: every ingredient, and none. */
export function mainArms(recipe: Config): { name: string; config: Config }[] {
  return [
    { name: "recipe", config: { ...recipe } },
    { name: "baseline", config: { ...recipe, ...BASELINE } },
  ];
}

/** One arm per ingredient: the recipe with that ingredient put back to the baseline's value. */
export function ablationArms(recipe: Config): { name: string; config: Config }[] {
  return INGREDIENTS.map((i) => ({ name: i.ablation, config: ablate(recipe, i.key) }));
}

export interface RunArmsOptions {
  /** Settings every run shares (ModelSize keys, steps, batchSize, evalEvery, sampling, ...). */
  fixed: Config;
  arms: { name: string; config: Config }[];
  /** Each seed sets the batches and the initial weights; every arm runs at every seed. */
  seeds: number[];
  onProgress?: (p: SweepProgress) => void;
  workers?: number;
}

/**
 * Every arm at every seed through one sweep. Runs are cached by configuration, so an arm that
 * another cell already ran (the recipe at the first seed, say) is read back, not run again.
 */
export async function runArms(o: RunArmsOptions): Promise<{ arms: CapstoneArm[]; arm(name: string): CapstoneArm; summary: string }> {
  if (!o.arms.length || !o.seeds.length) throw new RangeError("give at least one arm and one seed");
  const configs = o.arms.flatMap((a) => o.seeds.map((seed) => ({ ...a.config, seed })));
  const result = await sweep({ run: capstoneRun(), configs, fixed: o.fixed, onProgress: o.onProgress, workers: o.workers });
  if (result.aborted) throw new Error(`runArms: the sweep stopped after ${result.runs.length} of ${configs.length} runs`);
  const byIndex = new Map(result.runs.map((r) => [r.index, r]));
  const n = o.seeds.length;
  const arms: CapstoneArm[] = o.arms.map((a, i) => {
    const runs = o.seeds.map((_, j) => byIndex.get(i * n + j)!);
    const values = runs.map((r) => endLoss(r, "val"));
    const diverged = runs.some((r) => r.outcome.history.diverged);
    return { name: a.name, config: { ...o.fixed, ...a.config }, runs, values, test: runs.map((r) => endLoss(r, "test")),
      stats: diverged ? null : seedStats(values) };
  });
  return {
    arms,
    arm(name: string) {
      const found = arms.find((a) => a.name === name);
      if (!found) throw new RangeError(`no arm "${name}"; arms: ${arms.map((a) => a.name).join(", ")}`);
      return found;
    },
    summary: result.summary,
  };
}

export interface PeakPoint {
  lr: number;
  /** Loss of the weights the run ended with (NaN when it diverged). */
  loss: number;
  diverged: boolean;
  run: SweepRun;
}

/** The recipe at each peak rate (one seed): the short sweep that confirms the range test's pick. */
export async function peakSweep(o: { fixed: Config; recipe: Config; peaks: number[]; seed: number; onProgress?: (p: SweepProgress) => void; workers?: number }): Promise<{ points: PeakPoint[]; summary: string }> {
  if (!o.peaks.length) throw new RangeError("give at least one peak");
  const configs = o.peaks.map((lr) => ({ ...o.recipe, lr, seed: o.seed }));
  const result = await sweep({ run: capstoneRun(), configs, fixed: o.fixed, onProgress: o.onProgress, workers: o.workers });
  const points = result.runs.map((run) => {
    const diverged = run.outcome.history.diverged;
    return { lr: run.config.lr as number, loss: diverged ? NaN : endLoss(run), diverged, run };
  });
  return { points: points.sort((a, b) => a.lr - b.lr), summary: result.summary };
}

/**
 * The loss of the weights a run ended with. A run that diverged counts as its initial loss (it
 * learned nothing it kept), so that costs and seed statistics stay finite; `diverged` flags it.
 */
export function endLoss(run: SweepRun, split: "val" | "test" = "val"): number {
  const h = run.outcome.history;
  if (h.diverged) return h.initialLoss;
  const m = run.outcome.metrics?.[split === "val" ? "endValLoss" : "endTestLoss"];
  if (typeof m === "number") return m;
  if (split === "val" && h.finalValLoss !== undefined) return h.finalValLoss;
  throw new RangeError(`run ${run.index} has no ${split} loss`);
}

// ---------------------------------------------------------------------------------------------
// Reading the runs.

export interface Reached {
  /** Updates after which the validation loss first was at or below the target. */
  step: number;
  /** Seconds into the run at that evaluation (wall clock, not part of determinism). */
  seconds: number;
  valLoss: number;
}

/** The first evaluation of `h` at or below `target`, or null when none is. */
export function stepsToReach(h: History, target: number): Reached | null {
  if (!Number.isFinite(target)) throw new RangeError(`target must be a finite loss; got ${target}`);
  const e = h.evals.find((x) => Number.isFinite(x.valLoss) && x.valLoss <= target);
  return e ? { step: e.step, seconds: e.time / 1000, valLoss: e.valLoss } : null;
}

/**
 * The peaks that train well: not diverged and within `tolerance` nats of the sweep's best.
 * Returns the lowest and the highest of them, and the best point.
 */
export function trainedRange(points: readonly Pick<PeakPoint, "lr" | "loss" | "diverged">[], tolerance: number): { lo: number; hi: number; best: { lr: number; loss: number } } {
  const ok = points.filter((p) => !p.diverged && Number.isFinite(p.loss));
  if (ok.length === 0) throw new RangeError("every peak of the sweep diverged");
  const best = ok.reduce((a, p) => (p.loss < a.loss ? p : a));
  const good = ok.filter((p) => p.loss <= best.loss + tolerance).map((p) => p.lr);
  return { lo: Math.min(...good), hi: Math.max(...good), best };
}

export type Verdict = "matters" | "hurts" | "negligible" | "no measurable effect";

export interface AblationRow {
  key: IngredientKey;
  ablation: string;
  what: string;
  notebooks: string;
  /** Per seed: the ablated run's loss minus the recipe's (positive: removing it hurts). */
  cost: SeedStats;
  /** The same on the test split. */
  testCost: SeedStats;
  verdict: Verdict;
}

export interface VerdictRule {
  /** A paired cost counts when every seed has its sign and |mean| >= factor x its spread (default 2). */
  factor?: number;
  /** Below this many nats a consistent cost is called negligible (default 0.01). */
  minEffect?: number;
}

/**
 * What removing an ingredient did, from its paired costs (ablated − recipe, per seed):
 * "matters" when it cost at every seed by a mean of at least factor x the spread and minEffect;
 * "hurts" the same with the sign reversed (the run was better without it); "negligible" when the
 * sign is consistent but the mean is below minEffect; "no measurable effect" otherwise.
 */
export function verdictOf(cost: SeedStats, rule: VerdictRule = {}): Verdict {
  const factor = rule.factor ?? 2;
  const minEffect = rule.minEffect ?? 0.01;
  const consistent = (g: SeedStats) => gapHolds(g, factor);
  const neg = seedStats(cost.values.map((v) => -v));
  if (consistent(cost)) return cost.mean >= minEffect ? "matters" : "negligible";
  if (consistent(neg)) return neg.mean >= minEffect ? "hurts" : "negligible";
  return "no measurable effect";
}

/** Paired costs of each ablation against the recipe, on the seeds they share (the first n of the recipe's). */
export function ablationTable(recipe: CapstoneArm, ablations: readonly CapstoneArm[], rule: VerdictRule = {}): AblationRow[] {
  return ablations.map((a) => {
    const ing = INGREDIENTS.find((i) => i.ablation === a.name);
    if (!ing) throw new RangeError(`"${a.name}" is not an ablation; ablations: ${INGREDIENTS.map((i) => i.ablation).join(", ")}`);
    const n = a.values.length;
    if (n > recipe.values.length) throw new RangeError(`the ablation "${a.name}" has more seeds (${n}) than the recipe (${recipe.values.length})`);
    const cost = pairedGap(a.values, recipe.values.slice(0, n));
    const testCost = pairedGap(a.test, recipe.test.slice(0, n));
    return { key: ing.key, ablation: a.name, what: ing.what, notebooks: ing.notebooks, cost, testCost, verdict: verdictOf(cost, rule) };
  });
}

const pm = (s: SeedStats) => `${formatNumber(s.mean, 3)} ± ${formatNumber(s.spread / 2, 2)}`;

/** The rows as a table for showTable: mean ± half the range of the costs, per split, and the verdict. */
export function ablationTableRows(rows: readonly AblationRow[]): Record<string, string>[] {
  return rows.map((r) => ({
    ablation: r.ablation,
    "val cost (nats)": pm(r.cost),
    "per seed": r.cost.values.map((v) => formatNumber(v, 3)).join(", "),
    "test cost (nats)": pm(r.testCost),
    verdict: r.verdict,
    "measured in": r.notebooks,
  }));
}

/**
 * One line per ingredient, largest cost first: what removing it did here (the verdict and the
 * paired cost over seeds), a note on why where one is given, and the notebooks that measured it.
 */
export function verdictLines(rows: readonly AblationRow[], notes: Partial<Record<IngredientKey, string>> = {}): string[] {
  const sorted = rows.slice().sort((a, b) => b.cost.mean - a.cost.mean);
  return sorted.map((r) => {
    const n = r.cost.values.length;
    const cost = `${formatNumber(r.cost.mean, 3)} nats (${formatNumber(r.cost.min, 3)} to ${formatNumber(r.cost.max, 3)} over ${n} seeds)`;
    const said: Record<Verdict, string> = {
      matters: `mattered: removing it cost ${cost}`,
      hurts: `hurt at this size: the runs without it ended lower by ${formatNumber(-r.cost.mean, 3)} nats, at every seed`,
      negligible: `negligible: removing it changed the loss by ${cost}, the same sign at every seed but under a hundredth of a nat`,
      "no measurable effect": `no measurable effect at this size: removing it changed the loss by ${cost}, within twice the seed spread`,
    };
    const note = notes[r.key] ? ` (${notes[r.key]})` : "";
    const none = r.cost.values.every((v) => v === 0) && r.testCost.values.every((v) => v === 0);
    const what = none ? "no effect at all: the runs with and without it ended with the same weights" : said[r.verdict];
    return `- ${r.what}: ${what}${note}; measured in ${r.notebooks}`;
  });
}

/** Why early stopping could or could not matter: how many runs stopped early, and restored earlier weights. */
export function earlyStoppingNote(arm: CapstoneArm): string {
  const hs = arm.runs.map((r) => r.outcome.history);
  const stopped = hs.filter((h) => h.stoppedEarly).length;
  const restored = hs.filter((h) => h.restoredStep !== undefined).length;
  return `${stopped} of ${hs.length} recipe runs stopped early, ${restored} restored earlier weights`;
}

/** How far the validation loss of the weights each run ended with sits above their training loss, as seed stats. */
export function trainValGap(arm: CapstoneArm): SeedStats {
  return seedStats(arm.runs.map((r) => {
    const m = r.outcome.metrics ?? {};
    if (typeof m.endTrainLoss !== "number") throw new RangeError(`run ${r.index} has no endTrainLoss`);
    return endLoss(r, "val") - m.endTrainLoss;
  }));
}

/** Fraction of all updates of an arm's runs whose gradient norm exceeded `clipNorm` (so were clipped). */
export function clippedShare(arm: CapstoneArm, clipNorm: number): number {
  if (!(clipNorm > 0)) throw new RangeError(`clipNorm must be > 0; got ${clipNorm}`);
  const steps = arm.runs.flatMap((r) => r.outcome.history.steps);
  if (steps.length === 0) return 0;
  return steps.filter((s) => s.gradNorm > clipNorm).length / steps.length;
}

/** Passes over the training text a run of `steps` updates of batchSize x blockSize tokens makes. */
export function epochsSeen(data: TextDataset, steps: number, batchSize: number, blockSize: number): number {
  return (steps * batchSize * blockSize) / data.size("train");
}

/** Validation loss per evaluation as a figure series. */
export function valCurve(h: History): { x: number[]; y: number[] } {
  return { x: h.evals.map((e) => e.step), y: h.evals.map((e) => e.valLoss) };
}

/** Mean validation loss over an arm's runs at the evaluation steps every run reached. */
export function meanValCurve(arm: CapstoneArm): { x: number[]; y: number[] } {
  const hs = arm.runs.map((r) => r.outcome.history);
  if (hs.length === 0) throw new RangeError(`arm "${arm.name}" has no runs`);
  const steps = hs[0].evals.map((e) => e.step).filter((step) => hs.every((h) => h.evals.some((e) => e.step === step)));
  const y = steps.map((step) => hs.reduce((sum, h) => sum + h.evals.find((e) => e.step === step)!.valLoss, 0) / hs.length);
  return { x: steps, y };
}

/**
 * Mean validation curves of the arms over their seeds, the baseline's mean final loss as a dashed
 * line, and a marker where each of the recipe's runs first reached its own seed's baseline loss.
 */
export function curvesFigure(arms: readonly CapstoneArm[], target: number, reached: readonly (Reached | null)[], title: string): Figure {
  const fig = lineChart({
    title,
    subtitle: `mean over ${arms[0].runs.length} seeds of the validation loss; markers: where each recipe run reached its seed's baseline loss`,
    series: arms.map((a) => ({ name: a.name, ...meanValCurve(a) })),
    x: { label: "update" },
    y: { label: "validation loss", unit: "nats", scale: "log" },
  });
  const hits = reached.filter((r): r is Reached => r !== null);
  const lined = withReferenceLines(fig, [{ name: "baseline's final loss (mean)", y: target }]);
  return hits.length ? withMarkers(lined, { name: "recipe reaches it", x: hits.map((h) => h.step), y: hits.map((h) => h.valLoss) }) : lined;
}

/** The confirming sweep: final loss against the peak (log x), the range test's suggestion and the chosen peak marked. */
export function peakFigure(points: readonly PeakPoint[], suggested: number, chosen: number, title: string): Figure {
  const fig = lrSweepChart({
    title,
    subtitle: "the recipe at each peak rate, one seed; the loss of the weights each run ended with",
    points: points.map((p) => ({ lr: p.lr, loss: p.loss, diverged: p.diverged })),
    x: { label: "peak learning rate", scale: "log", format: "~e" },
    y: { label: "validation loss", unit: "nats" },
  });
  const at = (lr: number) => points.find((p) => p.lr === lr);
  const s = at(suggested);
  const c = at(chosen);
  const marked = s ? withMarkers(fig, { name: "range test's suggestion (valley)", x: [s.lr], y: [s.loss], shape: "square", color: "#ff7f0e" }) : fig;
  return c ? withMarkers(marked, { name: "chosen peak (the sweep's best)", x: [c.lr], y: [c.loss], shape: "diamond", color: "#2ca02c" }) : marked;
}

/** Each ablation's paired cost per seed (open circles), their mean (dot) and range (bar), on an axis that includes 0. */
export function ablationFigure(rows: readonly AblationRow[], title: string): Figure {
  const all = rows.flatMap((r) => r.cost.values);
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const pad = 0.08 * Math.max(hi - lo, 1e-3);
  return intervalChart({
    title,
    subtitle: "validation loss of the recipe with one ingredient removed, minus the recipe's, paired by seed; above 0: it helped",
    arms: rows.map((r) => ({ name: r.ablation, values: r.cost.values })),
    x: { label: "ablation" },
    y: { label: "cost (ablated − recipe)", unit: "nats", domain: [lo - pad, hi + pad] },
  });
}

let trainWords: { data: TextDataset; words: Set<string> } | null = null;

/** Whitespace-separated tokens, lowercased, without apostrophes and without punctuation at either end. */
function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/\s+/).map((t) => t.replace(/'/g, "").replace(/^[^a-z]+|[^a-z]+$/g, ""));
}

/**
 * The share of the words of `text` after `prompt` that occur as words of the training text. A word
 * is a whitespace-separated token stripped of punctuation at its ends, of two letters or more and
 * letters only; the last one is left out when the text ends inside it (the token budget cut it).
 * Low for an untrained model's noise, 1 for text copied from the corpus.
 */
export function knownWordShare(text: string, prompt: string, data: TextDataset): number {
  if (!trainWords || trainWords.data !== data) {
    const words = new Set<string>();
    for (const doc of data.docs.train) for (const w of wordsOf(data.decode(doc))) if (/^[a-z]{2,}$/.test(w)) words.add(w);
    trainWords = { data, words };
  }
  const body = text.startsWith(prompt) ? text.slice(prompt.length) : text;
  const tokens = wordsOf(body);
  if (/\S$/.test(body)) tokens.pop();
  const whole = tokens.filter((w) => /^[a-z]{2,}$/.test(w));
  if (whole.length === 0) return 0;
  return whole.filter((w) => trainWords!.words.has(w)).length / whole.length;
}
