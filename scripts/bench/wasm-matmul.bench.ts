// wasm matMul before/after the fast-path kernels (src/wasm/fast-matmul), side by side in one run:
// the shapes of a tiny transformer (batch 32, context 16, width 64, 4 heads of 16), forward and
// as a gradient (tf.grads: forward + both backward matMuls). Rounds alternate the original and
// the fast kernels so that load from other processes hits both alike; medians are printed.
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../../src/backend";
import { installFastMatMul, uninstallFastMatMul } from "../../src/wasm/index";

interface Case {
  name: string;
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  /** tfjs's BatchMatMul gradient cannot reduce broadcast batch dims (any backend): no grad case. */
  forwardOnly?: boolean;
}

const CASES: Case[] = [
  { name: "x @ W^T   [512,64]x[64,64]^T", a: [512, 64], b: [64, 64], transposeA: false, transposeB: true },
  { name: "x @ W     [512,64]x[64,256]", a: [512, 64], b: [64, 256], transposeA: false, transposeB: false },
  { name: "h @ W     [512,256]x[256,64]", a: [512, 256], b: [256, 64], transposeA: false, transposeB: false },
  { name: "Q @ K^T   [128,16,16] batch", a: [128, 16, 16], b: [128, 16, 16], transposeA: false, transposeB: true },
  { name: "P @ V     [128,16,16] batch", a: [128, 16, 16], b: [128, 16, 16], transposeA: false, transposeB: false },
  { name: "x @ W     [32,16,64]x[64,64]", a: [32, 16, 64], b: [64, 64], transposeA: false, transposeB: false, forwardOnly: true },
];

const ROUNDS = 7;
const REPS = 5; // timed calls per round and variant

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds for each of REPS calls of `run` (values read outside tidy, as a real loop does). */
function timeCalls(run: () => tf.Tensor[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const outs = tf.tidy(run);
    for (const t of outs) t.dataSync();
    times.push(performance.now() - t0);
    tf.dispose(outs);
  }
  return times;
}

function compare(label: string, run: () => tf.Tensor[]): { before: number; after: number } {
  const before: number[] = [];
  const after: number[] = [];
  // warm-up both (XNNPACK operator creation, heap growth)
  uninstallFastMatMul();
  timeCalls(run);
  installFastMatMul();
  timeCalls(run);
  for (let r = 0; r < ROUNDS; r++) {
    uninstallFastMatMul();
    before.push(...timeCalls(run));
    installFastMatMul();
    after.push(...timeCalls(run));
  }
  const result = { before: median(before), after: median(after) };
  const ratio = result.before / result.after;
  console.log(
    `${label.padEnd(42)} ${result.before.toFixed(3).padStart(8)} ${result.after.toFixed(3).padStart(8)} ${ratio.toFixed(2).padStart(7)}x`,
  );
  return result;
}

async function main(): Promise<void> {
  const report = await ready({ backend: "wasm" });
  console.log(`backend ${report.name}; ${ROUNDS} alternating rounds x ${REPS} calls per variant; medians`);
  console.log(`${"case".padEnd(42)} ${"orig ms".padStart(8)} ${"fast ms".padStart(8)} ${"speed-up".padStart(8)}`);
  let totalBefore = 0;
  let totalAfter = 0;
  for (const c of CASES) {
    const a = tf.randomNormal(c.a, 0, 1, "float32", 1);
    const b = tf.randomNormal(c.b, 0, 1, "float32", 2);
    const fwd = compare(`${c.name} fwd`, () => [tf.matMul(a, b, c.transposeA, c.transposeB)]);
    totalBefore += fwd.before;
    totalAfter += fwd.after;
    if (!c.forwardOnly) {
      const grad = compare(`${c.name} grad`, () =>
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, c.transposeA, c.transposeB))))([a, b]),
      );
      totalBefore += grad.before;
      totalAfter += grad.after;
    }
    tf.dispose([a, b]);
  }
  // One transformer-ish training step's matMuls: MLP 64->256->64 and attention, with gradients.
  const x = tf.randomNormal([512, 64], 0, 1, "float32", 3);
  const w1 = tf.randomNormal([64, 256], 0, 0.1, "float32", 4);
  const w2 = tf.randomNormal([256, 64], 0, 0.1, "float32", 5);
  const wq = tf.randomNormal([64, 64], 0, 0.1, "float32", 6);
  const block = (xx: tf.Tensor, a1: tf.Tensor, a2: tf.Tensor, q: tf.Tensor) => {
    const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [32, 16, 4, 16]), [0, 2, 1, 3]), [128, 16, 16]);
    const qh = heads(tf.matMul(xx, q));
    const att = tf.softmax(tf.matMul(qh, qh, false, true));
    const mixed = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, qh), [32, 4, 16, 16]), [0, 2, 1, 3]), [512, 64]);
    const h = tf.relu(tf.matMul(tf.add(xx, mixed), a1));
    return tf.mean(tf.square(tf.matMul(h, a2)));
  };
  compare("tiny block fwd+grad (MLP + attention)", () => tf.grads(block)([x, w1, w2, wq]));
  tf.dispose([x, w1, w2, wq]);
  console.log(`sum of the medians over the single matMul cases above: ${(totalBefore / totalAfter).toFixed(2)}x faster with the fast kernels`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
