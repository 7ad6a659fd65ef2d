// Contract tests of src/optimizers beyond the PyTorch trajectories: option checks, the live
// learning rate, tfjs Optimizer compatibility and serialization, state save/restore, clipping,
// and a leak check over thousands of steps.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import {
  AdamOptimizer,
  AdamWOptimizer,
  RmspropOptimizer,
  SgdOptimizer,
  TorchOptimizer,
  adam,
  adamw,
  clipGradNorm,
  rmsprop,
  sgd,
} from "../src/optimizers/index";
import { loadFixture, setUpProblem } from "./optimizers-helpers";

const fixture = loadFixture();
const quadratic = fixture.problems.quadratic;
const leastsq = fixture.problems.leastsq;

test.before(async () => {
  await ready({ backend: "cpu" });
});

function throwsRange(fn: () => unknown, ...words: string[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, RangeError, `expected a RangeError, got ${String(e)}`);
    for (const w of words) assert.ok((e as Error).message.includes(w), `"${(e as Error).message}" lacks "${w}"`);
    return;
  }
  assert.unreachable(`no RangeError (expected one naming ${words.join(", ")})`);
}

test("bad options are RangeErrors naming the option and the allowed range", () => {
  throwsRange(() => sgd({ lr: -0.1 }), "sgd", "learningRate", "[0, inf)", "-0.1");
  throwsRange(() => sgd({} as { lr: number }), "sgd", "lr");
  throwsRange(() => sgd({ lr: 0.1, momentum: -0.5 }), "momentum", "[0, 1)");
  throwsRange(() => sgd({ lr: 0.1, momentum: 1 }), "momentum");
  throwsRange(() => sgd({ lr: 0.1, dampening: 1.5 }), "dampening", "[0, 1]");
  throwsRange(() => sgd({ lr: 0.1, nesterov: true }), "nesterov", "momentum > 0");
  throwsRange(() => sgd({ lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), "nesterov", "dampening 0");
  throwsRange(() => sgd({ lr: 0.1, weightDecay: -1e-4 }), "weightDecay");
  throwsRange(() => adam({ lr: -1e-3 }), "adam", "learningRate");
  throwsRange(() => adam({ beta1: 1 }), "adam", "beta1", "[0, 1)");
  throwsRange(() => adam({ beta1: -0.1 }), "beta1");
  throwsRange(() => adam({ beta2: 1.0001 }), "beta2");
  throwsRange(() => adam({ eps: 0 }), "eps", "(0, inf)");
  throwsRange(() => adam({ eps: -1e-8 }), "eps");
  throwsRange(() => adam({ weightDecay: -0.01 }), "weightDecay");
  throwsRange(() => adamw({ weightDecay: NaN }), "adamw", "weightDecay");
  throwsRange(() => adamw({ lr: Infinity }), "adamw", "learningRate");
  throwsRange(() => adamw({ maxGradNorm: 0 }), "maxGradNorm");
  throwsRange(() => rmsprop({ alpha: 1 }), "rmsprop", "alpha");
  throwsRange(() => rmsprop({ eps: 0 }), "rmsprop", "eps");
  throwsRange(() => rmsprop({ momentum: -0.1 }), "momentum");
  throwsRange(() => rmsprop({ weightDecay: -1 }), "weightDecay");
  throwsRange(() => adam({ amsgrad: "yes" as unknown as boolean }), "amsgrad");
  const opt = adam();
  throwsRange(() => (opt.learningRate = -1), "learningRate");
  throwsRange(() => (opt.learningRate = NaN), "learningRate");
  assert.is(opt.learningRate, 1e-3, "a rejected rate must not be stored");
  opt.dispose();
});

test("defaults are PyTorch's (not tfjs's: Adam eps 1e-8, AdamW decay 1e-2, RMSprop alpha 0.99)", () => {
  const a = adam();
  assert.equal([a.learningRate, a.beta1, a.beta2, a.eps, a.weightDecay, a.amsgrad], [1e-3, 0.9, 0.999, 1e-8, 0, false]);
  const w = adamw();
  assert.equal([w.learningRate, w.beta1, w.beta2, w.eps, w.weightDecay, w.amsgrad], [1e-3, 0.9, 0.999, 1e-8, 1e-2, false]);
  const r = rmsprop();
  assert.equal([r.learningRate, r.alpha, r.eps, r.momentum, r.centered, r.weightDecay], [1e-2, 0.99, 1e-8, 0, false, 0]);
  const s = sgd({ lr: 0.1 });
  assert.equal([s.learningRate, s.momentum, s.dampening, s.nesterov, s.weightDecay], [0.1, 0, 0, false, 0]);
  for (const o of [a, w, r, s]) o.dispose();
});

test("each optimizer is a tf.Optimizer and trains through minimize(f, returnCost, varList)", () => {
  for (const opt of [sgd({ lr: 0.01, momentum: 0.9 }), adam({ lr: 0.05 }), adamw({ lr: 0.05 }), rmsprop({ lr: 0.01 })]) {
    assert.ok(opt instanceof tf.Optimizer);
    const p = setUpProblem(leastsq, `min-${opt.getClassName()}`);
    const first = opt.minimize(p.loss, true, Object.values(p.vars))!;
    let last = first;
    for (let k = 0; k < 50; k++) {
      if (last !== first) last.dispose();
      last = opt.minimize(p.loss, true)!; // no varList: all trainable variables
    }
    assert.ok(last.dataSync()[0] < first.dataSync()[0] * 0.5, `${opt.getClassName()}: loss did not fall`);
    assert.is(opt.iterations, 51);
    tf.dispose([first, last]);
    opt.dispose();
    p.dispose();
  }
});

test("learningRate is read at each update: 0 freezes the parameters but the state moves on", () => {
  const p = setUpProblem(quadratic, "live");
  const opt = sgd({ lr: 0.01, momentum: 0.9 });
  opt.minimize(p.loss);
  const x1 = Array.from(p.vars.x.dataSync());
  opt.learningRate = 0;
  opt.minimize(p.loss);
  assert.equal(Array.from(p.vars.x.dataSync()), x1, "lr 0 must not move the parameters");
  // The momentum buffer kept accumulating: the next step at lr is not a fresh first step.
  opt.learningRate = 0.01;
  const fresh = sgd({ lr: 0.01, momentum: 0.9 });
  const q = setUpProblem(quadratic, "live-fresh");
  q.vars.x.assign(p.vars.x);
  opt.minimize(p.loss);
  fresh.minimize(q.loss);
  const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(p.vars.x, q.vars.x))).dataSync()[0]);
  assert.ok(moved > 1e-3, "the kept momentum must change the update");
  opt.dispose();
  fresh.dispose();
  p.dispose();
  q.dispose();
});

async function resumed(make: () => TorchOptimizer, tag: string, steps: number, splitAt: number, rename: boolean) {
  const p = setUpProblem(leastsq, tag);
  let opt = make();
  const lrAt = (k: number) => (k < steps / 2 ? 0.05 : 0.02);
  for (let k = 0; k < splitAt; k++) {
    opt.learningRate = lrAt(k);
    opt.minimize(p.loss);
  }
  const weights = await opt.getWeights();
  const copies = weights.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
  opt.dispose();
  let target = p;
  if (rename) {
    // A rebuilt model: same values, new variable names (as tfjs-layers gives a reloaded model).
    target = setUpProblem(leastsq, `${tag}-rebuilt`);
    target.vars.W.assign(p.vars.W);
    target.vars.c.assign(p.vars.c);
    p.dispose();
  }
  opt = make();
  await opt.setWeights(copies);
  tf.dispose(copies.map((c) => c.tensor));
  assert.is(opt.iterations, splitAt);
  for (let k = splitAt; k < steps; k++) {
    opt.learningRate = lrAt(k);
    opt.minimize(target.loss, false, [target.vars.W, target.vars.c]);
  }
  const out = [...target.vars.W.dataSync(), ...target.vars.c.dataSync()];
  opt.dispose();
  target.dispose();
  return out;
}

const makers: [string, () => TorchOptimizer][] = [
  ["sgd nesterov", () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
  ["adam amsgrad", () => adam({ lr: 0.05, amsgrad: true, weightDecay: 0.01 })],
  ["adamw", () => adamw({ lr: 0.05 })],
  ["rmsprop centered momentum", () => rmsprop({ lr: 0.05, centered: true, momentum: 0.5 })],
];

for (const [label, make] of makers) {
  test(`${label}: getWeights/setWeights resume gives exactly the uninterrupted run`, async () => {
    const before = tf.memory().numTensors;
    const straight = await resumed(make, `straight-${label}`, 30, 30, false);
    const split = await resumed(make, `split-${label}`, 30, 13, false);
    const renamed = await resumed(make, `renamed-${label}`, 30, 13, true);
    assert.equal(split, straight);
    assert.equal(renamed, straight, "restoring into renamed variables (matched by position) differs");
    // saveIterations() makes one fresh "iter" tensor per getWeights call, as in tfjs.
    assert.ok(tf.memory().numTensors - before <= 3, `leaked ${tf.memory().numTensors - before} tensors`);
  });
}

test("getWeights names: iteration count first, then <variable>/<slot>, Adam's per-parameter step included", async () => {
  const p = setUpProblem(leastsq, "names");
  const opt = adam({ amsgrad: true });
  opt.minimize(p.loss, false, [p.vars.W, p.vars.c]);
  opt.minimize(p.loss, false, [p.vars.W, p.vars.c]);
  const w = await opt.getWeights();
  assert.equal(
    w.map((x) => x.name),
    ["iter", ...["names/W", "names/c"].flatMap((v) => ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"].map((s) => `${v}/${s}`))],
  );
  assert.is(w[0].tensor.dataSync()[0], 2);
  assert.is(w[1].tensor.dataSync()[0], 2);
  assert.equal(w[2].tensor.shape, [3, 2]);
  try {
    await opt.setWeights([w[0], { name: "names/W/nonsense", tensor: w[2].tensor }]);
    assert.unreachable("an unknown slot must be refused");
  } catch (e) {
    assert.instance(e, RangeError);
    assert.ok((e as Error).message.includes("exp_avg_sq"));
  }
  tf.dispose(w[0].tensor);
  opt.dispose();
  p.dispose();
});

test("serialization: registered class names, getConfig round-trips through fromConfig", () => {
  const classes = [SgdOptimizer, AdamOptimizer, AdamWOptimizer, RmspropOptimizer];
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of classes) assert.ok(map[cls.className] !== undefined, `${cls.className} not registered`);
  assert.is(map.Adam[0] !== AdamOptimizer, true, "tfjs's own Adam must stay registered under its name");
  const opts = [
    sgd({ lr: 0.3, momentum: 0.8, dampening: 0.1, weightDecay: 0.01 }),
    adam({ lr: 0.002, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.1, amsgrad: true }),
    adamw({ lr: 0.004, maxGradNorm: 1 }),
    rmsprop({ lr: 0.02, alpha: 0.9, centered: true, momentum: 0.3 }),
  ];
  for (const opt of opts) {
    const name = opt.getClassName();
    const [cls, fromConfig] = map[name];
    const again = fromConfig(cls, opt.getConfig()) as TorchOptimizer;
    assert.is(again.getClassName(), name);
    assert.equal(again.getConfig(), opt.getConfig());
    opt.dispose();
    again.dispose();
  }
});

test("clipGradNorm: PyTorch's coefficient, the pre-clip norm returned, old tensors disposed", () => {
  const grads: tf.NamedTensorMap = { a: tf.tensor([3, 0]), b: tf.tensor([[0, 4]]) };
  const old = [grads.a, grads.b];
  const norm = clipGradNorm(grads, 1);
  assert.ok(Math.abs(norm - 5) < 1e-6, `norm ${norm}`);
  assert.ok(old.every((t) => t.isDisposed), "replaced gradients must be disposed");
  const coef = 1 / (5 + 1e-6);
  assert.ok(Math.abs(grads.a.dataSync()[0] - 3 * coef) < 1e-7);
  assert.ok(Math.abs(grads.b.dataSync()[1] - 4 * coef) < 1e-7);
  assert.equal(grads.b.shape, [1, 2]);
  // Below the threshold the gradients are left as they are (coefficient clamped to 1).
  const again = clipGradNorm(grads, 10);
  assert.ok(Math.abs(again - 5 * coef) < 1e-6);
  assert.ok(Math.abs(grads.a.dataSync()[0] - 3 * coef) < 1e-7);
  // The max norm, and the NamedTensor-list form that applyGradients also takes.
  const list = [
    { name: "a", tensor: tf.tensor([-7, 1]) },
    { name: "b", tensor: tf.tensor([2]) },
  ];
  assert.is(clipGradNorm(list, 3.5, Infinity), 7);
  assert.ok(Math.abs(list[0].tensor.dataSync()[0] + 3.5) < 1e-5);
  assert.is(clipGradNorm({}, 1), 0);
  throwsRange(() => clipGradNorm(grads, 0), "clipGradNorm", "maxNorm");
  throwsRange(() => clipGradNorm(grads, 1, 0.5), "normType");
  tf.dispose([grads, list.map((l) => l.tensor)]);
});

test("maxGradNorm clips inside applyGradients and reports the pre-clip norm", () => {
  const p = setUpProblem(quadratic, "maxnorm");
  const q = setUpProblem(quadratic, "maxnorm-ref");
  const inside = sgd({ lr: 0.01, maxGradNorm: 2 });
  const outside = sgd({ lr: 0.01 });
  assert.is(inside.lastGradNorm(), null);
  for (let k = 0; k < 5; k++) {
    inside.minimize(p.loss);
    const { value, grads } = outside.computeGradients(q.loss);
    const norm = clipGradNorm(grads, 2);
    outside.applyGradients(grads);
    tf.dispose([value, grads]);
    assert.ok(Math.abs(inside.lastGradNorm()! - norm) <= 1e-6 * norm, `step ${k}: ${inside.lastGradNorm()} vs ${norm}`);
  }
  assert.equal(Array.from(p.vars.x.dataSync()), Array.from(q.vars.x.dataSync()));
  inside.dispose();
  outside.dispose();
  p.dispose();
  q.dispose();
});

test("no leaks: 3000 steps of each optimizer (with clipping) keep tf.memory().numTensors flat", () => {
  const start = tf.memory().numTensors;
  const p = setUpProblem(leastsq, "leak");
  const vars = Object.values(p.vars);
  const opts = [
    adamw({ lr: 0.01, amsgrad: true, maxGradNorm: 1 }),
    adam({ lr: 0.01, weightDecay: 0.01 }),
    sgd({ lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    rmsprop({ lr: 0.001, centered: true, momentum: 0.5 }),
  ];
  for (const opt of opts) {
    opt.minimize(p.loss, false, vars);
    const after1 = tf.memory().numTensors;
    for (let k = 0; k < 750; k++) {
      opt.learningRate = 0.001 * (1 + (k % 7)); // a new rate every step
      opt.minimize(p.loss, false, vars);
    }
    assert.is(tf.memory().numTensors, after1, `${opt.getClassName()} leaked`);
  }
  // The user-level clipping path: computeGradients -> clipGradNorm -> applyGradients.
  const opt = adamw({ lr: 0.01 });
  const step = () => {
    const { value, grads } = opt.computeGradients(p.loss, vars);
    clipGradNorm(grads, 0.5);
    opt.applyGradients(grads);
    tf.dispose([value, grads]);
  };
  step();
  const after1 = tf.memory().numTensors;
  for (let k = 0; k < 1000; k++) step();
  assert.is(tf.memory().numTensors, after1, "clipGradNorm path leaked");
  // Each optimizer holds its slots and cached scalars; dispose() frees exactly those.
  const before = tf.memory().numTensors;
  opts[0].dispose(); // adamw amsgrad + clipping: 3 slots x 2 params, 1 norm, its constants
  const freed = before - tf.memory().numTensors;
  assert.ok(freed >= 7, `dispose() freed ${freed} tensors`);
  for (const o of [...opts.slice(1), opt]) o.dispose();
  p.dispose();
  assert.is(tf.memory().numTensors, start, "tensors left after disposing the optimizers and the problem");
});

test.run();
