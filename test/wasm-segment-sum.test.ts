// The wasm UnsortedSegmentSum kernel (src/wasm) against tfjs's cpu backend, directly and as the
// gradient of tf.gather (embeddings), on seeded random inputs.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { WASM_FIX_SEGMENT_SUM } from "../src/wasm/index";
import { onBoth, assertOutputsClose } from "./wasm-helpers";
import type { BothResult } from "./wasm-helpers";

const TOLERANCE = 1e-5;
const rng = createRng(20240602);
let previousBackend: string | null = null;

function randomArray(size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}
function randomIds(size: number, range: number): Int32Array {
  return Int32Array.from({ length: size }, () => rng.int(range));
}

/** max |wasm - cpu| / max |cpu| over each output; asserts it is within TOLERANCE. */
function assertClose(r: BothResult, what: string): number {
  return assertOutputsClose(r, what, TOLERANCE);
}

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_SEGMENT_SUM), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

test("UnsortedSegmentSum is registered for wasm once ready() activated it", () => {
  assert.ok(tf.getKernel("UnsortedSegmentSum", "wasm"));
});

test("segment sums match cpu for several shapes, repeated ids and empty segments", async () => {
  const cases: { shape: number[]; idsShape: number[]; numSegments: number }[] = [
    { shape: [7], idsShape: [7], numSegments: 3 },
    { shape: [40, 16], idsShape: [40], numSegments: 5 },
    { shape: [12, 3, 4], idsShape: [12], numSegments: 20 }, // most segments empty
    // ids over the two leading dims (TensorFlow allows it; tfjs-cpu's kernel cannot broadcast
    // them, so cpu gets the same rows flattened to [30, 4] with ids [30])
    { shape: [6, 5, 4], idsShape: [6, 5], numSegments: 4 },
  ];
  for (const c of cases) {
    const x = randomArray(c.shape.reduce((p, q) => p * q, 1));
    const ids = randomIds(c.idsShape.reduce((p, q) => p * q, 1), c.numSegments);
    const r = await onBoth(() => {
      const flat = tf.getBackend() === "cpu" && c.idsShape.length > 1;
      const xShape = flat ? [ids.length, ...c.shape.slice(c.idsShape.length)] : c.shape;
      const idsShape = flat ? [ids.length] : c.idsShape;
      return tf.unsortedSegmentSum(tf.tensor(x, xShape), tf.tensor<tf.Rank>(ids, idsShape, "int32") as tf.Tensor1D, c.numSegments);
    });
    assert.equal(r.wasmShapes[0], [c.numSegments, ...c.shape.slice(c.idsShape.length)]);
    assertClose(r, `shape ${c.shape}`);
  }
});

test("ids outside [0, numSegments) are dropped, as on cpu", async () => {
  const x = randomArray(6 * 3);
  const ids = Int32Array.from([0, -1, 2, 5, 2, 1]);
  const r = await onBoth(() => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 3]), tf.tensor1d(ids, "int32"), 3));
  assertClose(r, "out-of-range ids");
  // segment 2 = rows 2 and 4 exactly
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(r.wasm[0][6 + k] - (x[6 + k] + x[12 + k])) < 1e-6);
});

test("int32 values are summed exactly and keep their dtype", async () => {
  await tf.setBackend("wasm");
  const out = tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], "int32"), tf.tensor1d([1, 0, 1], "int32"), 2);
  assert.is(out.dtype, "int32");
  assert.equal(Array.from(out.dataSync()), [3, 4, 6, 8]);
  out.dispose();
});

test("a negative numSegments is a RangeError naming it", async () => {
  await tf.setBackend("wasm");
  assert.throws(
    () => tf.unsortedSegmentSum(tf.tensor1d([1, 2]), tf.tensor1d([0, 1], "int32"), -2),
    (e: Error) => e instanceof RangeError && /numSegments/.test(e.message),
  );
});

test("gradient of tf.gather (axis 0 and 1, repeated indices) matches cpu", async () => {
  const params = randomArray(10 * 6);
  for (const axis of [0, 1]) {
    const n = axis === 0 ? 10 : 6;
    const idx = randomIds(25, n); // 25 draws from <= 10 rows: repeats for sure
    const outShape = axis === 0 ? [25, 6] : [10, 25];
    const weights = randomArray(outShape[0] * outShape[1]);
    const r = await onBoth(() => {
      const f = (p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor1d(idx, "int32"), axis), tf.tensor(weights, outShape)));
      return tf.grads(f)([tf.tensor2d(params, [10, 6])]);
    });
    assertClose(r, `gather axis ${axis}`);
  }
});

test("an embedding + linear model's variableGrads match cpu", async () => {
  const vocab = 27;
  const width = 16;
  const table = randomArray(vocab * width);
  const proj = randomArray(width * vocab);
  const tokens = randomIds(32 * 8, vocab);
  const targets = randomIds(32 * 8, vocab);
  const r = await onBoth(() => {
    const emb = tf.variable(tf.tensor2d(table, [vocab, width]), true, `emb_${tf.getBackend()}_${Date.now()}`);
    const w = tf.variable(tf.tensor2d(proj, [width, vocab]), true, `w_${tf.getBackend()}_${Date.now()}`);
    const { value, grads } = tf.variableGrads(() => {
      const h = tf.gather(emb, tf.tensor2d(tokens, [32, 8], "int32")); // [32, 8, width]
      const logits = tf.matMul(tf.reshape(h, [32 * 8, width]), w);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(targets, "int32"), vocab), logits) as tf.Scalar;
    });
    const out = [value, grads[emb.name], grads[w.name]];
    emb.dispose();
    w.dispose();
    return out;
  });
  assertClose(r, "embedding model");
});

test.run();
