// tf.sum over leading axes (every bias gradient: dy [rows, cols] summed over rows) on wasm:
// tfjs 4.22's kernel first transposes the input so the reduced axes come last, a full copy,
// then sums. Our SIMD kernel sums the columns where they lie, in the same order (row by row,
// float32; axes listed out of order make tfjs sum in that order instead), so results are
// unchanged. Other reductions stay with the original kernel.
import { KernelFunc, Sum, TensorInfo, backend_util, util } from "@tensorflow/tfjs-core";
import { WasmBackendData } from "./backend-data";
import { KernelSwap } from "./kernel-swap";
import { simdKernels } from "./simd-kernels";

type Args = { inputs: { x: TensorInfo }; backend: WasmBackendData; attrs: { axis: number | number[]; keepDims: boolean } };

/** The number of leading axes reduced, or 0 when the axes are not exactly the leading ones. */
function leadingAxes(shape: number[], axis: number | number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length === shape.length || axes.some((a, i) => a !== i)) return 0;
  return axes.length;
}

function columnSum(args: Args): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const lead = x.dtype === "float32" ? leadingAxes(x.shape, attrs.axis) : 0;
  if (lead === 0 || util.sizeFromShape(x.shape) === 0) return swap.original(Sum)(args as never) as TensorInfo;
  const rows = util.sizeFromShape(x.shape.slice(0, lead));
  const cols = util.sizeFromShape(x.shape.slice(lead));
  const outShape = attrs.keepDims ? backend_util.expandShapeToKeepDim(x.shape.slice(lead), Array.from({ length: lead }, (_, i) => i)) : x.shape.slice(lead);
  const out = backend.makeOutput(outShape, "float32");
  const vecCols = cols - (cols % 4);
  simdKernels(backend).columnSum(
    backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId), rows, cols * 4, Math.floor(cols / 16) * 64, vecCols * 4,
  );
  if (vecCols < cols) {
    const xs = backend.typedArrayFromHeap(x);
    const sums = backend.typedArrayFromHeap(out);
    for (let j = vecCols; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s = Math.fround(s + xs[i * cols + j]);
      sums[j] = s;
    }
  }
  return out;
}

const swap = new KernelSwap("column Sum", new Map<string, KernelFunc>([[Sum, columnSum as unknown as KernelFunc]]));

/** Replace the wasm Sum kernel: leading-axes float32 sums run on our SIMD kernel. Idempotent. */
export function installColumnSum(): void {
  swap.install();
}

/** Put the original back (for side-by-side benchmarks). Idempotent. */
export function uninstallColumnSum(): void {
  swap.uninstall();
}

export function columnSumInstalled(): boolean {
  return swap.installed();
}
