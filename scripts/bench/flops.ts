// FLOP counts of one training step, the machine's peak (theoretical from /proc/cpuinfo, measured
// on our wasm SIMD matMul kernel and on torch.mm), and a per-kernel profile of one tfjs step:
// shared by gpt-step.bench.ts and mlp-step.bench.ts.
import * as fs from "fs";
import * as tf from "@tensorflow/tfjs-core";

/**
 * FLOPs of one training step of the tiny GPT, counted from its matMul shapes (everything else
 * is O(tokens * width) and left out). Forward, per block, for N = B*T tokens:
 *   qkv 2*N*C*3C, proj 2*N*C*C, fc 2*N*C*4C, out 2*N*4C*C       = 2*N*12*C^2
 *   attention scores Q K^T and P V: 2 * (2*B*H*T*T*hd)          = 4*B*T*T*C
 * plus the head 2*N*C*V. A training step is taken as 3x the forward (the backward does two
 * matMuls of each forward one's size: dX = dY W^T and dW = X^T dY), the usual estimate.
 *   step = 3 * (L * (24*N*C^2 + 4*B*T^2*C) + 2*N*C*V)
 */
export function gptStepFlops(m: { batch: number; block: number; width: number; layers: number; vocab: number }): number {
  const N = m.batch * m.block;
  const C = m.width;
  const forward = m.layers * (24 * N * C * C + 4 * m.batch * m.block * m.block * C) + 2 * N * C * m.vocab;
  return 3 * forward;
}

/**
 * FLOPs of one training step of the character MLP (src/models/mlp-char.ts), from its matMuls:
 * forward 2*B*(n*d)*H + 2*B*H*V, times 3 for forward + backward. (The first layer's input
 * gradient, the embedding's, is needed too: the 3x keeps it.)
 */
export function mlpStepFlops(m: { batch: number; context: number; embedding: number; hidden: number; vocab: number }): number {
  return 3 * (2 * m.batch * m.context * m.embedding * m.hidden + 2 * m.batch * m.hidden * m.vocab);
}

export interface CpuPeak {
  model: string;
  cores: number;
  ghz: number;
  isa: string;
  /** fp32 FLOPs per cycle per core with the widest vector FMA of the ISA (2 FMA units assumed). */
  nativePerCycle: number;
  /** What WebAssembly SIMD (128-bit, 4 lanes) can issue per cycle per core: mul + add (2 ops, 2 FP ports) or a relaxed FMA. */
  wasmPerCycle: number;
  wasmFmaPerCycle: number;
  /** GFLOP/s: native (all cores), wasm SIMD128 on one core, with FMA on one core. */
  native: number;
  wasmOneCore: number;
  wasmFmaOneCore: number;
}

/**
 * Theoretical fp32 peak from /proc/cpuinfo: cores x GHz x FLOPs/cycle. Native: AVX-512 is
 * 16 lanes x 2 (FMA) x 2 FMA units = 64 per cycle (AVX2: 8 x 2 x 2 = 32). WebAssembly SIMD has
 * 4 lanes; without FMA a multiply-add is two instructions, and with two FP vector ports that is
 * 4 lanes x 2 FLOPs = 8 per cycle; relaxed-SIMD FMA doubles it to 16. "cpu MHz" under KVM is the
 * nominal clock (turbo may run higher); the GHz is what the kernel reports.
 */
export function cpuPeak(): CpuPeak | undefined {
  let text: string;
  try {
    text = fs.readFileSync("/proc/cpuinfo", "utf8");
  } catch {
    return undefined;
  }
  const field = (name: string) => text.split("\n").find((l) => l.startsWith(name))?.split(":")[1]?.trim();
  const cores = text.split("\n").filter((l) => l.startsWith("processor")).length;
  const mhz = Number(field("cpu MHz"));
  const flags = (field("flags") ?? "").split(/\s+/);
  if (!cores || !(mhz > 0)) return undefined;
  const ghz = mhz / 1000;
  const [isa, nativePerCycle] = flags.includes("avx512f") ? ["AVX-512", 64] : flags.includes("fma") ? ["AVX2+FMA", 32] : ["SSE", 8];
  return {
    model: field("model name") ?? "?",
    cores,
    ghz,
    isa,
    nativePerCycle,
    wasmPerCycle: 8,
    wasmFmaPerCycle: 16,
    native: cores * ghz * nativePerCycle,
    wasmOneCore: ghz * 8,
    wasmFmaOneCore: ghz * 16,
  };
}

/** GFLOP/s (best and median of `calls`) of tf.matMul on square float32 matrices, on the active backend. */
export function measureMatMulPeak(sizes: number[] = [256, 512], calls = 9): Record<string, { best: number; median: number }> {
  const out: Record<string, { best: number; median: number }> = {};
  for (const n of sizes) {
    const a = tf.randomNormal([n, n], 0, 1, "float32", 1);
    const b = tf.randomNormal([n, n], 0, 1, "float32", 2);
    const once = () => {
      const t0 = process.hrtime.bigint();
      const c = tf.matMul(a, b);
      c.dataSync();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      c.dispose();
      return ms;
    };
    once();
    once();
    const times = Array.from({ length: calls }, once).sort((x, y) => x - y);
    const flops = 2 * n ** 3;
    out[String(n)] = { best: flops / times[0] / 1e6, median: flops / times[Math.floor(calls / 2)] / 1e6 };
    tf.dispose([a, b]);
  }
  return out;
}

export interface KernelShare {
  name: string;
  ms: number;
  calls: number;
}

export interface StepProfile {
  /** Per kernel (and per BatchMatMul operand shapes, names starting with two spaces): median ms over the profiled steps. */
  kernels: KernelShare[];
  /** Median wall time of the profiled steps (they run slower than unprofiled ones). */
  wallMs: number;
  runs: number;
}

/**
 * tf.profile of `runs` training steps: each kernel's time summed within a step, then the median
 * over steps (a step that the OS descheduled shows up in one run, not in the median).
 */
export async function profileSteps(step: () => void, runs = 5): Promise<StepProfile> {
  const perRun: Map<string, { ms: number; calls: number }>[] = [];
  const walls: number[] = [];
  for (let r = 0; r < runs; r++) {
    const byKernel = new Map<string, { ms: number; calls: number }>();
    const t0 = process.hrtime.bigint();
    const info = await tf.profile(() => {
      step();
    });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    for (const k of info.kernels) {
      // matMuls are also listed by operand shapes: attention's small batched ones behave differently.
      const names = k.name === "BatchMatMul" ? [k.name, `  ${k.name} ${k.inputShapes.map((s) => `[${s}]`).join("x")}`] : [k.name];
      for (const name of names) {
        const e = byKernel.get(name) ?? { ms: 0, calls: 0 };
        e.ms += k.kernelTimeMs as number;
        e.calls += 1;
        byKernel.set(name, e);
      }
    }
    perRun.push(byKernel);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const names = new Set(perRun.flatMap((m) => [...m.keys()]));
  const kernels = [...names]
    .map((name) => ({
      name,
      ms: median(perRun.map((m) => m.get(name)?.ms ?? 0)),
      calls: median(perRun.map((m) => m.get(name)?.calls ?? 0)),
    }))
    .sort((a, b) => b.ms - a.ms);
  return { kernels, wallMs: median(walls), runs };
}

/** Which part of the work a kernel is, for the profile's summary. */
export function kernelGroup(name: string): string {
  if (/MatMul/.test(name)) return "matMul";
  if (/^(Reshape|Transpose|Identity|Concat|Split|SplitV|Slice|Pack|Unpack|Cast|Tile|GatherV2|Gather|UnsortedSegmentSum|Fill|ZerosLike|OnesLike)$/.test(name)) {
    return "layout (reshape, transpose, copy, gather)";
  }
  if (/^(Add|AddN|Sub|Multiply|RealDiv|Neg|Square|Sigmoid|Tanh|Exp|Log|Maximum|Minimum|Pow|Sqrt|Rsqrt|Step|Relu|Elu|Erf|Less|Greater|Equal|Select|SquaredDifference)$/.test(name)) {
    return "elementwise";
  }
  if (/^(Sum|Max|Min|Mean|Prod|ArgMax)$/.test(name) || /softmax/i.test(name)) return "reductions, softmax";
  if (/^LrLab/.test(name)) return "our fused kernels (layer norm, Adam)";
  return "other";
}

/** Lines of the profile: top kernels with shares, the grouped summary, and the time outside kernels. */
export function profileLines(p: StepProfile, stepMs: number, all: boolean): string[] {
  const kernels = p.kernels.filter((k) => !k.name.startsWith(" "));
  const total = kernels.reduce((s, k) => s + k.ms, 0);
  const pct = (ms: number) => ((100 * ms) / total).toFixed(1).padStart(5);
  const line = (k: KernelShare) => `  ${k.name.padEnd(40)} ${k.ms.toFixed(2).padStart(7)} ms ${pct(k.ms)}%  ${Math.round(k.calls)} calls`;
  const calls = kernels.reduce((s, k) => s + k.calls, 0);
  const out = [
    `per-kernel time of one step (tf.profile, median of ${p.runs} steps per kernel): kernels ${total.toFixed(1)} ms in ${Math.round(calls)} calls,` +
      ` profiled step ${p.wallMs.toFixed(1)} ms (unprofiled median ${stepMs.toFixed(1)} ms)`,
  ];
  (all ? kernels : kernels.slice(0, 12)).forEach((k) => out.push(line(k)));
  if (!all && kernels.length > 12) out.push(`  ... ${kernels.length - 12} more kernels (all of them: --profile)`);
  const groups = new Map<string, { ms: number; calls: number }>();
  for (const k of kernels) {
    const g = groups.get(kernelGroup(k.name)) ?? { ms: 0, calls: 0 };
    g.ms += k.ms;
    g.calls += k.calls;
    groups.set(kernelGroup(k.name), g);
  }
  out.push("by kind:");
  [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms).forEach(([name, g]) => out.push(line({ name, ...g })));
  const shapes = p.kernels.filter((k) => k.name.startsWith(" "));
  if (shapes.length) {
    out.push(`matMuls by operand shape (${all ? "all" : "top 6"}):`);
    (all ? shapes : shapes.slice(0, 6)).forEach((k) => out.push(line(k)));
  }
  return out;
}
