// Training: the loop, its history, and the pieces it is built from.
export { train, trainSync, checkTrainOptions } from "./train";
export type {
  LrOptimizer,
  StepRecord,
  EvalRecord,
  EarlyStoppingOptions,
  DivergenceOptions,
  TrainCallbacks,
  TrainOptions,
  EndReason,
  History,
} from "./types";
export { summarize, formatLoss, stepColumns, smooth } from "./history";
export { trainStep, updateRatio } from "./step";
export type { StepValues } from "./step";
export { divergenceReason, DEFAULT_DIVERGENCE_FACTOR } from "./divergence";
export { EarlyStopper } from "./early-stopping";
export { getLearningRate, setLearningRate } from "./learning-rate";
export { snapshotVariables, snapshotOptimizer } from "./snapshot";
export type { VariableSnapshot, OptimizerSnapshot } from "./snapshot";
export { branchedRun, joinHistories, batchSeed } from "./branch";
export type { Branch, BranchedRunOptions, BranchedRun } from "./branch";
