// Contract details beyond the fixtures: holding past the horizon, composition identities,
// restarts against PyTorch-style step counting far past the fixture, sampling, plateau state.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "../src/schedules/index";

const close = (a: number, b: number, rel = 1e-12) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;

test("schedules with a horizon hold their last value beyond it", () => {
  const far = [1, 2, 10, 1e6, S.MAX_STEP - 7];
  const cases: [string, S.Schedule, number, number][] = [
    ["linear", S.linear({ lr: 0.2, startFactor: 0.5, endFactor: 0.25, totalSteps: 7 }), 7, 0.05],
    ["polynomialDecay", S.polynomialDecay({ lr: 0.2, totalSteps: 7, power: 1.5 }), 7, 0],
    ["cosineAnnealing", S.cosineAnnealing({ lr: 0.2, totalSteps: 7, minLr: 0.01 }), 7, 0.01],
    ["warmupCosine", S.warmupCosine({ lr: 0.2, warmupSteps: 2, totalSteps: 7, minLr: 0.01 }), 7, 0.01],
    ["warmupStableDecay", S.warmupStableDecay({ lr: 0.2, warmupSteps: 2, decaySteps: 3, totalSteps: 7, minLr: 0.01 }), 7, 0.01],
  ];
  for (const [name, schedule, horizon, last] of cases) {
    assert.ok(close(schedule(horizon), last), `${name} at its horizon: ${schedule(horizon)} vs ${last}`);
    for (const d of far) assert.ok(close(schedule(horizon + d), last), `${name} at horizon + ${d}: ${schedule(horizon + d)}`);
  }
});

test("oneCycle holds the value of its last step (PyTorch raises there)", () => {
  for (const threePhase of [false, true]) {
    const s = S.oneCycle({ maxLr: 0.4, totalSteps: 30, threePhase });
    const last = s(29);
    assert.ok(close(last, 0.4 / 25 / 1e4), `ends at maxLr / divFactor / finalDivFactor: ${last}`);
    for (const step of [30, 31, 1000, S.MAX_STEP]) assert.is(s(step), last);
    assert.ok(s(28) > last, "still annealing one step before the end");
  }
});

test("oneCycle peaks at maxLr at the end of the rising phase", () => {
  const s = S.oneCycle({ maxLr: 0.4, totalSteps: 100, pctStart: 0.3 });
  assert.ok(close(s(29), 0.4));
  assert.ok(s(28) < 0.4 && s(30) < 0.4);
  assert.ok(close(s(0), 0.4 / 25));
});

test("cosineWarmRestarts equals PyTorch-style step counting at every restart up to MAX_STEP", () => {
  // T_cur += 1; if T_cur >= T_i: T_cur -= T_i, T_i *= mult  (PyTorch's step()), jumped restart to restart
  for (let mult = 1; mult <= 10; mult++) {
    for (let first = 1; first <= 7; first++) {
      const s = S.cosineWarmRestarts({ lr: 1, firstCycleSteps: first, cycleMult: mult, minLr: 0 });
      let start = 0;
      let length = first;
      for (let cycle = 0; start + length - 1 <= S.MAX_STEP && cycle < 200; cycle++) {
        assert.is(s(start), 1, `mult ${mult}, first ${first}: restart at ${start}`);
        if (length > 1) {
          const before = 0.5 * (1 + Math.cos((Math.PI * (length - 1)) / length));
          assert.ok(close(s(start + length - 1), before), `mult ${mult}, first ${first}: last step of the cycle at ${start}`);
        }
        if (start > 0 && length > 1) {
          const previousLength = length / mult;
          const expected = 0.5 * (1 + Math.cos((Math.PI * (previousLength - 1)) / previousLength));
          assert.ok(close(s(start - 1), expected), `mult ${mult}, first ${first}: step before restart ${start}`);
        }
        start += length;
        length *= mult;
      }
    }
  }
});

test("warmupCosine is withWarmup(cosineAnnealing) with the same floor", () => {
  for (const [lr, w, total, minLr] of [[3e-4, 10, 100, 3e-5], [0.1, 1, 9, 0], [1, 50, 51, 0.5]]) {
    const hf = S.warmupCosine({ lr, warmupSteps: w, totalSteps: total, minLr });
    const composed = S.withWarmup(S.cosineAnnealing({ lr, totalSteps: total - w, minLr }), w);
    for (let t = 0; t <= total + 3; t++) {
      assert.ok(Math.abs(hf(t) - composed(t)) <= 1e-12 * lr, `lr ${lr} w ${w} total ${total}, step ${t}: ${hf(t)} vs ${composed(t)}`);
    }
  }
});

test("sequential restarts each schedule from its own step 0 at its milestone", () => {
  const a = S.constant({ lr: 1 });
  const b = S.exponentialDecay({ lr: 0.5, gamma: 0.5 });
  const c = S.linear({ lr: 0.1, startFactor: 0.5, totalSteps: 2 });
  const s = S.sequential([a, b, c], [3, 5]);
  const got = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(s);
  const want = [1, 1, 1, 0.5, 0.25, 0.05, 0.075, 0.1, 0.1];
  got.forEach((v, i) => assert.ok(close(v, want[i]), `step ${i}: ${v} vs ${want[i]}`));
  assert.is(S.sequential([b], [])(3), b(3), "one schedule and no milestones is that schedule");
});

test("sequential copies its milestones: later edits by the caller change nothing", () => {
  const milestones = [2];
  const s = S.sequential([S.constant({ lr: 1 }), S.constant({ lr: 2 })], milestones);
  milestones[0] = 100;
  assert.is(s(5), 2);
});

test("withWarmup ramps linearly from 0 to schedule(0), then runs the schedule from its step 0", () => {
  const inner = S.stepDecay({ lr: 0.8, stepSize: 2, gamma: 0.5 });
  const s = S.withWarmup(inner, 4);
  [0, 0.2, 0.4, 0.6].forEach((want, t) => assert.ok(close(s(t), want), `step ${t}: ${s(t)} vs ${want}`));
  for (let t = 4; t < 12; t++) assert.is(s(t), inner(t - 4));
  assert.is(S.withWarmup(inner, 0), inner, "no warmup returns the schedule itself");
});

test("scale multiplies every value", () => {
  const inner = S.cosineAnnealing({ lr: 1, totalSteps: 10 });
  const s = S.scale(inner, 3e-4);
  for (let t = 0; t <= 12; t++) assert.is(s(t), 3e-4 * inner(t));
  assert.is(S.scale(inner, 0)(3), 0);
});

test("schedules are pure: any call order gives the same values", () => {
  const schedules = [
    S.cosineWarmRestarts({ lr: 1, firstCycleSteps: 3, cycleMult: 2 }),
    S.cyclic({ baseLr: 0.1, maxLr: 1, stepSizeUp: 3, mode: "triangular2" }),
    S.oneCycle({ maxLr: 1, totalSteps: 40, threePhase: true }),
    S.sequential([S.linear({ lr: 1 }), S.multiStepDecay({ lr: 1, milestones: [4, 9] })], [5]),
  ];
  for (const s of schedules) {
    const forward = Array.from({ length: 50 }, (_, t) => s(t));
    const backward = Array.from({ length: 50 }, (_, i) => s(49 - i)).reverse();
    assert.equal(backward, forward);
  }
});

test("cyclic: triangular2 halves the amplitude each cycle, exp_range scales by gamma^step", () => {
  const tri2 = S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 2, mode: "triangular2" });
  assert.equal([2, 6, 10].map(tri2), [1, 0.5, 0.25]);
  const exp = S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 2, mode: "exp_range", gamma: 0.9 });
  assert.ok(close(exp(6), Math.pow(0.9, 6)));
});

test("sampleSchedule samples every stride-th step and always includes the last", () => {
  const s = S.linear({ lr: 1, startFactor: 0, endFactor: 1, totalSteps: 10 });
  const points = S.sampleSchedule(s, { steps: 11, stride: 4 });
  assert.equal(points.map((p) => p.step), [0, 4, 8, 10]);
  assert.equal(points.map((p) => p.lr), [0, 0.4, 0.8, 1]);
  assert.equal(S.sampleSchedule(s, { steps: 3, start: 5 }).map((p) => p.step), [5, 6, 7]);
  assert.equal(S.sampleSchedule(s, { steps: 1 }), [{ step: 0, lr: 0 }]);
  assert.is(S.sampleSchedule(s, { steps: 9, stride: 4 }).length, 3, "0, 4, 8: the last is already there");
});

test("reduceOnPlateau exposes its state and only update changes it", () => {
  const p = S.reduceOnPlateau({ lr: 1, patience: 1, cooldown: 2, factor: 0.5 });
  assert.is(p.best, Infinity);
  p.update(3);
  assert.equal([p.lr, p.best, p.badUpdates, p.cooldownLeft], [1, 3, 0, 0]);
  p.update(3);
  assert.equal([p.lr, p.badUpdates], [1, 1]);
  assert.is(p.update(3), 0.5, "reduced after more than `patience` bad updates");
  assert.equal([p.badUpdates, p.cooldownLeft], [0, 2]);
  p.update(4);
  assert.equal([p.lr, p.badUpdates, p.cooldownLeft], [0.5, 0, 1]);
  assert.throws(() => {
    (p as { lr: number }).lr = 7;
  }, TypeError);
  assert.is(p.lr, 0.5);
  const max = S.reduceOnPlateau({ lr: 1, mode: "max" });
  assert.is(max.best, -Infinity);
});

test("reduceOnPlateau stops at minLr", () => {
  const p = S.reduceOnPlateau({ lr: 1, patience: 0, factor: 0.1, minLr: 0.05 });
  const lrs = [5, 5, 5, 5, 5].map((m) => p.update(m));
  assert.equal(lrs, [1, 0.1, 0.05, 0.05, 0.05]);
});

test("the whole API is re-exported from src/index", () => {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const root = require("../src/index");
  for (const name of ["constant", "linear", "stepDecay", "multiStepDecay", "exponentialDecay", "polynomialDecay", "cosineAnnealing",
    "cosineWarmRestarts", "cyclic", "oneCycle", "warmupCosine", "inverseSqrt", "warmupStableDecay", "reduceOnPlateau",
    "sequential", "withWarmup", "scale", "sampleSchedule"]) {
    assert.type(root[name], "function", name);
  }
});

test.run();
