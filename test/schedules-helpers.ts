// Shared by the schedules tests: build a schedule from a fixture spec { family, options }.
import * as S from "../src/schedules/index";
import type { Schedule } from "../src/schedules/index";

export interface Spec {
  family: string;
  options: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function build(spec: Spec): Schedule {
  const o = spec.options;
  switch (spec.family) {
    case "constant": return S.constant(o);
    case "linear": return S.linear(o);
    case "stepDecay": return S.stepDecay(o);
    case "multiStepDecay": return S.multiStepDecay(o);
    case "exponentialDecay": return S.exponentialDecay(o);
    case "polynomialDecay": return S.polynomialDecay(o);
    case "cosineAnnealing": return S.cosineAnnealing(o);
    case "cosineWarmRestarts": return S.cosineWarmRestarts(o);
    case "cyclic": return S.cyclic(o);
    case "oneCycle": return S.oneCycle(o);
    case "warmupCosine": return S.warmupCosine(o);
    case "inverseSqrt": return S.inverseSqrt(o);
    case "warmupStableDecay": return S.warmupStableDecay(o);
    case "sequential": return S.sequential((o.schedules as Spec[]).map(build), o.milestones);
    case "withWarmup": return S.withWarmup(build(o.schedule), o.warmupSteps);
    default: throw new Error(`unknown family in fixture: ${spec.family}`);
  }
}

/** Relative error, with an absolute floor near 0 given by `scale` (the case's largest value). */
export function withinTolerance(actual: number, expected: number, scale: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected) + 1e-15 * scale;
}
