// Arms over seeds: the same experiment under several named settings (schedules, optimizers, ...),
// each run at every seed with everything else equal, through one cached sweep. The result gives
// per arm its runs and the seed statistics of one metric, ready for checkMargin and intervalChart.
import type { Config } from "./grid";
import { sweep, SweepResult, SweepRun } from "./sweep";
import type { ExperimentRef } from "./experiments";
import { SeedStats, seedStats } from "../check";

export interface Arm {
  /** A label for tables and figures, e.g. "cosine". */
  name: string;
  /** What differs in this arm, merged over `fixed` (and under the seed). */
  config: Config;
}

export interface CompareArmsOptions {
  run: ExperimentRef;
  arms: Arm[];
  /** Every arm runs at each of these seeds (default [0, 1, 2]). */
  seeds?: number[];
  /** Settings shared by every arm. */
  fixed?: Config;
  /** The number compared, per run; default the final validation loss (else the final train loss). */
  metric?: (run: SweepRun) => number;
  /** The config key the seed goes into (default "seed": batch order, and model init where it reads it). */
  seedKey?: string;
  workers?: number;
  cacheDir?: string | null;
  onProgress?: (done: number, total: number) => void;
}

export interface ArmResult {
  name: string;
  config: Config;
  /** One run per seed, in the order of `seeds`. */
  runs: SweepRun[];
  /** The metric of each run, in seed order. */
  values: number[];
  /** Statistics over seeds; null when a run diverged or gave a non-finite metric. */
  stats: SeedStats | null;
  /** Runs of this arm that diverged. */
  diverged: number;
}

export interface CompareArmsResult {
  arms: ArmResult[];
  /** Look an arm up by name (throws naming the known arms when missing). */
  arm(name: string): ArmResult;
  sweep: SweepResult;
}

/** The default metric: final validation loss when the run evaluated, else its final training loss. */
export function finalLoss(run: SweepRun): number {
  const h = run.outcome.history;
  return h.finalValLoss ?? h.finalTrainLoss;
}

/**
 *   const c = await compareArms({ run: "mlp-names", fixed: { lr: 0.3, steps: 600 },
 *     arms: [{ name: "constant", config: {} }, { name: "cosine", config: { schedule: "cosine" } }] });
 *   checkMargin("cosine ends below constant", c.arm("cosine").values, c.arm("constant").values, "final loss");
 */
export async function compareArms(options: CompareArmsOptions): Promise<CompareArmsResult> {
  const { arms, run } = options;
  if (!Array.isArray(arms) || arms.length === 0) throw new RangeError("arms must be a non-empty array of { name, config }");
  const names = new Set<string>();
  for (const a of arms) {
    if (!a || typeof a.name !== "string" || a.name === "") throw new RangeError("every arm needs a non-empty name");
    if (names.has(a.name)) throw new RangeError(`arm names must be unique; "${a.name}" appears twice`);
    if (!a.config || typeof a.config !== "object" || Array.isArray(a.config)) throw new RangeError(`arm "${a.name}": config must be an object`);
    names.add(a.name);
  }
  const seeds = options.seeds ?? [0, 1, 2];
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isInteger(s)))
    throw new RangeError(`seeds must be a non-empty array of integers; got ${JSON.stringify(seeds)}`);
  const seedKey = options.seedKey ?? "seed";
  const metric = options.metric ?? finalLoss;
  const configs = arms.flatMap((a) => seeds.map((seed) => ({ ...a.config, [seedKey]: seed })));
  const total = configs.length;
  const result = await sweep({
    run,
    configs,
    fixed: options.fixed,
    workers: options.workers,
    cacheDir: options.cacheDir,
    onProgress: options.onProgress ? (p) => options.onProgress!(p.done, total) : undefined,
  });
  if (result.aborted) throw new Error(`compareArms: the sweep stopped after ${result.runs.length} of ${total} runs`);
  const byIndex = new Map(result.runs.map((r) => [r.index, r]));
  const out: ArmResult[] = arms.map((a, i) => {
    const runs = seeds.map((_, j) => byIndex.get(i * seeds.length + j)!);
    const values = runs.map(metric);
    const diverged = runs.filter((r) => r.outcome.history.diverged).length;
    const stats = diverged === 0 && values.every(Number.isFinite) ? seedStats(values) : null;
    return { name: a.name, config: a.config, runs, values, stats, diverged };
  });
  return {
    arms: out,
    arm(name: string) {
      const found = out.find((a) => a.name === name);
      if (!found) throw new RangeError(`no arm "${name}"; arms: ${out.map((a) => a.name).join(", ")}`);
      return found;
    },
    sweep: result,
  };
}
