import { test } from "uvu";
import * as assert from "uvu/assert";
import { splitItems, subsetItems } from "../src/data/index";

const items = Array.from({ length: 1000 }, (_, i) => i);

test("splitItems partitions the items by the fractions", () => {
  const s = splitItems(items, 5);
  assert.is(s.train.length, 800);
  assert.is(s.val.length, 100);
  assert.is(s.test.length, 100);
  const union = [...s.train, ...s.val, ...s.test].sort((a, b) => a - b);
  assert.equal(union, items, "disjoint and complete");
  const t = splitItems(items, 5, { train: 0.5, val: 0.25, test: 0.25 });
  assert.equal([t.train.length, t.val.length, t.test.length], [500, 250, 250]);
});

test("splitItems is deterministic by seed and differs across seeds; input untouched", () => {
  const copy = items.slice();
  assert.equal(splitItems(items, 1), splitItems(items, 1));
  assert.not.equal(splitItems(items, 1).val, splitItems(items, 2).val);
  assert.equal(items, copy);
});

test("splitItems: every non-zero split gets an item; bad input errors name the parameter", () => {
  const s = splitItems(["a", "b", "c"], 0);
  assert.equal([s.train.length, s.val.length, s.test.length], [1, 1, 1]);
  assert.throws(() => splitItems([], 0), (e: Error) => e instanceof RangeError && /empty/.test(e.message));
  assert.throws(() => splitItems(["a", "b"], 0), /at least 3/);
  assert.throws(() => splitItems(items, 0, { train: 0.5, val: 0.2, test: 0.2 }), /sum to 1/);
  assert.throws(() => splitItems(items, 0, { train: 0, val: 0.5, test: 0.5 }), /fractions.train/);
  assert.throws(() => splitItems(items, 0, { train: 1.2, val: -0.1, test: -0.1 }), /fractions\./);
});

test("subsetItems: seeded, in original order, by count or fraction", () => {
  const a = subsetItems(items, 100, 3);
  assert.is(a.length, 100);
  assert.equal(a, subsetItems(items, 100, 3));
  assert.not.equal(a, subsetItems(items, 100, 4));
  assert.equal(a, a.slice().sort((x, y) => x - y));
  assert.is(new Set(a).size, 100);
  assert.is(subsetItems(items, 0.25, 3).length, 250);
  assert.throws(() => subsetItems(items, 1001, 0), (e: Error) => e instanceof RangeError && /size must be at most/.test(e.message));
  assert.throws(() => subsetItems(items, 0, 0), /size must be a positive integer/);
  assert.throws(() => subsetItems(items, 2.5, 0), /size must be a positive integer/);
  assert.throws(() => subsetItems([], 1, 0), /empty/);
});

test.run();
