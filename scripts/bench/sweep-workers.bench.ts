// Sweep throughput with 1 and 2 worker processes: the same grid (MLP character model on names,
// AdamW, no cache), timed side by side in one run, 1 -> 2 -> 1 workers so that drift of a shared
// machine shows. Worker start-up (ts-node + tfjs + wasm, paid once per sweep) is timed apart with
// a sweep of one-step runs, and throughput is given with and without it. Last line: the ratio.
import * as os from "os";
import { ready } from "../../src/backend";
import { sweep } from "../../src/sweep/sweep";

const grid = { lr: [0.003, 0.01, 0.03, 0.1], seed: [0, 1, 2] };
const fixed = { steps: 400, batchSize: 32, hidden: 64, optimizer: "adamw", evalEvery: 200 };
const runs = grid.lr.length * grid.seed.length;

/** Seconds for a sweep that starts `workers` processes and runs one tiny step in each. */
async function startup(workers: number): Promise<number> {
  const s = await sweep({ run: "mlp-names", grid: { seed: Array.from({ length: workers }, (_, i) => i) }, fixed: { ...fixed, steps: 1, evalEvery: 0, lr: 0.01 }, workers, cacheDir: null });
  return s.seconds;
}

async function timed(workers: number): Promise<{ total: number; steady: number }> {
  const start = await startup(workers);
  const s = await sweep({ run: "mlp-names", grid, fixed, workers, cacheDir: null });
  const inWorker = s.runs.reduce((a, r) => a + r.outcome.history.seconds, 0) / s.runs.length;
  const total = s.runs.length / s.seconds;
  const steady = s.runs.length / (s.seconds - start);
  console.log(
    `${workers} worker${workers > 1 ? "s" : " "}: ${s.runs.length} runs in ${s.seconds.toFixed(2)} s = ${total.toFixed(3)} runs/s; ` +
      `start-up ${start.toFixed(2)} s, without it ${steady.toFixed(3)} runs/s (training loop ${inWorker.toFixed(2)} s per run)`,
  );
  return { total, steady };
}

(async () => {
  const report = await ready();
  console.log(`backend ${report.name}, ${os.cpus().length} cores, load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`grid ${JSON.stringify(grid)} over ${JSON.stringify(fixed)}: ${runs} runs`);
  // One training process already keeps more than one core busy (V8's GC and compiler threads), so
  // N workers on N cores cannot reach N times one worker: measure that ceiling in this process.
  const wall0 = Date.now();
  const cpu0 = process.cpuUsage();
  await sweep({ run: "mlp-names", grid, fixed, workers: 0, cacheDir: null });
  const cpu = process.cpuUsage(cpu0);
  const busy = (cpu.user + cpu.system) / 1000 / (Date.now() - wall0);
  const cores = os.cpus().length;
  console.log(`one training process keeps ${busy.toFixed(2)} cores busy: ${cores} workers on ${cores} cores can add at most ${(cores / busy).toFixed(2)}x`);
  const one = await timed(1);
  const two = await timed(2);
  const oneAgain = await timed(1);
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const base = (x: "total" | "steady") => (one[x] + oneAgain[x]) / 2;
  console.log(`ratio 2 workers / 1 worker, start-up included: ${(two.total / base("total")).toFixed(2)}`);
  console.log(`ratio 2 workers / 1 worker: ${(two.steady / base("steady")).toFixed(2)}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
