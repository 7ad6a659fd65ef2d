// lrFinderFit: the range test on a tf.LayersModel through model.fit. The sweep sets the rate of
// each batch as the schedule says, stops when the loss explodes, suggests rates, and leaves the
// weights and the optimizer (ours or tfjs's own) exactly as they were.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { ready } from "../src/backend";
import { adamw, sgd } from "../src/optimizers/index";
import { lrFinderFit, rangeTestLr } from "../src/lr-finder/index";

test.before(async () => {
  await ready({ backend: "cpu" });
});

function data() {
  // a linearly separable 3-class problem
  const n = 256;
  const xs: number[][] = [];
  const ys: number[][] = [];
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < n; i++) {
    const p = [rand(), rand(), rand(), rand()];
    const c = p[0] + p[1] > 0.5 ? 0 : p[2] - p[3] > 0 ? 1 : 2;
    xs.push(p);
    ys.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
  }
  return { x: tf.tensor2d(xs), y: tf.tensor2d(ys) };
}

function model(optimizer: tf.Optimizer) {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 16, activation: "tanh", kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }), tfl.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) })] });
  m.compile({ optimizer, loss: "categoricalCrossentropy" });
  return m;
}

const weightsOf = (m: tfl.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

test("sweeps the rate per batch, stops when the loss explodes, suggests rates inside the sweep, restores everything", async () => {
  const { x, y } = data();
  const opt = sgd({ lr: 3e-3, momentum: 0.9 });
  const m = model(opt);
  await m.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 }); // optimizer has state (slots, step count) already
  const before = weightsOf(m);
  const stepsBefore = opt.getWeights ? (await opt.getWeights())[0] : null;
  const iterationsBefore = stepsBefore ? stepsBefore.tensor.dataSync()[0] : null;
  const tensorsBefore = tf.memory().numTensors;
  const r = await lrFinderFit({ model: m, x, y, batchSize: 16, startLr: 1e-4, endLr: 1e4, steps: 80 });
  const lrAt = rangeTestLr(1e-4, 1e4, 80);
  assert.ok(r.points.length > 10 && r.points.length <= 80, `${r.points.length} points`);
  r.points.forEach((p, i) => assert.ok(Math.abs(p.lr - lrAt(i)) <= 1e-12 * lrAt(i), `step ${i}`));
  assert.ok(r.stopReason === "loss exploded" || r.stopReason === "loss not finite", r.summary);
  assert.ok(r.suggestions, r.summary);
  for (const s of [r.suggestions!.minimum, r.suggestions!.steep, r.suggestions!.valley]) assert.ok(s.lr >= 1e-5 && s.lr < 1e4, `${s.lr}`);
  assert.equal(weightsOf(m), before, "weights restored bit for bit");
  assert.is(opt.learningRate, 3e-3, "rate restored");
  if (iterationsBefore !== null) assert.is((await opt.getWeights())[0].tensor.dataSync()[0], iterationsBefore, "step count restored");
  assert.is(m.stopTraining, false);
  assert.ok(tf.memory().numTensors <= tensorsBefore + 2, `tensors ${tensorsBefore} -> ${tf.memory().numTensors}`);
  // and training goes on normally
  const h = await m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0 });
  assert.ok((h.history.loss[2] as number) < (h.history.loss[0] as number));
  tf.dispose([x, y]);
});

test("works with tfjs's own optimizer, and a sweep with no explosion completes", async () => {
  const { x, y } = data();
  const opt = tf.train.adam(1e-3);
  const m = model(opt);
  const before = weightsOf(m);
  const r = await lrFinderFit({ model: m, x, y, batchSize: 32, startLr: 1e-6, endLr: 1e-3, steps: 20 });
  assert.is(r.stopReason, "completed");
  assert.is(r.points.length, 20);
  assert.equal(weightsOf(m), before);
  assert.is((opt as unknown as { learningRate: number }).learningRate, 1e-3);
  tf.dispose([x, y]);
});

test("bad input names the parameter", async () => {
  const { x, y } = data();
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 })] });
  const fail = async (o: object, re: RegExp) => {
    let msg = "";
    try {
      await lrFinderFit({ model: m, x, y, batchSize: 8, ...o } as never);
    } catch (e) {
      msg = (e as Error).message;
    }
    assert.match(msg, re);
  };
  await fail({}, /must be compiled/);
  m.compile({ optimizer: adamw({ lr: 1e-3 }), loss: "meanSquaredError" });
  await fail({ batchSize: 0 }, /batchSize must be an integer >= 1/);
  await fail({ endLr: 1e-9 }, /endLr must be greater than startLr/);
  await fail({ model: {} }, /model must be a tf.LayersModel/);
  tf.dispose([x, y]);
});

test.run();
