// torch.optim.RMSprop (1.13), update for one parameter p with gradient g:
//   g = g + weightDecay * p
//   s = alpha * s + (1 - alpha) * g * g
//   centered: a = alpha * a + (1 - alpha) * g;  avg = sqrt(s - a * a) + eps
//   else:     avg = sqrt(s) + eps
//   momentum > 0: buf = momentum * buf + g / avg;  p = p - lr * buf
//   else:         p = p - lr * g / avg
// Note eps is added outside the square root (tfjs's rmsprop adds it inside).
import * as tf from "@tensorflow/tfjs-core";
import { CommonOptions, GroupHyper, ParamState, TorchOptimizer, optionsFromConfig } from "./base";
import { requireBoolean, requireNonNegative, requirePositive, requireUnitInterval } from "./validate";

export interface RmspropOptions extends CommonOptions {
  /** Learning rate (>= 0). Default 1e-2. */
  lr?: number;
  /** Decay of the squared-gradient average, in [0, 1). Default 0.99. */
  alpha?: number;
  /** Added to the denominator (> 0). Default 1e-8. */
  eps?: number;
  /** Momentum factor in [0, 1). Default 0. */
  momentum?: number;
  /** Normalise by an estimate of the gradient's variance instead of its second moment. Default false. */
  centered?: boolean;
  /** L2 penalty added to the gradient (>= 0). Default 0. */
  weightDecay?: number;
}

export class RmspropOptimizer extends TorchOptimizer {
  static readonly className = "LrLabRMSprop";
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;
  protected readonly slotOrder = ["square_avg", "grad_avg", "momentum_buffer"] as const;
  protected readonly savesStep = false;

  constructor(options: RmspropOptions = {}) {
    const where = "rmsprop";
    const o = options ?? {};
    super(where, o.lr ?? 1e-2, o);
    this.alpha = requireUnitInterval(where, "alpha", o.alpha ?? 0.99);
    this.eps = requirePositive(where, "eps", o.eps ?? 1e-8);
    this.momentum = requireUnitInterval(where, "momentum", o.momentum ?? 0);
    this.centered = requireBoolean(where, "centered", o.centered ?? false);
    this.weightDecay = requireNonNegative(where, "weightDecay", o.weightDecay ?? 0);
  }

  protected updateParameter(param: tf.Variable, grad: tf.Tensor, state: ParamState, hyper: GroupHyper): void {
    let g = grad;
    if (hyper.weightDecay !== 0) g = tf.add(g, tf.mul(param, this.constant(hyper.weightDecay)));
    const alpha = this.constant(this.alpha);
    const oneMinusAlpha = this.constant(1 - this.alpha);
    const s = this.slot(state, "square_avg", () => tf.zerosLike(param));
    s.assign(tf.add(tf.mul(s, alpha), tf.mul(tf.mul(g, oneMinusAlpha), g)));
    let avg: tf.Tensor;
    if (this.centered) {
      const a = this.slot(state, "grad_avg", () => tf.zerosLike(param));
      a.assign(tf.add(tf.mul(a, alpha), tf.mul(g, oneMinusAlpha)));
      avg = tf.sqrt(tf.sub(s, tf.mul(a, a)));
    } else {
      avg = tf.sqrt(s);
    }
    avg = tf.add(avg, this.constant(this.eps));
    const negLr = this.stepScalar(-hyper.lr);
    if (this.momentum > 0) {
      const buf = this.slot(state, "momentum_buffer", () => tf.zerosLike(param));
      buf.assign(tf.add(tf.mul(buf, this.constant(this.momentum)), tf.div(g, avg)));
      param.assign(tf.add(param, tf.mul(buf, negLr)));
    } else {
      param.assign(tf.add(param, tf.mul(tf.div(g, avg), negLr)));
    }
  }

  protected optionsConfig(): tf.serialization.ConfigDict {
    return {
      alpha: this.alpha,
      eps: this.eps,
      momentum: this.momentum,
      centered: this.centered,
      weightDecay: this.weightDecay,
    };
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(optionsFromConfig(config));
  }
}
tf.serialization.registerClass(RmspropOptimizer);

/** torch.optim.RMSprop as a tfjs optimizer with a writable `learningRate`. */
export function rmsprop(options: RmspropOptions = {}): RmspropOptimizer {
  return new RmspropOptimizer(options);
}
