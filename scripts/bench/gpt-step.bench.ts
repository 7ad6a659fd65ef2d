// Training step of the tiny GPT (names vocabulary, context 16, width 64, 4 heads, 2 blocks,
// batch 32, AdamW lr 1e-3 from src/optimizers) on each tfjs backend present, and the same model
// in PyTorch (scripts/reference/gpt_step.py, torch.optim.AdamW, 2 threads) in the same run. Each
// backend runs in its own child process. Prints ms/step (median) and tokens/s, the gain of each
// wasm kernel fix (src/wasm) measured side by side in one process, a per-kernel profile of a wasm
// step, and as the LAST line `ratio default/torch: X` (default = the backend ready() picks).
//   npm run bench -- gpt-step        GPT_BENCH_STEPS=N timed wasm steps (30), GPT_BENCH_ROUNDS=N side-by-side rounds (8)
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { BACKENDS, BackendName, describeBackend, ready } from "../../src/backend";
import { createRng } from "../../src/random";
import { TorchRun, anchorWarnings, describeAnchor, fastest, runTorch, torchVariants } from "./torch-anchor";
import { createNamesDataset } from "../../src/data/index";
import { createGpt } from "../../src/models/index";
import { adamw } from "../../src/optimizers/index";
import {
  installColumnSum,
  installFusedAdam,
  installGatherRows,
  installLayerNorm,
  installSplitRows,
  installZeroCopy,
  setSimdMatMul,
  uninstallColumnSum,
  uninstallFusedAdam,
  uninstallGatherRows,
  uninstallLayerNorm,
  uninstallSplitRows,
  uninstallZeroCopy,
} from "../../src/wasm/index";

const root = path.resolve(__dirname, "../..");
const BATCH = 32;
const BLOCK = 16;
const MODEL = { blockSize: BLOCK, width: 64, heads: 4, layers: 2 };

interface Result {
  backend: string;
  msPerStep: number;
  tokensPerS: number;
  steps: number;
  params: number;
  detail?: string;
}

/** Child mode: time `steps` training steps on one backend and print a JSON line. */
async function measure(backend: BackendName | "default", steps: number, warmup: number, profile: boolean): Promise<void> {
  const report = await ready(backend === "default" ? {} : { backend });
  const data = createNamesDataset({ seed: 0 });
  const model = createGpt({ data, ...MODEL, seed: 0 });
  const opt = adamw({ lr: 1e-3 });
  const rng = createRng(0);
  const step = () => {
    const batch = model.batch(rng, BATCH);
    const loss = opt.minimize(() => model.loss(batch), true, model.params)!;
    const value = loss.dataSync()[0]; // read the loss, as a training loop would
    tf.dispose([batch, loss]);
    return value;
  };
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  const out: Result & { kernels?: { name: string; ms: number; calls: number }[] } = {
    backend: report.name,
    msPerStep: ms,
    tokensPerS: (BATCH * BLOCK) / (ms / 1000),
    steps,
    params: model.numParams,
    detail: describeBackend(report),
  };
  if (profile) {
    // Per-kernel time of a few steps (forward, backward and the Adam update), summed by kernel.
    const byKernel = new Map<string, { ms: number; calls: number }>();
    const runs = 3;
    for (let r = 0; r < runs; r++) {
      const info = await tf.profile(() => {
        step();
      });
      for (const k of info.kernels) {
        // matMuls are also listed by operand shapes: attention's small batched ones behave differently.
        const names = k.name === "BatchMatMul" ? [k.name, `  ${k.name} ${k.inputShapes.map((s) => `[${s}]`).join("x")}`] : [k.name];
        for (const name of names) {
          const e = byKernel.get(name) ?? { ms: 0, calls: 0 };
          e.ms += (k.kernelTimeMs as number) / runs;
          e.calls += 1 / runs;
          byKernel.set(name, e);
        }
      }
    }
    out.kernels = [...byKernel.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
  }
  console.log(JSON.stringify(out));
}

/**
 * The wasm fixes of src/wasm switched on one after another, each state a "variant". Rounds run
 * every variant for a few steps in turn, in one process, so load from other processes hits all
 * alike; the median step of each variant is reported.
 */
/** Our newer wasm fixes, in the order the side-by-side table switches them on. */
const FIXES: { name: string; on: () => void; off: () => void }[] = [
  { name: "zero-copy Identity/Cast", on: installZeroCopy, off: uninstallZeroCopy },
  { name: "SIMD batch matMul (attention)", on: () => setSimdMatMul("batches"), off: () => setSimdMatMul("off") },
  { name: "fused AdamW update", on: installFusedAdam, off: uninstallFusedAdam },
  { name: "column Sum (bias gradients)", on: installColumnSum, off: uninstallColumnSum },
  { name: "SIMD kernel for every matMul", on: () => setSimdMatMul("all"), off: () => undefined },
  { name: "gather by row copies (embedding)", on: installGatherRows, off: uninstallGatherRows },
  { name: "fused layer norm (forward + gradient kernels)", on: installLayerNorm, off: uninstallLayerNorm },
  { name: "split by row copies (q, k, v)", on: installSplitRows, off: uninstallSplitRows },
];

/** Variant n: the first n fixes on, the rest off (turned off last to first, so "all" undoes "batches"). */
const VARIANTS: { name: string; set: () => void }[] = [
  { name: "before: tfjs kernels + gather/matMul-transpose fixes", n: 0 },
  ...FIXES.map((f, i) => ({ name: `+ ${f.name}`, n: i + 1 })),
].map(({ name, n }) => ({
  name,
  set: () => {
    for (let i = FIXES.length - 1; i >= n; i--) FIXES[i].off();
    for (let i = 0; i < n; i++) FIXES[i].on();
  },
}));

async function ablation(rounds: number, stepsPerRound: number): Promise<void> {
  await ready({ backend: "wasm" });
  const data = createNamesDataset({ seed: 0 });
  const model = createGpt({ data, ...MODEL, seed: 0 });
  const opt = adamw({ lr: 1e-3 });
  const rng = createRng(0);
  const step = () => {
    const batch = model.batch(rng, BATCH);
    const loss = opt.minimize(() => model.loss(batch), true, model.params)!;
    loss.dataSync();
    tf.dispose([batch, loss]);
  };
  const times = VARIANTS.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    VARIANTS.forEach((variant, v) => {
      variant.set();
      step(); // untimed: the first step after a switch
      for (let i = 0; i < stepsPerRound; i++) {
        const t0 = process.hrtime.bigint();
        step();
        times[v].push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
  }
  VARIANTS[VARIANTS.length - 1].set();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify(VARIANTS.map((v, i) => ({ name: v.name, msPerStep: median(times[i]), steps: times[i].length }))));
}

/** Runs this file in a fresh process with `args` and parses the JSON its last stdout line holds. */
function childJson<T>(args: string[]): { result?: T; error?: string } {
  const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  const last = (run.stdout || "").trim().split("\n").pop() || "";
  try {
    return { result: JSON.parse(last) as T };
  } catch {
    return { error: ((run.stderr || "") + last).trim().split("\n").slice(-3).join(" | ") };
  }
}

function runChild(args: string[]): { result?: Result & { kernels?: { name: string; ms: number; calls: number }[] }; error?: string } {
  return childJson(args);
}

function ablationResult(): { result?: { name: string; msPerStep: number; steps: number }[]; error?: string } {
  return childJson(["--ablation", process.env.GPT_BENCH_ROUNDS ?? "8", "4"]);
}

/** PyTorch, in every environment variant of torch-anchor.ts. */
function torchRuns(): { result?: TorchRun; error?: string }[] {
  return torchVariants().map((v) => runTorch(root, v, ["--steps", "50", "--warmup", "10", "--threads", "2"]));
}

const fmt = (r: Result) =>
  `${r.backend.padEnd(10)} ${r.msPerStep.toFixed(1).padStart(8)} ms/step ${Math.round(r.tokensPerS).toString().padStart(8)} tokens/s  (${r.steps} steps, ${r.params} params)`;

async function main(): Promise<void> {
  const [mode, backend, steps, warmup, profile] = process.argv.slice(2);
  if (mode === "--child") {
    await measure(backend as BackendName | "default", Number(steps), Number(warmup), profile === "profile");
    return;
  }
  if (mode === "--ablation") {
    await ablation(Number(backend), Number(steps));
    return;
  }
  const wasmSteps = Number(process.env.GPT_BENCH_STEPS ?? 30);
  const plan: Record<BackendName, [number, number]> = { tensorflow: [wasmSteps, 5], wasm: [wasmSteps, 5], cpu: [3, 1] };
  console.log(`tiny GPT training step: vocab 27 (names), context ${BLOCK}, width 64, 4 heads, 2 blocks, batch ${BATCH}, AdamW`);
  // PyTorch runs before and after the tfjs backends, each time with the machine's OpenBLAS
  // settings and without them; the fastest median is the anchor, so neither load from other
  // processes nor a slow BLAS setting can flatter the ratio.
  const torchBefore = torchRuns();
  const results = new Map<string, Result>();
  let wasmKernels: { name: string; ms: number; calls: number }[] | undefined;
  for (const name of BACKENDS) {
    const [n, w] = plan[name];
    const { result, error } = runChild(["--child", name, String(n), String(w), name === "wasm" ? "profile" : ""]);
    if (!result) {
      console.log(`${name.padEnd(10)} not available: ${error}`);
      continue;
    }
    results.set(name, result);
    if (result.kernels) wasmKernels = (result as { kernels?: typeof wasmKernels }).kernels;
    console.log(fmt(result));
    if (result.detail) console.log(`           ${result.detail}`);
  }
  const gains = ablationResult();
  const torchAfter = torchRuns();
  const torchAll = [...torchBefore, ...torchAfter];
  for (const t of torchAll) {
    if (t.result) console.log(`torch run: ${t.result.msPerStep.toFixed(1)} ms/step on ${describeAnchor(t.result)}`);
  }
  const torch = { result: fastest(torchAll), error: torchAll.find((t) => t.error)?.error };
  if (torch.result) {
    console.log(fmt(torch.result) + ` torch ${torch.result.version}`);
    console.log(`anchor: torch ${torch.result.msPerStep.toFixed(1)} ms/step, ${describeAnchor(torch.result)} (fastest of ${torchAll.filter((t) => t.result).length} runs)`);
    for (const line of anchorWarnings(torch.result)) console.log(line);
  } else console.log(`torch      not available: ${torch.error}`);

  if (gains.result) {
    console.log(`\nwasm fixes, cumulative, side by side in one process (median ms/step, ${gains.result[0].steps} steps each):`);
    gains.result.forEach((g, i) => {
      const prev = i > 0 ? gains.result![i - 1].msPerStep : g.msPerStep;
      const change = i > 0 ? `  ${(g.msPerStep - prev >= 0 ? "+" : "") + (g.msPerStep - prev).toFixed(1)} ms (${(prev / g.msPerStep).toFixed(2)}x)` : "";
      console.log(`  ${g.name.padEnd(55)} ${g.msPerStep.toFixed(1).padStart(6)} ms${change}`);
    });
  } else {
    console.log(`\nwasm fixes side by side: not measured (${gains.error})`);
  }

  if (wasmKernels) {
    const kernels = wasmKernels.filter((k) => !k.name.startsWith(" "));
    const total = kernels.reduce((s, k) => s + k.ms, 0);
    const line = (k: { name: string; ms: number; calls: number }) =>
      `  ${k.name.padEnd(40)} ${k.ms.toFixed(2).padStart(7)} ms ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  ${Math.round(k.calls)} calls`;
    console.log(`\nwasm kernels per step (tf.profile, mean of 3 steps; kernel total ${total.toFixed(1)} ms):`);
    kernels.slice(0, 12).forEach((k) => console.log(line(k)));
    console.log("wasm matMuls by operand shape (top 6):");
    wasmKernels.filter((k) => k.name.startsWith(" ")).slice(0, 6).forEach((k) => console.log(line(k)));
  }
  // The default backend is the one ready() picks in a fresh process (honours LR_LAB_BACKEND).
  const probe = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", `require("./src/backend").ready().then(r => console.log(r.name))`], {
    cwd: root,
    encoding: "utf8",
  });
  const defaultName = (probe.stdout || "").trim().split("\n").pop() || "";
  const def = results.get(defaultName);
  if (def && torch.result) {
    console.log(`ratio default/torch: ${(def.msPerStep / torch.result.msPerStep).toFixed(2)} (${defaultName} ${def.msPerStep.toFixed(1)} ms vs torch ${torch.result.msPerStep.toFixed(1)} ms)`);
  } else {
    console.log(`ratio default/torch: n/a (default backend ${defaultName || "unknown"}${torch.result ? "" : ", torch missing"})`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
