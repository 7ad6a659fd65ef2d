// Layer norm as two kernels on wasm (forward; backward to dx, dgain, dbias) instead of about
// nine tfjs ops forward and thirty backward, each a kernel call over small [rows, C] tensors:
// 1.5 ms for one forward+backward of [512, 64] here, five of them per tiny-GPT step.
// With C a multiple of 4 a SIMD kernel (src/wasm/simd-kernels) computes in float32, as tfjs's
// ops do; other widths take a JS loop in double precision.
//   y = (x - mean) * rstd * gain + bias,  rstd = 1 / sqrt(mean((x - mean)^2) + eps)
//   dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)),  dxhat = dy * gain
import { KernelConfig, KernelFunc, TensorInfo, getKernel, registerKernel, unregisterKernel, util } from "@tensorflow/tfjs-core";
import { WasmBackendData } from "./backend-data";
import { FUSED_LAYER_NORM, FUSED_LAYER_NORM_GRAD } from "./layer-norm-contract";
import { simdKernels } from "./simd-kernels";

function checkFloat(name: string, list: TensorInfo[]): void {
  for (const t of list) if (t.dtype !== "float32") throw new RangeError(`${name}: inputs must be float32; got ${t.dtype}`);
}

function sizes(name: string, x: TensorInfo, gain: TensorInfo, bias?: TensorInfo): { rows: number; C: number } {
  const C = x.shape[x.shape.length - 1];
  for (const t of bias ? [gain, bias] : [gain]) {
    if (t.shape.length !== 1 || t.shape[0] !== C) throw new RangeError(`${name}: gain and bias must have shape [${C}] (x's last dim); got [${t.shape}]`);
  }
  return { rows: C === 0 ? 0 : util.sizeFromShape(x.shape) / C, C };
}

function layerNormForward(args: { inputs: { x: TensorInfo; gain: TensorInfo; bias: TensorInfo }; backend: WasmBackendData; attrs: { eps: number } }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const { x, gain, bias } = inputs;
  checkFloat(FUSED_LAYER_NORM, [x, gain, bias]);
  if (!(attrs.eps >= 0)) throw new RangeError(`${FUSED_LAYER_NORM}: eps must be >= 0; got ${attrs.eps}`);
  const { rows, C } = sizes(FUSED_LAYER_NORM, x, gain, bias);
  const outs = [backend.makeOutput(x.shape, "float32"), backend.makeOutput([rows], "float32"), backend.makeOutput([rows], "float32")];
  if (C % 4 === 0) {
    const ptr = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    simdKernels(backend).layerNorm(ptr(x), ptr(gain), ptr(bias), ptr(outs[0]), ptr(outs[1]), ptr(outs[2]), rows, C * 4, C, attrs.eps);
    return outs;
  }
  const [xs, g, b] = [x, gain, bias].map((t) => backend.typedArrayFromHeap(t));
  const [y, means, rstds] = outs.map((t) => backend.typedArrayFromHeap(t));
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += xs[o + c];
    const mean = sum / C;
    let sq = 0;
    for (let c = 0; c < C; c++) {
      const centred = xs[o + c] - mean;
      sq += centred * centred;
    }
    const rstd = 1 / Math.sqrt(sq / C + attrs.eps);
    for (let c = 0; c < C; c++) y[o + c] = (xs[o + c] - mean) * rstd * g[c] + b[c];
    means[r] = mean;
    rstds[r] = rstd;
  }
  return outs;
}

function layerNormBackward(args: {
  inputs: { dy: TensorInfo; x: TensorInfo; gain: TensorInfo; mean: TensorInfo; rstd: TensorInfo };
  backend: WasmBackendData;
}): TensorInfo[] {
  const { inputs, backend } = args;
  const { dy, x, gain, mean, rstd } = inputs;
  checkFloat(FUSED_LAYER_NORM_GRAD, [dy, x, gain, mean, rstd]);
  const { rows, C } = sizes(FUSED_LAYER_NORM_GRAD, x, gain);
  if (!util.arraysEqual(dy.shape, x.shape) || util.sizeFromShape(mean.shape) !== rows || util.sizeFromShape(rstd.shape) !== rows) {
    throw new RangeError(`${FUSED_LAYER_NORM_GRAD}: dy must have x's shape [${x.shape}] and mean, rstd ${rows} entries`);
  }
  const outs = [backend.makeOutput(x.shape, "float32"), backend.makeOutput([C], "float32"), backend.makeOutput([C], "float32")];
  if (C % 4 === 0) {
    const ptr = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
    simdKernels(backend).layerNormGrad(ptr(dy), ptr(x), ptr(gain), ptr(mean), ptr(rstd), ptr(outs[0]), ptr(outs[1]), ptr(outs[2]), rows, C * 4, C);
    return outs;
  }
  const [d, xs, g, means, rstds] = [dy, x, gain, mean, rstd].map((t) => backend.typedArrayFromHeap(t));
  const [dx, dg, db] = outs.map((t) => backend.typedArrayFromHeap(t));
  const gainSums = new Float64Array(C);
  const biasSums = new Float64Array(C);
  const xhat = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    const m = means[r];
    const s = rstds[r];
    let meanDxhat = 0;
    let meanDxhatXhat = 0;
    for (let c = 0; c < C; c++) {
      xhat[c] = (xs[o + c] - m) * s;
      const dxhat = d[o + c] * g[c];
      meanDxhat += dxhat;
      meanDxhatXhat += dxhat * xhat[c];
      gainSums[c] += d[o + c] * xhat[c];
      biasSums[c] += d[o + c];
    }
    meanDxhat /= C;
    meanDxhatXhat /= C;
    for (let c = 0; c < C; c++) dx[o + c] = s * (d[o + c] * g[c] - meanDxhat - xhat[c] * meanDxhatXhat);
  }
  dg.set(gainSums);
  db.set(biasSums);
  return outs;
}

const configs: KernelConfig[] = [
  { kernelName: FUSED_LAYER_NORM, backendName: "wasm", kernelFunc: layerNormForward as unknown as KernelFunc },
  { kernelName: FUSED_LAYER_NORM_GRAD, backendName: "wasm", kernelFunc: layerNormBackward as unknown as KernelFunc },
];

/** Register the fused layer-norm kernels for wasm (src/models/gpt.ts then uses them). Idempotent. */
export function installLayerNorm(): void {
  for (const config of configs) if (!getKernel(config.kernelName, "wasm")) registerKernel(config);
}

/** Remove them: layerNorm falls back to tfjs ops (for side-by-side benchmarks). Idempotent. */
export function uninstallLayerNorm(): void {
  for (const config of configs) if (getKernel(config.kernelName, "wasm")) unregisterKernel(config.kernelName, "wasm");
}

export function layerNormInstalled(): boolean {
  return configs.every((c) => getKernel(c.kernelName, "wasm") !== undefined);
}
