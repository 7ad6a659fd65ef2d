// The PyTorch anchor of the GPT bench, made honest: torch's speed on the CPU depends on the BLAS
// Debian's alternatives give it (the reference libblas3 is ~6x slower than OpenBLAS here) and on
// OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE, which some machines set to keep old OpenBLAS builds safe.
// Each anchor says which BLAS, core type and thread counts it ran with; it is timed with the
// machine's settings and without them, and the faster is kept; a reference BLAS is a loud warning.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const PYTHON = "/usr/bin/python3";
const SETTINGS = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] as const;

export interface TorchRun {
  backend: "torch";
  version: string;
  threads: number;
  params: number;
  steps: number;
  msPerStep: number;
  tokensPerS: number;
  blas: { kind: "openblas" | "reference" | "mkl" | "unknown"; libraries: string[]; threads: number | null; coretype: string | null };
  env: Record<string, string>;
  /** Which environment the run had: "machine settings" or "without OPENBLAS_CORETYPE/L2_SIZE". */
  variant: string;
}

/**
 * The OpenBLAS core type that fits this CPU's ISA, from /proc/cpuinfo's flags: Debian's OpenBLAS
 * (0.3.21) does not know newer Xeons (Sapphire/Emerald Rapids, model 143/207) and falls back to
 * "Prescott" (SSE3 kernels): torch.mm 1024^2 ran at 11-30 GFLOP/s there, 60-134 with SkylakeX.
 */
export function openblasCoreFor(flags: string[]): string | undefined {
  if (flags.includes("avx512f") && flags.includes("avx512vl")) return "SkylakeX";
  if (flags.includes("avx2") && flags.includes("fma")) return "Haswell";
  return undefined;
}

/** This machine's CPU flags (first processor of /proc/cpuinfo), empty where unreadable. */
export function cpuFlags(): string[] {
  try {
    const line = fs.readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags"));
    return line ? line.split(":")[1].trim().split(/\s+/) : [];
  } catch {
    return [];
  }
}

/**
 * The environments to time torch in: as the machine has it, without its OpenBLAS settings when
 * it sets any, and with OPENBLAS_CORETYPE=`core` (the CPU's ISA, see openblasCoreFor) when given
 * and not already the machine's setting.
 */
export function torchVariants(env: NodeJS.ProcessEnv = process.env, core?: string): { variant: string; env: NodeJS.ProcessEnv }[] {
  const set = SETTINGS.filter((k) => env[k] !== undefined);
  const variants = [{ variant: set.length ? `machine settings (${set.map((k) => `${k}=${env[k]}`).join(" ")})` : "machine settings (no OPENBLAS_* set)", env }];
  if (set.length) {
    const without = { ...env };
    for (const k of set) delete without[k];
    variants.push({ variant: `without ${set.join("/")}`, env: without });
  }
  if (core && env.OPENBLAS_CORETYPE !== core) {
    const forced: NodeJS.ProcessEnv = { ...env, OPENBLAS_CORETYPE: core };
    delete forced.OPENBLAS_L2_SIZE;
    variants.push({ variant: `OPENBLAS_CORETYPE=${core} (the CPU's ISA)`, env: forced });
  }
  return variants;
}

/** Runs a script of scripts/reference (gpt_step.py unless `script` says otherwise) in one variant. */
export function runTorch(
  root: string,
  variant: { variant: string; env: NodeJS.ProcessEnv },
  args: string[],
  script = "gpt_step.py",
): { result?: TorchRun; error?: string } {
  if (!fs.existsSync(PYTHON)) return { error: `${PYTHON} not found (apt-get install python3-torch)` };
  const run = spawnSync(PYTHON, [path.join(root, "scripts/reference", script), ...args], { encoding: "utf8", env: variant.env });
  if (run.status !== 0) return { error: (run.stderr || "").trim().split("\n").pop() };
  return { result: { ...JSON.parse(run.stdout.trim().split("\n").pop()!), variant: variant.variant } };
}

/** The fastest run, or undefined when none ran. */
export function fastest(runs: { result?: TorchRun; error?: string }[]): TorchRun | undefined {
  return runs.flatMap((r) => (r.result ? [r.result] : [])).sort((a, b) => a.msPerStep - b.msPerStep)[0];
}

/** "OpenBLAS (core Haswell, 2 threads), torch 2 threads, machine settings (...)". */
export function describeAnchor(r: TorchRun): string {
  const b = r.blas;
  const blas =
    b.kind === "openblas" ? `OpenBLAS (core ${b.coretype ?? "?"}, ${b.threads ?? "?"} threads)` : b.kind === "reference" ? "the REFERENCE BLAS (libblas3)" : b.kind;
  return `${blas}, torch ${r.threads} threads, ${r.variant}`;
}

/** Lines to print when the anchor is not a fair one (empty when it is). */
export function anchorWarnings(r: TorchRun): string[] {
  if (r.blas.kind === "openblas" || r.blas.kind === "mkl") return [];
  const what = r.blas.kind === "reference" ? "Debian's reference BLAS (libblas3, unoptimised loops)" : `an unrecognised BLAS (${r.blas.libraries.join(", ") || "none found"})`;
  return [
    "!".repeat(96),
    `!! WARNING: torch ran on ${what}. The anchor is several times slower than a fair one,`,
    "!! so the ratio below flatters tfjs. Install OpenBLAS and re-run: sudo apt-get install libopenblas0-pthread",
    "!".repeat(96),
  ];
}
