import { test } from "uvu";
import * as assert from "uvu/assert";
import { logLogSlope, ranks, spearman } from "../src/stats";
import { spearman as overfittingSpearman } from "../src/lessons/overfitting";
import { logLogFit } from "../src/lessons/best-lr-shifts";

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) < tol;

test("ranks: 1..n in increasing order, ties share their mean rank", () => {
  assert.equal(ranks([30, 10, 20]), [3, 1, 2]);
  assert.equal(ranks([5, 5, 7, 1]), [2.5, 2.5, 4, 1]);
});

test("spearman: 1 for any increasing relation, -1 for decreasing, ties by mean rank, 0 without order", () => {
  assert.is(spearman([1, 2, 3, 4], [1, 8, 27, 1000]), 1);
  assert.is(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // ranks x 1 2 3, y 1.5 1.5 3: rho = sqrt(3)/2
  assert.ok(close(spearman([1, 2, 3], [5, 5, 7]), Math.sqrt(3) / 2));
  // x ranks 1..4, y ranks 1.5 1.5 3 4: Pearson on ranks
  assert.ok(close(spearman([1, 2, 3, 4], [5, 5, 6, 7]), 0.9486832980505138, 1e-9));
  assert.is(spearman([1, 1, 1], [1, 2, 3]), 0);
  assert.throws(() => spearman([1, 2], [1]), /spearman: xs and ys must have the same length; got 2 and 1/);
  assert.throws(() => spearman([1], [1]), /need at least 2 points; got 1/);
  assert.throws(() => spearman([1, NaN], [1, 2]), /must be finite; got NaN/);
});

test("logLogSlope recovers power laws and refuses what a log axis cannot hold", () => {
  const xs = [1, 2, 4, 8, 16];
  assert.ok(close(logLogSlope(xs, xs.map((x) => 7 / x)), -1));
  assert.ok(close(logLogSlope(xs, xs.map((x) => 2 * Math.pow(x, 0.5))), 0.5));
  assert.throws(() => logLogSlope([1], [1]), /need at least 2 points/);
  assert.throws(() => logLogSlope([1, 2], [1]), /same length/);
  assert.throws(() => logLogSlope([1, 0], [1, 2]), /> 0 on log axes; got 0/);
  assert.throws(() => logLogSlope([2, 2], [1, 2]), /must not all be equal/);
});

test("the lessons use these (one implementation, re-exported under the names notebooks import)", () => {
  assert.is(overfittingSpearman, spearman);
  assert.is(logLogFit, logLogSlope);
});

test.run();
