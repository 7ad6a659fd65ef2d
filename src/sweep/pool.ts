// Worker processes for a sweep: each runs one configuration at a time; a queue feeds them.
import { ChildProcess, fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Config } from "./grid";
import type { ExperimentRef, RunOutcome } from "./experiments";
import type { WorkerReply, WorkerRequest } from "./protocol";
import { projectRoot } from "./paths";

export interface Task {
  index: number;
  config: Config;
}

export interface TaskResult {
  index: number;
  outcome?: RunOutcome;
  error?: string;
}

/** The worker script beside this file (ts under ts-node, js when compiled), or under the project's src/. */
export function workerScript(): string {
  const candidates = [
    path.join(__dirname, "worker.ts"),
    path.join(__dirname, "worker.js"),
    path.join(projectRoot(), "src", "sweep", "worker.ts"),
  ];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`sweep worker script not found; looked at ${candidates.join(", ")}`);
  return found;
}

function spawnWorker(script: string): ChildProcess {
  const root = projectRoot();
  const tsconfig = path.join(root, "tsconfig.json");
  const env: NodeJS.ProcessEnv = { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" };
  if (fs.existsSync(tsconfig)) env.TS_NODE_PROJECT = tsconfig;
  const execArgv = script.endsWith(".ts") ? ["-r", require.resolve("ts-node/register/transpile-only", { paths: [root, __dirname] })] : [];
  return fork(script, [], { execArgv, env, cwd: root, serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
}

/**
 * Run `tasks` on `workers` processes, calling `onResult` as each finishes. Resolves once every
 * task has a result (an experiment that throws, or a worker that dies, gives an `error` result),
 * or early when `shouldStop()` turns true (tasks not started are left out). Returns the backend
 * the workers chose.
 */
export function runOnWorkers(
  run: ExperimentRef,
  tasks: Task[],
  workers: number,
  onResult: (r: TaskResult) => void,
  shouldStop: () => boolean,
): Promise<string> {
  const script = workerScript();
  const queue = tasks.slice();
  let backend = "";
  let active = 0;
  return new Promise((resolve) => {
    const children: ChildProcess[] = [];
    const finishIfIdle = () => {
      if (active === 0 && (queue.length === 0 || shouldStop())) {
        for (const c of children) if (c.connected) c.send({ type: "exit" } satisfies WorkerRequest);
        resolve(backend);
      }
    };
    const count = Math.max(1, Math.min(workers, tasks.length));
    for (let w = 0; w < count; w++) {
      const child = spawnWorker(script);
      children.push(child);
      let current: Task | null = null;
      let alive = true;
      const next = () => {
        if (!alive) return;
        current = shouldStop() ? null : queue.shift() ?? null;
        if (current) child.send({ type: "run", id: current.index, run, config: current.config } satisfies WorkerRequest);
        else {
          active--;
          alive = false;
          finishIfIdle();
        }
      };
      active++;
      child.on("message", (msg: WorkerReply) => {
        if (msg.type === "ready") {
          backend = msg.backend;
          next();
        } else if (current && msg.id === current.index) {
          onResult(msg.type === "done" ? { index: current.index, outcome: msg.outcome } : { index: current.index, error: msg.error });
          next();
        }
      });
      child.on("exit", (code, signal) => {
        if (!alive) return;
        alive = false;
        active--;
        if (current) onResult({ index: current.index, error: `worker process exited (${signal ?? `code ${code}`}) while running it` });
        current = null;
        // Nobody left to run the rest: fail them instead of waiting forever.
        if (active === 0) {
          for (const t of queue.splice(0)) onResult({ index: t.index, error: "no worker process left to run it" });
        }
        finishIfIdle();
      });
    }
  });
}
