// Messages between `sweep` and its worker processes (structured clone: NaN and Infinity survive).
import type { Config } from "./grid";
import type { ExperimentRef, RunOutcome } from "./experiments";

export type WorkerRequest = { type: "run"; id: number; run: ExperimentRef; config: Config } | { type: "exit" };

export type WorkerReply =
  | { type: "ready"; backend: string }
  | { type: "done"; id: number; outcome: RunOutcome }
  | { type: "failed"; id: number; error: string };
