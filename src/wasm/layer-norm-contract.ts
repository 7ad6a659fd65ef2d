// The contract between src/models/gpt.ts and a backend's fused layer-norm kernels: their names
// and tensors. Kept apart from the kernels so that the models import no wasm code.

/**
 * Inputs x [..., C], gain [C], bias [C]; attribute eps. Outputs y (x's shape), and per row
 * (x seen as [rows, C]) the mean [rows] and 1 / sqrt(variance + eps) [rows] for the gradient.
 */
export const FUSED_LAYER_NORM = "LrLabLayerNorm";

/** Inputs dy, x, gain, mean, rstd (as above). Outputs dx, dgain, dbias. */
export const FUSED_LAYER_NORM_GRAD = "LrLabLayerNormGrad";
