// Notebook 12's helpers: the verdict table refuses rows without a verdict or a number, and the
// exact expected loss under a schedule equals the noisy quadratic's closed form for a constant
// rate and a hand recursion for a decaying one.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ready } from "../src/backend";
import { createNoisyQuadratic } from "../src/models/noisy-quadratic";
import { claimsTable, expectedLossCurve, verdictCounts } from "../src/lessons/claims";

test.before(async () => {
  await ready({ backend: "cpu" });
});

test("claimsTable keeps good rows and names what is wrong with a bad one", () => {
  const good = { claim: "too high diverges", verdict: "true" as const, evidence: "diverges at 1.01·2/L", notebook: "01, 02" };
  assert.equal(claimsTable([good]), [good]);
  assert.throws(() => claimsTable([{ ...good, verdict: "maybe" as never }]), /verdict must be one of true, false, partly, it depends/);
  assert.throws(() => claimsTable([{ ...good, evidence: "it does" }]), /must carry a measured number/);
  assert.throws(() => claimsTable([{ ...good, notebook: "two" }]), /two-digit numbers/);
  assert.throws(() => claimsTable([{ ...good, claim: " " }]), /claim is empty/);
  assert.equal(verdictCounts([good, { ...good, verdict: "partly" }]), { true: 1, false: 0, partly: 1, "it depends": 0 });
});

test("expectedLossCurve: constant rate = the model's closed form; a decay follows the recursion by hand", () => {
  const q = createNoisyQuadratic({ curvatures: [0.1, 1], noiseVariances: [0.5, 2] });
  const start = [1, 1];
  const curve = expectedLossCurve(q, start, () => 0.3, 4, 200);
  for (const t of [0, 1, 10, 200]) assert.ok(Math.abs(curve[t] - q.expectedLoss(0.3, 4, t)) <= 1e-12 * Math.max(1, curve[t]), `t = ${t}`);
  const lr = (t: number) => 0.5 / (1 + t);
  const byHand = (() => {
    let m = [1, 1];
    for (let t = 0; t < 3; t++) m = m.map((mi, i) => (1 - lr(t) * [0.1, 1][i]) ** 2 * mi + (lr(t) ** 2 * [0.5, 2][i]) / 1);
    return 0.5 * (0.1 * m[0] + 1 * m[1]);
  })();
  assert.ok(Math.abs(expectedLossCurve(q, start, lr, 1, 3)[3] - byHand) < 1e-15);
  assert.throws(() => expectedLossCurve(q, [1], lr, 1, 3), /start must have 2 values/);
  q.dispose();
});

test.run();
