import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createClassificationData } from "../src/data/index";

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("spirals: 2-D points, balanced labels, deterministic by seed, split 80/10/10", () => {
  const d = createClassificationData({ n: 200, classes: 2, seed: 1 });
  assert.is(d.features, 2);
  assert.is(d.size("train") + d.size("val") + d.size("test"), 200);
  assert.is(d.size("val"), 20);
  const all = [...d.y.train, ...d.y.val, ...d.y.test];
  assert.is(all.filter((y) => y === 1).length, 100);
  assert.equal(Array.from(d.x.val), Array.from(createClassificationData({ n: 200, classes: 2, seed: 1 }).x.val));
  assert.not.equal(Array.from(d.x.val), Array.from(createClassificationData({ n: 200, classes: 2, seed: 2 }).x.val));
});

test("blobs have the requested dimension; labelNoise flips about that fraction", () => {
  const clean = createClassificationData({ kind: "blobs", n: 2000, features: 5, classes: 3, seed: 4 });
  const noisy = createClassificationData({ kind: "blobs", n: 2000, features: 5, classes: 3, seed: 4, labelNoise: 0.3 });
  assert.is(clean.x.train.length, clean.size("train") * 5);
  let flipped = 0;
  for (const s of ["train", "val", "test"] as const) clean.y[s].forEach((y, i) => (flipped += y === noisy.y[s][i] ? 0 : 1));
  assert.ok(Math.abs(flipped / 2000 - 0.3) < 0.05, `flipped ${flipped / 2000}`);
});

test("batches: shapes and dtypes; errors for bad sizes and options", () => {
  const d = createClassificationData({ n: 50, seed: 0 });
  const b = d.batch("train", createRng(0), 8);
  assert.equal(b.x.shape, [8, 2]);
  assert.is(b.y.dtype, "int32");
  const all = d.all("val");
  assert.equal(all.x.shape, [5, 2]);
  tf.dispose([b, all]);
  assert.throws(() => d.batch("val", createRng(0), 6), (e: Error) => e instanceof RangeError && /batchSize must be at most the 5/.test(e.message));
  assert.throws(() => createClassificationData({ n: 0 }), /n must be a positive integer/);
  assert.throws(() => createClassificationData({ classes: 1 }), /classes must be an integer >= 2/);
  assert.throws(() => createClassificationData({ labelNoise: 2 }), /labelNoise must be in \[0, 1\]/);
});

test.run();
