import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createNamesDataset, createProseDataset } from "../src/data/index";
import {
  bigramCountLoss,
  bigramCounts,
  bigramFloor,
  createBigramModel,
  createGpt,
  createMlpCharModel,
  gelu,
  layerNorm,
  LanguageModel,
  argmaxIndex,
  paramName,
} from "../src/models/index";
import { directionalGradCheck, failures, jitter } from "./models-gradcheck";

test.before(async () => {
  await ready({ backend: "cpu" });
});

// 40 short words over {a, b, c}: splits of 32/4/4 words, small enough for quick gradient checks.
const toyWords = Array.from({ length: 40 }, (_, i) => (i + 1).toString(3).replace(/0/g, "a").replace(/1/g, "b").replace(/2/g, "c"));
const toy = createNamesDataset({ words: toyWords, seed: 0 });

test("bigram floor on a toy corpus equals the conditional entropy computed by hand", () => {
  const d = createNamesDataset({ words: ["ab", "ab", "b"], fractions: { train: 0.34, val: 0.33, test: 0.33 } });
  // All three words in one table: .a x2, ab x2, b. x3, .b x1 -> from '.': a 2/3, b 1/3; a and b are certain.
  const counts = bigramCounts(d, "train");
  for (const s of ["val", "test"] as const) bigramCounts(d, s).forEach((c, i) => (counts[i] += c));
  const byHand = -(2 * Math.log(2 / 3) + Math.log(1 / 3)) / 8;
  assert.ok(Math.abs(bigramCountLoss(counts, counts) - byHand) < 1e-12);
  // Add-one smoothing over V = 3: row '.' has 3 counts -> (2+1)/(3+3), (1+1)/6; row a: (2+1)/(2+3); row b: (3+1)/(3+3).
  const smoothed = -(2 * Math.log(3 / 6) + Math.log(2 / 6) + 2 * Math.log(3 / 5) + 3 * Math.log(4 / 6)) / 8;
  assert.ok(Math.abs(bigramCountLoss(counts, counts, 1) - smoothed) < 1e-12);
  assert.is(bigramCountLoss(counts, counts, 1) > byHand, true);
  assert.throws(() => bigramCountLoss(counts, counts, -1), /smoothing must be/);
});

test("a trained bigram table approaches, but never beats, the floor on its own data", () => {
  const model = createBigramModel({ data: toy });
  const floor = bigramFloor(toy, "train");
  assert.ok(Math.abs(model.evaluate("train") - Math.log(toy.vocabSize)) < 1e-6, "zero init: uniform");
  const opt = tf.train.adam(0.1);
  const ex = toy.contexts("train", 1);
  const all = { x: tf.tensor1d(ex.x, "int32"), y: tf.tensor1d(ex.y, "int32") };
  for (let s = 0; s < 300; s++) opt.minimize(() => model.loss(all), false, model.params);
  const loss = model.evaluate("train");
  assert.ok(loss >= floor - 1e-5, `${loss} below the class floor ${floor}`);
  assert.ok(loss - floor < 0.01, `${loss} should approach ${floor}`);
  tf.dispose(all);
  opt.dispose();
  model.dispose();
});

test("language models: logits shapes, parameter counts, first loss near log V", () => {
  const mlp = createMlpCharModel({ data: toy, contextSize: 3, embedding: 4, hidden: 8 });
  const V = toy.vocabSize;
  assert.is(mlp.numParams, V * 4 + 12 * 8 + 8 + 8 * V + V);
  const gpt = createGpt({ data: toy, blockSize: 6, width: 8, heads: 2, layers: 2 });
  // nanoGPT count: wte, wpe, per block 2 LN + qkv + proj + fc + proj, final LN, head.
  const C = 8;
  const perBlock = 2 * 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + (C * 4 * C + 4 * C) + (4 * C * C + C);
  assert.is(gpt.numParams, V * C + 6 * C + 2 * perBlock + 2 * C + C * V);
  const tied = createGpt({ data: toy, blockSize: 6, width: 8, heads: 2, layers: 2, tieWeights: true });
  assert.is(tied.numParams, gpt.numParams - C * V);
  const rng = createRng(0);
  const cb = mlp.batch(rng, 5);
  const wb = gpt.batch(rng, 5);
  const a = mlp.logits(cb.x);
  const b = gpt.logits(wb.x);
  assert.equal(a.shape, [5, V]);
  assert.equal(b.shape, [30, V]);
  for (const m of [mlp, gpt, tied] as LanguageModel[]) {
    const l = m.evaluate("val");
    assert.ok(Math.abs(l - Math.log(V)) < 0.1, `${m.name}: initial loss ${l} vs log V ${Math.log(V)}`);
  }
  tf.dispose([cb, wb, a, b]);
  [mlp, gpt, tied].forEach((m) => m.dispose());
});

test("gelu (tanh form) and layerNorm match their formulas", () => {
  const x = [-3, -0.5, 0, 0.7, 2];
  const g = gelu(tf.tensor1d(x)).dataSync();
  x.forEach((v, i) => {
    const ref = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    assert.ok(Math.abs(g[i] - ref) < 1e-6);
  });
  const y = layerNorm(tf.tensor2d([[1, 2, 3, 6]]), tf.tensor1d([1, 1, 1, 2]), tf.tensor1d([0, 0, 0, 1])).dataSync();
  const mean = 3;
  const sd = Math.sqrt((4 + 1 + 0 + 9) / 4 + 1e-5);
  [(1 - mean) / sd, (2 - mean) / sd, 0, (2 * (6 - mean)) / sd + 1].forEach((r, i) => assert.ok(Math.abs(y[i] - r) < 1e-5));
});

test("the GPT is causal: changing a later token leaves earlier logits unchanged", () => {
  const gpt = createGpt({ data: toy, blockSize: 6, width: 8, heads: 2, layers: 2, seed: 3 });
  jitter(gpt.params, 1, 0.5);
  const a = gpt.logits(tf.tensor2d([[0, 1, 2, 1, 2, 1]], [1, 6], "int32")).dataSync();
  const b = gpt.logits(tf.tensor2d([[0, 1, 2, 1, 1, 2]], [1, 6], "int32")).dataSync();
  const V = toy.vocabSize;
  for (let i = 0; i < 4 * V; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5, `position ${Math.floor(i / V)} saw the future`);
  let changed = 0;
  for (let i = 4 * V; i < 6 * V; i++) changed = Math.max(changed, Math.abs(a[i] - b[i]));
  assert.ok(changed > 1e-3, "later positions do see the change");
  // A shorter sequence gives the same logits as the prefix of a full one.
  const c = gpt.logits(tf.tensor2d([[0, 1, 2]], [1, 3], "int32")).dataSync();
  for (let i = 0; i < 3 * V; i++) assert.ok(Math.abs(a[i] - c[i]) < 1e-5);
  gpt.dispose();
});

test("language model gradients match finite differences (cpu, float32)", () => {
  const rng = createRng(7);
  const models: LanguageModel[] = [
    createBigramModel({ data: toy, initStd: 1 }),
    createMlpCharModel({ data: toy, contextSize: 3, embedding: 3, hidden: 6, seed: 1 }),
    createGpt({ data: toy, blockSize: 5, width: 8, heads: 2, layers: 1, seed: 2 }),
    createGpt({ data: toy, blockSize: 5, width: 8, heads: 2, layers: 1, seed: 3, tieWeights: true }),
  ];
  for (const m of models) {
    jitter(m.params, 11, 0.3);
    const batch = m.batch(rng, 6);
    const checks = directionalGradCheck(m.params, () => m.loss(batch), { seed: 4 });
    assert.is(checks.length, m.params.length);
    assert.is(failures(checks, 5e-3), "", m.name);
    tf.dispose(batch);
    m.dispose();
  }
});

test("the gradient check itself catches a wrong gradient", () => {
  const v = tf.variable(tf.tensor1d([0.5, -1.2, 2]), true, "gradcheck-control");
  // Forward sum(x^2), but a backward that returns x instead of 2x.
  const wrongSquare = tf.customGrad(((x: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
    save([x]);
    return { value: tf.sum(tf.square(x)), gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, saved) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const honest = directionalGradCheck([v], () => tf.sum(tf.square(v)) as tf.Scalar);
  assert.is(failures(honest, 5e-3), "");
  const wrong = directionalGradCheck([v], () => wrongSquare(v) as tf.Scalar);
  assert.ok(failures(wrong, 5e-3).includes("gradcheck-control"), "a gradient off by a factor 2 must fail");
  v.dispose();
});

test("sampling: deterministic by rng; names are a-z words; temperature and maxTokens checked", () => {
  const names = createNamesDataset();
  const gpt = createGpt({ data: names, seed: 1 });
  const a = Array.from({ length: 5 }, (_, i) => gpt.sample(createRng(i), { maxTokens: 12 }));
  const b = Array.from({ length: 5 }, (_, i) => gpt.sample(createRng(i), { maxTokens: 12 }));
  assert.equal(a, b);
  assert.ok(a.every((w) => /^[a-z]*$/.test(w) && w.length <= 12), JSON.stringify(a));
  assert.not.equal(a[0], gpt.sample(createRng(99), { maxTokens: 12 }));
  assert.throws(() => gpt.sample(createRng(0), { temperature: 0 }), (e: Error) => e instanceof RangeError && /temperature/.test(e.message));
  assert.throws(() => gpt.sample(createRng(0), { maxTokens: 0 }), /maxTokens/);
  assert.throws(() => gpt.sample(createRng(0), { prompt: "em" }), /prompt is not supported/);
  gpt.dispose();
  const prose = createProseDataset({ maxChars: 20_000, chunkChars: 500 });
  const mlp = createMlpCharModel({ data: prose });
  const text = mlp.sample(createRng(0), { prompt: "The ", maxTokens: 10 });
  assert.ok(text.startsWith("The ") && text.length === 14, JSON.stringify(text));
  mlp.dispose();
});

test("greedy decoding takes the argmax at every step: the same text whatever the rng, one token per step", () => {
  const prose = createProseDataset({ maxChars: 20_000, chunkChars: 500 });
  const gpt = createGpt({ data: prose, blockSize: 8, width: 16, heads: 2, layers: 1, seed: 4 });
  const a = gpt.sample(createRng(0), { prompt: "The ", maxTokens: 12, greedy: true });
  assert.is(gpt.sample(createRng(123), { prompt: "The ", maxTokens: 12, greedy: true }), a);
  assert.is(gpt.sample(createRng(5), { prompt: "The ", maxTokens: 12, greedy: true, temperature: 0.3 }), a, "temperature does not move an argmax");
  assert.ok(a.startsWith("The ") && a.length === 16, JSON.stringify(a));
  // Each greedy token is the argmax of the model's logits for the text before it.
  const ids = Array.from(prose.encode(a));
  for (let k = 4; k < ids.length; k++) {
    const ctx = ids.slice(Math.max(0, k - 8), k);
    const logits = tf.tidy(() => gpt.logits(tf.tensor2d(ctx, [1, ctx.length], "int32")));
    const last = logits.arraySync()[ctx.length - 1];
    logits.dispose();
    assert.is(ids[k], argmaxIndex(last), `token ${k}`);
  }
  // Temperature sampling with a fixed seed is deterministic too, and differs from greedy here.
  const s1 = gpt.sample(createRng(7), { prompt: "The ", maxTokens: 12, temperature: 1.5 });
  assert.is(gpt.sample(createRng(7), { prompt: "The ", maxTokens: 12, temperature: 1.5 }), s1);
  assert.not.equal(s1, a);
  assert.throws(() => gpt.sample(createRng(0), { greedy: "yes" as unknown as boolean }), /greedy must be/);
  gpt.dispose();
});

test("argmaxIndex: the largest value, the first on ties; empty input is an error", () => {
  assert.is(argmaxIndex([0.1, 3, -2, 3]), 1);
  assert.is(argmaxIndex(Float32Array.from([-5, -1, -3])), 1);
  assert.throws(() => argmaxIndex([]), /at least one/);
});

test("language models leave no tensors behind (batch, loss, grads, evaluate, sample, dispose)", () => {
  const before = tf.memory().numTensors;
  for (const make of [
    () => createBigramModel({ data: toy }),
    () => createMlpCharModel({ data: toy }),
    () => createGpt({ data: toy, blockSize: 4, width: 8, heads: 2, layers: 1 }),
  ]) {
    const m = make();
    const rng = createRng(0);
    for (let i = 0; i < 3; i++) {
      const batch = m.batch(rng, 4);
      const { value, grads } = tf.variableGrads(() => m.loss(batch), m.params);
      tf.dispose([batch, value, grads]);
    }
    m.evaluate("val");
    m.sample(rng, { maxTokens: 5 });
    m.sample(rng, { maxTokens: 5, greedy: true });
    m.dispose();
  }
  assert.is(tf.memory().numTensors, before);
});

test("a seed fixes every initial weight; parameter names are unique per model and readable", () => {
  const values = (seed: number) => {
    const m = createGpt({ data: toy, blockSize: 4, width: 8, heads: 2, layers: 1, seed });
    const v = m.params.map((p) => Array.from(p.dataSync()));
    const names = m.params.map((p) => p.name);
    m.dispose();
    return { v, names };
  };
  const a = values(5);
  const b = values(5);
  assert.equal(a.v, b.v);
  assert.not.equal(a.v, values(6).v);
  assert.ok(a.names.every((n, i) => n !== b.names[i]), "two models never share a variable name");
  assert.equal(a.names.map((n) => paramName({ name: n } as tf.Variable)), b.names.map((n) => paramName({ name: n } as tf.Variable)));
  assert.ok(a.names.some((n) => n.endsWith("/h0.attn.qkv.w")));
});

test("bad options give RangeErrors naming the parameter", () => {
  assert.throws(() => createGpt({ data: toy, width: 10, heads: 3 }), (e: Error) => e instanceof RangeError && /heads must divide width/.test(e.message));
  assert.throws(() => createGpt({ data: toy, blockSize: 0 }), /blockSize must be a positive integer/);
  assert.throws(() => createMlpCharModel({ data: toy, hidden: 1.5 }), /hidden must be a positive integer/);
  const gpt = createGpt({ data: toy, blockSize: 4, width: 8, heads: 2, layers: 1 });
  assert.throws(() => gpt.logits(tf.zeros([1, 5], "int32")), /at most blockSize 4/);
  assert.throws(() => gpt.loss({ x: tf.zeros([1, 4], "int32") }), /needs batch.y/);
  gpt.dispose();
});

test.run();
