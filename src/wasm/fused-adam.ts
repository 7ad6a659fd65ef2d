// One kernel call per parameter for the whole Adam/AdamW update on wasm, instead of about
// fifteen elementwise ops (each a kernel call through the engine, each a pass over memory).
// The result is bit-identical to the unfused tfjs ops: the same float32 operations in the same
// order (SIMD body in src/wasm/simd-kernels; the last size % 4 entries in JS, where rounding
// every double result with Math.fround reproduces float32 arithmetic exactly for + - * / sqrt).
import { KernelConfig, KernelFunc, TensorInfo, getKernel, registerKernel, unregisterKernel, util } from "@tensorflow/tfjs-core";
import { WasmBackendData } from "./backend-data";
import { FUSED_ADAM, FusedAdamAttrs } from "./fused-adam-contract";
import { simdKernels } from "./simd-kernels";

type Inputs = { param: TensorInfo; grad: TensorInfo; m: TensorInfo; v: TensorInfo; vMax?: TensorInfo };

function fusedAdamWasm(args: { inputs: Inputs; backend: WasmBackendData; attrs: FusedAdamAttrs }): TensorInfo[] {
  const { inputs, backend, attrs: a } = args;
  const { param, grad, m, v, vMax } = inputs;
  const list = vMax ? [param, grad, m, v, vMax] : [param, grad, m, v];
  for (const t of list) {
    if (t.dtype !== "float32" || !util.arraysEqual(t.shape, param.shape)) {
      throw new RangeError(`${FUSED_ADAM}: inputs must be float32 of the param's shape [${param.shape}]; got ${t.dtype} [${t.shape}]`);
    }
  }
  if (a.amsgrad && !vMax) throw new RangeError(`${FUSED_ADAM}: amsgrad needs the vMax input`);
  const outs = (a.amsgrad ? [param, m, v, vMax!] : [param, m, v]).map((t) => backend.makeOutput(t.shape, "float32"));
  const ptr = (t: TensorInfo | undefined) => (t ? backend.getMemoryOffset(t.dataId) : 0);
  const size = util.sizeFromShape(param.shape);
  const vectorPart = size - (size % 4);
  simdKernels(backend).adam(
    ptr(param), ptr(grad), ptr(m), ptr(v), ptr(vMax), ptr(outs[0]), ptr(outs[1]), ptr(outs[2]), ptr(outs[3]),
    vectorPart * 4, a.decayMode, a.amsgrad ? 1 : 0,
    a.decay, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.bc2Sqrt, a.eps, a.stepSize,
  );
  if (vectorPart < size) adamTail(backend, list, outs, vectorPart, size, a);
  return outs;
}

/** Entries [from, to) in JS, every operation rounded to float32 as the ops would. */
function adamTail(backend: WasmBackendData, ins: TensorInfo[], outs: TensorInfo[], from: number, to: number, a: FusedAdamAttrs): void {
  const f = Math.fround;
  const [p, g, m, v, vMax] = ins.map((t) => backend.typedArrayFromHeap(t));
  const [pOut, mOut, vOut, vMaxOut] = outs.map((t) => backend.typedArrayFromHeap(t));
  const [decay, beta1, omb1, beta2, omb2, bc2s, eps, step] = [a.decay, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.bc2Sqrt, a.eps, a.stepSize].map(f);
  for (let i = from; i < to; i++) {
    let pi = p[i];
    let gi = g[i];
    if (a.decayMode === 1) pi = f(pi * decay);
    else if (a.decayMode === 2) gi = f(gi + f(pi * decay));
    const mi = f(f(m[i] * beta1) + f(gi * omb1));
    let vi = f(f(v[i] * beta2) + f(f(gi * omb2) * gi));
    mOut[i] = mi;
    vOut[i] = vi;
    if (a.amsgrad) {
      vi = Math.max(vMax[i], vi);
      vMaxOut[i] = vi;
    }
    const denom = f(f(f(Math.sqrt(vi)) / bc2s) + eps);
    pOut[i] = f(pi + f(f(mi / denom) * step));
  }
}

const config: KernelConfig = { kernelName: FUSED_ADAM, backendName: "wasm", kernelFunc: fusedAdamWasm as unknown as KernelFunc };

/** Register the fused Adam kernel for wasm (src/optimizers' Adam family then uses it). Idempotent. */
export function installFusedAdam(): void {
  if (!getKernel(FUSED_ADAM, "wasm")) registerKernel(config);
}

/** Remove it: the optimizers fall back to tfjs ops (for side-by-side benchmarks). Idempotent. */
export function uninstallFusedAdam(): void {
  if (getKernel(FUSED_ADAM, "wasm")) unregisterKernel(FUSED_ADAM, "wasm");
}

export function fusedAdamInstalled(): boolean {
  return getKernel(FUSED_ADAM, "wasm") !== undefined;
}
