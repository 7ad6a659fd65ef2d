import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "child_process";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { backendFromEnv, ready, describeBackend } from "../src/backend";

const root = path.resolve(__dirname, "..");

function nativePresent(): boolean {
  try {
    require("tfjs-node");
    return true;
  } catch {
    return false;
  }
}

// Runs ready() in a fresh process with the given environment; returns its report or error.
function readyInChild(env: Record<string, string>): { name?: string; reason?: string; error?: string } {
  const code = `require("./src/backend").ready().then(r => console.log(JSON.stringify(r)), e => console.log(JSON.stringify({ error: e.message })))`;
  const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

test("LR_LAB_BACKEND accepts the three backends and unset", () => {
  assert.is(backendFromEnv({}), undefined);
  assert.is(backendFromEnv({ LR_LAB_BACKEND: "" }), undefined);
  assert.is(backendFromEnv({ LR_LAB_BACKEND: "wasm" }), "wasm");
  assert.is(backendFromEnv({ LR_LAB_BACKEND: "cpu" }), "cpu");
  assert.is(backendFromEnv({ LR_LAB_BACKEND: "tensorflow" }), "tensorflow");
});

test("LR_LAB_BACKEND with an unknown value names the variable and the allowed values", () => {
  assert.throws(() => backendFromEnv({ LR_LAB_BACKEND: "webgl" }), (e: Error) => {
    return e instanceof RangeError && /LR_LAB_BACKEND/.test(e.message) && /tensorflow, wasm, cpu/.test(e.message);
  });
});

test("ready() picks the fastest backend present and says why", async () => {
  const report = await ready();
  const expected = nativePresent() ? "tensorflow" : "wasm";
  assert.is(report.name, expected);
  assert.is(tf.getBackend(), expected);
  if (expected === "wasm") {
    assert.ok(report.unavailable.some((u) => u.name === "tensorflow" && u.error.length > 0));
    assert.match(report.reason, /tensorflow not available/);
  }
  assert.match(describeBackend(report), new RegExp(`^backend ${expected} \\(`));
  // idempotent: the same promise result on a second call
  assert.is((await ready()).name, report.name);
});

test("LR_LAB_BACKEND=cpu forces the cpu backend in a fresh process", () => {
  const r = readyInChild({ LR_LAB_BACKEND: "cpu" });
  assert.is(r.error, undefined);
  assert.is(r.name, "cpu");
  assert.match(r.reason!, /forced by LR_LAB_BACKEND/);
});

test("forcing a backend that cannot load fails with a clear error", () => {
  if (nativePresent()) return; // only meaningful where tfjs-node is missing
  const r = readyInChild({ LR_LAB_BACKEND: "tensorflow" });
  assert.ok(r.error, "expected an error");
  assert.match(r.error!, /backend "tensorflow" was forced by LR_LAB_BACKEND but is not available/);
  assert.match(r.error!, /npm install/);
});

test("an invalid LR_LAB_BACKEND makes ready() reject, not silently fall back", () => {
  const r = readyInChild({ LR_LAB_BACKEND: "gpu" });
  assert.match(r.error ?? "", /LR_LAB_BACKEND must be one of/);
});

test("after ready() gradients are registered (tfjs-core alone has none in Node)", async () => {
  await ready();
  for (const kernel of ["Square", "BatchMatMul", "GatherV2", "Softmax", "Tanh", "Erf", "Sum", "Concat", "Transpose"]) {
    assert.ok(tf.getGradient(kernel), `no gradient for ${kernel}`);
  }
  const g = tf.grad((x: tf.Tensor) => tf.square(x))(tf.scalar(3));
  assert.is(g.dataSync()[0], 6);
});

test.run();
