// Lesson helpers of notebook 11 (the capstone): the recipe, the baseline and the ablations differ
// exactly in the ingredients they should; the optimizer decays only the matrices; the schedules;
// steps to a target; the ablation table's paired costs and verdicts; one real (tiny) run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { AdamOptimizer, AdamWOptimizer, adam, adamw } from "../src/optimizers/index";
import type { History } from "../src/train/types";
import type { SweepRun } from "../src/sweep/sweep";
import { seedStats } from "../src/check";
import {
  BASELINE, INGREDIENTS, INGREDIENT_KEYS, recipeIngredients, ablate, configDiff, mainArms, ablationArms, pickPeak, confirmGrid,
  peakGrid, makeOptimizer, capstoneModel, capstoneSchedule, stepsToReach, trainedRange, verdictOf, ablationTable,
  ablationTableRows, verdictLines, earlyStoppingNote, clippedShare, epochsSeen, capstoneExperiment, sotuData, endLoss,
  meanValCurve, curvesFigure, peakFigure, ablationFigure, knownWordShare, trainValGap,
} from "../src/lessons/capstone";
import type { CapstoneArm } from "../src/lessons/capstone";
import type { LrFinderResult } from "../src/lr-finder/index";

test.before(async () => {
  await ready();
});

const tiny = { width: 8, layers: 1, heads: 2, blockSize: 8, maxChars: 30_000, evalWindows: 16 };

test("the baseline is constant Adam 1e-3 with no decay, no clipping, no early stopping", () => {
  assert.equal(BASELINE, { lr: 1e-3, weightDecay: 0, schedule: "constant", clipNorm: null, patience: null });
  assert.equal(INGREDIENTS.map((i) => i.key), [...INGREDIENT_KEYS]);
  assert.equal(recipeIngredients({ peak: 0.004 }), { lr: 0.004, weightDecay: 0.1, schedule: "wsd", clipNorm: 1, patience: 3 });
  assert.throws(() => recipeIngredients({ peak: 0 }), /peak must be/);
});

test("each ablation differs from the recipe in its own ingredient only; the baseline in all five", () => {
  const fixed = { ...tiny, steps: 100, batchSize: 8, evalEvery: 10 };
  const recipe = { ...fixed, ...recipeIngredients({ peak: 0.004 }) };
  for (const key of INGREDIENT_KEYS) {
    const a = ablate(recipe, key);
    assert.equal(configDiff(recipe, a), [key], key);
    assert.equal(a[key], BASELINE[key]);
  }
  const [r, b] = mainArms(recipe);
  assert.equal([r.name, b.name], ["recipe", "baseline"]);
  assert.equal(configDiff(r.config, b.config), [...INGREDIENT_KEYS].sort());
  assert.equal(configDiff(recipe, r.config), []);
  const abl = ablationArms(recipe);
  assert.equal(abl.map((x) => x.name), INGREDIENTS.map((i) => i.ablation));
  abl.forEach((x, i) => assert.equal(configDiff(recipe, x.config), [INGREDIENTS[i].key]));
  // configDiff: a missing key equals null; nested values compare as canonical JSON
  assert.equal(configDiff({ a: null, s: { x: 1, y: 2 } }, { s: { y: 2, x: 1 } }), []);
  assert.equal(configDiff({ a: 1 }, { a: 1, b: 0 }), ["b"]);
  assert.throws(() => ablate(recipe, "momentum" as never), /key must be one of/);
});

test("the pick is the suggestion rounded to two digits; the confirming grid multiplies it", () => {
  const fake = { suggestions: { valley: { lr: 0.0029813 }, minimum: { lr: 0.0443 }, steep: { lr: 0.0135 } }, summary: "" } as unknown as LrFinderResult;
  assert.is(pickPeak(fake, "valley"), 0.003);
  assert.is(pickPeak(fake, "minimum"), 0.044);
  assert.throws(() => pickPeak({ suggestions: null, summary: "too short" } as unknown as LrFinderResult, "valley"), /no suggestions/);
  assert.equal(peakGrid(0.0042, [1 / 3, 1, 3, 10]), [0.0014, 0.0042, 0.013, 0.042]);
  // the confirming grid: 1e-3, the suggestion, 3x, 10x and a third, dropping near-duplicates
  assert.equal(confirmGrid(0.0042), [1e-3, 0.0042, 0.013, 0.042], "1.4e-3 is within 1.5x of 1e-3");
  assert.equal(confirmGrid(0.006), [1e-3, 0.002, 0.006, 0.018, 0.06]);
  assert.equal(confirmGrid(0.003), [1e-3, 0.003, 0.009, 0.03], "a third of 3e-3 is the baseline's 1e-3");
  assert.equal(confirmGrid(0.0012), [4e-4, 1e-3, 0.0036, 0.012], "a suggestion next to 1e-3 is 1e-3");
  assert.equal(confirmGrid(0.01, [3], 1e-3, 1), [1e-3, 0.01, 0.03]);
});

test("weight decay 0 is plain Adam; otherwise AdamW decays the matrices and embeddings, not biases or gains", () => {
  const data = sotuData(tiny.maxChars);
  const model = capstoneModel({ ...tiny, seed: 0 });
  assert.ok(makeOptimizer(model, 1e-3, 0) instanceof AdamOptimizer);
  const opt = makeOptimizer(model, 0.1, 0.5);
  assert.ok(opt instanceof AdamWOptimizer);
  // With zero gradients Adam's step is 0/(0 + eps) = 0: only the decay moves a weight, by (1 − lr·λ).
  const before = model.params.map((p) => p.dataSync().slice());
  opt.applyGradients(model.params.map((p) => ({ name: p.name, tensor: tf.zerosLike(p) })));
  model.params.forEach((p, i) => {
    const after = p.dataSync();
    const want = p.rank >= 2 ? 1 - 0.1 * 0.5 : 1;
    for (let j = 0; j < after.length; j += Math.max(1, Math.floor(after.length / 7))) {
      assert.ok(Math.abs(after[j] - want * before[i][j]) <= 1e-6 * Math.max(1, Math.abs(before[i][j])), `${p.name} [${j}] rank ${p.rank}`);
    }
  });
  assert.ok(model.params.some((p) => p.rank < 2) && model.params.some((p) => p.rank >= 2));
  assert.throws(() => makeOptimizer(model, 1e-3, -1), /weightDecay/);
  opt.dispose();
  model.dispose();
  assert.is(data.name, "prose");
});

test("AdamW with λ = 0 and Adam take the same step", () => {
  const a = tf.variable(tf.tensor2d([[0.3, -0.2], [0.1, 0.5]]), true, "capstone_t/a");
  const b = tf.variable(tf.tensor2d([[0.3, -0.2], [0.1, 0.5]]), true, "capstone_t/b");
  const oa = adam({ lr: 0.01 });
  const ob = adamw({ lr: 0.01, weightDecay: 0 });
  for (const g of [[[1, -2], [0.5, 3]], [[-1, 0.2], [0.1, 0.4]]]) {
    oa.applyGradients([{ name: a.name, tensor: tf.tensor2d(g) }]);
    ob.applyGradients([{ name: b.name, tensor: tf.tensor2d(g) }]);
  }
  assert.equal(Array.from(a.dataSync()), Array.from(b.dataSync()));
  tf.dispose([a, b]);
  oa.dispose();
  ob.dispose();
});

test("schedules: constant; warmup + cosine from 0 to floor·lr; WSD from its floor, flat, 1-sqrt decay to floor·lr", () => {
  const base = { steps: 100, warmupFraction: 0.1, floor: 0.1, decayFraction: 0.2 };
  const c = capstoneSchedule({ ...base, schedule: "constant", lr: 0.01 });
  assert.equal([c(0), c(50), c(99)], [0.01, 0.01, 0.01]);
  const cos = capstoneSchedule({ ...base, schedule: "warmup-cosine", lr: 0.01 });
  assert.is(cos(0), 0);
  assert.ok(Math.abs(cos(10) - 0.01) < 1e-15 && Math.abs(cos(100) - 0.001) < 1e-15);
  assert.ok(cos(55) < 0.01 && cos(55) > 0.001);
  const w = capstoneSchedule({ ...base, schedule: "wsd", lr: 0.01 });
  assert.ok(Math.abs(w(0) - 0.001) < 1e-15, `WSD starts its warmup at its floor: ${w(0)}`);
  assert.is(w(10), 0.01);
  assert.is(w(79), 0.01);
  assert.ok(w(85) < 0.01 && w(85) > 0.001);
  assert.ok(Math.abs(w(100) - 0.001) < 1e-15);
  // the rate comes from the config unless given: an ablated peak moves the whole schedule
  assert.ok(Math.abs(capstoneSchedule({ ...base, schedule: "wsd", lr: 0.01 }, 1e-3)(50) - 1e-3) < 1e-18);
  assert.throws(() => capstoneSchedule({ ...base, schedule: "cosine", lr: 0.01 }), /schedule must be/);
});

const history = (evals: [number, number][], extra: Partial<History> = {}): History =>
  ({ steps: [], evals: evals.map(([step, valLoss]) => ({ step, valLoss, time: step * 10 })), diverged: false,
    stoppedEarly: false, ...extra }) as unknown as History;

test("steps to a target: the first evaluation at or below it, with its time", () => {
  const h = history([[0, 4.3], [10, 3.1], [20, 2.6], [30, 2.7], [40, 2.4]]);
  assert.equal(stepsToReach(h, 2.65), { step: 20, seconds: 0.2, valLoss: 2.6 });
  assert.equal(stepsToReach(h, 2.6), { step: 20, seconds: 0.2, valLoss: 2.6 });
  assert.is(stepsToReach(h, 2.0), null);
  assert.is(stepsToReach(history([[0, NaN], [10, 2]]), 3)!.step, 10);
  assert.throws(() => stepsToReach(h, NaN), /finite/);
});

test("trained range: the peaks within the tolerance of the best, diverged ones excluded", () => {
  const pts = [
    { lr: 1e-3, loss: 2.53, diverged: false }, { lr: 3e-3, loss: 2.33, diverged: false },
    { lr: 9e-3, loss: 2.28, diverged: false }, { lr: 0.03, loss: 2.42, diverged: false }, { lr: 0.1, loss: NaN, diverged: true },
  ];
  assert.equal(trainedRange(pts, 0.1), { lo: 3e-3, hi: 9e-3, best: pts[2] });
  assert.equal(trainedRange(pts, 0.2), { lo: 3e-3, hi: 0.03, best: pts[2] });
  assert.throws(() => trainedRange([pts[4]], 0.1), /diverged/);
});

test("verdicts: a consistent cost of twice its spread matters; reversed it hurts; tiny but consistent is negligible", () => {
  assert.is(verdictOf(seedStats([0.2, 0.21, 0.196])), "matters");
  assert.is(verdictOf(seedStats([-0.05, -0.06, -0.055])), "hurts");
  assert.is(verdictOf(seedStats([-0.0025, -0.0027, -0.0024])), "negligible");
  assert.is(verdictOf(seedStats([0.006, 0.024, 0.009])), "no measurable effect", "every seed positive but mean < 2 × spread");
  assert.is(verdictOf(seedStats([0.02, -0.02, 0.01])), "no measurable effect");
  assert.is(verdictOf(seedStats([0, 0, 0])), "no measurable effect");
  assert.is(verdictOf(seedStats([0.006, 0.024, 0.009]), { factor: 0.5 }), "matters");
  assert.is(verdictOf(seedStats([0.002, 0.0021, 0.0022]), { minEffect: 0.001 }), "matters");
});

const fakeRun = (val: number, test: number, h: Partial<History> = {}): SweepRun =>
  ({ index: 0, config: {}, key: "", cached: true,
    outcome: { history: { diverged: false, steps: [], evals: [], stoppedEarly: false, ...h }, metrics: { endValLoss: val, endTestLoss: test } } }) as unknown as SweepRun;
const fakeArm = (name: string, vals: number[], tests: number[], h: Partial<History>[] = []): CapstoneArm =>
  ({ name, config: {}, runs: vals.map((v, i) => fakeRun(v, tests[i], h[i])), values: vals, test: tests, stats: seedStats(vals) });

test("the ablation table: per-seed costs against the recipe, their stats, the verdict; largest cost first in the lines", () => {
  const recipe = fakeArm("recipe", [2.33, 2.35, 2.32], [2.25, 2.29, 2.26]);
  const arms = [
    fakeArm("range-test peak → 1e-3", [2.53, 2.55, 2.53], [2.49, 2.51, 2.50]),
    fakeArm("AdamW → Adam, no weight decay", [2.3275, 2.3473, 2.3176], [2.247, 2.287, 2.257]),
    fakeArm("early stopping off", [2.33, 2.35, 2.32], [2.25, 2.29, 2.26]),
    fakeArm("clipping off", [2.34, 2.37], [2.26, 2.30]),
  ];
  const rows = ablationTable(recipe, arms);
  assert.equal(rows.map((r) => r.key), ["lr", "weightDecay", "patience", "clipNorm"]);
  assert.ok(rows[0].cost.values.every((v, i) => Math.abs(v - [0.2, 0.2, 0.21][i]) < 1e-12), JSON.stringify(rows[0].cost.values));
  assert.ok(Math.abs(rows[0].testCost.mean - 0.2333333333333) < 1e-9);
  assert.equal(rows.map((r) => r.verdict), ["matters", "negligible", "no measurable effect", "no measurable effect"]);
  assert.is(rows[3].cost.values.length, 2, "an ablation run at fewer seeds is paired with the recipe's first seeds");
  const table = ablationTableRows(rows);
  assert.is(table[0]["val cost (nats)"], "0.203 ± 5e-3");
  assert.is(table[0]["per seed"], "0.2, 0.2, 0.21");
  assert.is(table[2]["val cost (nats)"], "0 ± 0");
  const lines = verdictLines(rows, { patience: "it never triggered" });
  assert.ok(lines[0].startsWith("- the range test's peak rate: mattered: removing it cost 0.203 nats"), lines[0]);
  assert.ok(lines[0].endsWith("measured in 04 (the range test)"), lines[0]);
  assert.ok(lines.some((l) => l.includes("early stopping with restore-best: no effect at all") && l.includes("(it never triggered)")));
  assert.ok(lines[lines.length - 1].includes("AdamW's weight decay: negligible"), lines[lines.length - 1]);
  assert.throws(() => ablationTable(recipe, [fakeArm("dropout off", [1, 1, 1], [1, 1, 1])]), /not an ablation/);
  assert.throws(() => ablationTable(fakeArm("recipe", [1], [1]), [arms[0]]), /more seeds/);
});

test("notes: early stops and restores counted, the share of clipped updates, epochs of text seen", () => {
  const arm = fakeArm("recipe", [2, 2, 2], [2, 2, 2], [
    { stoppedEarly: true, restoredStep: 40 }, { stoppedEarly: false }, { stoppedEarly: false, restoredStep: 90 },
  ]);
  assert.is(earlyStoppingNote(arm), "1 of 3 recipe runs stopped early, 2 restored earlier weights");
  const clipped = fakeArm("recipe", [2], [2], [{ steps: [0.5, 1.5, 2, 0.9].map((gradNorm, step) => ({ step, gradNorm })) as never }]);
  assert.is(clippedShare(clipped, 1), 0.5);
  assert.throws(() => clippedShare(clipped, 0), /clipNorm/);
  const data = sotuData(tiny.maxChars);
  assert.ok(Math.abs(epochsSeen(data, 10, 4, 8) - 320 / data.size("train")) < 1e-15);
  assert.is(endLoss(fakeRun(2.5, 2.4)), 2.5);
  assert.is(endLoss(fakeRun(2.5, 2.4), "test"), 2.4);
  assert.is(endLoss(fakeRun(2.5, 2.4, { diverged: true, initialLoss: 4.3 })), 4.3, "a diverged run counts as its initial loss");
});

test("mean curves over the steps every run reached; the figures carry their markers and an axis through 0", () => {
  const arm = fakeArm("recipe", [2, 2], [2, 2], [
    { evals: [[0, 4], [10, 3], [20, 2.5]].map(([step, valLoss]) => ({ step, valLoss, time: 0 })) },
    { evals: [[0, 4.2], [10, 2.8]].map(([step, valLoss]) => ({ step, valLoss, time: 0 })) },
  ]);
  const m = meanValCurve(arm);
  assert.equal(m.x, [0, 10]);
  assert.ok(Math.abs(m.y[0] - 4.1) < 1e-12 && Math.abs(m.y[1] - 2.9) < 1e-12);
  const fig = curvesFigure([arm], 2.9, [{ step: 10, seconds: 1, valLoss: 2.8 }, null], "curves");
  assert.equal(fig.layers.map((l) => l.type), ["line", "line", "point"]);
  const pts = [{ lr: 1e-3, loss: 2.5, diverged: false }, { lr: 3e-3, loss: 2.3, diverged: false }, { lr: 1e-2, loss: 2.2, diverged: false }]
    .map((p) => ({ ...p, run: fakeRun(p.loss, p.loss) }));
  const pf = peakFigure(pts, 3e-3, 1e-2, "peaks");
  const marks = pf.layers.filter((l) => l.type === "point").map((l) => (l.type === "point" ? [l.name, l.x[0]] : []));
  assert.equal(marks, [["range test's suggestion (valley)", 3e-3], ["chosen peak (the sweep's best)", 1e-2]]);
  const recipe = fakeArm("recipe", [2.3, 2.4, 2.35], [2.3, 2.4, 2.35]);
  const rows = ablationTable(recipe, [fakeArm("clipping off", [2.32, 2.41, 2.37], [2.3, 2.4, 2.35])]);
  const [lo, hi] = ablationFigure(rows, "ablations").y.domain!;
  assert.ok(lo < 0 && hi > 0.02, `${lo} ${hi}`);
});

test("known-word share: whole words of two letters or more of the continuation, found in the training text", () => {
  const data = sotuData(tiny.maxChars);
  assert.is(knownWordShare("The the congress, of xqzv ", "The ", data), 0.75);
  assert.is(knownWordShare("The the congress of xqz", "The ", data), 1, "a word cut off at the end is left out");
  assert.is(knownWordShare("The a b c x7q t the ", "The ", data), 1, "single letters and tokens with digits are not words");
  assert.is(knownWordShare("The ", "The ", data), 0);
});

test("a real run: deterministic, the same initial weights for every arm at a seed, samples, early stopping restores", () => {
  const config = { ...tiny, steps: 24, batchSize: 4, evalEvery: 4, warmupFraction: 0.1, floor: 0.1, decayFraction: 0.25,
    sampleTokens: 12, samplePrompt: "The ", sampleTemperature: 0.8, sampleSeed: 0, seed: 1, ...recipeIngredients({ peak: 0.01 }) };
  const a = capstoneExperiment(config);
  const b = capstoneExperiment(config);
  assert.equal(a.history.evals.map((e) => e.valLoss), b.history.evals.map((e) => e.valLoss));
  assert.equal(a.metrics, b.metrics);
  const base = capstoneExperiment({ ...config, ...BASELINE });
  assert.is(base.metrics!.sampleBefore, a.metrics!.sampleBefore, "same seed, same initial weights: the same text before training");
  for (const k of ["sampleBefore", "sampleAfter", "greedyAfter"]) {
    const t = a.metrics![k] as string;
    assert.ok(t.startsWith("The ") && t.length === 16, `${k}: ${JSON.stringify(t)}`);
  }
  assert.is(typeof a.metrics!.endValLoss, "number");
  const arm = { name: "recipe", config: {}, runs: [{ index: 0, config, key: "", cached: false, outcome: a }], values: [], test: [], stats: null } as unknown as CapstoneArm;
  assert.ok(Math.abs(trainValGap(arm).mean - ((a.metrics!.endValLoss as number) - (a.metrics!.endTrainLoss as number))) < 1e-12);
  const probe = capstoneModel(config);
  assert.is(a.metrics!.params, probe.numParams);
  probe.dispose();
  // A rate far too high stalls the validation loss: patience 1 stops the run and the best weights come back.
  const stopped = capstoneExperiment({ ...config, lr: 0.5, schedule: "constant", patience: 1, clipNorm: null, sampleTokens: 0 });
  const h = stopped.history;
  assert.ok(h.stoppedEarly && h.stepsDone < 24 && h.restoredStep === h.bestValStep, h.summary);
  assert.ok(h.finalValLoss! > h.bestValLoss!);
  assert.ok(Math.abs((stopped.metrics!.endValLoss as number) - h.bestValLoss!) < 1e-5, "the loss reported is the restored best's");
  assert.is(stopped.metrics!.sampleBefore, "");
  assert.throws(() => capstoneExperiment({ ...config, patience: 1.5 }), /patience/);
  assert.throws(() => capstoneExperiment({ ...config, clipNorm: -1 }), /clipNorm/);
});

test.run();
