// Shared by the wasm kernel tests: run the same computation on cpu and on wasm, and compare.
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

export interface BothResult {
  cpu: Float32Array[];
  wasm: Float32Array[];
  cpuShapes: number[][];
  wasmShapes: number[][];
}

/** Runs `f` on cpu then on wasm (same inputs), returning each output's values and shapes. */
export async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<BothResult> {
  const values: Record<string, Float32Array[]> = {};
  const shapes: Record<string, number[][]> = {};
  for (const name of ["cpu", "wasm"]) {
    await tf.setBackend(name);
    (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false; // no cpu banner
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    values[name] = list.map((t) => Float32Array.from(t.dataSync()));
    shapes[name] = list.map((t) => t.shape);
    tf.dispose(list);
  }
  return { cpu: values.cpu, wasm: values.wasm, cpuShapes: shapes.cpu, wasmShapes: shapes.wasm };
}

/**
 * For every output: same size, finite, and max |wasm - cpu| / max |cpu| within `tolerance`
 * (absolute where cpu is all zeros). Returns the worst relative error seen.
 */
export function assertOutputsClose(r: BothResult, what: string, tolerance: number): number {
  let worst = 0;
  r.cpu.forEach((ref, i) => {
    const got = r.wasm[i];
    assert.is(got.length, ref.length, `${what}: output ${i} size`);
    let scale = 0;
    let err = 0;
    for (let j = 0; j < ref.length; j++) {
      scale = Math.max(scale, Math.abs(ref[j]));
      err = Math.max(err, Math.abs(got[j] - ref[j]));
    }
    assert.ok(Number.isFinite(err), `${what}: non-finite values`);
    const rel = scale > 0 ? err / scale : err;
    worst = Math.max(worst, rel);
    assert.ok(rel <= tolerance, `${what}: output ${i} relative error ${rel} > ${tolerance}`);
  });
  return worst;
}
