// Our SIMD batch matMul kernel (route "simd" of src/wasm/fast-matmul), the column Sum kernel
// (src/wasm/column-sum) and the zero-copy Identity/Cast kernels (src/wasm/zero-copy) against
// tfjs's cpu backend: values and gradients on seeded random inputs, every transpose flag,
// 16-column blocks with 4-column and scalar remainders, odd row counts, a broadcast left operand; the column sum also
// bit for bit against the original wasm kernel; views share data without leaking it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import {
  WASM_FIX_ZERO_COPY,
  installColumnSum,
  installZeroCopy,
  matMulRoute,
  uninstallColumnSum,
  uninstallZeroCopy,
  zeroCopyInstalled,
} from "../src/wasm/index";
import { onBoth, assertOutputsClose } from "./wasm-helpers";
import type { BothResult } from "./wasm-helpers";

const TOLERANCE = 1e-5;
const rng = createRng(11);
let previousBackend: string | null = null;

const randomArray = (size: number) => Float32Array.from({ length: size }, () => rng.normal());
const sizeOf = (shape: number[]) => shape.reduce((p, q) => p * q, 1);

function assertClose(r: BothResult, what: string): void {
  assertOutputsClose(r, what, TOLERANCE);
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

// [aBatch, bBatch, m, k, n]; every one takes the SIMD route (checked below)
const SIMD_CASES: [number[], number[], number, number, number][] = [
  [[128], [128], 16, 16, 16], // attention scores of the tiny GPT
  [[3], [3], 5, 7, 4], // one 4-column vector per row
  [[2], [2], 9, 3, 20], // a 16-column block and a 4-column remainder
  [[2, 3], [2, 3], 6, 11, 36], // rank 4, two blocks and a remainder
  [[], [5], 4, 6, 8], // left operand broadcast over the batch
  [[1], [4], 7, 5, 12],
  [[4], [4], 1, 1, 4], // degenerate sizes
  [[], [], 33, 64, 27], // the vocabulary head: 16-column block, 2 vectors, 3 scalar columns
  [[2], [2], 5, 3, 2], // scalar columns only
  [[], [], 7, 9, 1],
];

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_ZERO_COPY), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
});

test("SIMD batch matMul: values match cpu for every transpose flag", async () => {
  for (const [aBatch, bBatch, m, k, n] of SIMD_CASES) {
    for (const [ta, tb] of FLAGS) {
      const aShape = [...aBatch, ...(ta ? [k, m] : [m, k])];
      const bShape = [...bBatch, ...(tb ? [n, k] : [k, n])];
      assert.is(matMulRoute(aShape, bShape, ta, tb), "simd", `route of ${aShape} x ${bShape}`);
      const a = randomArray(sizeOf(aShape));
      const b = randomArray(sizeOf(bShape));
      const r = await onBoth(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
      assertClose(r, `matMul ${aShape} x ${bShape} ta=${ta} tb=${tb}`);
    }
  }
});

test("SIMD batch matMul: gradients of causal attention match cpu", async () => {
  const [BH, T, hd] = [8, 16, 16];
  const q = randomArray(BH * T * hd);
  const k = randomArray(BH * T * hd);
  const v = randomArray(BH * T * hd);
  const w = randomArray(BH * T * hd);
  const r = await onBoth(() => {
    const f = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => {
      const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([T, T]), -1, 0)), -1e9);
      const p = tf.softmax(tf.add(tf.mul(tf.matMul(qq, kk, false, true), 0.25), mask));
      return tf.sum(tf.mul(tf.matMul(p, vv), tf.tensor(w, [BH, T, hd])));
    };
    const shape = [BH, T, hd];
    return tf.grads(f)([tf.tensor(q, shape), tf.tensor(k, shape), tf.tensor(v, shape)]);
  });
  assertClose(r, "attention gradients");
});

test("SIMD batch matMul frees its scratch memory (transposed B) and returns exact shapes", async () => {
  await tf.setBackend("wasm");
  const a = tf.tensor(randomArray(2 * 3 * 4 * 5), [2, 3, 4, 5]);
  const b = tf.tensor(randomArray(2 * 3 * 8 * 5), [2, 3, 8, 5]);
  tf.matMul(a, b, false, true).dispose(); // compile and warm up
  const before = tf.memory();
  const heapBefore = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
  for (let i = 0; i < 50; i++) {
    const out = tf.matMul(a, b, false, true);
    assert.equal(out.shape, [2, 3, 4, 8]);
    out.dispose();
  }
  assert.is(tf.memory().numTensors, before.numTensors);
  assert.is(tf.memory().numBytes, before.numBytes);
  assert.is((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length, heapBefore, "wasm heap did not grow");
  tf.dispose([a, b]);
});

// unordered: tfjs's kernel sums in the order the axes are listed, ours in memory order
const SUM_CASES: { shape: number[]; axis: number | number[]; keepDims?: boolean; unordered?: boolean }[] = [
  { shape: [512, 64], axis: 0 }, // a bias gradient of the tiny GPT
  { shape: [32, 16, 64], axis: [0, 1] },
  { shape: [32, 16, 64], axis: 0 },
  { shape: [5, 7], axis: 0 }, // a 4-column vector and a 3-column tail
  { shape: [9, 3], axis: [0], keepDims: true }, // tail only
  { shape: [3, 4, 36], axis: [0, 1], keepDims: true }, // two blocks and a vector
  { shape: [3, 4, 36], axis: [1, 0], unordered: true },
  { shape: [6, 8], axis: -2 },
  { shape: [6, 8], axis: 1 }, // not leading: the original kernel
  { shape: [4, 5, 6], axis: [0, 2] }, // not contiguous leading: the original kernel
  { shape: [7], axis: 0 }, // every axis: the original kernel
];

test("column Sum: values match cpu and, bit for bit, the original wasm kernel", async () => {
  for (const { shape, axis, keepDims = false, unordered = false } of SUM_CASES) {
    const x = randomArray(sizeOf(shape));
    const r = await onBoth(() => tf.sum(tf.tensor(x, shape), axis, keepDims));
    assertClose(r, `sum ${shape} axis ${axis}`);
    uninstallColumnSum();
    const original = tf.tidy(() => tf.sum(tf.tensor(x, shape), axis, keepDims));
    installColumnSum();
    const ours = tf.tidy(() => tf.sum(tf.tensor(x, shape), axis, keepDims));
    assert.equal(ours.shape, original.shape, `sum ${shape} axis ${axis}: shape`);
    if (!unordered) assert.equal(Array.from(ours.dataSync()), Array.from(original.dataSync()), `sum ${shape} axis ${axis}: bits`);
    tf.dispose([original, ours]);
  }
  const ints = tf.tensor([[1, 2], [3, 4]], [2, 2], "int32");
  const summed = tf.sum(ints, 0);
  assert.is(summed.dtype, "int32");
  assert.equal(Array.from(summed.dataSync()), [4, 6]);
  tf.dispose([ints, summed]);
});

test("column Sum: gradients of biases and layer-norm gains match cpu", async () => {
  const x = randomArray(24 * 20);
  const w = randomArray(20);
  const r = await onBoth(() => {
    const f = (b: tf.Tensor, g: tf.Tensor) => tf.sum(tf.square(tf.mul(tf.add(tf.tensor(x, [2, 12, 20]), b), g)));
    return tf.grads(f)([tf.tensor(w, [20]), tf.tensor(w, [20])]);
  });
  assertClose(r, "bias/gain gradients");
});

test("zero-copy Identity/Cast: clones and same-dtype casts share data, other casts convert", async () => {
  await tf.setBackend("wasm");
  assert.ok(zeroCopyInstalled());
  const x = tf.tensor([1.5, -2.25, 3], [3]);
  const clone = tf.clone(x);
  const same = tf.cast(x, "float32");
  const asInt = tf.cast(x, "int32");
  const ints = tf.tensor([1, 2, 3], [3], "int32");
  const back = tf.cast(ints, "float32");
  assert.is(clone.dataId, x.dataId, "clone shares the data");
  assert.is(same.dataId, x.dataId, "a same-dtype cast shares the data");
  assert.is.not(asInt.dataId, x.dataId);
  x.dispose(); // the views keep the data alive
  assert.equal(Array.from(clone.dataSync()), [1.5, -2.25, 3]);
  assert.equal(Array.from(same.dataSync()), [1.5, -2.25, 3]);
  assert.equal(Array.from(asInt.dataSync()), [1, -2, 3]);
  assert.is(asInt.dtype, "int32");
  assert.equal(Array.from(back.dataSync()), [1, 2, 3]);
  assert.is(back.dtype, "float32");
  const buffers = tf.memory().numDataBuffers;
  clone.dispose();
  assert.is(tf.memory().numDataBuffers, buffers, "still held by the cast");
  same.dispose(); // the last reference frees the data
  assert.is(tf.memory().numDataBuffers, buffers - 1);
  tf.dispose([asInt, ints, back]);
});

test("zero-copy kernels: gradients of products and quotients match cpu (they cast operands)", async () => {
  const a = randomArray(60);
  const b = randomArray(60).map((v) => v + Math.sign(v) * 0.5);
  const r = await onBoth(() => {
    const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.div(tf.mul(x, y), tf.add(tf.mul(y, y), 1)));
    return tf.grads(f)([tf.tensor(a, [6, 10]), tf.tensor(b, [6, 10])]);
  });
  assertClose(r, "mul/div gradients");
});

test("zero-copy kernels: install is idempotent and reversible", async () => {
  await tf.setBackend("wasm");
  const ours = tf.getKernel("Identity", "wasm")!.kernelFunc;
  installZeroCopy();
  assert.is(tf.getKernel("Identity", "wasm")!.kernelFunc, ours);
  uninstallZeroCopy();
  assert.not.ok(zeroCopyInstalled());
  const x = tf.tensor([1, 2], [2]);
  const copy = tf.clone(x);
  assert.is.not(copy.dataId, x.dataId, "the original kernel copies");
  tf.dispose([x, copy]);
  installZeroCopy();
  assert.ok(zeroCopyInstalled());
});

test.run();
