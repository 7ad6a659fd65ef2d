// The contract between src/optimizers/adam.ts and a backend's fused Adam kernel: the kernel's
// name and attributes. Kept apart from the kernel so that the optimizers import no wasm code.

/** Registered for a backend (src/wasm registers it for wasm), the Adam family uses it. */
export const FUSED_ADAM = "LrLabFusedAdam";

/**
 * Attributes of one fused update. Inputs: param, grad, m, v (and vMax with amsgrad), float32 of
 * one shape. Outputs: the new param, m, v (and vMax). Each scalar is the double-precision value
 * the unfused update makes a float32 scalar of, so both paths round it the same way.
 */
export interface FusedAdamAttrs {
  [key: string]: number | boolean;
  /** 0: no weight decay; 1: decoupled (AdamW, p *= decay); 2: L2 (Adam, g += p * decay). */
  decayMode: number;
  decay: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  amsgrad: boolean;
  /** sqrt(1 - beta2^t). */
  bc2Sqrt: number;
  eps: number;
  /** -lr / (1 - beta1^t). */
  stepSize: number;
}
