// Rosenbrock's banana valley f(x, y) = (a - x)^2 + b (y - x^2)^2: minimum 0 at (a, a^2), at the
// bottom of a long curved valley whose floor is flat (curvature ~0.4) while its walls are steep
// (~1000 for b = 100). A single learning rate cannot suit both: the classic ill-conditioned test.
import * as tf from "@tensorflow/tfjs-core";
import { Landscape, makeLandscape } from "./landscape";

export interface RosenbrockOptions {
  a?: number;
  b?: number;
  /** Default (-1.2, 1), Rosenbrock's own starting point. */
  start?: readonly number[];
}

export interface Rosenbrock extends Landscape {
  /** Hessian eigenvalues at the minimum (ascending): 2/L there bounds a stable lr near the end. */
  readonly curvatureAtOptimum: readonly [number, number];
}

export function createRosenbrock(options: RosenbrockOptions = {}): Rosenbrock {
  const { a = 1, b = 100, start = [-1.2, 1] } = options;
  if (!Number.isFinite(a)) throw new RangeError(`a must be a finite number; got ${a}`);
  if (!(b > 0) || !Number.isFinite(b)) throw new RangeError(`b must be a positive finite number; got ${b}`);
  const hessian = ([x, y]: readonly number[]) => [
    [2 - 4 * b * (y - x * x) + 8 * b * x * x, -4 * b * x],
    [-4 * b * x, 2 * b],
  ];
  const [[p, r], [, s]] = hessian([a, a * a]);
  const mid = (p + s) / 2;
  const rad = Math.hypot((p - s) / 2, r);
  const base = makeLandscape({
    name: "rosenbrock",
    start,
    optimum: [a, a * a],
    optimalValue: 0,
    value: ([x, y]) => (a - x) ** 2 + b * (y - x * x) ** 2,
    gradient: ([x, y]) => [-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)],
    hessian,
    tfLoss: (w) =>
      tf.tidy(() => {
        const [x, y] = tf.split(w, 2);
        return tf.reshape(tf.add(tf.square(tf.sub(a, x)), tf.mul(b, tf.square(tf.sub(y, tf.square(x))))), []) as tf.Scalar;
      }),
  });
  return { ...base, curvatureAtOptimum: [mid - rad, mid + rad] };
}
