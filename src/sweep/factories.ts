// Optimizers and schedules from plain JSON specs, so a worker process can rebuild them:
//   optimizer: "adamw" or { name: "sgd", momentum: 0.9 }
//   schedule:  "cosine" or { name: "warmup-cosine", warmupSteps: 100 }
// The learning rate and the run's length come from the configuration (`lr`, `steps`).
import { sgd } from "../optimizers/sgd";
import { adam } from "../optimizers/adam";
import { adamw } from "../optimizers/adamw";
import { rmsprop } from "../optimizers/rmsprop";
import type { Schedule } from "../schedules/types";
import { constant } from "../schedules/constant";
import { cosineAnnealing } from "../schedules/cosine-annealing";
import { warmupCosine } from "../schedules/warmup-cosine";
import { linear } from "../schedules/linear";
import { oneCycle } from "../schedules/one-cycle";
import { inverseSqrt } from "../schedules/inverse-sqrt";
import { warmupStableDecay } from "../schedules/warmup-stable-decay";
import { stepDecay } from "../schedules/step-decay";
import { exponentialDecay } from "../schedules/exponential-decay";
import { multiStepDecay } from "../schedules/multi-step-decay";
import { polynomialDecay } from "../schedules/polynomial-decay";
import { cosineWarmRestarts } from "../schedules/cosine-warm-restarts";
import { cyclic } from "../schedules/cyclic";
import type { LrOptimizer } from "../train/types";
import type { Json } from "./grid";

type Spec = { name: string; [option: string]: Json };

function toSpec(what: string, spec: Json | undefined, fallback: string): Spec {
  if (spec === undefined || spec === null) return { name: fallback };
  if (typeof spec === "string") return { name: spec };
  if (typeof spec === "object" && !Array.isArray(spec) && typeof spec.name === "string") return spec as Spec;
  throw new RangeError(`${what} must be a name or { name, ...options }; got ${JSON.stringify(spec)}`);
}

function options(spec: Spec): Record<string, Json> {
  const { name: _name, ...rest } = spec;
  return rest;
}

const OPTIMIZERS: Record<string, (lr: number, o: Record<string, Json>) => LrOptimizer> = {
  sgd: (lr, o) => sgd({ lr, ...o }),
  momentum: (lr, o) => sgd({ lr, momentum: 0.9, ...o }),
  nesterov: (lr, o) => sgd({ lr, momentum: 0.9, nesterov: true, ...o }),
  adam: (lr, o) => adam({ lr, ...o }),
  adamw: (lr, o) => adamw({ lr, ...o }),
  rmsprop: (lr, o) => rmsprop({ lr, ...o }),
};
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS);

export function optimizerFromSpec(spec: Json | undefined, lr: number): LrOptimizer {
  const s = toSpec("optimizer", spec, "sgd");
  const make = OPTIMIZERS[s.name];
  if (!make) throw new RangeError(`optimizer must be one of ${OPTIMIZER_NAMES.join(", ")}; got "${s.name}"`);
  return make(lr, options(s));
}

const tenth = (steps: number) => Math.max(1, Math.round(steps / 10));

const SCHEDULES: Record<string, (lr: number, steps: number, o: Record<string, Json>) => Schedule> = {
  constant: (lr) => constant({ lr }),
  cosine: (lr, steps, o) => cosineAnnealing({ lr, totalSteps: steps, ...o }),
  "warmup-cosine": (lr, steps, o) => warmupCosine({ lr, totalSteps: steps, warmupSteps: tenth(steps), ...o }),
  linear: (lr, steps, o) => linear({ lr, totalSteps: steps, startFactor: 1, endFactor: 0, ...o }),
  "one-cycle": (lr, steps, o) => oneCycle({ maxLr: lr, totalSteps: steps, ...o }),
  "inverse-sqrt": (lr, steps, o) => inverseSqrt({ lr, warmupSteps: tenth(steps), ...o }),
  wsd: (lr, steps, o) => warmupStableDecay({ lr, totalSteps: steps, warmupSteps: tenth(steps), decaySteps: 2 * tenth(steps), ...o }),
  step: (lr, steps, o) => stepDecay({ lr, stepSize: Math.max(1, Math.floor(steps / 3)), gamma: 0.1, ...o }),
  exponential: (lr, steps, o) => exponentialDecay({ lr, gamma: Math.pow(0.01, 1 / steps), ...o }),
  // Defaults below: x0.1 at half and three quarters of the run; linear to 0; four equal cycles;
  // a triangle up to lr from lr/10 with four cycles per run. Every option can be overridden.
  "multi-step": (lr, steps, o) =>
    multiStepDecay({ lr, milestones: [Math.max(1, Math.round(steps / 2)), Math.max(2, Math.round((3 * steps) / 4))], ...o }),
  polynomial: (lr, steps, o) => polynomialDecay({ lr, totalSteps: steps, ...o }),
  "cosine-restarts": (lr, steps, o) => cosineWarmRestarts({ lr, firstCycleSteps: Math.max(1, Math.round(steps / 4)), ...o }),
  cyclic: (lr, steps, o) => cyclic({ baseLr: lr / 10, maxLr: lr, stepSizeUp: Math.max(1, Math.round(steps / 8)), ...o }),
};
export const SCHEDULE_NAMES = Object.keys(SCHEDULES);

export function scheduleFromSpec(spec: Json | undefined, lr: number, steps: number): Schedule {
  const s = toSpec("schedule", spec, "constant");
  const make = SCHEDULES[s.name];
  if (!make) throw new RangeError(`schedule must be one of ${SCHEDULE_NAMES.join(", ")}; got "${s.name}"`);
  return make(lr, steps, options(s));
}
