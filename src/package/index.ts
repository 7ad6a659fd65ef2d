// The installable library (packages/tfjs, built by `npm run pack`): what a TensorFlow.js program
// needs from Learning Rate Lab without the notebooks. Only tfjs-core is imported, and importing
// loads no backend. Callbacks for model.fit and the range test on a LayersModel are in ./fit.
export * from "../schedules/index";
export { sgd, SgdOptimizer } from "../optimizers/sgd";
export type { SgdOptions } from "../optimizers/sgd";
export { adam, AdamOptimizer } from "../optimizers/adam";
export type { AdamOptions } from "../optimizers/adam";
export { adamw, AdamWOptimizer } from "../optimizers/adamw";
export type { AdamWOptions } from "../optimizers/adamw";
export { rmsprop, RmspropOptimizer } from "../optimizers/rmsprop";
export type { RmspropOptions } from "../optimizers/rmsprop";
export { TorchOptimizer } from "../optimizers/base";
export type { CommonOptions } from "../optimizers/base";
export { clipGradNorm, globalNorm } from "../optimizers/clip";
export type { NamedGradient } from "../optimizers/clip";
export { applySchedule, scheduleDriver, ScheduleDriver } from "../optimizers/schedule-binding";
export type { LearningRateTarget, PlateauController, ScheduleDriverOptions, StepSchedule } from "../optimizers/schedule-binding";
export { train, trainSync } from "../train/train";
export type { EndReason, EvalRecord, History, LrOptimizer, StepRecord, TrainCallbacks, TrainOptions } from "../train/types";
export type { Model } from "../models/model";
export type { Batch, Split } from "../data/types";
export { lrFinder, lrFinderSync, rangeTestLr } from "../lr-finder/lr-finder";
export type { LrFinderOptions, LrFinderPoint, LrFinderResult, LrFinderStop } from "../lr-finder/lr-finder";
export { suggest, suggestMinimum, suggestSteep, suggestValley } from "../lr-finder/suggestions";
export type { LrSuggestion, LrSuggestions } from "../lr-finder/suggestions";
