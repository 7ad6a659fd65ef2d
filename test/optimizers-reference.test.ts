// Every optimizer and option set against PyTorch 1.13 (test/fixtures/optimizers.json, made by
// scripts/reference/optimizers.py): loss before each step, gradient norm (clipping cases) and
// every parameter after each step, over 40 steps with a learning-rate change mid-run.
// Tolerance: float32 rounding (~6e-8 relative) compounded over 40 steps. Most cases stay within
// ~1e-6 absolute; the worst are RMSprop on the least-squares problem late in the run (up to
// 2.5e-5 abs / 8e-5 rel on cpu, 2.8e-5 / 9.3e-5 on wasm): near the optimum the gradient is a
// cancellation of residuals whose rounding differs between backends, g / sqrt(s) magnifies it,
// and centered RMSprop cancels again in sqrt(s - a*a).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { BackendName, ready } from "../src/backend";
import { Case, Fixture, Replay, loadFixture, replay } from "./optimizers-helpers";

const RTOL = 1e-4;
const ATOL = 1e-6;

const fixture: Fixture = loadFixture();

function close(got: number[], want: number[], what: string): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const tol = ATOL + RTOL * Math.abs(want[i]);
    if (!(Math.abs(got[i] - want[i]) <= tol)) {
      assert.unreachable(`${what}[${i}]: got ${got[i]}, PyTorch ${want[i]} (|diff| ${Math.abs(got[i] - want[i])} > ${tol})`);
    }
  }
}

function check(c: Case, r: Replay, label: string): void {
  if (c.groupLrs) close(r.groupLrs.flat(), c.groupLrs.flat(), `${label} group rates`);
  close(r.losses, c.losses, `${label} loss`);
  if (c.norms) close(r.norms, c.norms, `${label} clip norm`);
  r.snapshots.forEach((snap, k) => {
    for (const name of Object.keys(c.snapshots[k])) close(snap[name], c.snapshots[k][name], `${label} step ${k} ${name}`);
  });
}

test("the fixture covers every optimizer, mid-run and per-step rate changes, and clipping", () => {
  const kinds = new Set(fixture.cases.map((c) => c.optimizer));
  assert.equal([...kinds].sort(), ["adam", "adamw", "rmsprop", "sgd"]);
  for (const c of fixture.cases) {
    assert.is(c.lrs.length, fixture.steps);
    assert.ok(new Set(c.lrs).size > 1, `${c.id}: the rate never changes`);
  }
  assert.ok(fixture.cases.filter((c) => c.clip).length >= 2);
  assert.ok(fixture.cases.some((c) => c.clip?.normType === "inf"));
});

test("the fixture has parameter-group cases for every optimizer, with lrScale and lr forms", () => {
  const grouped = fixture.cases.filter((c) => c.groups);
  assert.equal([...new Set(grouped.map((c) => c.optimizer))].sort(), ["adam", "adamw", "rmsprop", "sgd"]);
  assert.ok(grouped.some((c) => c.lrForm) && grouped.some((c) => !c.lrForm));
  assert.ok(grouped.some((c) => c.groups!.some((g) => g.weightDecay !== undefined)));
  for (const c of grouped) assert.is(c.groupLrs!.length, fixture.steps);
});

let previous = "";
for (const backend of ["cpu", "wasm"] as BackendName[]) {
  test(`${backend}: ready`, async () => {
    if (!previous) previous = tf.getBackend();
    const report = await ready({ backend });
    assert.is(report.name, backend);
  });
  fixture.cases.forEach((c, i) => {
    test(`${backend}: ${c.id} matches PyTorch at every step`, () => {
      const before = tf.memory().numTensors;
      const r = replay(fixture.problems[c.problem], c, `ref${backend}${i}`);
      check(c, r, c.id);
      assert.is(tf.memory().numTensors, before, "the replay leaked tensors");
    });
  });
}

test("restore the backend", async () => {
  if (previous === "cpu" || previous === "wasm") await ready({ backend: previous });
});

test.run();
