// Finite-difference gradient check shared by the model tests (not a test file itself).
// float32 care: compare directional derivatives along a random unit direction inside ONE
// parameter tensor at a time (so a wrong gradient in any single tensor shows), with central
// differences of a step that keeps float32 rounding (~1e-7 * |loss| / eps) well below the signal.
import * as tf from "@tensorflow/tfjs-core";
import { createRng } from "../src/random";

export interface GradCheck {
  name: string;
  analytic: number;
  numeric: number;
  relError: number;
}

export function directionalGradCheck(
  params: tf.Variable[],
  lossFn: () => tf.Scalar,
  options: { seed?: number; eps?: number } = {},
): GradCheck[] {
  const { seed = 0, eps = 1e-2 } = options;
  const rng = createRng(seed);
  const { grads, value } = tf.variableGrads(lossFn, params);
  value.dispose();
  const out: GradCheck[] = [];
  for (const p of params) {
    const dir = new Float32Array(p.size).map(() => rng.normal());
    const norm = Math.hypot(...dir);
    for (let i = 0; i < dir.length; i++) dir[i] /= norm;
    const g = grads[p.name].dataSync();
    let analytic = 0;
    for (let i = 0; i < dir.length; i++) analytic += g[i] * dir[i];
    const original = p.dataSync().slice();
    const at = (s: number) => {
      tf.tidy(() => p.assign(tf.tensor(original.map((v, i) => v + s * dir[i]), p.shape)));
      const l = tf.tidy(lossFn);
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    tf.tidy(() => p.assign(tf.tensor(original, p.shape)));
    const relError = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), 1e-2);
    out.push({ name: p.name, analytic, numeric, relError });
  }
  tf.dispose(grads);
  return out;
}

/** The checks whose relative error exceeds `tol`, formatted for an assertion message. */
export function failures(checks: GradCheck[], tol: number): string {
  return checks
    .filter((c) => !(c.relError <= tol))
    .map((c) => `${c.name}: analytic ${c.analytic.toExponential(4)} vs numeric ${c.numeric.toExponential(4)} (rel ${c.relError.toExponential(2)})`)
    .join("; ");
}

/** Move every parameter to a generic random point (scale `std` around its value) before a check. */
export function jitter(params: tf.Variable[], seed: number, std: number): void {
  const rng = createRng(seed);
  for (const p of params) {
    const v = p.dataSync().map((x) => x + std * rng.normal());
    tf.tidy(() => p.assign(tf.tensor(v, p.shape)));
  }
}
