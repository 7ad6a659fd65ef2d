// Sweeps over grids of configurations in worker processes, cached on disk.
export { sweep, sweepRecord, toDataFrame } from "./sweep";
export type { SweepOptions, SweepProgress, SweepRun, SweepRecord, SweepResult } from "./sweep";
export { expandGrid, canonicalJson } from "./grid";
export type { Json as JsonValue, Config as SweepConfig, Grid as SweepGrid } from "./grid";
export { registerExperiment, experimentNames, resolveExperiment, runExperiment, trainFromConfig } from "./experiments";
export type { Experiment, ExperimentRef, RunOutcome, Metrics } from "./experiments";
export { optimizerFromSpec, scheduleFromSpec, OPTIMIZER_NAMES, SCHEDULE_NAMES } from "./factories";
export { RunCache, runKey, CACHE_FORMAT } from "./cache";
export { projectRoot } from "./paths";
export { compareArms, finalLoss } from "./compare";
export type { Arm, ArmResult, CompareArmsOptions, CompareArmsResult } from "./compare";
