// Shared by the optimizer tests: the PyTorch fixture (scripts/reference/optimizers.py), the two
// problems it uses, and a runner that replays one fixture case with our optimizers.
import * as fs from "fs";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { ParamGroup, TorchOptimizer, adam, adamw, clipGradNorm, rmsprop, sgd } from "../src/optimizers/index";

export interface Spec {
  shape: number[];
  values: number[];
}
export interface Problem {
  name: "quadratic" | "leastsq";
  params: Record<string, Spec>;
  A?: Spec;
  b?: Spec;
  X?: Spec;
  Y?: Spec;
}
export interface Case {
  id: string;
  optimizer: "sgd" | "adam" | "adamw" | "rmsprop";
  options: Record<string, number | boolean>;
  problem: "quadratic" | "leastsq";
  lrs: number[];
  losses: number[];
  snapshots: Record<string, number[]>[];
  clip?: { maxNorm: number; normType: number | "inf" };
  norms?: number[];
  /** Parameter groups (by problem parameter name), torch param_groups with lr = base x lrScale. */
  groups?: { params: string[]; lrScale: number; weightDecay?: number }[];
  /** Each group's lr as set in torch before each step (groups in order, then the default group). */
  groupLrs?: number[][];
  /** Give the groups as an absolute initial lr (torch's group "lr") instead of lrScale. */
  lrForm?: boolean;
}
export interface Fixture {
  torch: string;
  steps: number;
  changeAt: number;
  problems: Record<string, Problem>;
  cases: Case[];
}

export function loadFixture(): Fixture {
  return JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "optimizers.json"), "utf8")) as Fixture;
}

export function makeOptimizer(kind: Case["optimizer"], options: Record<string, unknown>): TorchOptimizer {
  if (kind === "sgd") return sgd(options as unknown as Parameters<typeof sgd>[0]);
  if (kind === "adam") return adam(options);
  if (kind === "adamw") return adamw(options);
  return rmsprop(options);
}

const t = (s: Spec) => tf.tensor(s.values, s.shape, "float32");

/** The problem's parameters as fresh variables (names made unique with `tag`) and its loss. */
export function setUpProblem(problem: Problem, tag: string) {
  const vars: Record<string, tf.Variable> = {};
  for (const [name, spec] of Object.entries(problem.params)) {
    vars[name] = tf.tidy(() => tf.variable(t(spec), true, `${tag}/${name}`));
  }
  const data = tf.tidy((): Record<string, tf.Tensor> =>
    problem.name === "quadratic" ? { A: t(problem.A!), b: t(problem.b!) } : { X: t(problem.X!), Y: t(problem.Y!) },
  );
  const loss = (): tf.Scalar =>
    tf.tidy(() => {
      if (problem.name === "quadratic") {
        const x = vars.x;
        const ax = tf.reshape(tf.matMul(data.A, tf.reshape(x, [3, 1])), [3]);
        return tf.sub(tf.mul(0.5, tf.sum(tf.mul(x, ax))), tf.sum(tf.mul(data.b, x))) as tf.Scalar;
      }
      return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(data.X, vars.W), vars.c), data.Y))) as tf.Scalar;
    });
  const dispose = () => tf.dispose([...Object.values(vars), ...Object.values(data)]);
  return { vars, loss, dispose };
}

export interface Replay {
  losses: number[];
  norms: number[];
  snapshots: Record<string, number[]>[];
  /** With groups: the rate of every group (then the default group) at each step, read from the optimizer. */
  groupLrs: number[][];
}

/** The case's groups as our paramGroups option (variables named `${tag}/${name}`). */
export function paramGroupsOf(c: Case, tag: string): ParamGroup[] | undefined {
  if (!c.groups) return undefined;
  return c.groups.map((g) => ({
    params: g.params.map((n) => `${tag}/${n}`),
    ...(c.lrForm ? { lr: c.lrs[0] * g.lrScale } : { lrScale: g.lrScale }),
    ...(g.weightDecay === undefined ? {} : { weightDecay: g.weightDecay }),
  }));
}

/** Run one case: the rate of step k is set to lrs[k] right before the update, as the script did. */
export function replay(problem: Problem, c: Case, tag: string): Replay {
  const { vars, loss, dispose } = setUpProblem(problem, tag);
  const groups = paramGroupsOf(c, tag);
  const opt = makeOptimizer(c.optimizer, { ...c.options, lr: c.lrs[0], ...(groups ? { paramGroups: groups } : {}) });
  const varList = Object.values(vars);
  const out: Replay = { losses: [], norms: [], snapshots: [], groupLrs: [] };
  for (let k = 0; k < c.lrs.length; k++) {
    opt.learningRate = c.lrs[k];
    if (c.groups) {
      const grouped = new Set(c.groups.flatMap((g) => g.params));
      const rest = Object.keys(vars).filter((n) => !grouped.has(n));
      const reps = [...c.groups.map((g) => g.params[0]), ...rest.slice(0, 1)];
      out.groupLrs.push(reps.map((n) => opt.hyperOf(vars[n]).lr));
    }
    const { value, grads } = opt.computeGradients(loss, varList);
    if (c.clip) {
      const p = c.clip.normType === "inf" ? Infinity : c.clip.normType;
      out.norms.push(clipGradNorm(grads, c.clip.maxNorm, p));
    }
    opt.applyGradients(grads);
    out.losses.push(value.dataSync()[0]);
    tf.dispose([value, grads]);
    const snap: Record<string, number[]> = {};
    for (const [name, v] of Object.entries(vars)) snap[name] = Array.from(v.dataSync());
    out.snapshots.push(snap);
  }
  opt.dispose();
  dispose();
  return out;
}

/** Largest absolute and relative deviation of `got` from `want` (relative where |want| >= 1e-3). */
export function deviation(got: number[], want: number[]): { abs: number; rel: number } {
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= abs)) abs = d; // NaN-safe: a NaN deviation becomes the maximum
    if (Math.abs(want[i]) >= 1e-3 && !(d / Math.abs(want[i]) <= rel)) rel = d / Math.abs(want[i]);
  }
  return { abs, rel };
}
