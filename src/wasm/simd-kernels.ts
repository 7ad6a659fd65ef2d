// Our SIMD kernels, compiled once per wasm backend memory (src/wasm/wasm-builder): they import
// the tfjs wasm backend's memory and work on tensor data where it lies. All sizes and strides
// are in bytes, all pointers are byte offsets into that memory.
import { FunctionBuilder, ModuleBuilder } from "./wasm-builder";
import { WasmBackendData, WasmMemory } from "./backend-data";

export interface SimdKernels {
  /**
   * C[b] = A[b] @ B[b] for `batch` matrices: A [m, k] read through strides (so a transposed A
   * costs nothing), B [k, n] with contiguous rows of nBytes (n a multiple of 4), C [m, n]
   * contiguous. n16Bytes = the part of a row done in 16-column blocks (floor(n / 16) * 64).
   * Each C entry is accumulated in float32 over p = 0..k-1, in order.
   */
  batchMatMul(
    a: number, b: number, c: number, batch: number, m: number, k: number, nBytes: number, n16Bytes: number,
    aRow: number, aCol: number, aBatch: number, bBatch: number,
  ): void;
  /** dst[b] = src[b]^T for `batch` [rows, cols] matrices (rowsBytes = rows * 4). */
  transpose(src: number, dst: number, batch: number, rows: number, cols: number, rowsBytes: number): void;
}

function writeBatchMatMul(f: FunctionBuilder): void {
  const [a, b, c, batch, m, k, nBytes, n16Bytes, aRow, aCol, aBatch, bBatch] = f.params.map((_, i) => i);
  const bi = f.local("i32");
  const i = f.local("i32");
  const jb = f.local("i32");
  const p = f.local("i32");
  const aRowPtr = f.local("i32");
  const pa = f.local("i32");
  const pb = f.local("i32");
  const acc = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")];
  const s = f.local("v128");

  /** C[i, jb .. jb + 4*lanes) from `lanes` accumulators over the whole k. */
  const block = (vectors: number) => {
    for (let v = 0; v < vectors; v++) f.f32(0).f32x4("splat").set(acc[v]);
    f.get(aRowPtr).set(pa);
    f.get(b).get(jb).op("add").set(pb);
    f.i32(0).set(p);
    f.forLoop(p, k, 1, () => {
      f.get(pa).f32Load().f32x4("splat").set(s);
      for (let v = 0; v < vectors; v++) {
        f.get(acc[v]).get(s).get(pb).v128Load(16 * v).f32x4("mul").f32x4("add").set(acc[v]);
      }
      f.inc(pa, { local: aCol });
      f.inc(pb, { local: nBytes });
    });
    for (let v = 0; v < vectors; v++) f.get(c).get(jb).op("add").get(acc[v]).v128Store(16 * v);
  };

  f.i32(0).set(bi);
  f.forLoop(bi, batch, 1, () => {
    f.get(a).set(aRowPtr);
    f.i32(0).set(i);
    f.forLoop(i, m, 1, () => {
      f.i32(0).set(jb);
      f.forLoop(jb, n16Bytes, 64, () => block(4));
      f.get(n16Bytes).set(jb);
      f.forLoop(jb, nBytes, 16, () => block(1));
      f.inc(aRowPtr, { local: aRow });
      f.inc(c, { local: nBytes }); // c walks the output rows
    });
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

function build(): Uint8Array {
  const mod = new ModuleBuilder();
  mod.function("batchMatMul", Array(12).fill("i32"), writeBatchMatMul);
  mod.function("transpose", Array(6).fill("i32"), writeTranspose);
  return mod.bytes();
}

// The few WebAssembly APIs used (the project's TypeScript lib declares none).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;
const instances = new WeakMap<WasmMemory, SimdKernels>();

/** The kernels bound to this backend's memory (compiled on first use, then cached). */
export function simdKernels(backend: WasmBackendData): SimdKernels {
  const memory = backend.wasm.asm.memory;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new wasmApi.Module(build());
    kernels = new wasmApi.Instance(compiled, { env: { memory } }).exports as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
