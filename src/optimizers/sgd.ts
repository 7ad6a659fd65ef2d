// torch.optim.SGD (1.13), update for one parameter p with gradient g:
//   d = g + weightDecay * p                                   (L2 decay into the gradient)
//   with momentum: buf = d on the first step, else buf = momentum * buf + (1 - dampening) * d
//                  d = nesterov ? d + momentum * buf : buf
//   p = p - lr * d
import * as tf from "@tensorflow/tfjs-core";
import { CommonOptions, GroupHyper, ParamState, TorchOptimizer, optionsFromConfig } from "./base";
import { requireBoolean, requireNonNegative, requireNumber, requireUnitInterval } from "./validate";

export interface SgdOptions extends CommonOptions {
  /** Learning rate (>= 0). Required, as in PyTorch. */
  lr: number;
  /** Momentum factor in [0, 1). Default 0 (plain gradient descent). */
  momentum?: number;
  /** Dampening of the gradient's share in the momentum buffer, in [0, 1]. Default 0. */
  dampening?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (>= 0). Default 0. */
  weightDecay?: number;
}

export class SgdOptimizer extends TorchOptimizer {
  static readonly className = "LrLabSGD";
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  protected readonly slotOrder = ["momentum_buffer"] as const;
  protected readonly savesStep = false;

  constructor(options: SgdOptions) {
    const where = "sgd";
    if (options == null || options.lr === undefined) {
      throw new RangeError(`${where}: lr must be given (a finite number >= 0), as torch.optim.SGD requires`);
    }
    super(where, options.lr, options);
    this.momentum = requireUnitInterval(where, "momentum", options.momentum ?? 0);
    this.dampening = requireNumber(where, "dampening", options.dampening ?? 0, { min: 0, max: 1 });
    this.nesterov = requireBoolean(where, "nesterov", options.nesterov ?? false);
    this.weightDecay = requireNonNegative(where, "weightDecay", options.weightDecay ?? 0);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(
        `${where}: nesterov needs momentum > 0 and dampening 0; got momentum ${this.momentum}, dampening ${this.dampening}`,
      );
    }
  }

  protected updateParameter(param: tf.Variable, grad: tf.Tensor, state: ParamState, hyper: GroupHyper): void {
    let d = grad;
    if (hyper.weightDecay !== 0) d = tf.add(d, tf.mul(param, this.constant(hyper.weightDecay)));
    if (this.momentum !== 0) {
      const m = this.constant(this.momentum);
      const gradShare = this.constant(1 - this.dampening); // made on the first step, used from the second
      let buf = state.slots.get("momentum_buffer");
      if (buf === undefined) {
        buf = this.slot(state, "momentum_buffer", () => d);
      } else {
        buf.assign(tf.add(tf.mul(buf, m), tf.mul(d, gradShare)));
      }
      d = this.nesterov ? tf.add(d, tf.mul(buf, m)) : buf;
    }
    param.assign(tf.add(param, tf.mul(d, this.stepScalar(-hyper.lr))));
  }

  protected optionsConfig(): tf.serialization.ConfigDict {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(optionsFromConfig(config));
  }
}
tf.serialization.registerClass(SgdOptimizer);

/** torch.optim.SGD as a tfjs optimizer with a writable `learningRate`. */
export function sgd(options: SgdOptions): SgdOptimizer {
  return new SgdOptimizer(options);
}
