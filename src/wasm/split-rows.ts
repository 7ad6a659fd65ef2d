// tf.split on wasm (the q, k, v split of attention): tfjs 4.22 slices each part with its Slice
// kernel, 0.35 ms to split [512, 192] into three here. Copying each part's run of every outer
// row with one typed-array `set` takes about a third of that. Numeric dtypes only; strings go to
// the original kernel.
import { KernelFunc, SplitV, TensorInfo, backend_util, util } from "@tensorflow/tfjs-core";
import { WasmBackendData } from "./backend-data";
import { KernelSwap } from "./kernel-swap";

type Args = { inputs: { x: TensorInfo }; backend: WasmBackendData; attrs: { numOrSizeSplits: number | number[]; axis: number } };

function splitRows(args: Args): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype === "string" || x.dtype === "complex64") return swap.original(SplitV)(args as never) as TensorInfo[];
  const axis = util.parseAxisParam(attrs.axis, x.shape)[0];
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits, axis);
  const outer = util.sizeFromShape(x.shape.slice(0, axis));
  const inner = util.sizeFromShape(x.shape.slice(axis + 1));
  const rowLength = x.shape[axis] * inner;
  const outs = sizes.map((s) => backend.makeOutput(x.shape.map((d, i) => (i === axis ? s : d)), x.dtype));
  // Views after every makeOutput: an allocation can grow the heap and detach older views.
  const from = backend.typedArrayFromHeap(x);
  let offset = 0;
  outs.forEach((out, j) => {
    const run = sizes[j] * inner;
    const to = backend.typedArrayFromHeap(out);
    for (let r = 0; r < outer; r++) to.set(from.subarray(r * rowLength + offset, r * rowLength + offset + run), r * run);
    offset += run;
  });
  return outs;
}

const swap = new KernelSwap("split rows", new Map<string, KernelFunc>([[SplitV, splitRows as unknown as KernelFunc]]));

/** Replace the wasm SplitV kernel by direct copies. Idempotent. */
export function installSplitRows(): void {
  swap.install();
}

/** Put the original back (for side-by-side benchmarks). Idempotent. */
export function uninstallSplitRows(): void {
  swap.uninstall();
}

export function splitRowsInstalled(): boolean {
  return swap.installed();
}
