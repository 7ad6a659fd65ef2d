// The relaxed-SIMD FMA matMul kernel (LR_LAB_FAST_FMA, src/wasm/simd-kernels), switched on in
// process with setFastFma: Node 20 validates it behind a V8 flag that the kernel module sets;
// values of every transpose flag and remainder shape, attention gradients and a whole tiny GPT's
// loss and parameter gradients match the cpu backend; off (the default) it is today's kernel,
// bit for bit; and the environment setting is parsed as documented.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createNamesDataset } from "../src/data/index";
import { createGpt } from "../src/models/index";
import { fmaActive, fmaRequested, matMulRoute, relaxedSimdSupported, setFastFma } from "../src/wasm/index";
import { assertOutputsClose, onBoth } from "./wasm-helpers";

const rng = createRng(21);
const randomArray = (size: number) => Float32Array.from({ length: size }, () => rng.normal());
const sizeOf = (shape: number[]) => shape.reduce((p, q) => p * q, 1);
let previousBackend: string | null = null;

test.before(async () => {
  previousBackend = tf.engine().backendName;
  await ready({ backend: "wasm" });
});

test.after(async () => {
  setFastFma(null);
  if (previousBackend) await tf.setBackend(previousBackend);
});

test("LR_LAB_FAST_FMA: off unless 1/true/on; relaxed SIMD validates on this Node", () => {
  assert.is(fmaRequested({}), false);
  assert.is(fmaRequested({ LR_LAB_FAST_FMA: "0" }), false);
  assert.is(fmaRequested({ LR_LAB_FAST_FMA: "1" }), true);
  assert.is(fmaRequested({ LR_LAB_FAST_FMA: " ON " }), true);
  assert.ok(relaxedSimdSupported(), `relaxed SIMD not available on node ${process.versions.node}`);
  setFastFma(false);
  assert.is(fmaActive(), false);
  setFastFma(true);
  assert.is(fmaActive(), true);
});

const CASES: [number[], number[], number, number, number][] = [
  [[128], [128], 16, 16, 16],
  [[2], [2], 9, 3, 20],
  [[], [], 33, 64, 27],
  [[], [], 512, 64, 256],
  [[], [5], 4, 6, 8],
];

test("FMA matMul: values match cpu for every transpose flag and remainder shape", async () => {
  setFastFma(true);
  for (const [aBatch, bBatch, m, k, n] of CASES) {
    for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
      const aShape = [...aBatch, ...(ta ? [k, m] : [m, k])];
      const bShape = [...bBatch, ...(tb ? [n, k] : [k, n])];
      assert.is(matMulRoute(aShape, bShape, ta, tb), "simd");
      const a = randomArray(sizeOf(aShape));
      const b = randomArray(sizeOf(bShape));
      const r = await onBoth(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
      assertOutputsClose(r, `fma matMul ${aShape} x ${bShape} ta=${ta} tb=${tb}`, 1e-5);
    }
  }
});

test("FMA off is today's kernel bit for bit; on differs from it by float32 rounding only", async () => {
  await tf.setBackend("wasm");
  const a = tf.tensor(randomArray(64 * 256), [64, 256]);
  const b = tf.tensor(randomArray(256 * 64), [256, 64]);
  const product = () => {
    const c = tf.matMul(a, b);
    const out = Float32Array.from(c.dataSync());
    c.dispose();
    return out;
  };
  setFastFma(false);
  const plain1 = product();
  setFastFma(true);
  const fused = product();
  setFastFma(false);
  const plain2 = product();
  assert.equal(Array.from(plain2), Array.from(plain1));
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < plain1.length; i++) {
    diff = Math.max(diff, Math.abs(fused[i] - plain1[i]));
    scale = Math.max(scale, Math.abs(plain1[i]));
  }
  assert.ok(diff > 0, "the FMA kernel should round differently somewhere (is it really fused?)");
  assert.ok(diff <= 1e-5 * scale, `FMA vs plain: ${diff} (scale ${scale})`);
  tf.dispose([a, b]);
});

test("FMA: attention gradients and a tiny GPT's loss and parameter gradients match cpu", async () => {
  setFastFma(true);
  const [BH, T, hd] = [8, 16, 16];
  const [q, k, v, w] = [0, 1, 2, 3].map(() => randomArray(BH * T * hd));
  const r = await onBoth(() => {
    const f = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor) => {
      const p = tf.softmax(tf.mul(tf.matMul(qq, kk, false, true), 0.25));
      return tf.sum(tf.mul(tf.matMul(p, vv), tf.tensor(w, [BH, T, hd])));
    };
    const shape = [BH, T, hd];
    return tf.grads(f)([tf.tensor(q, shape), tf.tensor(k, shape), tf.tensor(v, shape)]);
  });
  assertOutputsClose(r, "attention gradients (fma)", 1e-5);

  const data = createNamesDataset({ seed: 0 });
  const gpt = await onBoth(() => {
    const model = createGpt({ data, blockSize: 8, width: 32, heads: 4, layers: 2, seed: 3 });
    const batch = model.batch(createRng(1), 6);
    const { value, grads } = tf.variableGrads(() => model.loss(batch), model.params);
    const out = [value, ...model.params.map((p) => grads[p.name])].map((t) => tf.keep(t.clone()));
    tf.dispose([value, Object.values(grads), batch]);
    model.dispose();
    return out;
  });
  assertOutputsClose(gpt, "gpt loss and gradients (fma)", 1e-5);
});

test.run();
