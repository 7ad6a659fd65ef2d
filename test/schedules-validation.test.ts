// Bad options raise a RangeError at creation that names the option and its allowed range;
// a bad step raises one at call time.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as S from "../src/schedules/index";

function rejects(label: string, make: () => unknown, option: string, range: RegExp): void {
  test(`${label}: RangeError naming ${option}`, () => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof RangeError, `expected a RangeError, got ${String(error)}`);
    const message = (error as RangeError).message;
    assert.ok(message.includes(option), `message does not name ${option}: ${message}`);
    assert.match(message, range, `message does not give the allowed range: ${message}`);
  });
}

const POSITIVE = /finite number in \(0, inf\)/;
const INT1 = /integer in \[1, /;
const INT0 = /integer in \[0, /;
const UNIT = /finite number in \[0, 1\]/;

for (const bad of [NaN, Infinity, -Infinity, -1, 0]) {
  rejects(`constant lr ${bad}`, () => S.constant({ lr: bad }), "lr", POSITIVE);
  rejects(`cosineAnnealing lr ${bad}`, () => S.cosineAnnealing({ lr: bad, totalSteps: 10 }), "lr", POSITIVE);
  rejects(`oneCycle maxLr ${bad}`, () => S.oneCycle({ maxLr: bad, totalSteps: 10 }), "maxLr", POSITIVE);
  rejects(`oneCycle divFactor ${bad}`, () => S.oneCycle({ maxLr: 1, totalSteps: 10, divFactor: bad }), "divFactor", POSITIVE);
  rejects(`reduceOnPlateau lr ${bad}`, () => S.reduceOnPlateau({ lr: bad }), "lr", POSITIVE);
}
for (const bad of [0, -3, 2.5, NaN, Infinity]) {
  rejects(`stepDecay stepSize ${bad}`, () => S.stepDecay({ lr: 1, stepSize: bad }), "stepSize", INT1);
  rejects(`linear totalSteps ${bad}`, () => S.linear({ lr: 1, totalSteps: bad }), "totalSteps", INT1);
  rejects(`polynomialDecay totalSteps ${bad}`, () => S.polynomialDecay({ lr: 1, totalSteps: bad }), "totalSteps", INT1);
  rejects(`cosineAnnealing totalSteps ${bad}`, () => S.cosineAnnealing({ lr: 1, totalSteps: bad }), "totalSteps", INT1);
  rejects(`cosineWarmRestarts firstCycleSteps ${bad}`, () => S.cosineWarmRestarts({ lr: 1, firstCycleSteps: bad }), "firstCycleSteps", INT1);
  rejects(`cosineWarmRestarts cycleMult ${bad}`, () => S.cosineWarmRestarts({ lr: 1, firstCycleSteps: 2, cycleMult: bad }), "cycleMult", INT1);
  rejects(`cyclic stepSizeUp ${bad}`, () => S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: bad }), "stepSizeUp", INT1);
  rejects(`oneCycle totalSteps ${bad}`, () => S.oneCycle({ maxLr: 1, totalSteps: bad }), "totalSteps", INT1);
  rejects(`inverseSqrt timescale ${bad}`, () => S.inverseSqrt({ lr: 1, warmupSteps: 2, timescale: bad }), "timescale", INT1);
}
for (const bad of [-1, 0.5, NaN]) {
  rejects(`warmupCosine warmupSteps ${bad}`, () => S.warmupCosine({ lr: 1, warmupSteps: bad, totalSteps: 10 }), "warmupSteps", INT0);
  rejects(`inverseSqrt warmupSteps ${bad}`, () => S.inverseSqrt({ lr: 1, warmupSteps: bad }), "warmupSteps", INT0);
  rejects(`warmupStableDecay decaySteps ${bad}`, () => S.warmupStableDecay({ lr: 1, warmupSteps: 0, decaySteps: bad, totalSteps: 10 }), "decaySteps", INT0);
  rejects(`cyclic stepSizeDown ${bad}`, () => S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 2, stepSizeDown: bad }), "stepSizeDown", INT0);
  rejects(`reduceOnPlateau patience ${bad}`, () => S.reduceOnPlateau({ lr: 1, patience: bad }), "patience", INT0);
  rejects(`reduceOnPlateau cooldown ${bad}`, () => S.reduceOnPlateau({ lr: 1, cooldown: bad }), "cooldown", INT0);
}
for (const bad of [-0.1, 1.5, NaN]) {
  rejects(`linear startFactor ${bad}`, () => S.linear({ lr: 1, startFactor: bad }), "startFactor", UNIT);
  rejects(`linear endFactor ${bad}`, () => S.linear({ lr: 1, endFactor: bad }), "endFactor", UNIT);
  rejects(`stepDecay gamma ${bad}`, () => S.stepDecay({ lr: 1, stepSize: 2, gamma: bad }), "gamma", UNIT);
  rejects(`multiStepDecay gamma ${bad}`, () => S.multiStepDecay({ lr: 1, milestones: [2], gamma: bad }), "gamma", UNIT);
  rejects(`oneCycle pctStart ${bad}`, () => S.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: bad }), "pctStart", UNIT);
}
for (const bad of [0, -0.5, 1.01, NaN]) {
  rejects(`exponentialDecay gamma ${bad}`, () => S.exponentialDecay({ lr: 1, gamma: bad }), "gamma", /finite number in \(0, 1\]/);
  rejects(`cyclic gamma ${bad}`, () => S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 2, mode: "exp_range", gamma: bad }), "gamma", /\(0, 1\]/);
}
rejects("polynomialDecay negative power", () => S.polynomialDecay({ lr: 1, totalSteps: 5, power: -1 }), "power", /\[0, inf\)/);
rejects("cyclic negative baseLr", () => S.cyclic({ baseLr: -1, maxLr: 1, stepSizeUp: 2 }), "baseLr", /\[0, inf\)/);
rejects("cyclic infinite maxLr", () => S.cyclic({ baseLr: 0, maxLr: Infinity, stepSizeUp: 2 }), "maxLr", /\[0, inf\)/);

// minLr above lr, for every factory that has one
rejects("cosineAnnealing minLr > lr", () => S.cosineAnnealing({ lr: 0.1, totalSteps: 5, minLr: 0.2 }), "minLr", /\[0, 0\.1\]/);
rejects("cosineWarmRestarts minLr < 0", () => S.cosineWarmRestarts({ lr: 0.1, firstCycleSteps: 5, minLr: -1e-9 }), "minLr", /\[0, 0\.1\]/);
rejects("warmupCosine minLr > lr", () => S.warmupCosine({ lr: 0.1, warmupSteps: 1, totalSteps: 5, minLr: 1 }), "minLr", /\[0, 0\.1\]/);
rejects("warmupStableDecay minLr NaN", () => S.warmupStableDecay({ lr: 0.1, warmupSteps: 1, decaySteps: 1, totalSteps: 5, minLr: NaN }), "minLr", /\[0, 0\.1\]/);
rejects("reduceOnPlateau minLr > lr", () => S.reduceOnPlateau({ lr: 0.1, minLr: 0.5 }), "minLr", /\[0, 0\.1\]/);

// relations between options
rejects("warmupCosine warmupSteps > totalSteps", () => S.warmupCosine({ lr: 1, warmupSteps: 11, totalSteps: 10 }), "warmupSteps", /\[0, totalSteps = 10\]/);
rejects("warmupStableDecay warmup + decay > total", () => S.warmupStableDecay({ lr: 1, warmupSteps: 6, decaySteps: 5, totalSteps: 10 }), "totalSteps", />= warmupSteps \+ decaySteps = 11/);
rejects("multiStepDecay unsorted milestones", () => S.multiStepDecay({ lr: 1, milestones: [5, 3] }), "milestones", /strictly increasing/);
rejects("multiStepDecay repeated milestones", () => S.multiStepDecay({ lr: 1, milestones: [3, 3] }), "milestones", /strictly increasing/);
rejects("multiStepDecay milestone 0", () => S.multiStepDecay({ lr: 1, milestones: [0, 3] }), "milestones[0]", INT1);
rejects("multiStepDecay fractional milestone", () => S.multiStepDecay({ lr: 1, milestones: [2, 3.5] }), "milestones[1]", INT1);
rejects("oneCycle rising phase of 0 steps", () => S.oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 0.1 }), "pctStart * totalSteps", /must not equal 1/);

// string options
rejects("cyclic unknown mode", () => S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 2, mode: "sine" as S.CyclicMode }), "mode", /"triangular", "triangular2", "exp_range"/);
rejects("oneCycle unknown annealStrategy", () => S.oneCycle({ maxLr: 1, totalSteps: 10, annealStrategy: "exp" as S.AnnealStrategy }), "annealStrategy", /"cos", "linear"/);
rejects("warmupStableDecay unknown decayShape", () => S.warmupStableDecay({ lr: 1, warmupSteps: 0, decaySteps: 2, totalSteps: 5, decayShape: "sqrt" as S.DecayShape }), "decayShape", /"linear", "cosine", "1-sqrt"/);
rejects("reduceOnPlateau unknown mode", () => S.reduceOnPlateau({ lr: 1, mode: "lowest" as S.PlateauMode }), "mode", /"min", "max"/);
rejects("reduceOnPlateau unknown thresholdMode", () => S.reduceOnPlateau({ lr: 1, thresholdMode: "pct" as S.ThresholdMode }), "thresholdMode", /"rel", "abs"/);
rejects("reduceOnPlateau factor 1", () => S.reduceOnPlateau({ lr: 1, factor: 1 }), "factor", /\[0, 1\)/);
rejects("reduceOnPlateau negative threshold", () => S.reduceOnPlateau({ lr: 1, threshold: -1e-4 }), "threshold", /\[0, inf\)/);
rejects("reduceOnPlateau negative eps", () => S.reduceOnPlateau({ lr: 1, eps: -1 }), "eps", /\[0, inf\)/);

// composition
const base = S.constant({ lr: 0.1 });
rejects("sequential no schedules", () => S.sequential([], []), "schedules", /non-empty/);
rejects("sequential wrong milestone count", () => S.sequential([base, base], [2, 4]), "milestones", /1 entries; got 2/);
rejects("sequential unsorted milestones", () => S.sequential([base, base, base], [4, 2]), "milestones", /strictly increasing/);
rejects("sequential non-function", () => S.sequential([base, 3 as unknown as S.Schedule], [2]), "schedules[1]", /a schedule/);
rejects("withWarmup negative warmup", () => S.withWarmup(base, -1), "warmupSteps", INT0);
rejects("withWarmup schedule that starts at 0", () => S.withWarmup(S.warmupCosine({ lr: 1, warmupSteps: 2, totalSteps: 5 }), 3), "schedule(0)", /> 0/);
rejects("scale negative factor", () => S.scale(base, -2), "factor", /\[0, inf\)/);
rejects("scale NaN factor", () => S.scale(base, NaN), "factor", /\[0, inf\)/);
rejects("sampleSchedule steps 0", () => S.sampleSchedule(base, { steps: 0 }), "steps", INT1);
rejects("sampleSchedule stride 0", () => S.sampleSchedule(base, { steps: 5, stride: 0 }), "stride", INT1);

// the step, at call time, for every kind of schedule
const schedules: Record<string, S.Schedule> = {
  constant: base,
  linear: S.linear({ lr: 1 }),
  stepDecay: S.stepDecay({ lr: 1, stepSize: 2 }),
  multiStepDecay: S.multiStepDecay({ lr: 1, milestones: [2] }),
  exponentialDecay: S.exponentialDecay({ lr: 1, gamma: 0.9 }),
  polynomialDecay: S.polynomialDecay({ lr: 1, totalSteps: 5 }),
  cosineAnnealing: S.cosineAnnealing({ lr: 1, totalSteps: 5 }),
  cosineWarmRestarts: S.cosineWarmRestarts({ lr: 1, firstCycleSteps: 2, cycleMult: 2 }),
  cyclic: S.cyclic({ baseLr: 0, maxLr: 1, stepSizeUp: 2 }),
  oneCycle: S.oneCycle({ maxLr: 1, totalSteps: 20 }),
  warmupCosine: S.warmupCosine({ lr: 1, warmupSteps: 2, totalSteps: 5 }),
  inverseSqrt: S.inverseSqrt({ lr: 1, warmupSteps: 2 }),
  warmupStableDecay: S.warmupStableDecay({ lr: 1, warmupSteps: 1, decaySteps: 1, totalSteps: 5 }),
  sequential: S.sequential([base, base], [3]),
  withWarmup: S.withWarmup(base, 3),
  scale: S.scale(base, 2),
};
for (const [name, schedule] of Object.entries(schedules)) {
  for (const bad of [-1, 0.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1]) {
    rejects(`${name} called with step ${bad}`, () => schedule(bad), "step", /an integer in \[0, 9007199254740991\]/);
  }
}
test("the step's RangeError names the schedule", () => {
  assert.throws(() => schedules.oneCycle(-1), (e: Error) => e instanceof RangeError && e.message.startsWith("oneCycle: step"));
});

test.run();
