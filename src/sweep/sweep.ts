// Sweeps: every configuration of a grid, run in worker processes (both cores), cached on disk so
// that a re-run reuses finished runs and an interrupted sweep resumes, returned as plain records
// and as a danfojs DataFrame.
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import type { DataFrame } from "danfojs-node";
import { loadDanfo } from "../danfo";
import { ready } from "../backend";
import { Config, Grid, canonicalJson, checkJson, expandGrid } from "./grid";
import { RunCache, runKey } from "./cache";
import { ExperimentRef, RunOutcome, refName, resolveExperiment, runExperiment } from "./experiments";
import { runOnWorkers } from "./pool";
import { librarySourceHash, libraryVersion, projectRoot } from "./paths";

export interface SweepOptions {
  /** Values to try per key; every combination runs, e.g. { lr: [1e-3, 1e-2], seed: [0, 1] }. */
  grid?: Grid;
  /** Instead of (or after) the grid's combinations: an explicit list of configurations, each over `fixed`. */
  configs?: Config[];
  /** Settings shared by every run (steps, batchSize, ...); the grid's values override them. */
  fixed?: Config;
  /** The experiment: a built-in name ("quadratic", "mlp-names") or { name, module }. */
  run: ExperimentRef;
  /** Worker processes (default 2); 0 runs in this process, one after another. */
  workers?: number;
  /** Cache folder, relative to the project root (default "data/runs"); null: no cache. */
  cacheDir?: string | null;
  /** Called after every finished run (cached ones included). */
  onProgress?: (progress: SweepProgress) => void;
  /** Stop starting new runs; finished ones are cached and returned. */
  signal?: AbortSignal;
}

export interface SweepProgress {
  done: number;
  total: number;
  /** Of `done`, how many came from the cache. */
  cached: number;
  /** The run that just finished. */
  last: SweepRun;
}

export interface SweepRun {
  index: number;
  config: Config;
  /** Hash of experiment + configuration + versions: the cache file's name. */
  key: string;
  cached: boolean;
  outcome: RunOutcome;
}

/** One row of the sweep table: the configuration (non-scalar values as JSON) and the results. */
export type SweepRecord = { [column: string]: number | string | boolean | null };

export interface SweepResult {
  /** Every finished run in grid order, with its full history. */
  runs: SweepRun[];
  records: SweepRecord[];
  /** The records as a danfojs-node DataFrame. */
  frame: DataFrame;
  total: number;
  /** Runs computed now, and runs read from the cache. */
  ran: number;
  cached: number;
  /** True when the signal stopped the sweep before every run finished. */
  aborted: boolean;
  backend: string;
  seconds: number;
  summary: string;
}

function checkOptions(o: SweepOptions): { workers: number } {
  if (!o || typeof o !== "object") throw new RangeError("sweep needs an options object");
  if (o.grid === undefined && o.configs === undefined) throw new RangeError("sweep needs a grid ({ lr: [0.01, 0.1] }) or a list of configs");
  if (o.grid !== undefined && (!o.grid || typeof o.grid !== "object" || Array.isArray(o.grid)))
    throw new RangeError("grid must be an object of value lists, e.g. { lr: [0.01, 0.1] }");
  if (o.configs !== undefined && (!Array.isArray(o.configs) || o.configs.length === 0))
    throw new RangeError("configs must be a non-empty array of configuration objects");
  const workers = o.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be an integer >= 0; got ${workers}`);
  if (o.fixed !== undefined) checkJson("fixed", o.fixed);
  return { workers };
}

/** The row of a run: scalar config values as they are, others as canonical JSON, then the results. */
export function sweepRecord(run: SweepRun): SweepRecord {
  const row: SweepRecord = {};
  for (const [k, v] of Object.entries(run.config)) {
    row[k] = v !== null && typeof v === "object" ? canonicalJson(v) : (v as string | number | boolean | null);
  }
  const h = run.outcome.history;
  Object.assign(row, {
    diverged: h.diverged,
    divergedAt: h.divergedAt ?? null,
    endReason: h.endReason,
    stepsDone: h.stepsDone,
    initialLoss: h.initialLoss,
    finalTrainLoss: h.finalTrainLoss,
    finalValLoss: h.finalValLoss ?? null,
    bestValLoss: h.bestValLoss ?? null,
    bestValStep: h.bestValStep ?? null,
    seconds: h.seconds,
    cached: run.cached,
    summary: h.summary,
  });
  for (const [k, v] of Object.entries(run.outcome.metrics ?? {})) row[k] = v;
  return row;
}

/** The records as a danfojs-node DataFrame (danfojs loads on first use: it takes a second). */
export function toDataFrame(records: SweepRecord[]): DataFrame {
  return new (loadDanfo().DataFrame)(records);
}

/**
 * Run every configuration of `grid` (over `fixed`) through the experiment `run`:
 *
 *   const s = await sweep({ run: "mlp-names", grid: { lr: [1e-3, 1e-2, 1e-1], seed: [0, 1] },
 *                           fixed: { steps: 300 }, onProgress: (p) => console.log(`${p.done}/${p.total}`) });
 *   s.frame.print(); s.records; s.runs[0].outcome.history
 *
 * Runs go to `workers` processes; each finished run is written to `cacheDir` under a hash of the
 * experiment, its configuration, the library and tfjs versions and the backend, and read back
 * instead of re-run next time. Errors of single runs are collected and thrown at the end (after
 * the other runs are cached).
 */
export async function sweep(options: SweepOptions): Promise<SweepResult> {
  const { workers } = checkOptions(options);
  const started = performance.now();
  const fixed = options.fixed ?? {};
  const configs = [
    ...(options.grid ? expandGrid(options.grid, fixed) : []),
    ...(options.configs ?? []).map((c, i) => {
      checkJson(`configs[${i}]`, c);
      return { ...fixed, ...c };
    }),
  ];
  const name = refName(options.run);
  if (workers === 0 || typeof options.run !== "string") resolveExperiment(options.run); // fail fast on an unknown name
  const report = await ready();
  const version = `lr-lab ${libraryVersion()}+src.${librarySourceHash()} / tfjs ${tf.version_core} / ${report.name}`;
  const keyConfig = (c: Config): Config => (typeof options.run === "string" ? c : { ...c, __module: path.resolve(options.run.module) });
  const keys = configs.map((c) => runKey({ experiment: name, config: keyConfig(c), version }));
  const cacheDir = options.cacheDir === undefined ? "data/runs" : options.cacheDir;
  const cache = cacheDir === null ? null : new RunCache(path.resolve(projectRoot(), cacheDir));

  const runs: (SweepRun | undefined)[] = new Array(configs.length);
  const errors: string[] = [];
  let done = 0;
  let cachedCount = 0;
  const finish = (run: SweepRun) => {
    runs[run.index] = run;
    done++;
    if (run.cached) cachedCount++;
    options.onProgress?.({ done, total: configs.length, cached: cachedCount, last: run });
  };

  const todo: { index: number; config: Config }[] = [];
  configs.forEach((config, index) => {
    const hit = cache?.get(name, keys[index]) as { outcome?: RunOutcome } | undefined;
    if (hit && hit.outcome && hit.outcome.history) finish({ index, config, key: keys[index], cached: true, outcome: hit.outcome });
    else todo.push({ index, config });
  });

  const onResult = (index: number, outcome?: RunOutcome, error?: string) => {
    const config = configs[index];
    if (!outcome) {
      errors.push(`${canonicalJson(config)}: ${error}`);
      return;
    }
    cache?.put(name, keys[index], { experiment: name, config, version, outcome });
    finish({ index, config, key: keys[index], cached: false, outcome });
  };
  const stopped = () => options.signal?.aborted === true;

  let backend = report.name as string;
  if (todo.length > 0) {
    if (workers === 0) {
      for (const t of todo) {
        if (stopped()) break;
        try {
          onResult(t.index, await runExperiment(options.run, t.config));
        } catch (e) {
          onResult(t.index, undefined, e instanceof Error ? `${e.name}: ${e.message}` : String(e));
        }
      }
    } else {
      backend = await runOnWorkers(options.run, todo, workers, (r) => onResult(r.index, r.outcome, r.error), stopped) || backend;
    }
  }
  if (errors.length > 0) {
    throw new Error(`${errors.length} of ${configs.length} runs of "${name}" failed (finished runs are cached):\n${errors.join("\n")}`);
  }
  const finished = runs.filter((r): r is SweepRun => r !== undefined);
  const records = finished.map(sweepRecord);
  const seconds = (performance.now() - started) / 1000;
  const ran = finished.length - cachedCount;
  const aborted = finished.length < configs.length;
  const diverged = finished.filter((r) => r.outcome.history.diverged).length;
  const summary =
    `${name}: ${finished.length}/${configs.length} runs (${ran} run now on ${workers === 0 ? "this process" : `${Math.min(workers, Math.max(1, todo.length))} workers`}, ${cachedCount} cached)` +
    `${diverged ? `, ${diverged} diverged` : ""}${aborted ? ", aborted" : ""}, ${seconds.toFixed(1)} s`;
  return { runs: finished, records, frame: toDataFrame(records), total: configs.length, ran, cached: cachedCount, aborted, backend, seconds, summary };
}
