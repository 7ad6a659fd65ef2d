// The wasm backend of tfjs 4.22 has no `UnsortedSegmentSum` kernel, and the gradient of
// `tf.gather` (every embedding lookup) is built on it, so embeddings cannot train on wasm.
// This kernel sums the rows of x into segments directly on the wasm heap, in one pass.
import { KernelConfig, KernelFunc, TensorInfo, UnsortedSegmentSum, util } from "@tensorflow/tfjs-core";
import { WasmBackendData } from "./backend-data";

/**
 * out[s, ...] = sum of x[i, ...] over the rows i (of the leading segmentIds.shape dims) with
 * segmentIds[i] = s. Rows whose id is outside [0, numSegments) are dropped, as tfjs's cpu kernel
 * does. The output keeps x's dtype (TensorFlow's rule; tfjs-cpu returns float32 for int32 x).
 */
export function unsortedSegmentSumWasm(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: WasmBackendData;
  attrs: { numSegments: number };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new RangeError(`numSegments must be an integer >= 0; got ${numSegments}`);
  }
  if (segmentIds.dtype !== "int32") {
    throw new RangeError(`segmentIds must have dtype int32; got ${segmentIds.dtype}`);
  }
  if (x.dtype !== "float32" && x.dtype !== "int32") {
    throw new RangeError(`x must have dtype float32 or int32 for UnsortedSegmentSum on wasm; got ${x.dtype}`);
  }
  const idsRank = segmentIds.shape.length;
  if (idsRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new RangeError(
      `segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  const rows = util.sizeFromShape(segmentIds.shape);
  const inner = util.sizeFromShape(x.shape.slice(idsRank));
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idsRank)], x.dtype);
  // Views are taken after makeOutput: an allocation can grow the heap and detach older views.
  const outVals = backend.typedArrayFromHeap(out);
  const xVals = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  outVals.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const from = r * inner;
    const to = s * inner;
    for (let k = 0; k < inner; k++) outVals[to + k] += xVals[from + k];
  }
  return out;
}

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: "wasm",
  kernelFunc: unsortedSegmentSumWasm as unknown as KernelFunc,
};
