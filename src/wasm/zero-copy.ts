// tfjs's engine clones every tensor a gradient needs (saveTensorsForBackwardMode -> clone ->
// Identity kernel), and gradients cast operands to their own dtype (Multiply's and RealDiv's
// gradients call cast(b, "float32")). The cpu backend answers both with a view of the same data;
// the wasm backend of tfjs 4.22 copies the whole buffer each time: 187 Identity and 48 Cast
// copies per tiny-GPT training step. Nothing writes tensor data in place (variables get new data
// on assign), so sharing the data, reference-counted as the wasm Reshape kernel does, is safe.
import { Cast, Identity, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import { WasmBackendData, viewAs } from "./backend-data";
import { KernelSwap } from "./kernel-swap";

type Args = { inputs: { x: TensorInfo }; backend: WasmBackendData; attrs?: { dtype?: string } };

function identityView(args: Args): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === "string") return swap.original(Identity)(args as never) as TensorInfo;
  return viewAs(args.backend, x, x.shape);
}

/** A cast to the dtype x already has is a view; real conversions stay with the original kernel. */
function castView(args: Args): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype !== "string" && args.attrs?.dtype === x.dtype) return viewAs(args.backend, x, x.shape);
  return swap.original(Cast)(args as never) as TensorInfo;
}

const swap = new KernelSwap(
  "zero-copy Identity/Cast",
  new Map<string, KernelFunc>([
    [Identity, identityView as unknown as KernelFunc],
    [Cast, castView as unknown as KernelFunc],
  ]),
);

/** Replace the wasm Identity and Cast kernels by views for same-dtype calls. Idempotent. */
export function installZeroCopy(): void {
  swap.install();
}

/** Put the copying originals back (for side-by-side benchmarks). Idempotent. */
export function uninstallZeroCopy(): void {
  swap.uninstall();
}

export function zeroCopyInstalled(): boolean {
  return swap.installed();
}
