// Can a second core help our wasm kernels under Node 20? tfjs-backend-wasm's own memory is not
// shared (its threaded build needs Emscripten pthread workers from blob: URLs, which Node's
// Worker refuses: docs/stack-facts), so a worker cannot see tensor data in place. This probe
// measures the other route: our SIMD matMul kernel (src/wasm/simd-kernels) instantiated over a
// shared WebAssembly.Memory in the main thread and one worker_thread, splitting C's rows between
// them (Atomics.notify/wait), including copying A and B in and C out as a real kernel would have
// to. One thread and two threads alternate, side by side; medians are printed.
//   npm run bench -- threads
import { Worker, isMainThread, parentPort, workerData } from "worker_threads";
import { buildSimdKernels } from "../../src/wasm/simd-kernels";

const PAGES = 512; // 32 MB
// The few WebAssembly APIs used (the project's TypeScript lib declares none).
type Memory = { buffer: SharedArrayBuffer };
const W = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => { exports: object };
    Memory: new (d: { initial: number; maximum: number; shared: boolean }) => Memory;
  };
}).WebAssembly;
interface Kernels {
  batchMatMul(...args: number[]): void;
}
type Job = { m0: number; m1: number };
const SHAPES: [number, number, number][] = [
  [512, 64, 256], // fc forward of the tiny GPT
  [512, 256, 64], // mlp proj forward
  [512, 64, 192], // qkv forward
  [64, 512, 256], // a weight gradient (x^T dy: k = tokens)
];

function instantiate(memory: Memory): Kernels {
  const module = new W.Module(buildSimdKernels(false, PAGES));
  return new W.Instance(module, { env: { memory } }).exports as unknown as Kernels;
}

/** Layout in the shared memory: [flags (64 B)] A B C; flags[0] job counter, flags[1] done counter, flags[2..4] job rows and shape. */
const A = 1024;
function run(k: Kernels, m0: number, m1: number, m: number, kk: number, n: number): void {
  const B = A + m * kk * 4;
  const C = B + kk * n * 4;
  k.batchMatMul(A + m0 * kk * 4, B, C + m0 * n * 4, 1, m1 - m0, kk, n * 4, Math.floor(n / 16) * 64, Math.floor(n / 4) * 16, kk * 4, 4, 0, 0);
}

if (!isMainThread) {
  const memory = workerData.memory as Memory;
  const k = instantiate(memory);
  const flags = new Int32Array(memory.buffer, 0, 16);
  let seen = 0;
  for (;;) {
    Atomics.wait(flags, 0, seen);
    seen = Atomics.load(flags, 0);
    if (flags[2] < 0) break;
    run(k, flags[2], flags[3], flags[4], flags[5], flags[6]);
    Atomics.add(flags, 1, 1);
    Atomics.notify(flags, 1);
  }
  parentPort!.postMessage("bye");
} else {
  const memory = new W.Memory({ initial: PAGES, maximum: PAGES, shared: true });
  const k = instantiate(memory);
  const flags = new Int32Array(memory.buffer, 0, 16);
  const worker = new Worker(__filename, { workerData: { memory }, execArgv: ["-r", "ts-node/register/transpile-only"] });
  const heap = new Float32Array(memory.buffer);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const main = async () => {
    await new Promise((r) => setTimeout(r, 3000)); // let the worker compile and start waiting
    console.log(`matMul on our SIMD kernel, 1 thread vs main + 1 worker over shared memory (copies in/out included); medians of 15 rounds x 5 calls`);
    for (const [m, kk, n] of SHAPES) {
      const src = { a: new Float32Array(m * kk).map(() => Math.random()), b: new Float32Array(kk * n).map(() => Math.random()) };
      const out = new Float32Array(m * n);
      const copyIn = () => {
        heap.set(src.a, A / 4);
        heap.set(src.b, A / 4 + m * kk);
      };
      const copyOut = () => out.set(heap.subarray(A / 4 + m * kk + kk * n, A / 4 + m * kk + kk * n + m * n));
      const one = () => {
        copyIn();
        run(k, 0, m, m, kk, n);
        copyOut();
      };
      const two = () => {
        copyIn();
        const half = (m >> 1) & ~1;
        const done = Atomics.load(flags, 1);
        flags[2] = half;
        flags[3] = m;
        flags[4] = m;
        flags[5] = kk;
        flags[6] = n;
        Atomics.add(flags, 0, 1);
        Atomics.notify(flags, 0);
        run(k, 0, half, m, kk, n);
        while (Atomics.load(flags, 1) === done) Atomics.wait(flags, 1, done, 1000);
        copyOut();
      };
      const t1: number[] = [];
      const t2: number[] = [];
      const time = (f: () => void, into: number[]) => {
        for (let i = 0; i < 5; i++) {
          const t0 = process.hrtime.bigint();
          f();
          into.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      };
      time(one, []);
      time(two, []);
      for (let r = 0; r < 15; r++) {
        time(one, t1);
        time(two, t2);
      }
      const flops = 2 * m * kk * n;
      const [a1, a2] = [median(t1), median(t2)];
      console.log(
        `  [${m},${kk}]x[${kk},${n}]  1 thread ${a1.toFixed(3)} ms (${(flops / a1 / 1e6).toFixed(1)} GFLOP/s)  2 threads ${a2.toFixed(3)} ms (${(flops / a2 / 1e6).toFixed(1)} GFLOP/s)  speed-up ${(a1 / a2).toFixed(2)}x`,
      );
    }
    flags[2] = -1;
    Atomics.add(flags, 0, 1);
    Atomics.notify(flags, 0);
    await new Promise((r) => worker.once("message", r));
    await worker.terminate();
  };
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
