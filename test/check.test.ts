// The check helper: a passing claim prints one ✓ line with its numbers; a failing one throws with
// the claim and the numbers; NaN never passes; margins are measured against the seed spread.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CheckError, check, checkBetween, checkClose, checkGreater, checkLess, checkMargin, checkPairedGap, formatStats, gapHolds, pairedGap, seedStats } from "../src/check";

const collect = () => {
  const lines: string[] = [];
  return { lines, print: (l: string) => void lines.push(l) };
};

test("check prints the claim and the measurement once, and throws a CheckError naming both", () => {
  const out = collect();
  assert.is(check("loss falls", true, "3.1 -> 2.2", out), undefined, "returns nothing (a kernel would print it again)");
  assert.equal(out.lines, ["✓ loss falls: 3.1 -> 2.2"]);
  try {
    check("loss falls", false, "3.1 -> 3.4", out);
    assert.unreachable("should throw");
  } catch (e) {
    assert.instance(e, CheckError);
    assert.is((e as Error).message, "✗ loss falls: 3.1 -> 3.4");
  }
  assert.is(out.lines.length, 1);
  assert.throws(() => check("", true, "x"), /claim/);
  assert.throws(() => check("c", 1 as unknown as boolean, "x"), /boolean/);
});

test("comparisons print both numbers and never pass on NaN", () => {
  const out = collect();
  checkLess("a below b", 1, 2, "final loss", out);
  assert.match(out.lines[0], /final loss 1 < 2/);
  assert.throws(() => checkLess("a below b", 2, 1, "final loss"), /✗ a below b: final loss 2 < 1/);
  assert.throws(() => checkLess("nan", NaN, 1), (e: unknown) => e instanceof CheckError);
  assert.throws(() => checkGreater("nan", NaN, 1), (e: unknown) => e instanceof CheckError);
  checkGreater("b above a", 2, 1, "x", out);
  checkBetween("inside", 0.5, 0, 1, "rate", out);
  assert.match(out.lines[2], /rate 0.5 in \[0, 1\]/);
  assert.throws(() => checkBetween("outside", 1.5, 0, 1), (e: unknown) => e instanceof CheckError);
  assert.throws(() => checkBetween("bad", 0.5, 1, 0), RangeError);
});

test("checkClose uses abs + rel·|expected| and prints the relative error", () => {
  const out = collect();
  checkClose("matches 2/L", 0.2000001, 0.2, { rel: 1e-6 }, "edge", out);
  assert.match(out.lines[0], /edge 0.2 vs expected 0.2, relative error 5e-7/);
  assert.throws(() => checkClose("off", 0.21, 0.2, { rel: 1e-3 }), (e: unknown) => e instanceof CheckError);
  checkClose("zero", 1e-13, 0, { abs: 1e-12 }, "v", out);
  assert.throws(() => checkClose("no tol", 1, 1, {}), RangeError);
});

test("seedStats: mean, sample std, range; formatStats shows mean ± half-range", () => {
  const s = seedStats([2.243, 2.251, 2.247]);
  assert.ok(Math.abs(s.mean - 2.247) < 1e-12);
  assert.ok(Math.abs(s.spread - 0.008) < 1e-12);
  assert.ok(Math.abs(s.std - 0.004) < 1e-12);
  assert.is(formatStats(s), "2.247 ± 0.004 (2.243 to 2.251, 3 seeds)");
  assert.is(formatStats(seedStats([3e-4, 5e-4])), "4e-4 ± 1e-4 (3e-4 to 5e-4, 2 seeds)");
  assert.throws(() => seedStats([]), RangeError);
  assert.throws(() => seedStats([1, NaN]), /finite/);
});

test("checkMargin passes only when the gap is at least factor × the larger spread", () => {
  const out = collect();
  checkMargin("decay beats constant", [2.0, 2.01, 2.02], [2.1, 2.11, 2.12], "final loss", out);
  assert.match(out.lines[0], /gap 0.1 >= 2 × spread 0.02/);
  // gap 0.03 against a spread of 0.02: true for every seed, but not by twice the spread
  assert.throws(() => checkMargin("too close", [2.0, 2.01, 2.02], [2.03, 2.04, 2.05]), (e: unknown) => e instanceof CheckError);
  assert.throws(() => checkMargin("wrong order", [2.1], [2.0]), (e: unknown) => e instanceof CheckError);
  checkMargin("factor 1", [2.0, 2.01, 2.02], [2.03, 2.04, 2.05], "x", { ...out, factor: 1 });
});

test("checkPairedGap compares arms seed by seed: shared seed-to-seed variation does not count against it", () => {
  const out = collect();
  // each arm's own spread is 0.2 (seeds differ a lot), the paired gaps are 0.1, 0.11, 0.12
  const lower = [2.0, 2.1, 2.2], higher = [2.1, 2.21, 2.32];
  assert.throws(() => checkMargin("unpaired", lower, higher), (e: unknown) => e instanceof CheckError);
  checkPairedGap("higher at every seed", higher, lower, "final loss gap", out);
  assert.match(out.lines[0], /paired by seed: 0\.11 ± 0\.01 .*; min 0\.1 > 0, mean 0\.11 >= 2 × spread 0\.02/);
  assert.equal(pairedGap(higher, lower).values.map((v) => Number(v.toFixed(6))), [0.1, 0.11, 0.12]);
  // one seed the other way round fails, whatever the mean
  assert.throws(() => checkPairedGap("not every seed", [2.5, 2.5, 1.9], [2.0, 2.0, 2.0]), (e: unknown) => e instanceof CheckError);
  // gaps 0.01..0.1: at every seed, but their mean is not twice their spread
  assert.is(gapHolds(seedStats([0.01, 0.05, 0.1]), 2), false);
  assert.is(gapHolds(seedStats([0.07, 0.1, 0.14]), 1), true);
  assert.throws(() => pairedGap([1, 2], [1]), RangeError);
  assert.throws(() => checkPairedGap("bad factor", [1], [0], "x", { factor: -1 }), RangeError);
});

test.run();
