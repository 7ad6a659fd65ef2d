// Our wasm GatherV2 kernel for axis-0 gathers (src/wasm/gather-rows) against tfjs's cpu backend
// and the original wasm kernel: values for float32 and int32 tables of rank 1-3, indices of
// rank 1-2 with repeats, embedding gradients; other axes go to the original; bad indices throw.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { WASM_FIX_GATHER_ROWS, gatherRowsInstalled, installGatherRows, uninstallGatherRows } from "../src/wasm/index";
import "@tensorflow/tfjs-backend-cpu";

const rng = createRng(5);
let previousBackend: string | null = null;

async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const out: Record<string, number[][]> = {};
  for (const name of ["cpu", "wasm"]) {
    await tf.setBackend(name);
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
    const r = tf.tidy(f);
    const list = Array.isArray(r) ? r : [r];
    out[name] = list.map((t) => Array.from(t.dataSync()));
    tf.dispose(list);
  }
  return { cpu: out.cpu, wasm: out.wasm };
}

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_GATHER_ROWS), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  installGatherRows();
  if (previousBackend) await tf.setBackend(previousBackend);
});

const CASES: { shape: number[]; dtype: "float32" | "int32"; indices: number[]; indicesShape: number[]; axis?: number }[] = [
  { shape: [27, 8], dtype: "float32", indices: [0, 26, 3, 3, 0], indicesShape: [5] },
  { shape: [6, 2, 3], dtype: "float32", indices: [5, 0, 1, 5, 2, 2], indicesShape: [2, 3] },
  { shape: [9], dtype: "int32", indices: [8, 1, 1], indicesShape: [3] },
  { shape: [4, 5], dtype: "int32", indices: [3, 0], indicesShape: [2] },
  { shape: [4, 5], dtype: "float32", indices: [4, 0, 2], indicesShape: [3], axis: 1 }, // original kernel
  { shape: [4, 5], dtype: "float32", indices: [], indicesShape: [0] },
];

test("gather: values match cpu and the original wasm kernel", async () => {
  assert.ok(gatherRowsInstalled());
  for (const c of CASES) {
    const size = c.shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: size }, () => (c.dtype === "int32" ? rng.int(100) : rng.normal()));
    const run = () => tf.gather(tf.tensor(values, c.shape, c.dtype), tf.tensor(c.indices, c.indicesShape, "int32"), c.axis ?? 0);
    const r = await onBoth(run);
    assert.equal(r.wasm, r.cpu, `gather ${JSON.stringify(c)}`);
    uninstallGatherRows();
    const original = tf.tidy(run);
    installGatherRows();
    const ours = tf.tidy(run);
    assert.equal(ours.shape, original.shape);
    assert.is(ours.dtype, original.dtype);
    assert.equal(Array.from(ours.dataSync()), Array.from(original.dataSync()));
    tf.dispose([original, ours]);
  }
});

test("gather: embedding gradients match cpu", async () => {
  const table = Array.from({ length: 7 * 4 }, () => rng.normal());
  const weights = Array.from({ length: 6 * 4 }, () => rng.normal());
  const r = await onBoth(() =>
    tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, tf.tensor([1, 6, 1, 0, 3, 1], [6], "int32")), tf.tensor(weights, [6, 4]))))([tf.tensor(table, [7, 4])]),
  );
  r.cpu[0].forEach((v, i) => assert.ok(Math.abs(r.wasm[0][i] - v) <= 1e-6, `grad ${i}`));
});

test("gather: an index out of range is a RangeError and leaks nothing", async () => {
  await tf.setBackend("wasm");
  const x = tf.ones([3, 2]);
  const bad = tf.tensor([0, 3], [2], "int32");
  const before = tf.memory().numTensors;
  const buffers = tf.backend().numDataIds();
  assert.throws(() => tf.gather(x, bad), (e: Error) => e instanceof RangeError && /index value 3 is not in \[0, 2\]/.test(e.message));
  assert.is(tf.memory().numTensors, before);
  assert.is(tf.backend().numDataIds(), buffers);
  tf.dispose([x, bad]);
});

test.run();
