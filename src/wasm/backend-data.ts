// The parts of tfjs-backend-wasm's BackendWasm that the kernels in src/wasm use. Declared here
// (structurally) so that importing src/wasm does not load the wasm package: src/backend.ts loads
// backends lazily, only when it tries them.
import { DataType, TensorInfo } from "@tensorflow/tfjs-core";

export interface WasmBackendData {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  /** Byte offset of a tensor's data in the wasm memory. */
  getMemoryOffset(dataId: object): number;
  /** The Emscripten module: its exported memory (for kernels of our own) and allocator. */
  wasm: { asm: { memory: WasmMemory }; _malloc(bytes: number): number; _free(ptr: number): void };
}

/** A new TensorInfo over the same data (no copy), as the wasm Reshape kernel makes it. */
export function viewAs(backend: WasmBackendData, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** A WebAssembly.Memory (typed here: the project's TypeScript lib has no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
