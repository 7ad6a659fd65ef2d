// Notebook 12 (claims checked): the verdict table, and the exact expected loss of SGD on the
// noisy quadratic under any schedule (a closed form per step, so comparing schedules needs no
// Monte Carlo and no seeds: the numbers are expectations, exact to float64).
import type { NoisyQuadratic } from "../models/noisy-quadratic";

export const VERDICTS = ["true", "false", "partly", "it depends"] as const;
export type Verdict = (typeof VERDICTS)[number];

// A type (not an interface) so that rows are plain records for showTable.
export type ClaimRow = {
  /** The explainer's claim, paraphrased. */
  claim: string;
  verdict: Verdict;
  /** What was measured, with the numbers. */
  evidence: string;
  /** The notebook of the series that shows it at full size, e.g. "01, 02". */
  notebook: string;
};

/** The rows, checked: a known verdict, evidence that holds a number, a notebook reference. */
export function claimsTable(rows: readonly ClaimRow[]): ClaimRow[] {
  rows.forEach((r, i) => {
    const where = `claim ${i + 1} ("${r.claim}")`;
    if (typeof r.claim !== "string" || r.claim.trim() === "") throw new RangeError(`claim ${i + 1}: the claim is empty`);
    if (!(VERDICTS as readonly string[]).includes(r.verdict)) throw new RangeError(`${where}: verdict must be one of ${VERDICTS.join(", ")}; got ${String(r.verdict)}`);
    if (!/\d/.test(r.evidence)) throw new RangeError(`${where}: the evidence must carry a measured number`);
    if (!/^\d\d(, \d\d)*$/.test(r.notebook)) throw new RangeError(`${where}: notebook must list two-digit numbers ("01, 02"); got "${r.notebook}"`);
  });
  return rows.map((r) => ({ ...r }));
}

/** How many rows have each verdict. */
export function verdictCounts(rows: readonly ClaimRow[]): Record<Verdict, number> {
  const out = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of rows) out[r.verdict]++;
  return out;
}

/**
 * E[f(w_t)] of plain SGD on the noisy quadratic when step t uses rate schedule(t), for every t up
 * to `steps`: per coordinate E[w_{t+1}^2] = (1 - lr_t h)^2 E[w_t^2] + lr_t^2 c / B, and
 * f = 1/2 sum h w^2. With a constant schedule it equals the model's own expectedLoss.
 */
export function expectedLossCurve(q: Pick<NoisyQuadratic, "curvatures" | "noiseVariances">, start: readonly number[], schedule: (t: number) => number, batchSize: number, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be an integer >= 0; got ${steps}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1; got ${batchSize}`);
  const h = q.curvatures;
  const c = q.noiseVariances;
  if (start.length !== h.length) throw new RangeError(`start must have ${h.length} values; got ${start.length}`);
  const m = start.map((w) => w * w);
  const loss = () => 0.5 * m.reduce((s, mi, i) => s + h[i] * mi, 0);
  const out = [loss()];
  for (let t = 0; t < steps; t++) {
    const lr = schedule(t);
    for (let i = 0; i < m.length; i++) m[i] = (1 - lr * h[i]) ** 2 * m[i] + (lr * lr * c[i]) / batchSize;
    out.push(loss());
  }
  return out;
}

/** What notebook 12 measures, in one place, so that each verdict reads its numbers from here. */
export interface Measured {
  quadratic: {
    L: number;
    mu: number;
    /** The measured stability edge (bisection). */
    edge: number;
    /** Steps to reach 1e-6 of the starting loss gap, per rate (null: not within the budget). */
    steps: { lr: number; steps: number | null }[];
    /** Step length at 10x the rate over the step length at the rate (first step). */
    stepRatio: number;
    /** Sign changes of the steep coordinate in 20 steps at 1.5/L and at 2/(L + mu). */
    flipsAt15: number;
    flipsAtBest: number;
    /** Loss growth over 1000 steps at 1.01 x the edge. */
    growthAboveEdge: number;
  };
  /** Final expected loss on the noisy quadratic per schedule (same peak rate), and constant's floor. */
  noisy: { floor: number; final: Record<"constant" | "step" | "exponential" | "cosine" | "too fast" | "cyclic" | "restarts", number> };
  /** MLP sweeps: best rate, best loss and the working range (rates that train) per optimizer. */
  sweeps: Record<"sgd" | "adam", { best: number; loss: number; range: [number, number]; worst: number; trainAtBest: number; trainAtWorst: number }>;
  /** Best Adam rate per training-set size (names) at the same budget, and the val-train gap there. */
  data: { words: number; best: number; gap: number }[];
  /** Best Adam rate per hidden width. */
  widths: { hidden: number; best: number }[];
  /** The LR range test's valley suggestion (SGD) against the sweep's best. */
  finder: { valley: number; best: number };
  /** Published LLM peak rates (notebook 04's table). */
  published: { min: number; max: number };
}

const f = (v: number, d = 3) => {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-2 || a >= 1e4)) return v.toExponential(d - 1).replace(/\.?0+e/, "e").replace("e+", "e");
  return String(Number(v.toPrecision(d)));
};
const factor = (a: number, b: number) => f(Math.max(a, b) / Math.min(a, b), 2);
const decades = (r: [number, number]) => f(Math.log10(r[1] / r[0]), 2);

/**
 * The explainer's claims (explainer.md), paraphrased one per testable sentence, each with a
 * verdict computed from what notebook 12 measured and the notebook that shows it at full size.
 */
export function explainerVerdicts(m: Measured): ClaimRow[] {
  const q = m.quadratic;
  const stepsAt = (lr: number) => q.steps.find((s) => Math.abs(s.lr - lr) <= 1e-12 * lr)?.steps ?? null;
  const best = 2 / (q.L + q.mu);
  const [slow, fast, bestSteps, inv] = [stepsAt(0.002), stepsAt(0.02), stepsAt(best), stepsAt(1 / q.L)];
  const n = m.noisy.final;
  const decays = [n.step, n.exponential, n.cosine];
  const sgd = m.sweeps.sgd;
  const adam = m.sweeps.adam;
  const [small, large] = [m.data[0], m.data[m.data.length - 1]];
  const [narrow, wide] = [m.widths[0], m.widths[m.widths.length - 1]];
  const inTypical = (lr: number) => lr >= 1e-3 && lr <= 0.1;
  const rows: ClaimRow[] = [
    { claim: "The learning rate sets how much the weights change at each update", verdict: q.stepRatio > 9.99 && q.stepRatio < 10.01 ? "true" : "false",
      evidence: `10x the rate moves the weights ${f(q.stepRatio, 4)}x as far in one SGD step`, notebook: "00, 01" },
    { claim: "A well-chosen rate converges faster", verdict: bestSteps !== null && slow !== null && bestSteps < slow ? "true" : "false",
      evidence: `quadratic (L = ${q.L}, mu = ${q.mu}): ${bestSteps} steps at 2/(L+mu) vs ${inv} at 1/L and ${slow} at 0.002`, notebook: "01, 04" },
    { claim: "A too-low rate makes training take longer", verdict: slow !== null && fast !== null && slow > 5 * fast ? "true" : "false",
      evidence: `${slow} steps at lr 0.002 vs ${fast} at 0.02 (${factor(slow ?? 1, fast ?? 1)}x)`, notebook: "03" },
    { claim: "A too-high rate overshoots the optimum", verdict: q.flipsAt15 >= 19 ? "true" : "false",
      evidence: `at 1.5/L the steep coordinate changes sign ${q.flipsAt15} times in 20 steps (and still converges)`, notebook: "01, 02" },
    { claim: "A too-high rate makes training diverge", verdict: q.growthAboveEdge > 1e6 ? "true" : "false",
      evidence: `the measured edge is ${f(q.edge, 6)} (2/L = ${f(2 / q.L, 6)}); at 1.01x it the loss grows ${f(q.growthAboveEdge)}x in 1000 steps`, notebook: "01, 02" },
    { claim: "A suitable rate keeps training stable by preventing oscillation around the minimum", verdict: "partly",
      evidence: `the fastest rate 2/(L+mu) oscillates: ${q.flipsAtBest} sign changes in 20 steps; oscillating is fine, growing is not`, notebook: "01, 02" },
    { claim: "The rate directly affects the model's accuracy", verdict: sgd.worst > sgd.loss ? "true" : "false",
      evidence: `SGD on the names MLP: val loss ${f(sgd.loss)} at the best rate vs ${f(sgd.worst)} at the worst rate that trains`, notebook: "04" },
    { claim: "A balanced rate reduces overfitting", verdict: "it depends",
      evidence: `val - train gap at the best rate: ${f(small.gap)} nats on ${small.words} names, ${f(large.gap)} on ${large.words} in a short run; 09 trains until it overfits`, notebook: "09" },
    { claim: "Different architectures need different rates", verdict: narrow.best === wide.best ? "partly" : "true",
      evidence: `Adam's best rate: ${f(narrow.best)} at width ${narrow.hidden}, ${f(wide.best)} at width ${wide.hidden}`, notebook: "10" },
    { claim: "Larger datasets need smaller rates", verdict: large.best < small.best ? "true" : "false",
      evidence: `best Adam rate ${f(small.best)} on ${small.words} names vs ${f(large.best)} on ${large.words} (same steps)`, notebook: "10" },
    { claim: "Optimizers such as Adam and SGD differ in how sensitive they are to the rate", verdict: "true",
      evidence: `best rates SGD ${f(sgd.best)} vs Adam ${f(adam.best)} (${factor(sgd.best, adam.best)}x apart); working ranges ${decades(sgd.range)} vs ${decades(adam.range)} decades`, notebook: "04, 08" },
    { claim: "Exponential decay helps fine-tune performance", verdict: n.exponential < n.constant / 2 ? "true" : "false",
      evidence: `noisy quadratic: expected loss ${f(n.exponential)} with exponential decay vs ${f(n.constant)} at a constant rate (floor ${f(m.noisy.floor)})`, notebook: "05" },
    { claim: "Warm restarts help escape local minima", verdict: "it depends",
      evidence: `on a bowl with one minimum restarts end at ${f(n.restarts)} vs one cosine ${f(n.cosine)}; escapes come from time at a high rate`, notebook: "07" },
    { claim: "Cyclical rates improve convergence", verdict: n.cyclic < n.cosine ? "true" : "partly",
      evidence: `noisy quadratic, same peak: triangular cycles end at ${f(n.cyclic)} vs cosine ${f(n.cosine)}`, notebook: "07" },
    { claim: "A good rate shortens training", verdict: "true",
      evidence: `${bestSteps} vs ${slow} steps to the same tolerance (2/(L+mu) vs 0.002)`, notebook: "03, 04" },
    { claim: "A good rate saves compute by avoiding needless iterations", verdict: "true",
      evidence: `${slow !== null && bestSteps !== null ? slow - bestSteps : "?"} extra steps at lr 0.002 on the quadratic`, notebook: "03" },
    { claim: "Not using a schedule leads to worse results", verdict: "it depends",
      evidence: `noisy gradients: constant stalls at ${f(n.constant)}, cosine reaches ${f(n.cosine)}; exact gradients: a constant 2/(L+mu) converges in ${bestSteps} steps`, notebook: "05, 06" },
    { claim: "Step decay lowers the rate by a factor at fixed intervals", verdict: n.step < n.constant ? "true" : "false",
      evidence: `as defined (PyTorch StepLR, matched to 1e-9); on the noisy quadratic it ends at ${f(n.step)} vs constant ${f(n.constant)}`, notebook: "05" },
    { claim: "Adaptive methods like Adam adjust the learning rate by themselves", verdict: "partly",
      evidence: `Adam scales each weight's step, yet still only trains from ${f(adam.range[0])} to ${f(adam.range[1])} and needs a schedule`, notebook: "08" },
    { claim: "The rate can be changed during training", verdict: "true",
      evidence: `every schedule of 05-07; on the noisy quadratic cosine ends ${factor(n.constant, n.cosine)}x below a constant rate`, notebook: "05, 06, 07" },
    { claim: "Too high a rate memorises the data, too low fails to generalise", verdict: sgd.trainAtWorst > sgd.trainAtBest ? "false" : "it depends",
      evidence: `SGD's worst working rate ends higher on train (${f(sgd.trainAtWorst)} vs ${f(sgd.trainAtBest)}) and validation (${f(sgd.worst)} vs ${f(sgd.loss)}): it learns less, it does not memorise`, notebook: "09" },
    { claim: "Typical learning rates lie between 0.001 and 0.1", verdict: inTypical(sgd.best) && inTypical(adam.best) ? "partly" : "false",
      evidence: `our best SGD ${f(sgd.best)}, Adam ${f(adam.best)}; published LLM peaks ${f(m.published.min)} to ${f(m.published.max)}, all below 0.001`, notebook: "04" },
    { claim: "Learning-rate finders help find a good rate", verdict: Math.max(m.finder.valley / m.finder.best, m.finder.best / m.finder.valley) <= 10 ? "true" : "partly",
      evidence: `one short run: the range test's valley ${f(m.finder.valley)} vs the sweep's best ${f(m.finder.best)} (${factor(m.finder.valley, m.finder.best)}x apart)`, notebook: "04" },
    { claim: "Constant suits simple tasks, step decay large datasets, exponential complex models", verdict: "it depends",
      evidence: `on one task the sensible decays land within ${factor(Math.max(...decays), Math.min(...decays))}x of each other: the schedule is not chosen by task type`, notebook: "05" },
  ];
  return claimsTable(rows);
}
