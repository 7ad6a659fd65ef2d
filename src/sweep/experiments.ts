// Named experiments: a function from a JSON configuration to a finished run. A worker process
// finds an experiment by name here, after loading the caller's module when one is given, so
// that any configuration can be rebuilt from its JSON alone.
import type { History } from "../train/types";
import { trainSync } from "../train/train";
import { createQuadratic } from "../models/quadratic";
import { createNoisyQuadratic } from "../models/noisy-quadratic";
import { createMlpCharModel } from "../models/mlp-char";
import { createGpt } from "../models/gpt";
import { createNamesDataset } from "../data/text-dataset";
import type { Model } from "../models/model";
import type { Config, Json } from "./grid";
import { optimizerFromSpec, scheduleFromSpec } from "./factories";

/** Scalar results an experiment adds to its row of the sweep table. */
export type Metrics = { [name: string]: number | string | boolean | null };

export interface RunOutcome {
  history: History;
  metrics?: Metrics;
}

export type Experiment = (config: Config) => RunOutcome | Promise<RunOutcome>;

/** Which experiment a sweep runs: a built-in name, or a name registered by `module` when loaded. */
export type ExperimentRef = string | { name: string; module: string };

const registry = new Map<string, Experiment>();

/** Make `fn` runnable by name in sweeps. A module passed as `run.module` calls this when loaded. */
export function registerExperiment(name: string, fn: Experiment): void {
  if (typeof name !== "string" || name.length === 0) throw new RangeError("experiment name must be a non-empty string");
  if (typeof fn !== "function") throw new RangeError(`experiment "${name}" must be a function config -> { history }`);
  registry.set(name, fn);
}

export function experimentNames(): string[] {
  return [...registry.keys()];
}

export function refName(ref: ExperimentRef): string {
  return typeof ref === "string" ? ref : ref.name;
}

/** The experiment `ref` names, loading its module first (which registers it, or exports it by name). */
export function resolveExperiment(ref: ExperimentRef): Experiment {
  if (typeof ref !== "string") {
    if (!ref || typeof ref.name !== "string" || typeof ref.module !== "string") {
      throw new RangeError('run must be an experiment name or { name, module: "/absolute/path/to/module" }');
    }
    // Already registered (e.g. a notebook imported the module): no require. In a tslab kernel the
    // module is held by tslab's own loader, and a plain require of its .ts path would fail.
    if (!registry.has(ref.name)) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const mod = require(ref.module) as Record<string, unknown>;
      if (!registry.has(ref.name) && typeof mod[ref.name] === "function") registry.set(ref.name, mod[ref.name] as Experiment);
    }
  }
  const name = refName(ref);
  const fn = registry.get(name);
  if (!fn) throw new RangeError(`unknown experiment "${name}"; known: ${experimentNames().join(", ")}`);
  return fn;
}

export async function runExperiment(ref: ExperimentRef, config: Config): Promise<RunOutcome> {
  const out = await resolveExperiment(ref)(config);
  if (!out || typeof out !== "object" || !out.history || !Array.isArray(out.history.steps)) {
    throw new TypeError(`experiment "${refName(ref)}" must return { history, metrics? }`);
  }
  return out;
}

// Reading typed settings out of a configuration, with defaults and clear errors.
export function num(config: Config, key: string, fallback?: number): number {
  const v = config[key] ?? fallback;
  if (typeof v !== "number") throw new RangeError(`config.${key} must be a number; got ${JSON.stringify(config[key])}`);
  return v;
}
export function numbers(config: Config, key: string, fallback: number[]): number[] {
  const v: Json = config[key] ?? fallback;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number")) throw new RangeError(`config.${key} must be an array of numbers`);
  return v as number[];
}

/** Train `model` as the configuration says (lr, optimizer, schedule, steps, batchSize, seed, ...). */
export function trainFromConfig(model: Model, config: Config, defaults: { steps: number; batchSize: number; evalEvery?: number }): History {
  const lr = num(config, "lr");
  const steps = num(config, "steps", defaults.steps);
  const clip = config.clipNorm;
  return trainSync({
    model,
    optimizer: optimizerFromSpec(config.optimizer, lr),
    schedule: scheduleFromSpec(config.schedule, lr, steps),
    steps,
    batchSize: num(config, "batchSize", defaults.batchSize),
    seed: num(config, "seed", 0),
    evalEvery: config.evalEvery === undefined ? defaults.evalEvery : num(config, "evalEvery"),
    clipNorm: typeof clip === "number" ? clip : undefined,
  });
}

// Built-in experiments.

/** A quadratic bowl (eigenvalues, default [1, 10]); `noise: true` uses the noisy quadratic model. */
registerExperiment("quadratic", (config) => {
  const eigenvalues = numbers(config, "eigenvalues", [1, 10]);
  const model = config.noise === true ? createNoisyQuadratic({ curvatures: eigenvalues }) : createQuadratic({ eigenvalues });
  try {
    const history = trainFromConfig(model, config, { steps: 100, batchSize: 1 });
    return { history, metrics: { maxStableLr: 2 / Math.max(...eigenvalues) } };
  } finally {
    model.dispose();
  }
});

/**
 * The MLP character model on the names corpus (makemore style). Settings: words (a subset size),
 * contextSize, embedding, hidden, modelSeed, plus the training ones.
 */
// A worker runs many configurations: read and split the corpus once per process.
let namesData: ReturnType<typeof createNamesDataset> | null = null;

function namesFor(config: Config) {
  const full = (namesData ??= createNamesDataset({ seed: 0 }));
  return typeof config.words === "number" ? full.subset(config.words, 0) : full;
}

registerExperiment("mlp-names", (config) => {
  const data = namesFor(config);
  const model = createMlpCharModel({
    data,
    contextSize: num(config, "contextSize", 3),
    embedding: num(config, "embedding", 10),
    hidden: num(config, "hidden", 64),
    seed: num(config, "modelSeed", 0),
  });
  try {
    return { history: trainFromConfig(model, config, { steps: 200, batchSize: 32 }), metrics: { params: model.numParams } };
  } finally {
    model.dispose();
  }
});

/**
 * The tiny GPT on the names corpus. Settings: words (a subset size), blockSize (16), width (64),
 * heads (4), layers (2), tieWeights (false), modelSeed (0), evalWindows (128), plus the training
 * ones (default optimizer adamw when none is given).
 */
registerExperiment("gpt-names", (config) => {
  const model = createGpt({
    data: namesFor(config),
    blockSize: num(config, "blockSize", 16),
    width: num(config, "width", 64),
    heads: num(config, "heads", 4),
    layers: num(config, "layers", 2),
    tieWeights: config.tieWeights === true,
    seed: num(config, "modelSeed", 0),
    evalWindows: num(config, "evalWindows", 128),
  });
  try {
    const withOptimizer = config.optimizer === undefined ? { ...config, optimizer: "adamw" } : config;
    return { history: trainFromConfig(model, withOptimizer, { steps: 200, batchSize: 32 }), metrics: { params: model.numParams } };
  } finally {
    model.dispose();
  }
});
