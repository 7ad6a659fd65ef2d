// Our optimizers inside tfjs-layers: model.compile({ optimizer }), a per-batch schedule callback
// driving adamw during model.fit, a per-epoch plateau callback, and save/load with the optimizer
// state (model.save includeOptimizer -> loadLayersModel) resuming exactly.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { AdamWOptimizer, AdamWOptions, NamedGradient, adamw, plateauCallback, scheduleCallback } from "../src/optimizers/index";

test.before(async () => {
  await ready({ backend: "cpu" });
});

/** AdamW that records the learning rate each update really used. */
class RecordingAdamW extends AdamWOptimizer {
  readonly used: number[] = [];
  constructor(options: AdamWOptions) {
    super(options);
  }
  applyGradients(grads: tf.NamedTensorMap | NamedGradient[]): void {
    this.used.push(this.learningRate);
    super.applyGradients(grads);
  }
}

function regressionData(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = createRng(seed);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    const c = rng.normal();
    xs.push(a, b, c);
    ys.push(1.5 * a - 2 * b + 0.5 * c * c + 0.3);
  }
  return { x: tf.tensor2d(xs, [n, 3]), y: tf.tensor2d(ys, [n, 1]) };
}

function smallModel(optimizer: tf.Optimizer): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [3], units: 16, activation: "tanh" }));
  model.add(tfl.layers.dense({ units: 1 }));
  model.compile({ optimizer, loss: "meanSquaredError" });
  return model;
}

test("model.fit with a per-batch schedule driving adamw: the rate changes every batch and the loss falls", async () => {
  const { x, y } = regressionData(96, 1);
  const epochs = 6;
  const batches = epochs * 6; // 96 samples / batch 16
  const schedule = (step: number) => 0.001 + 0.04 * 0.5 * (1 + Math.cos((Math.PI * step) / batches));
  const opt = new RecordingAdamW({ lr: 123, weightDecay: 0.01 }); // lr replaced before the first batch
  const model = smallModel(opt);
  assert.is(model.optimizer, opt, "compile must keep our optimizer instance");
  const cb = scheduleCallback(opt, schedule);
  const hist = await model.fit(x, y, { epochs, batchSize: 16, shuffle: false, verbose: 0, callbacks: [cb] });
  const expected = Array.from({ length: batches }, (_, k) => schedule(k));
  assert.equal(opt.used, expected, "each update must use schedule(batch index)");
  assert.equal(cb.history, expected);
  assert.is(new Set(opt.used).size, batches, "the rate must differ on every batch");
  assert.is(cb.step, batches);
  const losses = hist.history.loss as number[];
  assert.ok(losses[losses.length - 1] < 0.3 * losses[0], `loss did not fall enough: ${losses.map((l) => l.toFixed(3))}`);
  assert.is(opt.iterations, batches);
  model.dispose();
  opt.dispose();
  tf.dispose([x, y]);
});

test("plateau callback: sets the starting rate, feeds the epoch metric, applies the returned rate", async () => {
  const { x, y } = regressionData(32, 2);
  const seen: number[] = [];
  let lr = 0.05;
  const plateau = {
    get lr() {
      return lr;
    },
    update(metric: number) {
      seen.push(metric);
      lr = lr / 2;
      return lr;
    },
  };
  const opt = new RecordingAdamW({ lr: 1 });
  const model = smallModel(opt);
  const cb = plateauCallback(opt, plateau, { monitor: "loss" });
  const hist = await model.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0, callbacks: [cb] });
  assert.equal(seen, hist.history.loss as number[], "the monitored metric is the epoch's loss");
  assert.equal(opt.used, [0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125]);
  assert.equal(cb.history, [0.025, 0.0125, 0.00625]);
  assert.is(opt.learningRate, 0.00625);
  // A monitor that fit does not log is an error that names it.
  const bad = plateauCallback(opt, plateau); // "val_loss", but no validation data
  try {
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, callbacks: [bad] });
    assert.unreachable("missing monitor must throw");
  } catch (e) {
    assert.instance(e, RangeError);
    assert.ok((e as Error).message.includes("val_loss"));
  }
  model.dispose();
  opt.dispose();
  tf.dispose([x, y]);
});

test("model.save with includeOptimizer and loadLayersModel restore adamw's state: training resumes exactly", async () => {
  const { x, y } = regressionData(64, 3);
  const opt = adamw({ lr: 0.02, amsgrad: true });
  const model = smallModel(opt);
  await model.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
    { includeOptimizer: true },
  );
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
  const restored = loaded.optimizer as unknown as AdamWOptimizer;
  assert.instance(restored, AdamWOptimizer);
  assert.equal(restored.getConfig(), opt.getConfig());
  assert.is(restored.iterations, opt.iterations);
  const [saved, back] = [await opt.getWeights(), await restored.getWeights()];
  assert.is(back.length, saved.length, "every slot variable must be restored");
  assert.equal(Array.from(back[2].tensor.dataSync()), Array.from(saved[2].tensor.dataSync()));
  tf.dispose([saved[0].tensor, back[0].tensor]);
  await model.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
  await loaded.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
  const a = model.getWeights().map((w) => Array.from(w.dataSync()));
  const b = loaded.getWeights().map((w) => Array.from(w.dataSync()));
  assert.equal(b, a, "the reloaded model must continue exactly like the original");
  model.dispose();
  loaded.dispose();
  opt.dispose();
  restored.dispose();
  tf.dispose([x, y]);
});

test.run();
