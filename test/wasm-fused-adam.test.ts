// The fused Adam/AdamW kernel for wasm (src/wasm/fused-adam) against the unfused tfjs ops of
// src/optimizers/adam.ts on the same backend: parameters and every optimizer state buffer must
// be bit-identical after several updates, for Adam, AdamW, L2 and decoupled decay, AMSGrad, a
// learning rate changed mid-run (and 0), clipping, and sizes with a non-multiple-of-4 tail.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { adam, adamw } from "../src/optimizers/index";
import { FUSED_ADAM, WASM_FIX_FUSED_ADAM, fusedAdamInstalled, installFusedAdam, uninstallFusedAdam } from "../src/wasm/index";

const SHAPES = [[3, 5], [7], [64, 3], [1], [16, 20]];
const STEPS = 6;
let previousBackend: string | null = null;

type Make = () => tf.Optimizer & { learningRate: number };
const CONFIGS: { name: string; make: Make; lrAt?: (step: number) => number }[] = [
  { name: "adam", make: () => adam({ lr: 1e-2 }) },
  { name: "adam L2 + amsgrad", make: () => adam({ lr: 3e-3, weightDecay: 0.1, amsgrad: true }) },
  { name: "adamw", make: () => adamw({ lr: 1e-2 }) },
  { name: "adamw wd 0.3, betas, eps", make: () => adamw({ lr: 5e-3, weightDecay: 0.3, beta1: 0.8, beta2: 0.95, eps: 1e-6 }) },
  { name: "adamw amsgrad, lr changed and 0", make: () => adamw({ lr: 1e-2, amsgrad: true }), lrAt: (s) => [1e-2, 0, 3e-2, 1e-3, 0, 2e-2][s] },
  { name: "adamw + clipping", make: () => adamw({ lr: 1e-2, maxGradNorm: 0.5 }) },
];

/** Params and optimizer weights (bits) after STEPS updates with seeded gradients. */
async function run(make: Make, lrAt?: (step: number) => number): Promise<Float32Array[]> {
  const rng = createRng(3);
  const fill = (shape: number[], scale: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => scale * rng.normal()), shape);
  const params = SHAPES.map((s, i) => tf.variable(fill(s, 1), true, `fused_adam_test_${i}_${Math.floor(rng.next() * 1e9)}`));
  const opt = make();
  for (let step = 0; step < STEPS; step++) {
    if (lrAt) opt.learningRate = lrAt(step);
    const grads = SHAPES.map((s) => fill(s, 0.5));
    opt.applyGradients(params.map((p, i) => ({ name: p.name, tensor: grads[i] })));
    tf.dispose(grads);
  }
  const weights = await opt.getWeights();
  const out = [...params, ...weights.map((w) => w.tensor)].map((t) => Float32Array.from(t.dataSync()));
  opt.dispose();
  tf.dispose(params);
  return out;
}

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_FUSED_ADAM), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  installFusedAdam();
  if (previousBackend) await tf.setBackend(previousBackend);
});

for (const c of CONFIGS) {
  test(`fused == unfused, bit for bit: ${c.name}`, async () => {
    installFusedAdam();
    const fused = await run(c.make, c.lrAt);
    uninstallFusedAdam();
    const unfused = await run(c.make, c.lrAt);
    installFusedAdam();
    assert.is(fused.length, unfused.length);
    fused.forEach((values, i) => {
      assert.is(values.length, unfused[i].length);
      const differing = values.findIndex((x, j) => !Object.is(x, unfused[i][j]));
      assert.is(differing, -1, `tensor ${i}: entry ${differing} fused ${values[differing]} vs unfused ${unfused[i][differing]}`);
    });
  });
}

test("the fused path runs one kernel per parameter and leaks nothing", async () => {
  installFusedAdam();
  const params = SHAPES.map((s) => tf.variable(tf.ones(s)));
  const opt = adamw({ lr: 1e-3 });
  const step = () =>
    tf.tidy(() => opt.applyGradients(params.map((p) => ({ name: p.name, tensor: tf.onesLike(p) }))));
  step();
  const before = tf.memory().numTensors;
  const info = await tf.profile(step);
  assert.is(tf.memory().numTensors, before);
  const names = info.kernels.map((k) => k.name);
  assert.is(names.filter((n) => n === FUSED_ADAM).length, params.length);
  assert.not.ok(names.includes("Sqrt"), `no unfused ops expected; got ${names.join(", ")}`);
  opt.dispose();
  tf.dispose(params);
});

test("fused kernel: bad inputs are RangeErrors; install is idempotent and reversible", async () => {
  installFusedAdam();
  installFusedAdam();
  assert.ok(fusedAdamInstalled());
  const attrs = { decayMode: 0, decay: 0, beta1: 0.9, oneMinusBeta1: 0.1, beta2: 0.999, oneMinusBeta2: 0.001, amsgrad: false, bc2Sqrt: 1, eps: 1e-8, stepSize: -1e-3 };
  const [p, g] = [tf.ones([4]), tf.ones([5])];
  assert.throws(() => tf.engine().runKernel(FUSED_ADAM, { param: p, grad: g, m: p, v: p }, attrs), (e: Error) => e instanceof RangeError && /shape/.test(e.message));
  assert.throws(() => tf.engine().runKernel(FUSED_ADAM, { param: p, grad: p, m: p, v: p }, { ...attrs, amsgrad: true }), (e: Error) => e instanceof RangeError && /vMax/.test(e.message));
  tf.dispose([p, g]);
  uninstallFusedAdam();
  uninstallFusedAdam();
  assert.not.ok(fusedAdamInstalled());
  installFusedAdam();
});

test.run();
