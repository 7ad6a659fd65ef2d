// Every schedule against values PyTorch 1.13 / the Hugging Face formulas produced
// (test/fixtures/schedules.json, made by scripts/reference/schedules.py).
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as path from "path";
import { reduceOnPlateau } from "../src/schedules/index";
import { build, withinTolerance, Spec } from "./schedules-helpers";

interface Case extends Spec {
  name: string;
  reference: string;
  steps: number[];
  expected: number[];
  holdFrom?: number;
}
interface PlateauCase {
  name: string;
  options: Parameters<typeof reduceOnPlateau>[0];
  metrics: (number | null)[];
  expected: number[];
}
const fixture: { cases: Case[]; plateau: PlateauCase[] } = JSON.parse(
  fs.readFileSync(path.join(__dirname, "fixtures", "schedules.json"), "utf8"),
);

const stats = { values: 0, maxRel: 0, maxRelCase: "", maxAbsNearZero: 0 };
function record(name: string, actual: number, expected: number, scale: number): void {
  stats.values++;
  if (Math.abs(expected) > 1e-12 * scale) {
    const rel = Math.abs(actual - expected) / Math.abs(expected);
    if (rel > stats.maxRel) {
      stats.maxRel = rel;
      stats.maxRelCase = name;
    }
  } else {
    stats.maxAbsNearZero = Math.max(stats.maxAbsNearZero, Math.abs(actual - expected));
  }
}

test("the fixture covers every family, and edge cases", () => {
  const families = new Set(fixture.cases.map((c) => c.family));
  for (const f of ["constant", "linear", "stepDecay", "multiStepDecay", "exponentialDecay", "polynomialDecay",
    "cosineAnnealing", "cosineWarmRestarts", "cyclic", "oneCycle", "warmupCosine", "inverseSqrt",
    "warmupStableDecay", "sequential", "withWarmup"]) {
    assert.ok(families.has(f), `no fixture case for ${f}`);
  }
  assert.ok(fixture.plateau.length >= 5);
  assert.ok(fixture.cases.some((c) => c.family === "cosineWarmRestarts" && (c.options.cycleMult ?? 1) > 1));
  assert.ok(fixture.cases.some((c) => c.family === "oneCycle" && c.options.threePhase));
  assert.ok(fixture.cases.every((c) => c.steps[0] === 0), "every case starts at step 0");
  assert.ok(fixture.cases.filter((c) => c.holdFrom !== undefined).length >= 5, "cases beyond the horizon");
});

for (const c of fixture.cases) {
  test(`${c.family}: ${c.name} (${c.reference})`, () => {
    const schedule = build(c);
    const scale = Math.max(...c.expected.map(Math.abs));
    assert.is(c.steps.length, c.expected.length);
    c.steps.forEach((step, i) => {
      const actual = schedule(step);
      const expected = c.expected[i];
      record(c.name, actual, expected, scale);
      if (!withinTolerance(actual, expected, scale)) {
        assert.unreachable(`step ${step}: got ${actual}, expected ${expected} (${c.holdFrom !== undefined && step >= c.holdFrom ? "held value" : c.reference})`);
      }
    });
  });
}

for (const c of fixture.plateau) {
  test(`reduceOnPlateau: ${c.name}`, () => {
    const plateau = reduceOnPlateau(c.options);
    const scale = c.options.lr;
    c.metrics.forEach((m, i) => {
      const lr = plateau.update(m === null ? NaN : m);
      assert.is(plateau.lr, lr);
      record(c.name, lr, c.expected[i], scale);
      if (!withinTolerance(lr, c.expected[i], scale)) {
        assert.unreachable(`update ${i} (metric ${m}): got ${lr}, expected ${c.expected[i]}`);
      }
    });
  });
}

test("summary: every fixture value was compared", () => {
  const total = fixture.cases.reduce((n, c) => n + c.expected.length, 0) + fixture.plateau.reduce((n, c) => n + c.expected.length, 0);
  assert.is(stats.values, total);
  console.log(
    `  schedules fixtures: ${stats.values} values compared, largest relative error ${stats.maxRel.toExponential(3)}` +
      ` (${stats.maxRelCase}), largest absolute error near 0 ${stats.maxAbsNearZero.toExponential(3)}`,
  );
});

test.run();
