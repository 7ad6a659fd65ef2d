// Training step of the character MLP (src/models/mlp-char.ts) at the notebooks' sizes (context 3,
// embedding 8, hidden 64, names vocabulary of 27, batch 32, SGD lr 0.1) on the default backend,
// and the same model in PyTorch (scripts/reference/mlp_step.py) in the same run, before and after
// ours, with 1 and 2 torch threads and each OpenBLAS setting of torch-anchor.ts; the fastest torch
// run is the anchor. Prints ms/step, GFLOP/s, a per-kernel profile and as the LAST line
// `ratio default/torch: X`.
//   npm run bench -- mlp-step [--profile]     MLP_BENCH_STEPS=N timed steps (300)
import { spawnSync } from "child_process";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { describeBackend, ready } from "../../src/backend";
import { createRng } from "../../src/random";
import { createNamesDataset } from "../../src/data/index";
import { createMlpCharModel } from "../../src/models/index";
import { sgd } from "../../src/optimizers/index";
import { TorchRun, anchorWarnings, cpuFlags, describeAnchor, fastest, openblasCoreFor, runTorch, torchVariants } from "./torch-anchor";
import { StepProfile, cpuPeak, mlpStepFlops, profileLines, profileSteps } from "./flops";

const root = path.resolve(__dirname, "../..");
const SIZES = { batch: 32, context: 3, embedding: 8, hidden: 64, vocab: 27 };
const FLOPS = mlpStepFlops(SIZES);

interface Result {
  backend: string;
  msPerStep: number;
  steps: number;
  params: number;
  detail: string;
  profile: StepProfile;
}

async function measure(steps: number): Promise<void> {
  const report = await ready();
  const data = createNamesDataset({ seed: 0 });
  const model = createMlpCharModel({ data, contextSize: SIZES.context, embedding: SIZES.embedding, hidden: SIZES.hidden, seed: 0 });
  const opt = sgd({ lr: 0.1 });
  const rng = createRng(0);
  const step = () => {
    const batch = model.batch(rng, SIZES.batch);
    const loss = opt.minimize(() => model.loss(batch), true, model.params)!;
    loss.dataSync();
    tf.dispose([batch, loss]);
  };
  for (let i = 0; i < 30; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const out: Result = {
    backend: report.name,
    msPerStep: times[Math.floor(times.length / 2)],
    steps,
    params: model.numParams,
    detail: describeBackend(report),
    profile: await profileSteps(step, 7),
  };
  console.log(JSON.stringify(out));
}

function child(steps: number): { result?: Result; error?: string } {
  const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--child", String(steps)], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  const last = (run.stdout || "").trim().split("\n").pop() || "";
  try {
    return { result: JSON.parse(last) as Result };
  } catch {
    return { error: ((run.stderr || "") + last).trim().split("\n").slice(-3).join(" | ") };
  }
}

const VARIANTS = torchVariants(process.env, openblasCoreFor(cpuFlags()));
function torchRuns(): { result?: TorchRun; error?: string }[] {
  return VARIANTS.flatMap((v) => [1, 2].map((threads) => runTorch(root, v, ["--steps", "300", "--warmup", "30", "--threads", String(threads)], "mlp_step.py")));
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return measure(Number(process.argv[3]));
  const steps = Number(process.env.MLP_BENCH_STEPS ?? 300);
  const { batch, context, embedding, hidden, vocab } = SIZES;
  console.log(`character MLP training step: vocab ${vocab} (names), context ${context}, embedding ${embedding}, hidden ${hidden}, batch ${batch}, SGD`);
  const before = torchRuns();
  const ours = child(steps);
  const after = torchRuns();
  const all = [...before, ...after];
  for (const t of all) if (t.result) console.log(`torch run: ${t.result.msPerStep.toFixed(3)} ms/step, torch ${t.result.threads} thread${t.result.threads > 1 ? "s" : ""}, ${describeAnchor(t.result)}`);
  const torch = fastest(all);
  if (torch) {
    console.log(`anchor: torch ${torch.msPerStep.toFixed(3)} ms/step, ${describeAnchor(torch)} (fastest of ${all.filter((t) => t.result).length} runs)`);
    for (const line of anchorWarnings(torch)) console.log(line);
  } else console.log(`torch not available: ${all.find((t) => t.error)?.error}`);
  if (!ours.result) {
    console.log(`ours: failed: ${ours.error}`);
    console.log("ratio default/torch: n/a");
    process.exit(1);
  }
  const r = ours.result;
  console.log(`${r.backend.padEnd(8)} ${r.msPerStep.toFixed(3)} ms/step (${r.steps} steps, ${r.params} params)\n         ${r.detail}`);
  const cpu = cpuPeak();
  const g = (ms: number) => FLOPS / ms / 1e6;
  console.log(`\nFLOPs per training step: ${(FLOPS / 1e6).toFixed(2)} MFLOP (3 x the forward matMuls; scripts/bench/flops.ts)`);
  console.log(
    `achieved: ${r.backend} ${g(r.msPerStep).toFixed(2)} GFLOP/s` +
      (torch ? `, torch ${g(torch.msPerStep).toFixed(2)} GFLOP/s` : "") +
      (cpu ? ` (peaks: wasm SIMD128 one core ${cpu.wasmOneCore.toFixed(1)}, native ${cpu.native.toFixed(0)}): a step this small is bound by per-op overhead, not FLOPs` : ""),
  );
  console.log(`\n${r.backend} ` + profileLines(r.profile, r.msPerStep, process.argv.includes("--profile")).join("\n"));
  console.log(
    torch
      ? `ratio default/torch: ${(r.msPerStep / torch.msPerStep).toFixed(2)} (${r.backend} ${r.msPerStep.toFixed(3)} ms vs torch ${torch.msPerStep.toFixed(3)} ms)`
      : `ratio default/torch: n/a (torch missing)`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
