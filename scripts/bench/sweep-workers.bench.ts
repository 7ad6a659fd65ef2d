// Sweep throughput with 1 and 2 worker processes: the same grid (MLP character model on names,
// no cache), timed side by side in one run, 1 -> 2 -> 1 workers so that drift of a shared
// machine shows. Prints runs/s for each and the ratio of 2 workers to 1 as its last line.
import * as os from "os";
import { ready } from "../../src/backend";
import { sweep } from "../../src/sweep/sweep";

const grid = { lr: [0.003, 0.01, 0.03, 0.1], seed: [0, 1] };
const fixed = { steps: 300, batchSize: 32, hidden: 64, optimizer: "adamw", evalEvery: 100 };

async function timed(workers: number): Promise<number> {
  const s = await sweep({ run: "mlp-names", grid, fixed, workers, cacheDir: null });
  const perRun = s.runs.reduce((a, r) => a + r.outcome.history.seconds, 0) / s.runs.length;
  const rate = s.runs.length / s.seconds;
  console.log(`${workers} worker${workers > 1 ? "s" : ""}: ${s.runs.length} runs in ${s.seconds.toFixed(2)} s = ${rate.toFixed(3)} runs/s (training ${perRun.toFixed(2)} s per run inside the worker)`);
  return rate;
}

(async () => {
  const report = await ready();
  console.log(`backend ${report.name}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`grid ${JSON.stringify(grid)} over ${JSON.stringify(fixed)}: ${grid.lr.length * grid.seed.length} runs, worker start-up included`);
  const one = await timed(1);
  const two = await timed(2);
  const oneAgain = await timed(1);
  const base = (one + oneAgain) / 2;
  console.log(`ratio 2 workers / 1 worker: ${(two / base).toFixed(2)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
