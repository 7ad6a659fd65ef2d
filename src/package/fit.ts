// `lr-lab-tfjs/fit`: the model.fit side, which needs tfjs-layers (part of @tensorflow/tfjs and
// @tensorflow/tfjs-node): a schedule or reduce-on-plateau driving the compiled optimizer's rate,
// and the LR range test on a tf.LayersModel.
export { scheduleCallback, ScheduleCallback, plateauCallback, PlateauCallback } from "../optimizers/fit-callbacks";
export type { ScheduleCallbackOptions, PlateauCallbackOptions } from "../optimizers/fit-callbacks";
export { lrFinderFit } from "../lr-finder/fit-finder";
export type { LrFinderFitOptions } from "../lr-finder/fit-finder";
