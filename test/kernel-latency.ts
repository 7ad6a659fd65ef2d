// How fast a tslab kernel answers on this machine right now: the tests of timeouts and SIGINT
// derive their limits from it instead of fixed numbers, so a loaded machine (another program on
// both cores) stretches the limits instead of failing the tests.
import { KernelSession } from "../scripts/runner/kernel";

export interface KernelLatency {
  /** Kernel start to its first answer (ms). */
  startMs: number;
  /** The first import of the library (tslab compiles it): the slowest ordinary cell (ms). */
  importMs: number;
  /** Slowest of three trivial cells (ms). */
  cellMs: number;
  /** SIGINT to the reply of an interrupted busy loop (ms). */
  interruptMs: number;
}

/** Measure in a kernel started in `cwd` (a folder with the src link, like notebooks/). */
export async function measureKernelLatency(cwd: string): Promise<KernelLatency> {
  const t0 = Date.now();
  const k = await KernelSession.start({ cwd, startTimeoutMs: 120_000 });
  const startMs = Date.now() - t0;
  try {
    const imp = await k.execute('import { bySize } from "./src/params";\nconsole.log(bySize({ quick: 1, full: 2 }));');
    let cellMs = 0;
    for (let i = 0; i < 3; i++) cellMs = Math.max(cellMs, (await k.execute("console.log(1)")).elapsedMs);
    const busy = 50;
    const loop = await k.execute("while (true) {}", { timeoutMs: busy, interruptGraceMs: 60_000 });
    if (loop.stopped?.how !== "interrupted") throw new Error("calibration: SIGINT did not stop a busy loop within 60 s");
    return { startMs, importMs: imp.elapsedMs, cellMs, interruptMs: Math.max(1, loop.elapsedMs - busy) };
  } finally {
    await k.shutdown();
  }
}

/** Limits for a run of the failure fixtures: each a few times what was measured, never below the defaults. */
export function limitsFrom(l: KernelLatency): { cellTimeoutMs: number; interruptGraceMs: number; graceMs: number } {
  return {
    // the passing notebook's first import must never look like a hang
    cellTimeoutMs: Math.max(6000, Math.ceil(5 * l.importMs / 1000) * 1000),
    // a busy loop that SIGINT can stop must be given the time to stop
    interruptGraceMs: Math.max(2000, 10 * l.interruptMs),
    // a 10 ms timer after a cell: the grace ends with a kernel round trip, this only adds margin
    graceMs: Math.max(50, 2 * l.cellMs),
  };
}
