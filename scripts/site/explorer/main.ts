// The explorer page's script, bundled by esbuild with the library code it calls.
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import { mountGdPanel } from "./gd-panel";
import { mountSchedulePanel } from "./schedule-panel";

async function start(): Promise<void> {
  await tf.setBackend("cpu");
  mountGdPanel(document.getElementById("gd-panel")!);
  mountSchedulePanel(document.getElementById("schedule-panel")!);
  document.body.dataset.explorerReady = "true";
}

start().catch((e) => {
  console.error(e);
  document.body.dataset.explorerError = String(e);
});
