// Branching a run: train one trunk once and, from chosen steps of it, branches that continue with
// their own schedule (a warmup-stable-decay cooldown from the checkpoints of one constant-rate
// run). Model and optimizer state are snapshot at each branch point and put back after the branch,
// so the trunk carries on as if the branch never happened.
//
// Batches: update k draws its batch from a generator seeded by (seed, k), not from one stream, so
// any segment knows its batches without replaying the ones before. A branch from step c is then
// bit-identical to one straight run whose schedule follows the trunk's to c and the branch's after.
// (This is a different batch order than `train` with the same seed: compare runs made here with
// runs made here.)
import { createRng } from "../random";
import type { Model } from "../models/model";
import type { Schedule } from "../schedules/types";
import type { DivergenceOptions, EvalRecord, History, LrOptimizer, StepRecord } from "./types";
import type { Split } from "../data/types";
import { trainSync } from "./train";
import { summarize } from "./history";
import { snapshotOptimizer, snapshotVariables } from "./snapshot";

export interface Branch {
  /** Trunk step to branch from (updates applied before the branch starts), 0 <= at <= trunkSteps. */
  at: number;
  /** Updates the branch runs (integer >= 1). */
  steps: number;
  /** Learning rate of update k, counted from the start of the trunk (k = at, at + 1, ...). */
  schedule: Schedule;
}

export interface BranchedRunOptions {
  model: Model;
  optimizer: LrOptimizer;
  /** Learning rate of trunk update k. */
  trunk: Schedule;
  /** Updates of the trunk (integer >= 1). */
  trunkSteps: number;
  branches?: readonly Branch[];
  batchSize: number;
  seed: number;
  /** Evaluate every this many updates (counted from the trunk's start) and at each segment's ends. 0: never. */
  evalEvery?: number;
  evalSplit?: Split;
  clipNorm?: number;
  divergence?: DivergenceOptions | false;
}

export interface BranchedRun {
  /** The whole trunk, steps numbered from its start. */
  trunk: History;
  /** One per branch, in the order given; steps numbered from the trunk's start. Null when the trunk ended (diverged) before `at`. */
  branches: (History | null)[];
  /** Optimizer updates spent on the trunk and every branch: the compute of the plan. */
  updates: number;
}

/** A 32-bit seed for the batch of update `step` of a run seeded `seed`. */
export function batchSeed(seed: number, step: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(step + 0x632be5ab, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) | 0;
}

/** `model` whose k-th batch (k from `first`) comes from createRng(batchSeed(seed, k)), whatever rng it is handed. */
function steppedBatches(model: Model, seed: number, first: number): Model {
  let k = first;
  return {
    name: model.name,
    params: model.params,
    numParams: model.numParams,
    batch: (_rng, size, split) => model.batch(createRng(batchSeed(seed, k++)), size, split),
    loss: (b) => model.loss(b),
    evaluate: (s) => model.evaluate(s),
    dispose: () => undefined,
  };
}

function checkInt(name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`branchedRun: ${name} must be an integer in [${min}, ${max}]; got ${v}`);
  }
  return v;
}

/** Train `steps` updates from global step `from` with `schedule` (global steps). */
function segment(o: BranchedRunOptions, schedule: Schedule, from: number, steps: number): History {
  // Local evaluation steps land on the global grid of evalEvery because `from` is on it (checked).
  return trainSync({
    model: steppedBatches(o.model, o.seed, from),
    optimizer: o.optimizer,
    schedule: (s: number) => schedule(from + s),
    steps,
    batchSize: o.batchSize,
    seed: 0,
    evalEvery: o.evalEvery ?? 0,
    evalSplit: o.evalSplit,
    clipNorm: o.clipNorm,
    divergence: o.divergence,
  });
}

/** Segments joined into one history, steps renumbered by their offsets; duplicate evaluations dropped. */
export function joinHistories(parts: { history: History; from: number }[]): History {
  if (parts.length === 0) throw new RangeError("joinHistories needs at least one part");
  const steps: StepRecord[] = [];
  const evals: EvalRecord[] = [];
  for (const { history, from } of parts) {
    for (const r of history.steps) steps.push({ ...r, step: r.step + from });
    for (const e of history.evals) {
      const step = e.step + from;
      if (evals.length === 0 || evals[evals.length - 1].step !== step) evals.push({ ...e, step });
    }
  }
  const last = parts[parts.length - 1];
  const lastH = last.history;
  const finite = evals.filter((e) => Number.isFinite(e.valLoss));
  const best = finite.reduce<EvalRecord | undefined>((b, e) => (b === undefined || e.valLoss < b.valLoss ? e : b), undefined);
  const h: Omit<History, "summary"> = {
    steps,
    evals,
    stepsDone: last.from + lastH.stepsDone,
    endReason: lastH.endReason,
    diverged: lastH.diverged,
    stoppedEarly: lastH.stoppedEarly,
    initialLoss: parts[0].history.initialLoss,
    finalTrainLoss: lastH.finalTrainLoss,
    seconds: parts.reduce((s, p) => s + p.history.seconds, 0),
  };
  if (lastH.divergedAt !== undefined) h.divergedAt = lastH.divergedAt + last.from;
  if (lastH.divergence !== undefined) h.divergence = lastH.divergence;
  if (lastH.finalValLoss !== undefined) h.finalValLoss = lastH.finalValLoss;
  if (best) {
    h.bestValLoss = best.valLoss;
    h.bestValStep = best.step;
  }
  return { ...h, summary: summarize(h) };
}

/**
 * Train a trunk and branches from its checkpoints:
 *
 *   const r = branchedRun({ model, optimizer, trunk: constant({ lr }), trunkSteps: 400, batchSize: 32, seed: 0,
 *     branches: [100, 200, 400].map((at) => ({ at, steps: at / 4, schedule: (k) => lr * (1 - (k - at) / (at / 4)) })) });
 *   r.branches[0].finalValLoss  // the loss after a linear cooldown from step 100
 *
 * Each branch starts from the model and optimizer state (Adam's moments and step counts included)
 * of trunk step `at`; the trunk then continues from exactly where it was. With `evalEvery`, branch
 * points must be multiples of it. `updates` counts every update spent (trunk + branches).
 */
export function branchedRun(o: BranchedRunOptions): BranchedRun {
  checkInt("trunkSteps", o.trunkSteps, 1);
  if (typeof o.trunk !== "function") throw new RangeError("branchedRun: trunk must be a schedule");
  const branches = o.branches ?? [];
  branches.forEach((b, i) => {
    checkInt(`branches[${i}].at`, b.at, 0, o.trunkSteps);
    checkInt(`branches[${i}].steps`, b.steps, 1);
    if (typeof b.schedule !== "function") throw new RangeError(`branchedRun: branches[${i}].schedule must be a schedule`);
    const every = o.evalEvery ?? 0;
    if (every > 0 && b.at % every !== 0) {
      throw new RangeError(`branchedRun: branch points must be multiples of evalEvery (${every}); got ${b.at}`);
    }
  });
  const order = branches.map((b, i) => i).sort((a, b) => branches[a].at - branches[b].at);
  const out: (History | null)[] = branches.map(() => null);
  const parts: { history: History; from: number }[] = [];
  let done = 0;
  let updates = 0;
  let alive = true;
  const advanceTo = (target: number) => {
    if (!alive || target <= done) return;
    const h = segment(o, o.trunk, done, target - done);
    parts.push({ history: h, from: done });
    updates += h.stepsDone;
    done += h.stepsDone;
    if (h.endReason !== "completed") alive = false;
  };
  for (const i of order) {
    const b = branches[i];
    advanceTo(b.at);
    if (!alive || done !== b.at) continue;
    const weights = snapshotVariables(o.model.params);
    const state = snapshotOptimizer(o.optimizer);
    try {
      const h = segment(o, b.schedule, b.at, b.steps);
      updates += h.stepsDone;
      out[i] = joinHistories([{ history: h, from: b.at }]);
    } finally {
      weights.restore();
      weights.dispose();
      state.restore();
    }
  }
  advanceTo(o.trunkSteps);
  return { trunk: joinHistories(parts), branches: out, updates };
}
