// The LR range test for a tf.LayersModel trained with model.fit: the same sweep, smoothing, stop
// rule and suggestions as lrFinder, driven by a callback that sets the compiled optimizer's rate
// before every batch and reads the batch loss after it. The model's weights and the optimizer's
// state (slots, step count, rate) are put back afterwards, so training can start right away.
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { snapshotOptimizer } from "../train/snapshot";
import { LrFinderResult, LrFinderStop, RangeCurve, RangeTestOptions, rangeTestLr, resolveRangeTest } from "./lr-finder";

export interface LrFinderFitOptions extends RangeTestOptions {
  /** A compiled model whose optimizer has a writable `learningRate` (ours, or tfjs's own). */
  model: tfl.LayersModel;
  x: tf.Tensor | tf.Tensor[];
  y: tf.Tensor | tf.Tensor[];
  batchSize: number;
  /** Shuffle the examples each epoch (default true, as model.fit). */
  shuffle?: boolean;
}

/** The rate of a compiled optimizer: our optimizers' public `learningRate`, tfjs's protected one. */
function rateHolder(model: tfl.LayersModel): { learningRate: number } {
  const opt = model.optimizer as unknown as { learningRate?: unknown } | undefined;
  if (!opt) throw new RangeError("model must be compiled (model.compile({ optimizer, loss })) before the range test");
  if (typeof opt.learningRate !== "number") throw new RangeError("the model's optimizer has no numeric learningRate to sweep");
  return opt as { learningRate: number };
}

class SweepCallback extends tfl.Callback {
  private step = 0;
  nonFinite = false;

  constructor(
    private readonly holder: { learningRate: number },
    private readonly lrAt: (step: number) => number,
    private readonly steps: number,
    private readonly curve: RangeCurve,
    private readonly target: tfl.LayersModel,
  ) {
    super();
  }

  async onBatchBegin(): Promise<void> {
    this.holder.learningRate = this.lrAt(this.step);
  }

  async onBatchEnd(_batch: number, logs?: tfl.Logs): Promise<void> {
    // a plain Callback may see the batch loss as a scalar tensor (tfjs resolves logs lazily)
    const loss: unknown = logs?.loss;
    const value = typeof loss === "number" ? loss : loss instanceof tf.Tensor ? (await loss.data())[0] : NaN;
    const lr = this.lrAt(this.step);
    this.step++;
    if (!Number.isFinite(value)) {
      this.nonFinite = true;
      this.target.stopTraining = true;
      return;
    }
    const go = this.curve.record(this.step - 1, lr, value);
    if (!go || this.step >= this.steps) this.target.stopTraining = true;
  }
}

/**
 *   model.compile({ optimizer: adamw({ lr: 1e-3 }), loss: "categoricalCrossentropy" });
 *   const r = await lrFinderFit({ model, x, y, batchSize: 32 });
 *   r.suggestions?.valley.lr
 */
export async function lrFinderFit(options: LrFinderFitOptions): Promise<LrFinderResult> {
  const p = resolveRangeTest(options);
  const { model, x, y, batchSize } = options;
  if (!model || typeof (model as { fit?: unknown }).fit !== "function") throw new RangeError("model must be a tf.LayersModel");
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1; got ${batchSize}`);
  const holder = rateHolder(model);
  const examples = (Array.isArray(x) ? x[0] : x).shape[0] ?? 0;
  if (examples < 1) throw new RangeError("x must hold at least one example");
  const batchesPerEpoch = Math.ceil(examples / batchSize);
  const weights = model.getWeights().map((w) => tf.clone(w));
  const state = snapshotOptimizer(model.optimizer);
  const curve = new RangeCurve(p);
  const sweep = new SweepCallback(holder, rangeTestLr(p.startLr, p.endLr, p.steps), p.steps, curve, model);
  try {
    await model.fit(x, y, { batchSize, epochs: Math.ceil(p.steps / batchesPerEpoch), shuffle: options.shuffle ?? true, verbose: 0, callbacks: [sweep] });
  } finally {
    model.setWeights(weights);
    tf.dispose(weights);
    state.restore();
    model.stopTraining = false;
  }
  const stopReason: LrFinderStop = sweep.nonFinite ? "loss not finite" : curve.exploded ? "loss exploded" : "completed";
  return curve.result(stopReason);
}
