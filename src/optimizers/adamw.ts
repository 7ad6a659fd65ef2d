// torch.optim.AdamW: Adam's update with decoupled weight decay p *= 1 - lr * weightDecay, applied
// before the moment update (see adam.ts for the whole rule). Default weightDecay 1e-2, as PyTorch.
import * as tf from "@tensorflow/tfjs-core";
import { AdamFamilyOptimizer, AdamOptions } from "./adam";

export type AdamWOptions = AdamOptions;

export class AdamWOptimizer extends AdamFamilyOptimizer {
  static readonly className = "LrLabAdamW";
  protected readonly decoupled = true;

  constructor(options: AdamWOptions = {}) {
    super("adamw", options, 1e-2);
  }
}
tf.serialization.registerClass(AdamWOptimizer);

/** torch.optim.AdamW (decoupled weight decay, multiplied by lr) with a writable `learningRate`. */
export function adamw(options: AdamWOptions = {}): AdamWOptimizer {
  return new AdamWOptimizer(options);
}
