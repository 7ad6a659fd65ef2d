// Our SIMD kernels, compiled once per wasm backend memory (src/wasm/wasm-builder): they import
// the tfjs wasm backend's memory and work on tensor data where it lies. All sizes and strides
// are in bytes, all pointers are byte offsets into that memory.
import { FunctionBuilder, ModuleBuilder } from "./wasm-builder";
import { WasmBackendData, WasmMemory } from "./backend-data";

export interface SimdKernels {
  /**
   * C[b] = A[b] @ B[b] for `batch` matrices: A [m, k] read through strides (so a transposed A
   * costs nothing), B [k, n] with contiguous rows of nBytes, C [m, n] contiguous. Of each row,
   * n16Bytes (floor(n / 16) * 64) are done in 16-column blocks, up to nVecBytes (floor(n / 4) * 16)
   * in 4-column vectors, the rest one column at a time.
   * Each C entry is accumulated in float32 over p = 0..k-1, in order.
   */
  batchMatMul(
    a: number, b: number, c: number, batch: number, m: number, k: number, nBytes: number, n16Bytes: number, nVecBytes: number,
    aRow: number, aCol: number, aBatch: number, bBatch: number,
  ): void;
  /** dst[b] = src[b]^T for `batch` [rows, cols] matrices (rowsBytes = rows * 4). */
  transpose(src: number, dst: number, batch: number, rows: number, cols: number, rowsBytes: number): void;
  /**
   * One Adam/AdamW update over `bytes` (a multiple of 16) of float32 data, written to new
   * buffers, in the order and float32 rounding of the tfjs ops of src/optimizers/adam.ts:
   *   decayMode 1 (AdamW): p = p * decay;  decayMode 2 (Adam L2): g = g + p * decay
   *   m = m * beta1 + g * oneMinusBeta1;  v = v * beta2 + (g * oneMinusBeta2) * g
   *   amsgrad: v = vMax = max(vMax, v)
   *   p = p + (m / (sqrt(v) / bc2Sqrt + eps)) * stepSize
   */
  /**
   * out[j] = sum over i of x[i, j] for x [rows, cols], float32 accumulation in row order, for the
   * first colsVecBytes of each row (cols16Bytes of them in 16-column blocks); rowBytes = cols * 4.
   */
  columnSum(x: number, out: number, rows: number, rowBytes: number, cols16Bytes: number, colsVecBytes: number): void;
  /**
   * Layer norm of `rows` rows of cBytes (C floats, C a multiple of 4): y = (x - mean) * rstd *
   * gain + bias, with the row's mean and rstd = 1 / sqrt(var + eps) stored; cf = C as a float.
   */
  layerNorm(x: number, gain: number, bias: number, y: number, means: number, rstds: number, rows: number, cBytes: number, cf: number, eps: number): void;
  /** Its gradient: dx per row, dgain and dbias summed over rows (float32, row order). */
  layerNormGrad(
    dy: number, x: number, gain: number, means: number, rstds: number, dx: number, dgain: number, dbias: number, rows: number, cBytes: number, cf: number,
  ): void;
  adam(
    p: number, g: number, m: number, v: number, vMax: number, pOut: number, mOut: number, vOut: number, vMaxOut: number,
    bytes: number, decayMode: number, amsgrad: number,
    decay: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, bc2Sqrt: number, eps: number, stepSize: number,
  ): void;
}

function writeBatchMatMul(f: FunctionBuilder, fma: boolean): void {
  const [a, b, c, batch, m, k, nBytes, n16Bytes, nVecBytes, aRow, aCol, aBatch, bBatch] = f.params.map((_, i) => i);
  const bi = f.local("i32");
  const i = f.local("i32");
  const evenRows = f.local("i32");
  const jb = f.local("i32");
  const p = f.local("i32");
  const aRowPtr = f.local("i32");
  const pa = f.local("i32");
  const pb = f.local("i32");
  const acc = Array.from({ length: 8 }, () => f.local("v128"));
  const s = [f.local("v128"), f.local("v128")];
  const bv = Array.from({ length: 4 }, () => f.local("v128"));
  const sc = [f.local("f32"), f.local("f32")];
  const bs = f.local("f32");

  /**
   * C[i .. i+rows, jb .. jb + 4*vectors) over the whole k: each B vector loaded once serves
   * `rows` rows (two rows of four vectors: 8 accumulators, as many as x86 keeps in registers).
   */
  const block = (rows: number, vectors: number) => {
    const accOf = (r: number, v: number) => acc[r * 4 + v];
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) f.f32(0).f32x4("splat").set(accOf(r, v));
    f.get(aRowPtr).set(pa);
    f.get(b).get(jb).op("add").set(pb);
    f.i32(0).set(p);
    f.forLoop(p, k, 1, () => {
      f.get(pa).f32Load().f32x4("splat").set(s[0]);
      if (rows === 2) f.get(pa).get(aRow).op("add").f32Load().f32x4("splat").set(s[1]);
      for (let v = 0; v < vectors; v++) f.get(pb).v128Load(16 * v).set(bv[v]);
      for (let r = 0; r < rows; r++) {
        for (let v = 0; v < vectors; v++) {
          if (fma) f.get(s[r]).get(bv[v]).get(accOf(r, v)).f32x4RelaxedMadd().set(accOf(r, v));
          else f.get(accOf(r, v)).get(s[r]).get(bv[v]).f32x4("mul").f32x4("add").set(accOf(r, v));
        }
      }
      f.inc(pa, { local: aCol });
      f.inc(pb, { local: nBytes });
    });
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vectors; v++) {
        f.get(c).get(jb).op("add");
        if (r === 1) f.get(nBytes).op("add");
        f.get(accOf(r, v)).v128Store(16 * v);
      }
    }
  };
  /** C[i .. i+rows, jb]: one column past the last whole vector, with scalar float32 products. */
  const scalarColumn = (rows: number) => {
    for (let r = 0; r < rows; r++) f.f32(0).set(sc[r]);
    f.get(aRowPtr).set(pa);
    f.get(b).get(jb).op("add").set(pb);
    f.i32(0).set(p);
    f.forLoop(p, k, 1, () => {
      f.get(pb).f32Load().set(bs);
      f.get(sc[0]).get(pa).f32Load().get(bs).f32Op("mul").f32Op("add").set(sc[0]);
      if (rows === 2) f.get(sc[1]).get(pa).get(aRow).op("add").f32Load().get(bs).f32Op("mul").f32Op("add").set(sc[1]);
      f.inc(pa, { local: aCol });
      f.inc(pb, { local: nBytes });
    });
    for (let r = 0; r < rows; r++) {
      f.get(c).get(jb).op("add");
      if (r === 1) f.get(nBytes).op("add");
      f.get(sc[r]).f32Store();
    }
  };
  /** Rows [i, i + rows) of C, every column; then advance A's row pointer and C past them. */
  const rowsPass = (rows: number) => {
    f.i32(0).set(jb);
    f.forLoop(jb, n16Bytes, 64, () => block(rows, 4));
    f.get(n16Bytes).set(jb);
    f.forLoop(jb, nVecBytes, 16, () => block(rows, 1));
    f.get(nVecBytes).set(jb);
    f.forLoop(jb, nBytes, 4, () => scalarColumn(rows));
    for (let r = 0; r < rows; r++) {
      f.inc(aRowPtr, { local: aRow });
      f.inc(c, { local: nBytes }); // c walks the output rows
    }
  };

  f.get(m).i32(-2).op("and").set(evenRows);
  f.i32(0).set(bi);
  f.forLoop(bi, batch, 1, () => {
    f.get(a).set(aRowPtr);
    f.i32(0).set(i);
    f.forLoop(i, evenRows, 2, () => rowsPass(2));
    f.forLoop(i, m, 1, () => rowsPass(1)); // the last row when m is odd
    f.inc(a, { local: aBatch });
    f.inc(b, { local: bBatch });
  });
}

function writeTranspose(f: FunctionBuilder): void {
  const [src, dst, batch, rows, cols, rowsBytes] = f.params.map((_, i) => i);
  const bi = f.local("i32");
  const r = f.local("i32");
  const col = f.local("i32");
  const d = f.local("i32");
  const matBytes = f.local("i32");
  f.get(rowsBytes).get(cols).op("mul").set(matBytes);
  f.i32(0).set(bi);
  f.forLoop(bi, batch, 1, () => {
    f.i32(0).set(r);
    f.forLoop(r, rows, 1, () => {
      f.get(dst).get(r).i32(4).op("mul").op("add").set(d);
      f.i32(0).set(col);
      f.forLoop(col, cols, 1, () => {
        f.get(d).get(src).f32Load().f32Store();
        f.inc(src, 4);
        f.inc(d, { local: rowsBytes });
      });
    });
    f.inc(dst, { local: matBytes });
  });
}

function writeAdam(f: FunctionBuilder): void {
  const [p, g, m, v, vMax, pOut, mOut, vOut, vMaxOut, bytes, decayMode, amsgrad] = f.params.map((_, i) => i);
  const scalars = f.params.slice(12).map((_, i) => 12 + i); // decay, beta1, 1-beta1, beta2, 1-beta2, bc2Sqrt, eps, stepSize
  const [decay, beta1, omb1, beta2, omb2, bc2s, eps, step] = scalars.map((i) => {
    const lanes = f.local("v128");
    f.get(i).f32x4("splat").set(lanes);
    return lanes;
  });
  const decoupled = f.local("i32");
  const l2 = f.local("i32");
  f.get(decayMode).i32(1).op("sub").op("eqz").set(decoupled);
  f.get(decayMode).i32(2).op("sub").op("eqz").set(l2);
  const o = f.local("i32");
  const [pv, gv, mv, vv] = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")];
  const at = (base: number) => f.get(base).get(o).op("add");
  f.i32(0).set(o);
  f.forLoop(o, bytes, 16, () => {
    at(p).v128Load().set(pv);
    at(g).v128Load().set(gv);
    f.when(decoupled, () => f.get(pv).get(decay).f32x4("mul").set(pv));
    f.when(l2, () => f.get(gv).get(pv).get(decay).f32x4("mul").f32x4("add").set(gv));
    at(m).v128Load().get(beta1).f32x4("mul").get(gv).get(omb1).f32x4("mul").f32x4("add").set(mv);
    at(mOut).get(mv).v128Store();
    at(v).v128Load().get(beta2).f32x4("mul").get(gv).get(omb2).f32x4("mul").get(gv).f32x4("mul").f32x4("add").set(vv);
    at(vOut).get(vv).v128Store();
    f.when(amsgrad, () => {
      at(vMax).v128Load().get(vv).f32x4("max").set(vv);
      at(vMaxOut).get(vv).v128Store();
    });
    at(pOut).get(pv);
    f.get(mv).get(vv).f32x4("sqrt").get(bc2s).f32x4("div").get(eps).f32x4("add").f32x4("div");
    f.get(step).f32x4("mul").f32x4("add").v128Store();
  });
}

function writeColumnSum(f: FunctionBuilder): void {
  const [x, out, rows, rowBytes, cols16Bytes, colsVecBytes] = f.params.map((_, i) => i);
  const jb = f.local("i32");
  const i = f.local("i32");
  const px = f.local("i32");
  const acc = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")];
  const block = (vectors: number) => {
    for (let v = 0; v < vectors; v++) f.f32(0).f32x4("splat").set(acc[v]);
    f.get(x).get(jb).op("add").set(px);
    f.i32(0).set(i);
    f.forLoop(i, rows, 1, () => {
      for (let v = 0; v < vectors; v++) f.get(acc[v]).get(px).v128Load(16 * v).f32x4("add").set(acc[v]);
      f.inc(px, { local: rowBytes });
    });
    for (let v = 0; v < vectors; v++) f.get(out).get(jb).op("add").get(acc[v]).v128Store(16 * v);
  };
  f.i32(0).set(jb);
  f.forLoop(jb, cols16Bytes, 64, () => block(4));
  f.get(cols16Bytes).set(jb);
  f.forLoop(jb, colsVecBytes, 16, () => block(1));
}

function writeLayerNorm(f: FunctionBuilder): void {
  const [x, gain, bias, y, means, rstds, rows, cBytes, cf, eps] = f.params.map((_, i) => i);
  const r = f.local("i32");
  const cb = f.local("i32");
  const acc = f.local("v128");
  const lanes = f.local("v128");
  const centred = f.local("v128");
  const meanV = f.local("v128");
  const rstdV = f.local("v128");
  const mean = f.local("f32");
  const rstd = f.local("f32");
  const at = (base: number) => f.get(base).get(cb).op("add");
  const overRow = (body: () => void) => {
    f.i32(0).set(cb);
    f.forLoop(cb, cBytes, 16, body);
  };
  f.i32(0).set(r);
  f.forLoop(r, rows, 1, () => {
    f.f32(0).f32x4("splat").set(acc);
    overRow(() => at(x).v128Load().get(acc).f32x4("add").set(acc));
    f.get(acc).f32x4Sum(lanes).get(cf).f32Op("div").set(mean);
    f.get(mean).f32x4("splat").set(meanV);
    f.f32(0).f32x4("splat").set(acc);
    overRow(() => {
      at(x).v128Load().get(meanV).f32x4("sub").set(centred);
      f.get(acc).get(centred).get(centred).f32x4("mul").f32x4("add").set(acc);
    });
    f.f32(1).get(acc).f32x4Sum(lanes).get(cf).f32Op("div").get(eps).f32Op("add").f32Op("sqrt").f32Op("div").set(rstd);
    f.get(rstd).f32x4("splat").set(rstdV);
    overRow(() => {
      at(y);
      at(x).v128Load().get(meanV).f32x4("sub").get(rstdV).f32x4("mul");
      at(gain).v128Load().f32x4("mul");
      at(bias).v128Load().f32x4("add").v128Store();
    });
    f.get(means).get(mean).f32Store();
    f.get(rstds).get(rstd).f32Store();
    f.inc(means, 4);
    f.inc(rstds, 4);
    f.inc(x, { local: cBytes });
    f.inc(y, { local: cBytes });
  });
}

function writeLayerNormGrad(f: FunctionBuilder): void {
  const [dy, x, gain, means, rstds, dx, dgain, dbias, rows, cBytes, cf] = f.params.map((_, i) => i);
  const r = f.local("i32");
  const cb = f.local("i32");
  const [meanV, rstdV, xhat, dyv, dxhat, a1, a2, lanes, m1, m2] = Array.from({ length: 10 }, () => f.local("v128"));
  const at = (base: number) => f.get(base).get(cb).op("add");
  const overRow = (body: () => void) => {
    f.i32(0).set(cb);
    f.forLoop(cb, cBytes, 16, body);
  };
  overRow(() => {
    at(dgain).f32(0).f32x4("splat").v128Store();
    at(dbias).f32(0).f32x4("splat").v128Store();
  });
  /** xhat, dy and dxhat = dy * gain of the current 4 columns. */
  const loadColumns = () => {
    at(x).v128Load().get(meanV).f32x4("sub").get(rstdV).f32x4("mul").set(xhat);
    at(dy).v128Load().set(dyv);
    f.get(dyv);
    at(gain).v128Load().f32x4("mul").set(dxhat);
  };
  f.i32(0).set(r);
  f.forLoop(r, rows, 1, () => {
    f.get(means).f32Load().f32x4("splat").set(meanV);
    f.get(rstds).f32Load().f32x4("splat").set(rstdV);
    f.f32(0).f32x4("splat").set(a1);
    f.f32(0).f32x4("splat").set(a2);
    overRow(() => {
      loadColumns();
      f.get(a1).get(dxhat).f32x4("add").set(a1);
      f.get(a2).get(dxhat).get(xhat).f32x4("mul").f32x4("add").set(a2);
      at(dgain);
      at(dgain).v128Load().get(dyv).get(xhat).f32x4("mul").f32x4("add").v128Store();
      at(dbias);
      at(dbias).v128Load().get(dyv).f32x4("add").v128Store();
    });
    f.get(a1).f32x4Sum(lanes).get(cf).f32Op("div").f32x4("splat").set(m1);
    f.get(a2).f32x4Sum(lanes).get(cf).f32Op("div").f32x4("splat").set(m2);
    overRow(() => {
      loadColumns();
      at(dx);
      f.get(rstdV).get(dxhat).get(m1).f32x4("sub").get(xhat).get(m2).f32x4("mul").f32x4("sub").f32x4("mul").v128Store();
    });
    f.inc(means, 4);
    f.inc(rstds, 4);
    f.inc(dy, { local: cBytes });
    f.inc(x, { local: cBytes });
    f.inc(dx, { local: cBytes });
  });
}

/** The kernel module's bytes (exported for scripts/bench/threads.bench.ts, which imports a shared memory). */
export function buildSimdKernels(fma: boolean, sharedMaxPages?: number): Uint8Array {
  return build(fma, sharedMaxPages);
}

function build(fma: boolean, sharedMaxPages?: number): Uint8Array {
  const mod = new ModuleBuilder();
  mod.function("batchMatMul", Array(13).fill("i32"), (f) => writeBatchMatMul(f, fma));
  mod.function("transpose", Array(6).fill("i32"), writeTranspose);
  mod.function("adam", [...Array(12).fill("i32"), ...Array(8).fill("f32")], writeAdam);
  mod.function("columnSum", Array(6).fill("i32"), writeColumnSum);
  mod.function("layerNorm", [...Array(8).fill("i32"), "f32", "f32"], writeLayerNorm);
  mod.function("layerNormGrad", [...Array(10).fill("i32"), "f32"], writeLayerNormGrad);
  return mod.bytes(sharedMaxPages);
}

// The few WebAssembly APIs used (the project's TypeScript lib declares none).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * LR_LAB_FAST_FMA=1: the matMul kernel multiplies and adds in one fused instruction (relaxed
 * SIMD's f32x4.relaxed_madd). Off by default: a fused multiply-add rounds once where mul + add
 * round twice, so products differ from today's in the last bits (and the notebooks' golden
 * outputs would move). Node 20 (V8 11.3) validates relaxed SIMD only behind the V8 flag
 * --experimental-wasm-relaxed-simd, which is set at run time here; where that fails the plain
 * kernel is used (fmaActive() says which).
 */
export function fmaRequested(env: NodeJS.ProcessEnv | undefined = typeof process === "undefined" ? undefined : process.env): boolean {
  return ["1", "true", "on"].includes((env?.LR_LAB_FAST_FMA ?? "").trim().toLowerCase());
}

let fmaSetting: boolean | null = null; // null: from the environment
let fmaSupported: boolean | null = null;

/** Whether relaxed-SIMD modules validate here (turning on V8's flag for it if needed). */
export function relaxedSimdSupported(): boolean {
  if (fmaSupported !== null) return fmaSupported;
  const probe = build(true);
  fmaSupported = wasmApi.validate(probe);
  if (!fmaSupported) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      (require("v8") as { setFlagsFromString(flag: string): void }).setFlagsFromString("--experimental-wasm-relaxed-simd");
      fmaSupported = wasmApi.validate(probe);
    } catch {
      fmaSupported = false;
    }
  }
  return fmaSupported;
}

/** Turn the FMA matMul kernel on or off (null: back to LR_LAB_FAST_FMA), for benchmarks and tests. */
export function setFastFma(on: boolean | null): void {
  fmaSetting = on;
}

/** Whether simdKernels() now hands out the FMA matMul kernel. */
export function fmaActive(): boolean {
  return (fmaSetting ?? fmaRequested()) && relaxedSimdSupported();
}

const compiled = new Map<boolean, object>();
const instances = [new WeakMap<WasmMemory, SimdKernels>(), new WeakMap<WasmMemory, SimdKernels>()];

/** The kernels bound to this backend's memory (compiled on first use, then cached). */
export function simdKernels(backend: WasmBackendData): SimdKernels {
  const memory = backend.wasm.asm.memory;
  const fma = fmaActive();
  const cache = instances[fma ? 1 : 0];
  let kernels = cache.get(memory);
  if (kernels === undefined) {
    let module = compiled.get(fma);
    if (module === undefined) {
      module = new wasmApi.Module(build(fma));
      compiled.set(fma, module);
    }
    kernels = new wasmApi.Instance(module, { env: { memory } }).exports as SimdKernels;
    cache.set(memory, kernels);
  }
  return kernels;
}
