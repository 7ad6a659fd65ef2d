// The shared machinery of our PyTorch-exact optimizers: a tf.Optimizer subclass with a live,
// writable learning rate, per-parameter state keyed by variable name (PyTorch keeps state per
// parameter), optional gradient clipping before the update, tfjs-style getWeights/setWeights
// (iteration count first, then slot variables) and tfjs serialization (getConfig/fromConfig).
// Subclasses only write the update rule of one parameter.
import * as tf from "@tensorflow/tfjs-core";
import { NamedGradient, clipTensors } from "./clip";
import { requireLearningRate, requireNumber, requirePositive } from "./validate";

/** Options every optimizer takes besides its own. */
export interface CommonOptions {
  /**
   * Clip the global L2 norm of the gradients to this value before every update (PyTorch's
   * clip_grad_norm_ between backward() and step()). Useful with `model.fit`, where the gradients
   * never reach user code. Default: no clipping.
   */
  maxGradNorm?: number;
  /**
   * Parameter groups, like torch.optim's param_groups: each names some variables and gives them
   * their own learning rate and weight decay. Variables in no group use the optimizer's own
   * options (an implicit default group). A variable may be in at most one group.
   */
  paramGroups?: readonly ParamGroup[];
}

/**
 * One parameter group. Rates follow PyTorch's param_groups under a scheduler such as LambdaLR:
 * the optimizer's `learningRate` (what a schedule sets) is the base rate, and a group's rate is
 * base x `lrScale`. Giving `lr` instead is PyTorch's per-group lr: it fixes the group's rate at
 * the optimizer's initial rate, and a schedule then scales it by the same factor as the base
 * (`lrScale = lr / initial rate`), exactly as torch's LambdaLR scales each group's initial_lr.
 */
export interface ParamGroup {
  /** The group's variables: the variables themselves or their names, or a test on the name. */
  params: readonly (tf.Variable | string)[] | ((name: string) => boolean);
  /** Multiplies the base learning rate for this group (>= 0). Default 1. */
  lrScale?: number;
  /** The group's rate at the optimizer's initial rate (PyTorch's group "lr"); excludes lrScale. */
  lr?: number;
  /** The group's weight decay, replacing the optimizer's (>= 0). Default: the optimizer's. */
  weightDecay?: number;
  /** A label for messages and getConfig (default "group <i>"). */
  name?: string;
}

/** The hyperparameters one parameter's update uses: its group's rate and weight decay. */
export interface GroupHyper {
  lr: number;
  weightDecay: number;
}

/** A parameter group after validation: names (or a test) and a rate multiplier. */
interface ResolvedGroup {
  name: string;
  names: Set<string> | null;
  test: ((name: string) => boolean) | null;
  lrScale: number;
  weightDecay: number | null;
}

/** The state PyTorch keeps for one parameter: its own step count and its buffers. */
export interface ParamState {
  /** Updates applied to this parameter, counting the current one while it runs (PyTorch's state["step"]). */
  step: number;
  /** Buffers such as exp_avg or momentum_buffer, by slot name. */
  readonly slots: Map<string, tf.Variable>;
}

type ScalarCache = Map<number, tf.Scalar>;

export abstract class TorchOptimizer extends tf.Optimizer {
  /** The factory name, used in error messages. */
  protected readonly where: string;
  /** Global-norm clipping applied before each update, or null. */
  readonly maxGradNorm: number | null;
  private lr: number;
  private readonly states = new Map<string, ParamState>();
  private readonly constants: ScalarCache = new Map();
  private perStep: ScalarCache = new Map();
  /** Parameter names in the order setWeights restored them, for matching renamed variables by position. */
  private restoredOrder: string[] = [];
  private gradNorm: tf.Variable | null = null;
  private stepVariables = new Map<string, tf.Variable>();
  private readonly groups: ResolvedGroup[];
  /** Variable name -> index into `groups`, or -1 for the default group. */
  private readonly groupIndex = new Map<string, number>();

  protected constructor(where: string, lr: number, common: CommonOptions) {
    super();
    this.where = where;
    this.lr = requireLearningRate(where, lr);
    this.maxGradNorm = common.maxGradNorm == null ? null : requirePositive(where, "maxGradNorm", common.maxGradNorm);
    this.groups = resolveGroups(where, this.lr, common.paramGroups);
  }

  /** The optimizer's weight decay, used by variables in no group (or groups without their own). */
  protected abstract readonly weightDecay: number;

  /** How many parameter groups were given (the implicit default group not counted). */
  get groupCount(): number {
    return this.groups.length;
  }

  /** The group a variable belongs to: its index in `paramGroups`, or -1 for none (the defaults). */
  groupOf(variable: tf.Variable | string): number {
    const name = typeof variable === "string" ? variable : variable.name;
    let i = this.groupIndex.get(name);
    if (i === undefined) {
      const hits = this.groups.flatMap((g, k) => ((g.names ? g.names.has(name) : g.test!(name)) ? [k] : []));
      if (hits.length > 1) {
        throw new RangeError(
          `${this.where}: variable "${name}" is in more than one parameter group (${hits.map((k) => this.groups[k].name).join(", ")})`,
        );
      }
      i = hits.length === 1 ? hits[0] : -1;
      this.groupIndex.set(name, i);
    }
    return i;
  }

  /** The rate and weight decay the next update of this variable uses. */
  hyperOf(variable: tf.Variable | string): GroupHyper {
    const i = this.groupOf(variable);
    const g = i < 0 ? null : this.groups[i];
    return {
      lr: g === null ? this.lr : this.lr * g.lrScale,
      weightDecay: g === null || g.weightDecay === null ? this.weightDecay : g.weightDecay,
    };
  }

  /** The rate the next update uses; set it any time (e.g. from a schedule), the state is kept. */
  get learningRate(): number {
    return this.lr;
  }

  set learningRate(value: number) {
    this.lr = requireLearningRate(this.where, value);
  }

  /** Slot names in the order getWeights writes them. */
  protected abstract readonly slotOrder: readonly string[];
  /** Whether the per-parameter step count matters to the update (Adam's bias correction) and is saved. */
  protected abstract readonly savesStep: boolean;
  /** Update one parameter in place (param and slots via assign). Runs inside a tidy. */
  protected abstract updateParameter(param: tf.Variable, grad: tf.Tensor, state: ParamState, hyper: GroupHyper): void;
  /** The optimizer's options, for getConfig (the learning rate and clipping are added here). */
  protected abstract optionsConfig(): tf.serialization.ConfigDict;

  /** A scalar that lives as long as the optimizer (hyperparameters such as beta1 or 1 - beta1). */
  protected constant(value: number): tf.Scalar {
    let s = this.constants.get(value);
    if (s === undefined) {
      s = tf.keep(tf.scalar(value));
      this.constants.set(value, s);
    }
    return s;
  }

  /** A scalar shared by every parameter of the current update (disposed with the update's tidy). */
  protected stepScalar(value: number): tf.Scalar {
    let s = this.perStep.get(value);
    if (s === undefined) {
      s = tf.scalar(value);
      this.perStep.set(value, s);
    }
    return s;
  }

  /** The named buffer of a parameter, created by `init` on first use (PyTorch's lazy state). */
  protected slot(state: ParamState, name: string, init: () => tf.Tensor): tf.Variable {
    let v = state.slots.get(name);
    if (v === undefined) {
      v = tf.variable(init(), false);
      state.slots.set(name, v);
    }
    return v;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedGradient[]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.keys(variableGradients).map((name) => [name, variableGradients[name]]);
    const present = entries.filter(([, g]) => g != null);
    const registered = tf.engine().registeredVariables;
    const params = present.map(([name]) => {
      const v = registered[name];
      if (v === undefined) throw new Error(`${this.where}: no variable named "${name}" is registered`);
      return v;
    });
    this.adoptRestoredState(present.map(([name]) => name));
    tf.tidy(() => {
      this.perStep = new Map();
      let grads = present.map(([, g]) => g);
      if (this.maxGradNorm !== null && grads.length > 0) {
        const { clipped, norm } = clipTensors(grads, this.maxGradNorm);
        grads = clipped;
        if (this.gradNorm === null) this.gradNorm = tf.variable(norm, false);
        else this.gradNorm.assign(norm);
      }
      present.forEach(([name], i) => {
        const state = this.stateOf(name);
        state.step += 1;
        this.updateParameter(params[i], grads[i], state, this.hyperOf(name));
      });
    });
    this.perStep = new Map();
    this.incrementIterations();
  }

  /** The global gradient norm before clipping at the last update (only with `maxGradNorm`); reads it back. */
  lastGradNorm(): number | null {
    return this.gradNorm === null ? null : this.gradNorm.dataSync()[0];
  }

  private stateOf(name: string): ParamState {
    let state = this.states.get(name);
    if (state === undefined) {
      state = { step: 0, slots: new Map() };
      this.states.set(name, state);
    }
    return state;
  }

  // After setWeights the restored state is keyed by the names it was saved under. A model rebuilt
  // (or reloaded by tfjs-layers) gets new variable names; like tfjs's own optimizers we then match
  // by position, but only for names that are unknown and only on the first update after a restore.
  private adoptRestoredState(names: string[]): void {
    if (this.restoredOrder.length === 0) return;
    const incoming = new Set(names);
    names.forEach((name, i) => {
      const old = this.restoredOrder[i];
      if (this.states.has(name) || old === undefined || incoming.has(old)) return;
      const state = this.states.get(old);
      if (state === undefined) return;
      this.states.delete(old);
      this.states.set(name, state);
      const stepVar = this.stepVariables.get(old);
      if (stepVar !== undefined) {
        this.stepVariables.delete(old);
        this.stepVariables.set(name, stepVar);
      }
    });
    this.restoredOrder = [];
  }

  /** The iteration count, then for each parameter its step (Adam family) and buffers, as tfjs does. */
  async getWeights(): Promise<NamedGradient[]> {
    const out: NamedGradient[] = [await this.saveIterations()];
    for (const [name, state] of this.states) {
      if (this.savesStep) {
        let stepVar = this.stepVariables.get(name);
        if (stepVar === undefined) {
          stepVar = tf.tidy(() => tf.variable(tf.scalar(state.step, "int32"), false));
          this.stepVariables.set(name, stepVar);
        } else {
          tf.tidy(() => stepVar!.assign(tf.scalar(state.step, "int32")));
        }
        out.push({ name: `${name}/step`, tensor: stepVar });
      }
      for (const slot of this.slotOrder) {
        const v = state.slots.get(slot);
        if (v !== undefined) out.push({ name: `${name}/${slot}`, tensor: v });
      }
    }
    return out;
  }

  /** Restore what getWeights returned (new variables hold the values; the caller may dispose its tensors). */
  async setWeights(weightValues: NamedGradient[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const parsed = rest.map(({ name, tensor }) => {
      const cut = name.lastIndexOf("/");
      const slot = name.slice(cut + 1);
      if (cut <= 0 || (slot !== "step" && !this.slotOrder.includes(slot))) {
        throw new RangeError(
          `${this.where}: setWeights got "${name}"; names must be "<variable>/<slot>" with slot one of ${[
            ...(this.savesStep ? ["step"] : []),
            ...this.slotOrder,
          ].join(", ")}`,
        );
      }
      return { param: name.slice(0, cut), slot, tensor };
    });
    const steps = await Promise.all(parsed.map((p) => (p.slot === "step" ? p.tensor.data() : null)));
    // Build the new state before disposing the old one: the input may be our own getWeights().
    const states = new Map<string, ParamState>();
    parsed.forEach(({ param, slot, tensor }, i) => {
      let state = states.get(param);
      if (state === undefined) {
        state = { step: this.iterations, slots: new Map() };
        states.set(param, state);
      }
      if (slot === "step") state.step = steps[i]![0];
      else state.slots.set(slot, tf.variable(tensor, false));
    });
    this.disposeState();
    for (const [param, state] of states) this.states.set(param, state);
    this.restoredOrder = [...states.keys()];
  }

  private disposeState(): void {
    for (const state of this.states.values()) tf.dispose([...state.slots.values()]);
    tf.dispose([...this.stepVariables.values()]);
    this.states.clear();
    this.stepVariables.clear();
    this.restoredOrder = [];
  }

  dispose(): void {
    this.disposeState();
    tf.dispose([...this.constants.values()]);
    this.constants.clear();
    if (this.gradNorm !== null) this.gradNorm.dispose();
    this.gradNorm = null;
    super.dispose();
  }

  getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { lr: this.lr, ...this.optionsConfig(), maxGradNorm: this.maxGradNorm };
    if (this.groups.length > 0) {
      config.paramGroups = this.groups.map((g) => {
        if (g.names === null) {
          throw new RangeError(`${this.where}: getConfig cannot save parameter group "${g.name}": it selects variables by a function; give names`);
        }
        return { name: g.name, params: [...g.names], lrScale: g.lrScale, weightDecay: g.weightDecay };
      });
    }
    return config;
  }
}

function resolveGroups(where: string, lr: number, groups: readonly ParamGroup[] | undefined): ResolvedGroup[] {
  if (groups == null) return [];
  if (!Array.isArray(groups)) throw new RangeError(`${where}: paramGroups must be an array of { params, lrScale?, lr?, weightDecay? }`);
  const seen = new Map<string, string>();
  return groups.map((g, i) => {
    const label = g != null && typeof g.name === "string" ? g.name : `group ${i}`;
    const at = `${where}: paramGroups[${i}] (${label})`;
    if (g == null || typeof g !== "object") throw new RangeError(`${at} must be an object { params, ... }`);
    let names: Set<string> | null = null;
    let test: ((name: string) => boolean) | null = null;
    if (typeof g.params === "function") test = g.params;
    else if (Array.isArray(g.params)) {
      names = new Set();
      for (const p of g.params as (tf.Variable | string)[]) {
        const n = typeof p === "string" ? p : p instanceof tf.Variable ? p.name : null;
        if (n === null) throw new RangeError(`${at}: params must be variables or variable names`);
        const other = seen.get(n);
        if (other !== undefined) throw new RangeError(`${where}: variable "${n}" is in more than one parameter group (${other}, ${label})`);
        seen.set(n, label);
        names.add(n);
      }
    } else throw new RangeError(`${at}: params must be a list of variables or names, or a function name -> boolean`);
    if (g.lr != null && g.lrScale != null) throw new RangeError(`${at}: give lr or lrScale, not both`);
    let lrScale = 1;
    if (g.lrScale != null) lrScale = requireNumber(at, "lrScale", g.lrScale, { min: 0 });
    if (g.lr != null) {
      const groupLr = requireLearningRate(at, g.lr);
      if (!(lr > 0)) throw new RangeError(`${at}: a group lr needs the optimizer's lr > 0 (the group's rate is kept as lr / optimizer lr)`);
      lrScale = groupLr / lr;
    }
    const weightDecay = g.weightDecay == null ? null : requireNumber(at, "weightDecay", g.weightDecay, { min: 0 });
    return { name: label, names, test, lrScale, weightDecay };
  });
}

/** Options for a factory from a config dict: nulls (e.g. no clipping) become absent options. */
export function optionsFromConfig(config: tf.serialization.ConfigDict): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (v !== null) out[k] = v;
  return out;
}
