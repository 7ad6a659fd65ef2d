// Learning Rate Lab: the library that the notebooks (and any tfjs training loop) import.
import { staleBuildWarning } from "./build-info";

// A notebook importing an out-of-date compiled copy (notebooks/src) would silently run old code.
const stale = staleBuildWarning();
if (stale) console.warn(stale);

export * from "./backend";
export * from "./random";
export * from "./check";
export * from "./noise-scale";
export * from "./schedules/index";
export * from "./optimizers/index";
export * from "./models/index";
export * from "./data/index";
export * from "./params";
export * from "./plot/index";
export * from "./progress";
export * from "./table";
export * from "./wasm/index";
export * from "./train/index";
export * from "./lr-finder/index";
export * from "./sweep/index";
export * from "./danfo";
export * from "./train/sharpness";
export * from "./lessons/adaptive-optimizers";
