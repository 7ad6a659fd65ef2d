// The claim notebook 11 and the issue rest on: a short training of the MLP character model
// beats every possible bigram model on held-out names. Kept small enough for the cpu backend
// (~15 s); scripts/bench and the report give the longer, default-size run.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createNamesDataset } from "../src/data/index";
import { bigramFloor, createMlpCharModel } from "../src/models/index";

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("MLP char model: 600 Adam steps reach a validation loss below the bigram floor on names", () => {
  const data = createNamesDataset({ seed: 0 });
  // The floor of the whole bigram class on the val split: its own counts, fitted to itself.
  const floor = bigramFloor(data, "val");
  const model = createMlpCharModel({ data, contextSize: 3, embedding: 8, hidden: 64, seed: 0 });
  const start = model.evaluate("val");
  assert.ok(Math.abs(start - Math.log(27)) < 0.1, `starts near log 27: ${start}`);
  const opt = tf.train.adam(0.02);
  const rng = createRng(0);
  const before = tf.memory().numTensors;
  for (let step = 0; step < 600; step++) {
    const batch = model.batch(rng, 128);
    opt.minimize(() => model.loss(batch), false, model.params);
    tf.dispose(batch);
    if (step === 10) assert.is(tf.memory().numTensors, before + 2 * model.params.length, "only Adam's two moments added");
  }
  const val = model.evaluate("val");
  console.log(`    mlp-char val loss ${val.toFixed(4)} vs bigram floor ${floor.toFixed(4)} (start ${start.toFixed(4)})`);
  assert.ok(val < floor - 0.03, `val loss ${val} should be clearly below the bigram floor ${floor}`);
  opt.dispose();
  model.dispose();
});

test.run();
