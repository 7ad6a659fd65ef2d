// Routes wasm matMuls to XNNPACK. tfjs-backend-wasm 4.22 runs BatchMatMul and _FusedMatMul
// through XNNPACK only when neither transpose flag is set and both batch sizes are 1; every other
// call takes a naive loop (7-14x slower for x @ W^T here), and every backward matMul carries a
// transpose flag. That loop also adds a fused bias wrongly to every row after the first.
// The kernels below rewrite a call into fast-path calls of the original kernel: transposes are
// made explicit (wasm Transpose kernel), a batch that shares its right operand is folded into
// rows of one product, and other batches run as batch-1 products when the matrices are big
// enough for that to beat the loop (thresholds measured by scripts/bench/wasm-matmul.bench.ts).
// By default every plain float32 product (no bias or activation) runs on our own SIMD kernel
// instead (src/wasm/simd-kernels): attention's [B*H, T, T] batches 10x faster than the loop,
// the dense layers' products as fast as XNNPACK or faster; the XNNPACK routes remain for the rest.
import {
  BatchMatMul,
  _FusedMatMul,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
  Transpose,
  broadcast_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  util,
} from "@tensorflow/tfjs-core";
import { WasmBackendData, viewAs } from "./backend-data";
import { simdKernels } from "./simd-kernels";

/**
 * Below this many multiply-adds per matrix (m*k*n), a real batch (both operands batched) stays
 * on the original loop: splitting it costs copies and an XNNPACK operator per matrix, about
 * 5-10 us. Measured here (2-core x86, SIMD): batch 128 of 16x16x16 loop 0.59 ms, split 1.2;
 * 16x32x16 about even; 32x16x32 loop 2.4 ms, split 1.0.
 */
export const BATCH_SPLIT_MIN_WORK = 8192;

/** Sizes of one matMul call, after tfjs's own rules (batch dims broadcast). */
interface MatMulDims {
  m: number;
  k: number;
  n: number;
  batchA: number;
  batchB: number;
  aBatchDims: number[];
  bBatchDims: number[];
  outBatchDims: number[];
}

function matMulDims(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulDims | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  if (k !== (transposeB ? bShape[rb - 1] : bShape[rb - 2])) return null;
  const aBatchDims = aShape.slice(0, -2);
  const bBatchDims = bShape.slice(0, -2);
  let outBatchDims: number[];
  try {
    outBatchDims = broadcast_util.assertAndGetBroadcastShape(aBatchDims, bBatchDims);
  } catch {
    return null;
  }
  return {
    m: transposeA ? aShape[ra - 1] : aShape[ra - 2],
    k,
    n: transposeB ? bShape[rb - 2] : bShape[rb - 1],
    batchA: util.sizeFromShape(aBatchDims),
    batchB: util.sizeFromShape(bBatchDims),
    aBatchDims,
    bBatchDims,
    outBatchDims,
  };
}

/** Index into an operand's batch for output batch `o`, under numpy-style broadcasting. */
function broadcastBatchIndex(o: number, outDims: number[], inDims: number[]): number {
  let index = 0;
  let stride = 1;
  let rest = o;
  for (let d = outDims.length - 1; d >= 0; d--) {
    const coord = rest % outDims[d];
    rest = Math.floor(rest / outDims[d]);
    const inD = d - (outDims.length - inDims.length);
    if (inD < 0) continue;
    if (inDims[inD] !== 1) index += coord * stride;
    stride *= inDims[inD];
  }
  return index;
}

/** The wasm kernels ours replaced (by kernel name), to delegate to and to restore. */
const originals = new Map<string, KernelFunc>();

function original(name: string): KernelFunc {
  const kernel = originals.get(name) ?? getKernel(name, "wasm")?.kernelFunc;
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel;
}

type Backend = WasmBackendData;

/** One kernel call's temporaries, disposed together. */
class Scratch {
  private readonly infos: TensorInfo[] = [];
  constructor(readonly backend: Backend) {}
  keep(info: TensorInfo): TensorInfo {
    this.infos.push(info);
    return info;
  }
  dispose(): void {
    for (const info of this.infos) this.backend.disposeData(info.dataId);
    this.infos.length = 0;
  }
}

/** x seen as [batch, rows, cols] with its last two dims swapped when `transposed` (a copy). */
function untransposed(s: Scratch, x: TensorInfo, batch: number, rows: number, cols: number, transposed: boolean): TensorInfo {
  if (!transposed) return s.keep(viewAs(s.backend, x, [batch, rows, cols]));
  const stored = s.keep(viewAs(s.backend, x, [batch, cols, rows]));
  const swapped = original(Transpose)({ inputs: { x: stored }, backend: s.backend as never, attrs: { perm: [0, 2, 1] } });
  return s.keep(swapped as TensorInfo);
}

/** Copy of matrix `i` of a [batch, rows, cols] tensor, as [1, rows, cols]. */
function matrixAt(s: Scratch, x: TensorInfo, i: number): TensorInfo {
  const [, rows, cols] = x.shape;
  const out = s.keep(s.backend.makeOutput([1, rows, cols], x.dtype));
  const size = rows * cols;
  s.backend.typedArrayFromHeap(out).set(s.backend.typedArrayFromHeap(x).subarray(i * size, (i + 1) * size));
  return out;
}

type Product = (a: TensorInfo, b: TensorInfo) => TensorInfo;

/**
 * How a matMul runs: "original" as tfjs would (already fast, or a batch none of ours handles);
 * "rows" as one [batchA*m, k] @ [k, n] product (B shared by every batch); "split" as one
 * product per output matrix (also for two-way batch broadcasts, which the original gets wrong);
 * "simd" on our SIMD kernel (plain BatchMatMul only; see SimdMatMulMode).
 * "rows" and "split" make transposes explicit first.
 */
export type MatMulRoute = "original" | "rows" | "split" | "simd";

/** The route for op(a) @ op(b) with these shapes; invalid shapes go "original", which reports them. */
export function matMulRoute(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
  splitMinWork: number = BATCH_SPLIT_MIN_WORK,
): MatMulRoute {
  const d = matMulDims(aShape, bShape, transposeA, transposeB);
  if (d === null) return "original";
  return routeOf(d, transposeA, transposeB, splitMinWork, settings.simd);
}

/**
 * Which calls our SIMD kernel takes: "batches" only real batches (where tfjs would loop),
 * "all" every product it fits. Fused matMuls (bias, activation) never go there.
 */
export type SimdMatMulMode = "off" | "batches" | "all";

function routeOf(d: MatMulDims, transposeA: boolean, transposeB: boolean, splitMinWork: number, simd: SimdMatMulMode): MatMulRoute {
  const ours = simd === "all" && simdFits(d);
  if (d.batchA === 1 && d.batchB === 1 && !transposeA && !transposeB) return ours ? "simd" : "original";
  if (d.batchB === 1) return ours ? "simd" : "rows";
  // Each operand broadcasting the other (e.g. [2, 1] with [1, 3]): the original kernel (like
  // tfjs-cpu) pairs batches by flat index modulo each batch size, which is not numpy's rule.
  if (util.sizeFromShape(d.outBatchDims) > Math.max(d.batchA, d.batchB)) return "split";
  // Our kernel beat both the loop and splitting at every size measured here (batch 128 of 16^3:
  // 0.05 vs 0.57 ms loop; batch 32 of 64x64x64: 0.55 vs 1.3 ms split).
  if (simd !== "off" && simdFits(d)) return "simd";
  return d.m * d.k * d.n >= splitMinWork ? "split" : "original";
}

/** Our kernel pairs batches one to one, or broadcasts an operand with batch 1 (stride 0). */
function simdFits(d: MatMulDims): boolean {
  return d.batchA === d.batchB || d.batchA === 1 || d.batchB === 1;
}

/** op(a) @ op(b) for a batch of small matrices on our SIMD kernel (route "simd"). */
function simdBatchMatMul(backend: Backend, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, d: MatMulDims): TensorInfo {
  const { m, k, n } = d;
  const batch = Math.max(d.batchA, d.batchB);
  const out = backend.makeOutput([...d.outBatchDims, m, n], "float32");
  const kernels = simdKernels(backend);
  // B's rows must be contiguous: a transposed B is transposed into scratch memory first.
  let scratch = 0;
  try {
    let bPtr = backend.getMemoryOffset(b.dataId);
    if (transposeB) {
      scratch = backend.wasm._malloc(d.batchB * k * n * 4);
      kernels.transpose(bPtr, scratch, d.batchB, n, k, n * 4);
      bPtr = scratch;
    }
    const [aRow, aCol] = transposeA ? [4, m * 4] : [k * 4, 4];
    kernels.batchMatMul(
      backend.getMemoryOffset(a.dataId), bPtr, backend.getMemoryOffset(out.dataId), batch, m, k, n * 4, Math.floor(n / 16) * 64, Math.floor(n / 4) * 16,
      aRow, aCol, d.batchA === 1 ? 0 : m * k * 4, d.batchB === 1 ? 0 : k * n * 4,
    );
  } finally {
    if (scratch !== 0) backend.wasm._free(scratch);
  }
  return out;
}

/**
 * Computes op(a) @ op(b) (batched, broadcast) through `product`, which is only ever asked for
 * untransposed [1, m, k] @ [1, k, n]: the case the original kernel hands to XNNPACK.
 * Returns null when the call is left to the original kernel as it is.
 */
function viaFastPath(
  backend: Backend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  product: Product,
  splitMinWork: number,
): TensorInfo | null {
  const d = matMulDims(a.shape, b.shape, transposeA, transposeB);
  if (d === null) return null; // let the original kernel report the error
  const route = routeOf(d, transposeA, transposeB, splitMinWork, "off");
  if (route === "original") return null;
  const outShape = [...d.outBatchDims, d.m, d.n];
  const s = new Scratch(backend);
  try {
    if (route === "rows") {
      const a3 = untransposed(s, a, d.batchA, d.m, d.k, transposeA);
      const rows = s.keep(viewAs(backend, a3, [1, d.batchA * d.m, d.k]));
      const b3 = untransposed(s, b, 1, d.k, d.n, transposeB);
      const out = product(rows, b3);
      return { ...out, shape: outShape };
    }
    const a3 = untransposed(s, a, d.batchA, d.m, d.k, transposeA);
    const b3 = untransposed(s, b, d.batchB, d.k, d.n, transposeB);
    const batch = util.sizeFromShape(d.outBatchDims);
    const out = backend.makeOutput(outShape, a.dtype);
    const size = d.m * d.n;
    // Each product's temporaries are freed before the next, not held for the whole batch.
    const step = new Scratch(backend);
    try {
      for (let o = 0; o < batch; o++) {
        const ai = broadcastBatchIndex(o, d.outBatchDims, d.aBatchDims);
        const bi = broadcastBatchIndex(o, d.outBatchDims, d.bBatchDims);
        const part = step.keep(product(matrixAt(step, a3, ai), matrixAt(step, b3, bi)));
        backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(part).subarray(0, size), o * size);
        step.dispose();
      }
    } catch (e) {
      step.dispose();
      backend.disposeData(out.dataId);
      throw e;
    }
    return out;
  } finally {
    s.dispose();
  }
}

// "all": our kernel matched or beat XNNPACK on every product of the tiny GPT (and it needs no
// operator creation and weight packing per new weight tensor, which XNNPACK does every step).
const settings: { splitMinWork: number; simd: SimdMatMulMode } = { splitMinWork: BATCH_SPLIT_MIN_WORK, simd: "all" };

function fastBatchMatMul(args: { inputs: { a: TensorInfo; b: TensorInfo }; backend: Backend; attrs: NamedAttrMap }): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const original = originals.get(BatchMatMul)!;
  const plain = { transposeA: false, transposeB: false };
  if (a.dtype === "float32" && b.dtype === "float32") {
    const d = matMulDims(a.shape, b.shape, transposeA, transposeB);
    if (d !== null && routeOf(d, transposeA, transposeB, settings.splitMinWork, settings.simd) === "simd") {
      return simdBatchMatMul(backend, a, b, transposeA, transposeB, d);
    }
    const product: Product = (x, y) => original({ inputs: { a: x, b: y }, backend: backend as never, attrs: plain }) as TensorInfo;
    const out = viaFastPath(backend, a, b, transposeA, transposeB, product, settings.splitMinWork);
    if (out !== null) return out;
  }
  return original(args as never) as TensorInfo;
}

function fastFusedMatMul(args: {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  backend: Backend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { a, b, bias, preluActivationWeights } = inputs;
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  const original = originals.get(_FusedMatMul)!;
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  // Split products each add the bias and apply the activation to their own matrix, which is
  // right only for per-column (or scalar) epilogue operands; larger ones stay on the original.
  const perColumn = (t: TensorInfo | undefined) => t === undefined || [1, n].includes(util.sizeFromShape(t.shape));
  if (a.dtype === "float32" && b.dtype === "float32" && perColumn(bias) && perColumn(preluActivationWeights)) {
    const plain = { ...attrs, transposeA: false, transposeB: false };
    const product: Product = (x, y) =>
      original({ inputs: { a: x, b: y, bias, preluActivationWeights }, backend: backend as never, attrs: plain }) as TensorInfo;
    // The loop path mis-adds the bias, so with a bias even small batches are split.
    const splitMinWork = bias === undefined ? settings.splitMinWork : 0;
    const out = viaFastPath(backend, a, b, transposeA, transposeB, product, splitMinWork);
    if (out !== null) return out;
  }
  return original(args as never) as TensorInfo;
}

const FAST_KERNELS = new Map<string, KernelFunc>([
  [BatchMatMul, fastBatchMatMul as unknown as KernelFunc],
  [_FusedMatMul, fastFusedMatMul as unknown as KernelFunc],
]);

function isFast(name: string): boolean {
  const config = getKernel(name, "wasm");
  return config !== undefined && config.kernelFunc === FAST_KERNELS.get(name);
}

function replaceKernel(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/**
 * Replace the wasm BatchMatMul and _FusedMatMul kernels by the fast-path ones. Idempotent.
 * Needs the wasm backend package loaded (its kernels registered); the backend need not be active.
 */
export function installFastMatMul(): void {
  for (const [name, fast] of FAST_KERNELS) {
    if (isFast(name)) continue;
    const config = getKernel(name, "wasm");
    if (!config || !getKernel(Transpose, "wasm")) {
      throw new Error(`installFastMatMul: wasm kernel ${name} is not registered; load @tensorflow/tfjs-backend-wasm first`);
    }
    originals.set(name, config.kernelFunc);
    // setupFunc stays the original's, so a re-initialised backend still prepares what we delegate to.
    replaceKernel({ ...config, kernelFunc: fast });
  }
}

/** Put the original wasm kernels back (for side-by-side benchmarks). Idempotent. */
export function uninstallFastMatMul(): void {
  for (const name of FAST_KERNELS.keys()) {
    const config = getKernel(name, "wasm");
    const kernelFunc = originals.get(name);
    if (config && kernelFunc && isFast(name)) replaceKernel({ ...config, kernelFunc });
  }
}

/** Whether the fast-path kernels are the ones registered for wasm now. */
export function fastMatMulInstalled(): boolean {
  return [...FAST_KERNELS.keys()].every(isFast);
}

/**
 * Run `fn` with a different split threshold (multiply-adds per matrix), for benchmarks that
 * compare the strategies; the default is BATCH_SPLIT_MIN_WORK.
 */
export function withBatchSplitMinWork<T>(work: number, fn: () => T): T {
  if (!(work >= 0)) throw new RangeError(`work must be >= 0 (Infinity disables splitting); got ${work}`);
  const before = settings.splitMinWork;
  settings.splitMinWork = work;
  try {
    return fn();
  } finally {
    settings.splitMinWork = before;
  }
}

/** Which products our SIMD kernel takes (see SimdMatMulMode), for side-by-side benchmarks. */
export function setSimdMatMul(mode: SimdMatMulMode): void {
  if (!["off", "batches", "all"].includes(mode)) throw new RangeError(`mode must be "off", "batches" or "all"; got ${String(mode)}`);
  settings.simd = mode;
}
