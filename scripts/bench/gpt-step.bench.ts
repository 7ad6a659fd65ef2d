// Training step of the tiny GPT (names vocabulary, context 16, width 64, 4 heads, 2 blocks,
// batch 32, AdamW lr 1e-3 from src/optimizers) on each tfjs backend present, and the same model
// in PyTorch (scripts/reference/gpt_step.py, torch.optim.AdamW, 2 threads) in the same run. Each
// backend runs in its own child process. Prints ms/step (median) and tokens/s, the gain of each
// wasm kernel fix (src/wasm) measured side by side in one process, a per-kernel profile of a wasm
// step, achieved GFLOP/s of both sides against the machine's peak (scripts/bench/flops.ts), and
// as the LAST line `ratio default/torch: X` (default = the backend ready() picks).
//   npm run bench -- gpt-step [--profile]   GPT_BENCH_STEPS=N timed wasm steps (30), GPT_BENCH_ROUNDS=N side-by-side rounds (8)
//   --profile lists every kernel of the profile (not only the top 12) and every matMul shape.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { BACKENDS, BackendName, describeBackend, ready } from "../../src/backend";
import { createRng } from "../../src/random";
import { TorchRun, anchorWarnings, cpuFlags, describeAnchor, fastest, openblasCoreFor, runTorch, torchVariants } from "./torch-anchor";
import { StepProfile, cpuPeak, gptStepFlops, measureMatMulPeak, profileLines, profileSteps } from "./flops";
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
  setFastFma,
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
const FLOPS = gptStepFlops({ batch: BATCH, block: BLOCK, width: MODEL.width, layers: MODEL.layers, vocab: 27 });

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
  const out: Result & { profile?: StepProfile } = {
    backend: report.name,
    msPerStep: ms,
    tokensPerS: (BATCH * BLOCK) / (ms / 1000),
    steps,
    params: model.numParams,
    detail: describeBackend(report),
  };
  if (profile) out.profile = await profileSteps(step, 5);
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
  // Levers that change numerics: off by default, each behind one setting (src/wasm).
  { name: "[opt-in LR_LAB_FAST_FMA] relaxed-SIMD FMA matMul", on: () => setFastFma(true), off: () => setFastFma(false) },
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
  for (let i = FIXES.length - 1; i >= 0; i--) FIXES[i].off(); // back to the default: every default fix on, opt-in levers off
  for (const f of FIXES) if (!f.name.startsWith("[opt-in")) f.on();
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

function runChild(args: string[]): { result?: Result & { profile?: StepProfile }; error?: string } {
  return childJson(args);
}

function ablationResult(): { result?: { name: string; msPerStep: number; steps: number }[]; error?: string } {
  return childJson(["--ablation", process.env.GPT_BENCH_ROUNDS ?? "8", "4"]);
}

/** PyTorch, in every environment variant of torch-anchor.ts (with OPENBLAS_CORETYPE for this CPU's ISA too). */
const VARIANTS_TORCH = torchVariants(process.env, openblasCoreFor(cpuFlags()));
function torchRuns(): { result?: TorchRun; error?: string }[] {
  // 1 thread too: on a loaded machine torch's 2 threads wait on each other (10-30x slower seen here).
  return VARIANTS_TORCH.flatMap((v) => [1, 2].map((threads) => runTorch(root, v, ["--steps", "40", "--warmup", "8", "--threads", String(threads)])));
}

type Peak = Record<string, { best: number; median: number }>;

/** The matMul peaks: our SIMD kernel on wasm (child process) and torch.mm in the anchor's environment, 1 and 2 threads. */
function peaks(anchor: TorchRun | undefined): { wasm?: Peak; torch: { threads: number; peak?: Peak }[] } {
  const wasm = childJson<Peak>(["--peak"]).result;
  const variant = VARIANTS_TORCH.find((v) => v.variant === anchor?.variant);
  const torch = variant
    ? [1, 2].map((threads) => ({ threads, peak: (runTorch(root, variant, ["--peak", "--threads", String(threads)]).result as unknown as { peak?: Peak } | undefined)?.peak }))
    : [];
  return { wasm, torch };
}

/** Achieved GFLOP/s of each side and the peaks they are measured against. */
export function flopsLines(flops: number, ours: { name: string; ms: number } | undefined, torch: TorchRun | undefined, p: ReturnType<typeof peaks>): string[] {
  const cpu = cpuPeak();
  const g = (ms: number) => flops / ms / 1e6;
  const best = (peak: Peak | undefined) => (peak ? Math.max(...Object.values(peak).map((x) => x.best)) : NaN);
  const sizes = (peak: Peak | undefined) =>
    peak ? Object.entries(peak).map(([n, x]) => `${n}^2 ${x.best.toFixed(1)} (median ${x.median.toFixed(1)})`).join(", ") : "not measured";
  const out = [`\nFLOPs per training step: ${(flops / 1e6).toFixed(1)} MFLOP (3 x the forward matMuls; formula in scripts/bench/flops.ts)`];
  if (cpu) {
    out.push(
      `theoretical fp32 peak (/proc/cpuinfo: ${cpu.model}, ${cpu.cores} cores at ${cpu.ghz.toFixed(2)} GHz, ${cpu.isa}): ` +
        `native ${cpu.native.toFixed(0)} GFLOP/s (${cpu.nativePerCycle} FLOPs/cycle/core), ` +
        `wasm SIMD128 one core ${cpu.wasmOneCore.toFixed(1)} (${cpu.wasmPerCycle}/cycle: mul + add), with FMA ${cpu.wasmFmaOneCore.toFixed(1)}`,
    );
  }
  out.push(`measured matMul peak, GFLOP/s best of 9: our wasm SIMD kernel (one thread) ${sizes(p.wasm)}`);
  for (const t of p.torch) out.push(`                                          torch.mm ${t.threads} thread${t.threads > 1 ? "s" : ""} ${sizes(t.peak)}`);
  const torchBests = p.torch.map((t) => best(t.peak)).filter((x) => Number.isFinite(x));
  const torchPeak = torchBests.length ? Math.max(...torchBests) : NaN;
  if (ours) {
    const wasmPeak = best(p.wasm);
    out.push(
      `achieved: ${ours.name} ${g(ours.ms).toFixed(1)} GFLOP/s` +
        (Number.isFinite(wasmPeak) ? ` = ${((100 * g(ours.ms)) / wasmPeak).toFixed(0)}% of our kernel's measured peak` : "") +
        (cpu ? `, ${((100 * g(ours.ms)) / cpu.wasmOneCore).toFixed(0)}% of wasm SIMD128's one-core ceiling, ${((100 * g(ours.ms)) / cpu.native).toFixed(1)}% of the native peak` : ""),
    );
  }
  if (torch) {
    out.push(
      `achieved: torch ${g(torch.msPerStep).toFixed(1)} GFLOP/s` +
        (Number.isFinite(torchPeak) ? ` = ${((100 * g(torch.msPerStep)) / torchPeak).toFixed(0)}% of torch.mm's measured peak` : "") +
        (cpu ? `, ${((100 * g(torch.msPerStep)) / cpu.native).toFixed(1)}% of the native peak` : ""),
    );
  }
  return out;
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
  if (mode === "--peak") {
    await ready({ backend: "wasm" });
    console.log(JSON.stringify(measureMatMulPeak([256, 512])));
    return;
  }
  const listAll = process.argv.includes("--profile");
  const wasmSteps = Number(process.env.GPT_BENCH_STEPS ?? 30);
  const plan: Record<BackendName, [number, number]> = { tensorflow: [wasmSteps, 5], wasm: [wasmSteps, 5], cpu: [3, 1] };
  console.log(`tiny GPT training step: vocab 27 (names), context ${BLOCK}, width 64, 4 heads, 2 blocks, batch ${BATCH}, AdamW`);
  // PyTorch runs before and after the tfjs backends, each time with the machine's OpenBLAS
  // settings and without them; the fastest median is the anchor, so neither load from other
  // processes nor a slow BLAS setting can flatter the ratio.
  const torchBefore = torchRuns();
  const results = new Map<string, Result>();
  let wasmProfile: { profile: StepProfile; ms: number } | undefined;
  for (const name of BACKENDS) {
    const [n, w] = plan[name];
    const { result, error } = runChild(["--child", name, String(n), String(w), name === "wasm" ? "profile" : ""]);
    if (!result) {
      console.log(`${name.padEnd(10)} not available: ${error}`);
      continue;
    }
    results.set(name, result);
    if (result.profile) wasmProfile = { profile: result.profile, ms: result.msPerStep };
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

  if (wasmProfile) {
    console.log("\nwasm " + profileLines(wasmProfile.profile, wasmProfile.ms, listAll).join("\n"));
  }
  // The default backend is the one ready() picks in a fresh process (honours LR_LAB_BACKEND).
  const probe = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", `require("./src/backend").ready().then(r => console.log(r.name))`], {
    cwd: root,
    encoding: "utf8",
  });
  const defaultName = (probe.stdout || "").trim().split("\n").pop() || "";
  const def = results.get(defaultName);
  for (const line of flopsLines(FLOPS, def ? { name: defaultName, ms: def.msPerStep } : undefined, torch.result, peaks(torch.result))) console.log(line);
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
