// Property-based fuzzing of every factory: options are drawn mostly from plausible ranges and
// sometimes from any double (NaN, infinities, negatives). Creation either throws a RangeError or
// gives a schedule whose every value is finite and non-negative, at small steps, around the
// horizon, and at huge steps up to MAX_STEP.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as S from "../src/schedules/index";

const SEED = 20240601; // fixed, so a failure is reproducible; fast-check prints the shrunk case
const RUNS = 300;

// Mostly plausible values, sometimes anything.
const anyDouble = fc.double();
const rate = fc.oneof({ weight: 8, arbitrary: fc.double({ min: 1e-8, max: 10, noNaN: true }) }, { weight: 1, arbitrary: anyDouble });
const unit = fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }, { weight: 1, arbitrary: anyDouble });
const count = (min: number, max: number) =>
  fc.oneof({ weight: 8, arbitrary: fc.integer({ min, max }) }, { weight: 1, arbitrary: fc.oneof(anyDouble, fc.integer()) });
const fraction = fc.double({ min: 0, max: 1, noNaN: true }); // minLr as a fraction of lr
const steps = fc.array(
  fc.oneof(fc.nat(2000), fc.integer({ min: 0, max: S.MAX_STEP }), fc.constantFrom(0, 1, S.MAX_STEP)),
  { minLength: 1, maxLength: 25 },
);

interface Made {
  schedule: S.Schedule;
  horizon: number;
}
const tally = { accepted: 0, rejected: 0 };

/** Checks one drawn case; returns false only when a property fails. */
/** Checks one drawn case; false when a value is not finite and non-negative. */
function check<O>(options: O, make: (o: O) => Made, extraSteps: number[]): boolean {
  let made: Made;
  try {
    made = make(options);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    tally.rejected++;
    return true;
  }
  tally.accepted++;
  const h = made.horizon;
  const all = extraSteps.concat([0, 1, 2]);
  if (Number.isFinite(h)) all.push(Math.max(0, h - 1), h, h + 1, h + 2);
  return all.every((step) => {
    const v = made.schedule(step);
    return Number.isFinite(v) && v >= 0;
  });
}

function fuzz<O>(name: string, options: fc.Arbitrary<O>, make: (o: O) => Made): void {
  test(`fuzz ${name}: accepted options give finite, non-negative values`, () => {
    tally.accepted = 0;
    tally.rejected = 0;
    fc.assert(fc.property(options, steps, (o, extra) => check(o, make, extra)), { seed: SEED, numRuns: RUNS });
    // the draw must reach the accepted space, or the property would be vacuous
    assert.ok(tally.accepted >= RUNS / 4, `only ${tally.accepted} of ${RUNS} drawn options were accepted`);
  });
}

const none = Infinity;
fuzz("constant", fc.record({ lr: rate }), (o) => ({ schedule: S.constant(o), horizon: none }));
fuzz("linear", fc.record({ lr: rate, startFactor: unit, endFactor: unit, totalSteps: count(1, 500) }),
  (o) => ({ schedule: S.linear(o), horizon: o.totalSteps }));
fuzz("stepDecay", fc.record({ lr: rate, stepSize: count(1, 100), gamma: unit }), (o) => ({ schedule: S.stepDecay(o), horizon: o.stepSize }));
fuzz("multiStepDecay", fc.record({ lr: rate, milestones: fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { maxLength: 6 }), gamma: unit, sort: fc.boolean() }),
  ({ sort, ...o }) => {
    const milestones = sort ? o.milestones.slice().sort((a, b) => a - b) : o.milestones;
    return { schedule: S.multiStepDecay({ ...o, milestones }), horizon: milestones[milestones.length - 1] ?? 0 };
  });
fuzz("exponentialDecay", fc.record({ lr: rate, gamma: unit }), (o) => ({ schedule: S.exponentialDecay(o), horizon: none }));
fuzz("polynomialDecay", fc.record({ lr: rate, totalSteps: count(1, 500), power: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), anyDouble) }),
  (o) => ({ schedule: S.polynomialDecay(o), horizon: o.totalSteps }));
fuzz("cosineAnnealing", fc.record({ lr: rate, totalSteps: count(1, 500), minFraction: fraction }),
  ({ minFraction, ...o }) => ({ schedule: S.cosineAnnealing({ ...o, minLr: o.lr * minFraction }), horizon: o.totalSteps }));
fuzz("cosineWarmRestarts", fc.record({ lr: rate, firstCycleSteps: count(1, 200), cycleMult: count(1, 12), minFraction: fraction }),
  ({ minFraction, ...o }) => ({ schedule: S.cosineWarmRestarts({ ...o, minLr: o.lr * minFraction }), horizon: o.firstCycleSteps }));
fuzz("cyclic", fc.record({ baseLr: rate, maxLr: rate, stepSizeUp: count(1, 200), stepSizeDown: count(0, 200),
  mode: fc.constantFrom<S.CyclicMode>("triangular", "triangular2", "exp_range"), gamma: unit }),
  (o) => ({ schedule: S.cyclic(o), horizon: o.stepSizeUp }));
fuzz("oneCycle", fc.record({ maxLr: rate, totalSteps: count(1, 500), pctStart: unit, divFactor: rate, finalDivFactor: fc.oneof(rate, fc.constant(1e4)),
  annealStrategy: fc.constantFrom<S.AnnealStrategy>("cos", "linear"), threePhase: fc.boolean() }),
  (o) => ({ schedule: S.oneCycle(o), horizon: o.totalSteps }));
fuzz("warmupCosine", fc.record({ lr: rate, warmupSteps: count(0, 100), totalSteps: count(1, 500), minFraction: fraction }),
  ({ minFraction, ...o }) => ({ schedule: S.warmupCosine({ ...o, minLr: o.lr * minFraction }), horizon: o.totalSteps }));
fuzz("inverseSqrt", fc.record({ lr: rate, warmupSteps: count(0, 1000), timescale: fc.option(count(1, 20000), { nil: undefined }) }),
  (o) => ({ schedule: S.inverseSqrt(o), horizon: o.warmupSteps }));
fuzz("warmupStableDecay", fc.record({ lr: rate, warmupSteps: count(0, 100), decaySteps: count(0, 100), stableSteps: count(0, 400), minFraction: fraction,
  decayShape: fc.constantFrom<S.DecayShape>("linear", "cosine", "1-sqrt") }),
  ({ minFraction, stableSteps, ...o }) => {
    const totalSteps = o.warmupSteps + o.decaySteps + stableSteps;
    return { schedule: S.warmupStableDecay({ ...o, totalSteps, minLr: o.lr * minFraction }), horizon: totalSteps };
  });
fuzz("sequential + withWarmup + scale", fc.record({ lr: rate, warmup: count(0, 50), total: count(1, 300), gamma: unit,
  factor: fc.oneof({ weight: 8, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(-1, NaN, Infinity) }) }),
  ({ lr, warmup, total, gamma, factor }) => {
    const body = S.sequential([S.cosineAnnealing({ lr, totalSteps: total }), S.exponentialDecay({ lr: lr / 10, gamma })], [total]);
    return { schedule: S.scale(S.withWarmup(body, warmup), factor), horizon: warmup + total };
  });

test("fuzz reduceOnPlateau: any accepted options and metric stream keep lr finite, in [minLr, lr], non-increasing", () => {
  const options = fc.record({
    lr: rate, mode: fc.constantFrom<S.PlateauMode>("min", "max"), factor: unit, patience: count(0, 5), threshold: fc.oneof(fc.double({ min: 0, max: 0.5, noNaN: true }), anyDouble),
    thresholdMode: fc.constantFrom<S.ThresholdMode>("rel", "abs"), cooldown: count(0, 5), minFraction: fraction, eps: fc.oneof(fc.constant(1e-8), fc.double({ min: 0, max: 1e-3, noNaN: true })),
  });
  let accepted = 0;
  fc.assert(fc.property(options, fc.array(fc.oneof(fc.double(), fc.double({ min: -10, max: 10, noNaN: true })), { maxLength: 60 }), (o, metrics) => {
    let p: S.ReduceOnPlateau;
    const minLr = o.lr * o.minFraction;
    try {
      p = S.reduceOnPlateau({ ...o, minLr });
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return true;
    }
    accepted++;
    let previous = p.lr;
    for (const m of metrics) {
      const lr = p.update(m);
      if (!(Number.isFinite(lr) && lr >= minLr && lr <= previous)) return false;
      previous = lr;
    }
    return true;
  }), { seed: SEED, numRuns: RUNS });
  assert.ok(accepted >= RUNS / 4, `only ${accepted} of ${RUNS} drawn options were accepted`);
});

test.run();
