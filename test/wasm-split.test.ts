// Our wasm SplitV kernel (src/wasm/split-rows) against tfjs's cpu backend and the original wasm
// kernel: every axis, equal and uneven sizes (with -1), int32 and bool data, gradients.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { WASM_FIX_SPLIT_ROWS, installSplitRows, splitRowsInstalled, uninstallSplitRows } from "../src/wasm/index";
import "@tensorflow/tfjs-backend-cpu";

const rng = createRng(13);
let previousBackend: string | null = null;

test.before(async () => {
  previousBackend = tf.engine().backendName;
  const report = await ready({ backend: "wasm" });
  assert.ok(report.fixes.includes(WASM_FIX_SPLIT_ROWS), `ready() did not apply the fix: ${report.fixes}`);
});

test.after(async () => {
  installSplitRows();
  if (previousBackend) await tf.setBackend(previousBackend);
});

const CASES: { shape: number[]; split: number | number[]; axis: number; dtype: "float32" | "int32" | "bool" }[] = [
  { shape: [512, 192], split: 3, axis: 1, dtype: "float32" }, // q, k, v of the tiny GPT
  { shape: [4, 6, 5], split: [1, -1, 2], axis: 1, dtype: "float32" },
  { shape: [4, 6, 5], split: 2, axis: 0, dtype: "int32" },
  { shape: [4, 6, 5], split: [3, 0, 2], axis: -1, dtype: "float32" },
  { shape: [7], split: [2, 5], axis: 0, dtype: "bool" },
];

async function values(backend: string, c: (typeof CASES)[number], data: number[]): Promise<{ shapes: number[][]; values: number[][] }> {
  await tf.setBackend(backend);
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const parts = tf.tidy(() => tf.split(tf.tensor(data, c.shape, c.dtype), c.split, c.axis));
  const out = { shapes: parts.map((p) => p.shape), values: parts.map((p) => Array.from(p.dataSync())) };
  tf.dispose(parts);
  return out;
}

test("split: parts match cpu and the original wasm kernel", async () => {
  assert.ok(splitRowsInstalled());
  for (const c of CASES) {
    const data = Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => (c.dtype === "float32" ? rng.normal() : rng.int(2)));
    const cpu = await values("cpu", c, data);
    const ours = await values("wasm", c, data);
    uninstallSplitRows();
    const original = await values("wasm", c, data);
    installSplitRows();
    assert.equal(ours, cpu, `split ${JSON.stringify(c)} vs cpu`);
    assert.equal(ours, original, `split ${JSON.stringify(c)} vs original`);
  }
});

test("split: gradients match cpu", async () => {
  const data = Array.from({ length: 6 * 9 }, () => rng.normal());
  const w = Array.from({ length: 6 * 9 }, () => rng.normal());
  const grad = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const f = (x: tf.Tensor) => {
        const [a, b, c] = tf.split(x, [2, 3, 4], 1);
        return tf.sum(tf.mul(tf.concat([tf.mul(a, 2), b, tf.square(c)], 1), tf.tensor(w, [6, 9])));
      };
      return Array.from(tf.grad(f)(tf.tensor(data, [6, 9])).dataSync());
    });
  };
  const cpu = await grad("cpu");
  const wasm = await grad("wasm");
  cpu.forEach((v, i) => assert.ok(Math.abs(wasm[i] - v) <= 1e-6 * Math.max(1, Math.abs(v)), `grad ${i}: ${wasm[i]} vs ${v}`));
});

test.run();
