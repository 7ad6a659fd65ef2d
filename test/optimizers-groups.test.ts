// Parameter groups (torch.optim's param_groups): option checks, membership, the rates and weight
// decay each variable gets, a schedule driving every group, and serialization. The trajectories
// against PyTorch are in optimizers-reference.test.ts (the fixture's "groups" cases).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { AdamWOptimizer, SgdOptimizer, adam, adamw, rmsprop, scheduleDriver, sgd } from "../src/optimizers/index";

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

test("bad groups fail when the optimizer is made, naming the group", () => {
  throwsRange(() => sgd({ lr: 0.1, paramGroups: [{ params: ["a"], lrScale: -1 }] }), "paramGroups[0]", "lrScale");
  throwsRange(() => adam({ paramGroups: [{ params: ["a"], lr: 0.1, lrScale: 2 }] }), "not both");
  throwsRange(() => adam({ lr: 0, paramGroups: [{ params: ["a"], lr: 0.1 }] }), "lr > 0");
  throwsRange(() => rmsprop({ paramGroups: [{ params: ["a"], weightDecay: -0.1, name: "hid" }] }), "hid", "weightDecay");
  throwsRange(() => adamw({ paramGroups: [{ params: ["a"] }, { params: ["b", "a"] }] }), '"a"', "more than one");
  throwsRange(() => sgd({ lr: 1, paramGroups: [{ params: 3 as unknown as string[] }] }), "params");
});

test("each variable gets its group's rate (base x lrScale, or lr / initial lr) and weight decay", () => {
  const a = tf.variable(tf.zeros([2]), true, "grp/a");
  const b = tf.variable(tf.zeros([2]), true, "grp/b");
  const c = tf.variable(tf.zeros([2]), true, "grp/c");
  const opt = adamw({
    lr: 0.01,
    weightDecay: 0.1,
    paramGroups: [{ params: [a], lrScale: 0.5, weightDecay: 0 }, { params: (n) => n.endsWith("/b"), lr: 0.04 }],
  });
  assert.equal(opt.hyperOf(a), { lr: 0.005, weightDecay: 0 });
  assert.equal(opt.hyperOf("grp/b"), { lr: 0.04, weightDecay: 0.1 });
  assert.equal(opt.hyperOf(c), { lr: 0.01, weightDecay: 0.1 });
  assert.equal([opt.groupOf(a), opt.groupOf(b), opt.groupOf(c), opt.groupCount], [0, 1, -1, 2]);
  opt.learningRate = 0.1; // a schedule sets the base; every group keeps its ratio
  assert.ok(Math.abs(opt.hyperOf(b).lr - 0.4) < 1e-12);
  assert.is(opt.hyperOf(a).lr, 0.05);
  opt.dispose();
  tf.dispose([a, b, c]);
});

test("a predicate that matches a variable already listed by name is an error at its first update", () => {
  const a = tf.variable(tf.zeros([1]), true, "grp2/a");
  const opt = sgd({ lr: 0.1, paramGroups: [{ params: ["grp2/a"] }, { params: () => true }] });
  throwsRange(() => opt.hyperOf(a), "more than one");
  opt.dispose();
  a.dispose();
});

test("SGD steps: lrScale 0 freezes a group, a schedule drives the others, decay is per group", () => {
  const a = tf.variable(tf.tensor1d([1, 1]), true, "grp3/a");
  const b = tf.variable(tf.tensor1d([1, 1]), true, "grp3/b");
  const frozen = tf.variable(tf.tensor1d([1, 1]), true, "grp3/f");
  const opt = sgd({ lr: 1, paramGroups: [{ params: [frozen], lrScale: 0 }, { params: [b], lrScale: 2, weightDecay: 1 }] });
  const drive = scheduleDriver(opt, (k) => 0.1 / (k + 1));
  const loss = () => tf.sum(tf.add(tf.add(a, b), frozen)) as tf.Scalar; // gradient 1 everywhere
  for (let k = 0; k < 2; k++) {
    drive.next();
    opt.minimize(loss, false, [a, b, frozen]);
  }
  // a: 1 - 0.1 - 0.05; b: each step b -= 2 lr (1 + b); frozen: unchanged
  const b1 = 1 - 0.2 * 2;
  const b2 = b1 - 0.1 * (1 + b1);
  assert.ok(Math.abs(a.dataSync()[0] - 0.85) < 1e-6);
  assert.ok(Math.abs(b.dataSync()[0] - b2) < 1e-6, `b ${b.dataSync()[0]} vs ${b2}`);
  assert.equal(Array.from(frozen.dataSync()), [1, 1]);
  opt.dispose();
  tf.dispose([a, b, frozen]);
});

test("getConfig keeps named groups and fromConfig rebuilds them; function groups cannot be saved", () => {
  const opt = adamw({ lr: 0.02, paramGroups: [{ params: ["x/w"], lrScale: 0.25, name: "hidden" }] });
  const config = opt.getConfig();
  const back = tf.serialization.SerializationMap.getMap().classNameMap[AdamWOptimizer.className];
  const copy = back[1](back[0], config) as AdamWOptimizer;
  assert.equal(copy.hyperOf("x/w"), { lr: 0.005, weightDecay: 0.01 });
  assert.is(copy.groupCount, 1);
  const fnGroups = sgd({ lr: 1, paramGroups: [{ params: () => true }] }) as SgdOptimizer;
  throwsRange(() => fnGroups.getConfig(), "function");
  [opt, copy, fnGroups].forEach((o) => o.dispose());
});

test.run();
