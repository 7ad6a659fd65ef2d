// The fused layer-norm kernels for wasm (src/wasm/layer-norm), used by src/models/gpt.ts's
// layerNorm, against the tfjs-ops layer norm on cpu: values and gradients (x, gain, bias) for
// several shapes; no tensors leaked; the unfused path on wasm agrees; bad inputs are
// RangeErrors. Then a whole tiny GPT: loss and every parameter gradient on wasm (all fixes of
// src/wasm) match cpu.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createNamesDataset } from "../src/data/index";
import { createGpt, layerNorm } from "../src/models/index";
import { FUSED_LAYER_NORM, WASM_FIX_LAYER_NORM, installLayerNorm, layerNormInstalled, uninstallLayerNorm } from "../src/wasm/index";
import "@tensorflow/tfjs-backend-cpu";

const rng = createRng(9);
let previousBackend: string | null = null;
const randomArray = (size: number, scale = 1, shift = 0) => Float32Array.from({ length: size }, () => shift + scale * rng.normal());

async function onBackend(name: string, f: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(name);
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const r = tf.tidy(f);
  const list = Array.isArray(r) ? r : [r];
  const out = list.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(list);
  return out;
}

function assertClose(got: Float32Array[], ref: Float32Array[], tolerance: number, what: string): void {
  assert.is(got.length, ref.length, `${what}: outputs`);
  ref.forEach((r, i) => {
    let scale = 0;
    let err = 0;
    for (let j = 0; j < r.length; j++) {
      scale = Math.max(scale, Math.abs(r[j]));
      err = Math.max(err, Math.abs(got[i][j] - r[j]));
    }
    assert.ok(err <= tolerance * Math.max(scale, 1e-30), `${what}: output ${i} error ${err} (scale ${scale})`);
  });
}

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_LAYER_NORM), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  installLayerNorm();
  if (previousBackend) await tf.setBackend(previousBackend);
});

// C a multiple of 4: the SIMD kernel; otherwise the JS loop
const SHAPES = [[7, 12], [2, 3, 5], [512, 64], [1, 1], [3, 20]];

test("fused layer norm: values and gradients match the tfjs-ops version on cpu", async () => {
  for (const shape of SHAPES) {
    const C = shape[shape.length - 1];
    const size = shape.reduce((a, b) => a * b, 1);
    const x = randomArray(size, 3, 0.5);
    const g = randomArray(C, 0.5, 1);
    const b = randomArray(C);
    const w = randomArray(size);
    const f = () => {
      const loss = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx, gg, bb), tf.tensor(w, shape)));
      const { value, grads } = tf.valueAndGrads(loss)([tf.tensor(x, shape), tf.tensor(g, [C]), tf.tensor(b, [C])]);
      return [layerNorm(tf.tensor(x, shape), tf.tensor(g, [C]), tf.tensor(b, [C])), value, ...grads];
    };
    const cpu = await onBackend("cpu", f);
    const wasm = await onBackend("wasm", f);
    assertClose(wasm, cpu, 1e-5, `layerNorm ${shape}`);
    uninstallLayerNorm();
    const unfused = await onBackend("wasm", f);
    installLayerNorm();
    assertClose(unfused, wasm, 1e-5, `unfused vs fused on wasm ${shape}`);
  }
});

test("fused layer norm: one kernel forward, one backward, nothing leaked", async () => {
  await tf.setBackend("wasm");
  assert.ok(layerNormInstalled());
  const x = tf.tensor(randomArray(6 * 8), [6, 8]);
  const g = tf.ones([8]);
  const b = tf.zeros([8]);
  const run = () => tf.tidy(() => tf.grads((xx: tf.Tensor) => tf.sum(layerNorm(xx, g, b)))([x]));
  tf.dispose(run());
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => tf.dispose(run()));
  assert.is(tf.memory().numTensors, before);
  const names = info.kernels.map((k) => k.name);
  assert.is(names.filter((n) => n === FUSED_LAYER_NORM).length, 1);
  assert.not.ok(names.includes("Rsqrt"), `no unfused ops expected; got ${names.join(", ")}`);
  tf.dispose([x, g, b]);
});

test("fused layer norm: mismatched gain is a RangeError", async () => {
  await tf.setBackend("wasm");
  const x = tf.ones([2, 4]);
  const g = tf.ones([3]);
  assert.throws(() => tf.engine().runKernel(FUSED_LAYER_NORM, { x, gain: g, bias: g }, { eps: 1e-5 }), (e: Error) => e instanceof RangeError && /\[4\]/.test(e.message));
  tf.dispose([x, g]);
});

test("a tiny GPT on wasm (all fixes): loss and every parameter gradient match cpu", async () => {
  const data = createNamesDataset({ seed: 0 });
  const run = () => {
    const model = createGpt({ data, blockSize: 8, width: 32, heads: 4, layers: 2, seed: 3 });
    const batch = model.batch(createRng(1), 6);
    const { value, grads } = tf.variableGrads(() => model.loss(batch), model.params);
    const out = [value, ...model.params.map((p) => grads[p.name])].map((t) => Float32Array.from(t.dataSync()));
    tf.dispose([value, Object.values(grads), batch]);
    model.dispose();
    return out;
  };
  await tf.setBackend("cpu");
  const cpu = run();
  await tf.setBackend("wasm");
  const wasm = run();
  assertClose(wasm, cpu, 1e-5, "gpt loss and gradients");
});

test.run();
