// muP helper: the role of every parameter of the names MLP and the tiny GPT, the per-role rate
// multipliers of TP5's Table 3, the optimizer groups they become, and the init rescaling.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { mupInit, mupParamGroups, mupRateScales, mupRoles } from "../src/models/mup";
import { createMlpCharModel } from "../src/models/mlp-char";
import { createGpt } from "../src/models/gpt";
import { createNamesDataset } from "../src/data/text-dataset";
import { adamw, sgd } from "../src/optimizers/index";

const data = createNamesDataset({ seed: 0 }).subset(300, 0);

test.before(async () => {
  await ready({ backend: "cpu" });
});

const std = (v: tf.Variable) => {
  const x = Array.from(v.dataSync());
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
};

test("roles: the MLP's only width-scaled weight is its output layer; the GPT's blocks are hidden", () => {
  const mlp = createMlpCharModel({ data, hidden: 32 });
  assert.equal(mupRoles(mlp), { embedding: "input", "hidden.w": "input", "hidden.b": "vector", "out.w": "output", "out.b": "vector" });
  const gpt = createGpt({ data, width: 16, heads: 2, layers: 1, blockSize: 8 });
  const roles = mupRoles(gpt);
  assert.is(roles["lm_head"], "output");
  assert.is(roles["wte"], "input");
  for (const k of ["h0.attn.qkv.w", "h0.attn.proj.w", "h0.mlp.fc.w", "h0.mlp.proj.w"]) assert.is(roles[k], "hidden", k);
  assert.is(roles["h0.ln1.g"], "vector");
  mlp.dispose();
  gpt.dispose();
});

test("rates: Adam hidden and output / width_mult; SGD input x width_mult, output / width_mult", () => {
  assert.equal(mupRateScales({ width: 256, baseWidth: 64 }), { input: 1, vector: 1, hidden: 0.25, output: 0.25 });
  assert.equal(mupRateScales({ width: 256, baseWidth: 64, optimizer: "sgd" }), { input: 4, vector: 4, hidden: 1, output: 0.25 });
  assert.throws(() => mupRateScales({ width: 0, baseWidth: 64 }), RangeError);
});

test("groups drive the optimizer: at the base width there are none; wider, out.w gets lr/width_mult", () => {
  const mlp = createMlpCharModel({ data, hidden: 128 });
  assert.equal(mupParamGroups(mlp, { width: 128, baseWidth: 128 }), []);
  const opt = adamw({ lr: 0.01, paramGroups: mupParamGroups(mlp, { width: 128, baseWidth: 32 }) });
  const byName = Object.fromEntries(mlp.params.map((v) => [v.name.split("/")[1], opt.hyperOf(v).lr]));
  assert.equal(byName, { embedding: 0.01, "hidden.w": 0.01, "hidden.b": 0.01, "out.w": 0.0025, "out.b": 0.01 });
  const gpt = createGpt({ data, width: 32, heads: 2, layers: 1, blockSize: 8 });
  const s = sgd({ lr: 0.1, paramGroups: mupParamGroups(gpt, { width: 32, baseWidth: 16, optimizer: "sgd" }) });
  const w = gpt.params.find((v) => v.name.endsWith("/wte"))!;
  const head = gpt.params.find((v) => v.name.endsWith("/lm_head"))!;
  assert.equal([s.hyperOf(w).lr, s.hyperOf(head).lr], [0.2, 0.05]);
  [opt, s].forEach((o) => o.dispose());
  mlp.dispose();
  gpt.dispose();
});

test("init: output std x base/width, hidden x sqrt(base/width), the rest unchanged", () => {
  const a = createGpt({ data, width: 64, heads: 2, layers: 1, blockSize: 8, seed: 3 });
  const b = createGpt({ data, width: 64, heads: 2, layers: 1, blockSize: 8, seed: 3 });
  mupInit(b, { width: 64, baseWidth: 16 });
  const pick = (m: typeof a, k: string) => m.params.find((v) => v.name.endsWith(`/${k}`))!;
  assert.ok(Math.abs(std(pick(b, "lm_head")) / std(pick(a, "lm_head")) - 0.25) < 1e-5);
  assert.ok(Math.abs(std(pick(b, "h0.mlp.fc.w")) / std(pick(a, "h0.mlp.fc.w")) - 0.5) < 1e-5);
  assert.equal(Array.from(pick(b, "wte").dataSync()), Array.from(pick(a, "wte").dataSync()));
  a.dispose();
  b.dispose();
});

test.run();
