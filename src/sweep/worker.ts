// A sweep worker process: sets up the backend once, then runs one configuration at a time as
// the parent asks, and sends each outcome back. Started by `sweep` with child_process.fork.
import { ready } from "../backend";
import { runExperiment } from "./experiments";
import type { WorkerReply, WorkerRequest } from "./protocol";

function send(reply: WorkerReply): void {
  process.send?.(reply);
}

ready().then(
  (report) => {
    send({ type: "ready", backend: report.name });
    process.on("message", async (msg: WorkerRequest) => {
      if (msg.type === "exit") {
        process.disconnect();
        return;
      }
      try {
        const outcome = await runExperiment(msg.run, msg.config);
        send({ type: "done", id: msg.id, outcome });
      } catch (e) {
        send({ type: "failed", id: msg.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      }
    });
  },
  (e) => {
    send({ type: "failed", id: -1, error: `backend setup failed: ${e instanceof Error ? e.message : String(e)}` });
    process.exit(1);
  },
);
