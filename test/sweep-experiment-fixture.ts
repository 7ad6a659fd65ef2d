// A caller's own experiment module for the sweep tests: loaded by worker processes by path.
import { registerExperiment, trainFromConfig } from "../src/sweep/experiments";
import { createQuadratic } from "../src/models/quadratic";

// Registered by name when the module loads.
registerExperiment("fixture-bowl", (config) => {
  const model = createQuadratic({ eigenvalues: [2, Number(config.curvature ?? 4)] });
  try {
    return { history: trainFromConfig(model, config, { steps: 30, batchSize: 1 }), metrics: { pid: process.pid, tag: "fixture" } };
  } finally {
    model.dispose();
  }
});

// Found as an export of the module by name.
export function fixtureFails(config: { [k: string]: unknown }) {
  if (config.lr === 0.2) throw new RangeError("fixture refuses lr 0.2");
  return registeredFallback(config);
}

function registeredFallback(config: { [k: string]: unknown }) {
  const model = createQuadratic({ eigenvalues: [1] });
  try {
    return { history: trainFromConfig(model, config as never, { steps: 5, batchSize: 1 }) };
  } finally {
    model.dispose();
  }
}
