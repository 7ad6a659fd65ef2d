// A minimal WebAssembly assembler: enough to write small SIMD kernels that run on the tfjs wasm
// backend's own memory (imported as env.memory), so they read and write tensors in place with no
// copies. No toolchain is needed at install or run time: the bytes are built here, from code
// that reads like the text format. Opcodes: the WebAssembly core spec (2.0) and its SIMD section.

export type ValType = "i32" | "f32" | "v128";
const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const SIMD = 0xfd;

/** The body of one function: locals and an instruction stream, written through small methods. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(readonly params: ValType[]) {}

  /** A new local of this type; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  get(i: number): this {
    return this.emit(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(0x21, ...uleb(i));
  }
  i32(n: number): this {
    return this.emit(0x41, ...sleb(n | 0));
  }
  f32(x: number): this {
    const bytes = new Uint8Array(new Float32Array([x]).buffer);
    return this.emit(0x43, ...bytes);
  }
  /** i32 binary/compare ops. */
  op(kind: "add" | "sub" | "mul" | "and" | "lt_u" | "ge_u" | "eqz" | "ne"): this {
    const codes = { add: 0x6a, sub: 0x6b, mul: 0x6c, and: 0x71, lt_u: 0x49, ge_u: 0x4f, eqz: 0x45, ne: 0x47 };
    return this.emit(codes[kind]);
  }
  /** local[i] += step (i32). */
  inc(i: number, step: number | { local: number }): this {
    this.get(i);
    if (typeof step === "number") this.i32(step);
    else this.get(step.local);
    return this.op("add").set(i);
  }
  f32Load(offset = 0): this {
    return this.emit(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.emit(0x38, 2, ...uleb(offset));
  }
  /** f32 arithmetic on scalars. */
  f32Op(kind: "add" | "sub" | "mul" | "div" | "sqrt" | "max"): this {
    const codes = { add: 0x92, sub: 0x93, mul: 0x94, div: 0x95, sqrt: 0x91, max: 0x97 };
    return this.emit(codes[kind]);
  }
  v128Load(offset = 0): this {
    return this.emit(SIMD, ...uleb(0x00), 4, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.emit(SIMD, ...uleb(0x0b), 4, ...uleb(offset));
  }
  /** f32x4 ops; splat turns the f32 on the stack into four lanes. */
  f32x4(kind: "splat" | "add" | "sub" | "mul" | "div" | "sqrt" | "max"): this {
    const codes = { splat: 0x13, sqrt: 0xe3, add: 0xe4, sub: 0xe5, mul: 0xe6, div: 0xe7, max: 0xe9 };
    return this.emit(SIMD, ...uleb(codes[kind]));
  }
  /**
   * f32x4.relaxed_madd (relaxed SIMD, opcode 0x105): a * b + c of the three v128 on the stack
   * (a pushed first). On x86 with FMA3 V8 emits one fused multiply-add (one rounding), elsewhere
   * possibly a multiply then an add: results may differ from mul + add in the last bit.
   */
  f32x4RelaxedMadd(): this {
    return this.emit(SIMD, ...uleb(0x105));
  }
  /** The sum of the four lanes of the v128 on the stack, as an f32 (((l0 + l1) + l2) + l3). */
  f32x4Sum(scratch: number): this {
    this.set(scratch);
    this.get(scratch).emit(SIMD, ...uleb(0x1f), 0);
    for (let lane = 1; lane < 4; lane++) this.get(scratch).emit(SIMD, ...uleb(0x1f), lane).f32Op("add");
    return this;
  }
  /** `while (local[counter] < local[limit]) { body; counter += step }`, checked before the first pass. */
  forLoop(counter: number, limit: number, step: number | { local: number }, body: () => void): this {
    this.emit(0x02, 0x40); // block
    this.get(counter).get(limit).op("ge_u").emit(0x0d, 0); // br_if 0: skip when done
    this.emit(0x03, 0x40); // loop
    body();
    this.inc(counter, step);
    this.get(counter).get(limit).op("lt_u").emit(0x0d, 0); // br_if 0: next pass
    this.emit(0x0b, 0x0b); // end loop, end block
    return this;
  }
  /** `if (local[flag] != 0) { body }`. */
  when(flag: number, body: () => void): this {
    this.get(flag).emit(0x04, 0x40);
    body();
    return this.emit(0x0b);
  }
  emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  /** The function's code-section entry. */
  encode(): number[] {
    const locals = this.localTypes.map((t) => [1, VALTYPE[t]]);
    const body = [...vec(locals), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module of exported void functions that import one memory as env.memory. */
export class ModuleBuilder {
  private readonly functions: { name: string; fn: FunctionBuilder }[] = [];

  function(exportName: string, params: ValType[], write: (f: FunctionBuilder) => void): void {
    const fn = new FunctionBuilder(params);
    write(fn);
    this.functions.push({ name: exportName, fn });
  }

  /** sharedMaxPages: import a shared memory (limits flag 3, min 1 page, this maximum) for worker threads. */
  bytes(sharedMaxPages?: number): Uint8Array {
    const section = (id: number, contents: number[]) => [id, ...uleb(contents.length), ...contents];
    const types = this.functions.map(({ fn }) => [0x60, ...vec(fn.params.map((t) => [VALTYPE[t]])), 0]);
    const limits = sharedMaxPages === undefined ? [0x00, 1] : [0x03, 1, ...uleb(sharedMaxPages)];
    const memoryImport = [...name("env"), ...name("memory"), 0x02, ...limits]; // memory, min 1 page, no max (or shared)
    const out = [
      0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      ...section(1, vec(types)),
      ...section(2, vec([memoryImport])),
      ...section(3, vec(this.functions.map((_, i) => uleb(i)))),
      ...section(7, vec(this.functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
      ...section(10, vec(this.functions.map((f) => f.fn.encode()))),
    ];
    return Uint8Array.from(out);
  }
}
