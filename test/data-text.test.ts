import { test } from "uvu";
import * as assert from "uvu/assert";
import * as tf from "@tensorflow/tfjs-core";
import { ready } from "../src/backend";
import { createRng } from "../src/random";
import { createCharTokenizer, createNamesDataset, createProseDataset } from "../src/data/index";

test.before(async () => {
  await ready({ backend: "cpu" });
});

const toyWords = ["emma", "ava", "bob", "eve", "anna", "otto", "ada", "abba", "bea", "ebb"];

test("char tokenizer: sorted vocabulary, boundary first, encode/decode round trip", () => {
  const t = createCharTokenizer(["cab", "bad"], { boundary: "." });
  assert.equal(t.vocab, [".", "a", "b", "c", "d"]);
  assert.is(t.boundary, 0);
  assert.equal(Array.from(t.encode("dab")), [4, 1, 2]);
  assert.is(t.decode(t.encode("cab.")), "cab.");
  assert.throws(() => t.encode("cat"), (e: Error) => e instanceof RangeError && /outside the vocabulary/.test(e.message));
  assert.throws(() => t.decode([9]), /id must be in \[0, 4\]/);
  assert.throws(() => createCharTokenizer(""), /empty corpus/);
  assert.throws(() => createCharTokenizer("a.b", { boundary: "." }), /must not occur/);
  assert.is(createCharTokenizer("ba").boundary, null);
});

test("names dataset: makemore vocabulary (. = 0, a-z = 1-26) and deterministic splits by seed", () => {
  const d = createNamesDataset({ seed: 1 });
  assert.is(d.vocabSize, 27);
  assert.is(d.decode([0, 1, 26]), ".az");
  const total = d.docs.train.length + d.docs.val.length + d.docs.test.length;
  assert.ok(Math.abs(d.docs.val.length - total / 10) <= 1);
  const again = createNamesDataset({ seed: 1 });
  assert.equal(d.docs.val.map((w) => d.decode(w)), again.docs.val.map((w) => again.decode(w)));
  const other = createNamesDataset({ seed: 2 });
  assert.not.equal(d.docs.val.map((w) => d.decode(w)), other.docs.val.map((w) => other.decode(w)));
  const letters = d.docs.val.reduce((n, w) => n + w.length, 0);
  assert.is(d.size("val"), letters + d.docs.val.length, "one prediction per letter plus the end of each word");
});

test("names contexts are makemore's: every word padded with n boundaries, ending in the boundary", () => {
  assert.throws(() => createNamesDataset({ words: ["emma"] }), /at least 3 entries/, "one word cannot fill three splits");
  const e = createNamesDataset({ words: ["emma", "bob", "al"], seed: 0 });
  const words = ["train", "val", "test"].map((s) => e.decode(e.docs[s as "train"][0]));
  assert.equal(words.slice().sort(), ["al", "bob", "emma"]);
  const split = (["train", "val", "test"] as const)[words.indexOf("emma")];
  const ex = e.contexts(split, 3);
  const rows = Array.from({ length: ex.count }, (_, i) => e.decode(ex.x.subarray(3 * i, 3 * i + 3)) + "->" + e.decode([ex.y[i]]));
  assert.equal(rows, ["...->e", "..e->m", ".em->m", "emm->a", "mma->."]);
});

test("context batches: shapes, dtypes, determinism by rng, rows drawn from the split", () => {
  const d = createNamesDataset({ words: toyWords });
  const a = d.contextBatch("train", createRng(4), 16, 3);
  const b = d.contextBatch("train", createRng(4), 16, 3);
  assert.equal(a.x.shape, [16, 3]);
  assert.equal(a.y.shape, [16]);
  assert.is(a.x.dtype, "int32");
  assert.equal(Array.from(a.x.dataSync()), Array.from(b.x.dataSync()));
  const ex = d.contexts("train", 3);
  const known = new Set(Array.from({ length: ex.count }, (_, i) => `${ex.x.subarray(3 * i, 3 * i + 3)}>${ex.y[i]}`));
  const x = a.x.dataSync();
  const y = a.y.dataSync();
  for (let r = 0; r < 16; r++) assert.ok(known.has(`${x.subarray(3 * r, 3 * r + 3)}>${y[r]}`));
  tf.dispose([a, b]);
});

test("window batches: y is x shifted by one token of the same stream", () => {
  const d = createNamesDataset({ words: toyWords });
  const { x, y } = d.windowBatch("train", createRng(0), 8, 5);
  assert.equal(x.shape, [8, 5]);
  assert.equal(y.shape, [8, 5]);
  const xs = x.dataSync();
  const ys = y.dataSync();
  const stream = d.decode(Int32Array.from([0, ...d.docs.train.flatMap((w) => [...Array.from(w), 0])]));
  for (let r = 0; r < 8; r++) {
    for (let t = 0; t < 4; t++) assert.is(ys[r * 5 + t], xs[r * 5 + t + 1]);
    const window = d.decode(xs.subarray(r * 5, r * 5 + 5)) + d.decode([ys[r * 5 + 4]]);
    assert.ok(stream.includes(window), `${window} is a piece of the train stream`);
  }
  tf.dispose([x, y]);
  const ev = d.evalWindows("val", 2, 100);
  assert.is(ev.x.shape[1], 2);
  assert.equal(Array.from(ev.x.dataSync()), Array.from(d.evalWindows("val", 2, 100).x.dataSync()));
  tf.dispose(ev);
});

test("bad sizes: batch larger than the data, block longer than the stream, zero sizes", () => {
  const d = createNamesDataset({ words: toyWords });
  const count = d.contexts("val", 3).count;
  assert.throws(() => d.contextBatch("val", createRng(0), count + 1, 3), (e: Error) => e instanceof RangeError && /batchSize must be at most/.test(e.message));
  assert.throws(() => d.contextBatch("train", createRng(0), 0, 3), /batchSize must be a positive integer/);
  assert.throws(() => d.contextBatch("train", createRng(0), 4, 0), /contextSize must be a positive integer/);
  assert.throws(() => d.windowBatch("val", createRng(0), 1, 1000), /blockSize must be at most/);
  assert.throws(() => d.size("dev" as "val"), /split must be one of train, val, test/);
  assert.throws(() => createNamesDataset({ words: [] }), /empty corpus/);
  assert.throws(() => createNamesDataset({ words: ["Emma"] }), /lowercase a-z/);
  assert.throws(() => createProseDataset({ text: "" }), /empty corpus/);
  assert.throws(() => createProseDataset({ text: "abcdef", chunkChars: 4 }), /at least 3 chunks/);
});

test("subset keeps val and test, shrinks train deterministically", () => {
  const d = createNamesDataset({ seed: 3 });
  const s = d.subset(500, 9);
  assert.is(s.docs.train.length, 500);
  assert.is(s.docs.val, d.docs.val);
  assert.equal(s.docs.train.map((w) => s.decode(w)), d.subset(500, 9).docs.train.map((w) => s.decode(w)));
  assert.is(d.subset(0.5, 1).docs.train.length, Math.round(d.docs.train.length / 2));
});

test("prose dataset: fixed chunks split by seed, windows never cross chunks", () => {
  const d = createProseDataset({ maxChars: 40_000, chunkChars: 1000, seed: 2 });
  const total = d.docs.train.length + d.docs.val.length + d.docs.test.length;
  assert.is(total, 40);
  assert.ok(d.docs.train.every((c) => c.length === 1000));
  assert.equal(d.docs.val.map((c) => d.decode(c)), createProseDataset({ maxChars: 40_000, chunkChars: 1000, seed: 2 }).docs.val.map((c) => d.decode(c)));
  const chunks = d.docs.train.map((c) => d.decode(c));
  const { x, y } = d.windowBatch("train", createRng(1), 20, 64);
  const xs = x.dataSync();
  const ys = y.dataSync();
  for (let r = 0; r < 20; r++) {
    const w = d.decode(xs.subarray(r * 64, r * 64 + 64)) + d.decode([ys[r * 64 + 63]]);
    assert.ok(chunks.some((c) => c.includes(w)), "window inside one chunk");
  }
  tf.dispose([x, y]);
  assert.is(d.size("train"), d.docs.train.length * 999);
});

test.run();
