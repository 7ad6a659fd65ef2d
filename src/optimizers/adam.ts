// torch.optim.Adam (1.13, single-tensor path), update for one parameter p with gradient g at its
// step t (counted per parameter, from 1):
//   g = g + weightDecay * p                      (Adam: L2 decay into the gradient)
//   p = p * (1 - lr * weightDecay)               (AdamW instead: decoupled decay, before the update)
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g * g
//   vHat = amsgrad ? (vMax = max(vMax, v)) : v
//   denom = sqrt(vHat) / sqrt(1 - beta2^t) + eps
//   p = p - (lr / (1 - beta1^t)) * m / denom
// The scalars (bias corrections, step size) are computed in double precision, as PyTorch does
// in Python, and applied to float32 tensors.
// Where the backend has a fused Adam kernel (wasm: src/wasm/fused-adam), one kernel call does the
// whole update of a parameter, bit-identical to the ops below.
import * as tf from "@tensorflow/tfjs-core";
import { FUSED_ADAM, FusedAdamAttrs } from "../wasm/fused-adam-contract";
import { CommonOptions, GroupHyper, ParamState, TorchOptimizer, optionsFromConfig } from "./base";
import { requireBoolean, requireNonNegative, requirePositive, requireUnitInterval } from "./validate";

export interface AdamOptions extends CommonOptions {
  /** Learning rate (>= 0). Default 1e-3. */
  lr?: number;
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the denominator (> 0). Default 1e-8 (PyTorch's; tfjs's adam uses 1e-7). */
  eps?: number;
  /** Weight decay (>= 0): L2 into the gradient for adam (default 0), decoupled for adamw (default 1e-2). */
  weightDecay?: number;
  /** AMSGrad: normalise by the running maximum of the second moment. Default false. */
  amsgrad?: boolean;
}

export abstract class AdamFamilyOptimizer extends TorchOptimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;
  /** AdamW's decoupled decay (p *= 1 - lr * wd) instead of Adam's L2 term in the gradient. */
  protected abstract readonly decoupled: boolean;
  protected readonly slotOrder = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] as const;
  protected readonly savesStep = true;

  protected constructor(where: string, options: AdamOptions, defaultWeightDecay: number) {
    const o = options ?? {};
    super(where, o.lr ?? 1e-3, o);
    this.beta1 = requireUnitInterval(where, "beta1", o.beta1 ?? 0.9);
    this.beta2 = requireUnitInterval(where, "beta2", o.beta2 ?? 0.999);
    this.eps = requirePositive(where, "eps", o.eps ?? 1e-8);
    this.weightDecay = requireNonNegative(where, "weightDecay", o.weightDecay ?? defaultWeightDecay);
    this.amsgrad = requireBoolean(where, "amsgrad", o.amsgrad ?? false);
  }

  protected updateParameter(param: tf.Variable, grad: tf.Tensor, state: ParamState, hyper: GroupHyper): void {
    if (param.dtype === "float32" && grad.dtype === "float32" && tf.getKernel(FUSED_ADAM, tf.getBackend()) !== undefined) {
      this.fusedUpdate(param, grad, state, hyper);
      return;
    }
    const lr = hyper.lr;
    const wd = hyper.weightDecay;
    const t = state.step;
    let g = grad;
    if (wd !== 0) {
      if (this.decoupled) {
        if (lr !== 0) param.assign(tf.mul(param, this.stepScalar(1 - lr * wd)));
      } else {
        g = tf.add(g, tf.mul(param, this.constant(wd)));
      }
    }
    const m = this.slot(state, "exp_avg", () => tf.zerosLike(param));
    const v = this.slot(state, "exp_avg_sq", () => tf.zerosLike(param));
    m.assign(tf.add(tf.mul(m, this.constant(this.beta1)), tf.mul(g, this.constant(1 - this.beta1))));
    v.assign(tf.add(tf.mul(v, this.constant(this.beta2)), tf.mul(tf.mul(g, this.constant(1 - this.beta2)), g)));
    let vHat: tf.Tensor = v;
    if (this.amsgrad) {
      const vMax = this.slot(state, "max_exp_avg_sq", () => tf.zerosLike(param));
      vMax.assign(tf.maximum(vMax, v));
      vHat = vMax;
    }
    const biasCorrection1 = 1 - Math.pow(this.beta1, t);
    const biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(this.beta2, t));
    const denom = tf.add(tf.div(tf.sqrt(vHat), this.stepScalar(biasCorrection2Sqrt)), this.constant(this.eps));
    param.assign(tf.add(param, tf.mul(tf.div(m, denom), this.stepScalar(-lr / biasCorrection1))));
  }

  /** The same update as one call of the backend's fused kernel. */
  private fusedUpdate(param: tf.Variable, grad: tf.Tensor, state: ParamState, hyper: GroupHyper): void {
    const lr = hyper.lr;
    const wd = hyper.weightDecay;
    const t = state.step;
    const decayMode = wd === 0 || (this.decoupled && lr === 0) ? 0 : this.decoupled ? 1 : 2;
    const attrs: FusedAdamAttrs = {
      decayMode,
      decay: decayMode === 1 ? 1 - lr * wd : wd,
      beta1: this.beta1,
      oneMinusBeta1: 1 - this.beta1,
      beta2: this.beta2,
      oneMinusBeta2: 1 - this.beta2,
      amsgrad: this.amsgrad,
      bc2Sqrt: Math.sqrt(1 - Math.pow(this.beta2, t)),
      eps: this.eps,
      stepSize: -lr / (1 - Math.pow(this.beta1, t)),
    };
    const m = this.slot(state, "exp_avg", () => tf.zerosLike(param));
    const v = this.slot(state, "exp_avg_sq", () => tf.zerosLike(param));
    const vMax = this.amsgrad ? this.slot(state, "max_exp_avg_sq", () => tf.zerosLike(param)) : undefined;
    const inputs: tf.NamedTensorMap = vMax ? { param, grad, m, v, vMax } : { param, grad, m, v };
    const out = tf.engine().runKernel(FUSED_ADAM, inputs, attrs) as tf.Tensor[];
    [param, m, v, vMax].forEach((target, i) => target?.assign(out[i]));
  }

  protected optionsConfig(): tf.serialization.ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad };
  }

  static fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(optionsFromConfig(config));
  }
}

export class AdamOptimizer extends AdamFamilyOptimizer {
  static readonly className = "LrLabAdam";
  protected readonly decoupled = false;

  constructor(options: AdamOptions = {}) {
    super("adam", options, 0);
  }
}
tf.serialization.registerClass(AdamOptimizer);

/** torch.optim.Adam (L2 weight decay added to the gradient) with a writable `learningRate`. */
export function adam(options: AdamOptions = {}): AdamOptimizer {
  return new AdamOptimizer(options);
}
