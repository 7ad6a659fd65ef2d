// The fast wasm matMul kernels (src/wasm/fast-matmul) against tfjs's cpu backend: values and
// gradients on seeded random inputs, every transpose combination, batches (looped, split and
// folded into rows), broadcast batch dims, fused matMul with bias/activation; plus the kernel
// swap itself (idempotent, reversible, no leaked tensor data).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import {
  WASM_FIX_FAST_MATMUL,
  BATCH_SPLIT_MIN_WORK,
  fastMatMulInstalled,
  installFastMatMul,
  matMulRoute,
  setSimdMatMul,
  uninstallFastMatMul,
} from "../src/wasm/index";
import type { SimdMatMulMode } from "../src/wasm/index";
import { onBoth, assertOutputsClose } from "./wasm-helpers";
import type { BothResult } from "./wasm-helpers";

const TOLERANCE = 1e-5;
const rng = createRng(7);
let previousBackend: string | null = null;
let worstError = 0;

function randomArray(size: number): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal());
}
const sizeOf = (shape: number[]) => shape.reduce((p, q) => p * q, 1);

/** Same shapes, and max |wasm - cpu| / max |cpu| within TOLERANCE for every output. */
function assertClose(r: BothResult, what: string): void {
  assert.equal(r.wasmShapes, r.cpuShapes, `${what}: shapes`);
  worstError = Math.max(worstError, assertOutputsClose(r, what, TOLERANCE));
}

/** Shapes of a and b for op(a) @ op(b) = [...batch, m, n] with inner size k. */
function operandShapes(aBatch: number[], bBatch: number[], m: number, k: number, n: number, ta: boolean, tb: boolean) {
  return { a: [...aBatch, ...(ta ? [k, m] : [m, k])], b: [...bBatch, ...(tb ? [n, k] : [k, n])] };
}

/** Whether each operand broadcasts a batch dim of the other (e.g. [2, 1] with [1, 3]). */
function twoWay(aBatch: number[], bBatch: number[]): boolean {
  const r = Math.max(aBatch.length, bBatch.length);
  const pad = (d: number[]) => [...Array(r - d.length).fill(1), ...d];
  const [pa, pb] = [pad(aBatch), pad(bBatch)];
  return pa.some((d, i) => d < pb[i]) && pb.some((d, i) => d < pa[i]);
}

/**
 * Both operands expanded to the full batch shape. tfjs-cpu (and the original wasm kernel) index
 * a two-way broadcast by flat batch index modulo each operand's batch size, which is not
 * numpy's rule: [2,1,1,1] @ [1,3,1,1] gives 3 values for a [2,3,1,1] result. The fast kernel
 * follows numpy, so cpu computes the reference from explicitly broadcast operands.
 */
function broadcastBatches(x: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const batch = tf.broadcast_util.assertAndGetBroadcastShape(x.shape.slice(0, -2), y.shape.slice(0, -2));
  return [tf.broadcastTo(x, [...batch, ...x.shape.slice(-2)]), tf.broadcastTo(y, [...batch, ...y.shape.slice(-2)])];
}

const FLAGS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

// [aBatch, bBatch, m, k, n]: one per route and broadcast pattern
const CASES: [number[], number[], number, number, number][] = [
  [[], [], 9, 7, 5], // single matrix
  [[], [], 64, 48, 40],
  [[4], [4], 8, 6, 5], // small batch: the original loop
  [[3], [3], 24, 20, 30], // big enough to split
  [[4], [4], 8, 6, 12],
  [[5], [], 6, 7, 3], // shared right operand: rows
  [[2, 3], [1], 5, 4, 6], // rows, rank 4 x rank 3
  [[], [3], 20, 30, 18], // shared left operand, batched right: split
  [[2, 1], [1, 3], 20, 24, 20], // broadcast both ways: split
  [[2, 1], [1, 3], 4, 3, 2], // broadcast both ways: loop
];

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_FAST_MATMUL), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  if (previousBackend) await tf.setBackend(previousBackend);
  console.log(`  worst wasm/cpu relative error in wasm-matmul: ${worstError.toExponential(2)}`);
});

test("ready() installed the fast kernels; installing is idempotent and reversible", () => {
  assert.ok(fastMatMulInstalled());
  const fast = tf.getKernel("BatchMatMul", "wasm")!.kernelFunc;
  installFastMatMul();
  assert.is(tf.getKernel("BatchMatMul", "wasm")!.kernelFunc, fast, "a second install must not wrap again");
  uninstallFastMatMul();
  assert.not.ok(fastMatMulInstalled());
  const original = tf.getKernel("BatchMatMul", "wasm")!;
  assert.is.not(original.kernelFunc, fast);
  assert.type(original.setupFunc, "function", "the original keeps its setupFunc");
  uninstallFastMatMul(); // no-op
  installFastMatMul();
  assert.ok(fastMatMulInstalled());
  assert.is(tf.getKernel("BatchMatMul", "wasm")!.setupFunc, original.setupFunc);
});

test("routes: transposes and shared right operands leave the loop, batches go to SIMD or split", () => {
  // by default every plain product runs on our SIMD kernel
  assert.is(matMulRoute([512, 64], [64, 64], false, false), "simd");
  assert.is(matMulRoute([512, 64], [512, 256], true, false), "simd");
  assert.is(matMulRoute([512, 64], [64, 27], false, false), "simd");
  assert.is(matMulRoute([2, 1, 4, 3], [1, 3, 3, 2], false, false), "split"); // two-way broadcast
  setSimdMatMul("batches"); // XNNPACK for single and shared-weight products
  assert.is(matMulRoute([512, 64], [64, 64], false, false), "original");
  assert.is(matMulRoute([512, 64], [27, 64], false, true), "rows");
  assert.is(matMulRoute([512, 64], [64, 64], false, true), "rows");
  assert.is(matMulRoute([512, 64], [512, 256], true, false), "rows");
  assert.is(matMulRoute([32, 16, 64], [64, 64], false, false), "rows");
  assert.is(matMulRoute([128, 16, 16], [128, 16, 16], false, true), "simd");
  assert.is(matMulRoute([8, 32, 32], [8, 32, 32], true, true), "simd");
  assert.is(matMulRoute([128, 16, 16], [128, 16, 14], false, false), "simd");
  setSimdMatMul("off"); // tfjs's loop, XNNPACK splits
  assert.is(matMulRoute([128, 16, 16], [128, 16, 16], false, true), "original"); // 16^3 < threshold
  assert.is(matMulRoute([8, 32, 32], [8, 32, 32], true, true), "split");
  assert.ok(16 ** 3 < BATCH_SPLIT_MIN_WORK && 32 ** 3 >= BATCH_SPLIT_MIN_WORK);
  assert.is(matMulRoute([8, 32, 32], [8, 32, 32], false, false, Infinity), "original");
  assert.is(matMulRoute([2, 1, 4, 3], [1, 3, 3, 2], false, false), "split"); // two-way broadcast
  setSimdMatMul("all");
  assert.throws(() => setSimdMatMul("fast" as never), RangeError);
});

// Value and gradient tests run without our kernel (tfjs's loop and the XNNPACK routes) and with
// it taking every product it fits (the default).
const MODES: SimdMatMulMode[] = ["off", "all"];

test("matMul values match cpu: every transpose flag, batch and broadcast pattern", async () => {
  for (const mode of MODES) for (const [aBatch, bBatch, m, k, n] of CASES) {
    setSimdMatMul(mode);
    for (const [ta, tb] of FLAGS) {
      const s = operandShapes(aBatch, bBatch, m, k, n, ta, tb);
      const a = randomArray(sizeOf(s.a));
      const b = randomArray(sizeOf(s.b));
      const r = await onBoth(() => {
        let x = tf.tensor(a, s.a);
        let y = tf.tensor(b, s.b);
        if (tf.getBackend() === "cpu" && twoWay(aBatch, bBatch)) [x, y] = broadcastBatches(x, y);
        return tf.matMul(x, y, ta, tb);
      });
      assertClose(r, `matMul ${JSON.stringify(s)} ta=${ta} tb=${tb} simd ${mode}`);
    }
  }
  setSimdMatMul("all");
});

test("matMul gradients (tf.grads) match cpu for every transpose flag (same batch dims)", async () => {
  // tfjs's BatchMatMul gradient does not reduce broadcast batch dims on any backend, so
  // gradients are compared where both operands have the same batch dims.
  const gradCases: [number[], number, number, number][] = [
    [[], 33, 17, 12],
    [[], 8, 5, 16],
    [[3], 5, 6, 7],
    [[2], 24, 40, 20],
  ];
  for (const mode of MODES) for (const [batch, m, k, n] of gradCases) {
    setSimdMatMul(mode);
    for (const [ta, tb] of FLAGS) {
      const s = operandShapes(batch, batch, m, k, n, ta, tb);
      const a = randomArray(sizeOf(s.a));
      const b = randomArray(sizeOf(s.b));
      const w = randomArray(sizeOf([...batch, m, n]));
      const r = await onBoth(() => {
        const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), tf.tensor(w, [...batch, m, n])));
        return tf.grads(f)([tf.tensor(a, s.a), tf.tensor(b, s.b)]);
      });
      assertClose(r, `grads ${JSON.stringify(s)} ta=${ta} tb=${tb} simd ${mode}`);
    }
  }
  setSimdMatMul("all");
});

test("fused matMul (bias, relu, prelu) values match cpu, including batches and transposes", async () => {
  // (fused.matMul's a and b are rank 3 inside tfjs: a 2-D call arrives as batch 1)
  const fusedCases: [number[], number[], number, number, number][] = [
    [[], [], 7, 5, 6],
    [[4], [], 6, 5, 3],
    [[3], [3], 4, 5, 6], // batched with a bias: the original loop adds it wrongly after row 0
    [[2], [2], 20, 24, 20],
  ];
  const epilogues: { activation: "linear" | "relu" | "prelu" | "sigmoid" | "leakyrelu" | "elu"; bias: boolean }[] = [
    { activation: "linear", bias: false },
    { activation: "linear", bias: true },
    { activation: "relu", bias: true },
    { activation: "prelu", bias: true },
    { activation: "sigmoid", bias: false },
    { activation: "leakyrelu", bias: true },
    { activation: "elu", bias: true },
  ];
  for (const [aBatch, bBatch, m, k, n] of fusedCases) {
    for (const [ta, tb] of FLAGS) {
      for (const e of epilogues) {
        const s = operandShapes(aBatch, bBatch, m, k, n, ta, tb);
        const a = randomArray(sizeOf(s.a));
        const b = randomArray(sizeOf(s.b));
        const bias = randomArray(n);
        const alpha = randomArray(n);
        const r = await onBoth(() =>
          tf.fused.matMul({
            a: tf.tensor(a, s.a),
            b: tf.tensor(b, s.b),
            transposeA: ta,
            transposeB: tb,
            bias: e.bias ? tf.tensor1d(bias) : undefined,
            activation: e.activation,
            preluActivationWeights: e.activation === "prelu" ? tf.tensor1d(alpha) : undefined,
          }),
        );
        assertClose(r, `fused ${JSON.stringify(s)} ta=${ta} tb=${tb} ${JSON.stringify(e)}`);
      }
    }
  }
});

test("fused matMul gradients (bias, linear and relu) match cpu", async () => {
  for (const [ta, tb] of FLAGS) {
    for (const activation of ["linear", "relu"] as const) {
      const s = operandShapes([2], [2], 12, 9, 10, ta, tb);
      const a = randomArray(sizeOf(s.a));
      const b = randomArray(sizeOf(s.b));
      const bias = randomArray(10);
      const w = randomArray(2 * 12 * 10);
      const r = await onBoth(() => {
        const f = (x: tf.Tensor, y: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.mul(tf.fused.matMul({ a: x, b: y, transposeA: ta, transposeB: tb, bias: c, activation }), tf.tensor(w, [2, 12, 10])));
        return tf.grads(f)([tf.tensor(a, s.a), tf.tensor(b, s.b), tf.tensor1d(bias)]);
      });
      assertClose(r, `fused grads ta=${ta} tb=${tb} ${activation}`);
    }
  }
});

test("the fast kernels free every temporary (no tensor data left behind)", async () => {
  await tf.setBackend("wasm");
  const a = tf.tensor(randomArray(3 * 24 * 20), [3, 24, 20]);
  const b = tf.tensor(randomArray(3 * 32 * 20), [3, 32, 20]);
  const bias = tf.tensor1d(randomArray(32));
  const backend = tf.backend();
  const before = backend.numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  setSimdMatMul("off"); // the XNNPACK routes make the temporaries
  for (const [ta, tb] of FLAGS) {
    // tidy frees the tensors made here; data a kernel leaked would not be a tensor, so it stays counted
    tf.tidy(() => {
      const x = ta ? tf.transpose(a, [0, 2, 1]) : a;
      const y = tb ? b : tf.transpose(b, [0, 2, 1]);
      tf.matMul(x, y, ta, tb); // split
      tf.matMul(tf.reshape(x, ta ? [20, 72] : [72, 20]), tf.reshape(y, tb ? [96, 20] : [20, 96]), ta, tb); // rows
      tf.fused.matMul({ a: x, b: y, transposeA: ta, transposeB: tb, bias, activation: "relu" }); // split
    });
  }
  setSimdMatMul("all");
  assert.is(backend.numDataIds(), before);
  assert.is(tf.memory().numTensors, tensorsBefore);
  tf.dispose([a, b, bias]);
});

test.run();
