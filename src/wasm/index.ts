// Fixes that let our models train fast on tfjs's wasm backend. src/backend.ts registers
// WASM_FIXES (registerBackendFix) and applies them whenever ready() activates wasm. Only a type
// comes from ../backend: a runtime import cycle would break tslab's module loader (it recurses).
import { getKernel, registerKernel } from "@tensorflow/tfjs-core";
import type { BackendFix } from "../backend";
import { installFastMatMul } from "./fast-matmul";
import { unsortedSegmentSumWasmConfig } from "./unsorted-segment-sum";
import { installZeroCopy } from "./zero-copy";
import { installFusedAdam } from "./fused-adam";
import { installColumnSum } from "./column-sum";
import { installGatherRows } from "./gather-rows";
import { installLayerNorm } from "./layer-norm";
import { installSplitRows } from "./split-rows";

export {
  installFastMatMul,
  uninstallFastMatMul,
  fastMatMulInstalled,
  matMulRoute,
  withBatchSplitMinWork,
  BATCH_SPLIT_MIN_WORK,
  setSimdMatMul,
} from "./fast-matmul";
export type { MatMulRoute, SimdMatMulMode } from "./fast-matmul";
export { unsortedSegmentSumWasm } from "./unsorted-segment-sum";
export { fmaActive, fmaRequested, relaxedSimdSupported, setFastFma } from "./simd-kernels";
export { installZeroCopy, uninstallZeroCopy, zeroCopyInstalled } from "./zero-copy";
export { installFusedAdam, uninstallFusedAdam, fusedAdamInstalled } from "./fused-adam";
export { installColumnSum, uninstallColumnSum, columnSumInstalled } from "./column-sum";
export { installGatherRows, uninstallGatherRows, gatherRowsInstalled } from "./gather-rows";
export { installLayerNorm, uninstallLayerNorm, layerNormInstalled } from "./layer-norm";
export { installSplitRows, uninstallSplitRows, splitRowsInstalled } from "./split-rows";
export { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from "./layer-norm-contract";
export { FUSED_ADAM } from "./fused-adam-contract";
export type { FusedAdamAttrs } from "./fused-adam-contract";

/** Register the UnsortedSegmentSum kernel for wasm (gradient of tf.gather) unless one exists. */
export function installUnsortedSegmentSum(): void {
  const { kernelName, backendName } = unsortedSegmentSumWasmConfig;
  if (!getKernel(kernelName, backendName)) registerKernel(unsortedSegmentSumWasmConfig);
}

export const WASM_FIX_SEGMENT_SUM = "wasm UnsortedSegmentSum kernel (tf.gather gradient)";
export const WASM_FIX_FAST_MATMUL = "wasm matMul with transposes/batches on XNNPACK or our SIMD kernel";
export const WASM_FIX_ZERO_COPY = "wasm Identity/Cast without copies";
export const WASM_FIX_FUSED_ADAM = "wasm fused Adam/AdamW update (one kernel per parameter)";
export const WASM_FIX_COLUMN_SUM = "wasm sum over leading axes without a transpose";
export const WASM_FIX_GATHER_ROWS = "wasm gather of rows by direct copies";
export const WASM_FIX_LAYER_NORM = "wasm fused layer norm (forward and gradient kernels)";
export const WASM_FIX_SPLIT_ROWS = "wasm split by direct copies";

/** What ready() applies when it activates wasm; each `apply` is idempotent. */
export const WASM_FIXES: readonly BackendFix[] = [
  { backend: "wasm", description: WASM_FIX_SEGMENT_SUM, apply: installUnsortedSegmentSum },
  { backend: "wasm", description: WASM_FIX_FAST_MATMUL, apply: installFastMatMul },
  { backend: "wasm", description: WASM_FIX_ZERO_COPY, apply: installZeroCopy },
  { backend: "wasm", description: WASM_FIX_FUSED_ADAM, apply: installFusedAdam },
  { backend: "wasm", description: WASM_FIX_COLUMN_SUM, apply: installColumnSum },
  { backend: "wasm", description: WASM_FIX_GATHER_ROWS, apply: installGatherRows },
  { backend: "wasm", description: WASM_FIX_LAYER_NORM, apply: installLayerNorm },
  { backend: "wasm", description: WASM_FIX_SPLIT_ROWS, apply: installSplitRows },
];
