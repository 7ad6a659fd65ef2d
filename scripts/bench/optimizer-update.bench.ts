// Update cost of our optimizers against tfjs's built-in tf.train.adam, measured side by side in
// one process: the same variables and fixed gradients, rounds interleaved (tfjs adam, ours, ...)
// so machine load hits all alike; the median round gives ms per update and ns per parameter.
// Two parameter sets: a tiny-GPT-like list (many small tensors, op overhead dominates) and a few
// large tensors (arithmetic dominates). Runs on the backend ready() picks, or BENCH_BACKEND.
//   npm run bench -- optimizer-update        OPT_BENCH_ROUNDS=N (default 15), OPT_BENCH_STEPS=N (default 20)
import * as tf from "@tensorflow/tfjs-core";
import { BackendName, describeBackend, ready } from "../../src/backend";
import { createRng } from "../../src/random";
import { adam, adamw, rmsprop, sgd } from "../../src/optimizers/index";

const ROUNDS = Number(process.env.OPT_BENCH_ROUNDS ?? 15);
const STEPS = Number(process.env.OPT_BENCH_STEPS ?? 20);

// Shapes of the tiny GPT of the series (vocab 27, context 16, width 64, 2 blocks) and a few big tensors.
const GPT_SHAPES: number[][] = [
  [27, 64],
  [16, 64],
  ...Array.from({ length: 2 }, () => [
    [64],
    [64],
    [64, 192],
    [192],
    [64, 64],
    [64],
    [64],
    [64],
    [64, 256],
    [256],
    [256, 64],
    [64],
  ]).flat(),
  [64],
  [64],
  [64, 27],
  [27],
];
const LARGE_SHAPES: number[][] = [
  [256, 256],
  [256, 256],
  [512, 128],
  [128, 512],
];

interface Contender {
  name: string;
  make: () => tf.Optimizer;
}

const contenders: Contender[] = [
  { name: "tf.train.adam (tfjs)", make: () => tf.train.adam(1e-3, 0.9, 0.999, 1e-8) },
  { name: "adam (ours)", make: () => adam({ lr: 1e-3 }) },
  { name: "adamw (ours)", make: () => adamw({ lr: 1e-3 }) },
  { name: "adam amsgrad (ours)", make: () => adam({ lr: 1e-3, amsgrad: true }) },
  { name: "adamw + maxGradNorm (ours)", make: () => adamw({ lr: 1e-3, maxGradNorm: 1 }) },
  { name: "sgd momentum (ours)", make: () => sgd({ lr: 1e-3, momentum: 0.9 }) },
  { name: "rmsprop (ours)", make: () => rmsprop({ lr: 1e-3 }) },
  { name: "tf.train.momentum (tfjs)", make: () => tf.train.momentum(1e-3, 0.9) },
];

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runSet(label: string, shapes: number[][]): number {
  const rng = createRng(1);
  const params = contenders.map((c, ci) =>
    shapes.map((shape, i) =>
      tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.1, "float32", rng.int(1 << 30)), true, `bench-${label}-${ci}-${i}`)),
    ),
  );
  const grads = contenders.map((_, ci) =>
    params[ci].map((v) => ({ name: v.name, tensor: tf.tidy(() => tf.randomNormal(v.shape, 0, 0.01, "float32", rng.int(1 << 30))) })),
  );
  const count = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  const opts = contenders.map((c) => c.make());
  const times: number[][] = contenders.map(() => []);
  const step = (ci: number) => {
    opts[ci].applyGradients(grads[ci]);
  };
  for (let ci = 0; ci < contenders.length; ci++) for (let k = 0; k < 3; k++) step(ci); // warm up, create slots
  for (let r = 0; r < ROUNDS; r++) {
    for (let ci = 0; ci < contenders.length; ci++) {
      const t0 = performance.now();
      for (let k = 0; k < STEPS; k++) step(ci);
      params[ci][0].dataSync(); // wait for the backend
      times[ci].push((performance.now() - t0) / STEPS);
    }
  }
  console.log(`\n${label}: ${shapes.length} variables, ${count} parameters; median of ${ROUNDS} rounds x ${STEPS} updates`);
  const base = median(times[0]);
  for (let ci = 0; ci < contenders.length; ci++) {
    const ms = median(times[ci]);
    console.log(
      `  ${contenders[ci].name.padEnd(28)} ${ms.toFixed(3).padStart(8)} ms/update  ${((ms * 1e6) / count).toFixed(2).padStart(8)} ns/param  x${(ms / base).toFixed(2)} vs tfjs adam`,
    );
  }
  const ratio = median(times[1]) / base;
  opts.forEach((o) => o.dispose());
  tf.dispose([params, grads.map((g) => g.map((x) => x.tensor))]);
  return ratio;
}

(async () => {
  const forced = process.env.BENCH_BACKEND as BackendName | undefined;
  const report = await ready(forced ? { backend: forced } : {});
  console.log(describeBackend(report));
  const gpt = runSet("tiny-GPT parameter list", GPT_SHAPES);
  const large = runSet("large tensors", LARGE_SHAPES);
  console.log(`\nratio adam(ours)/tf.train.adam per update: tiny-GPT ${gpt.toFixed(2)}, large ${large.toFixed(2)}`);
})();
