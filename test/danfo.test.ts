// danfojs-node installs offline only through package.json overrides (its tfjs-node is a shim that
// hands it our tfjs-core, xlsx comes from the registry, request is replaced by @cypress/request).
// Prove it works, shares our single tfjs engine, and that no second tfjs-core is installed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs-core";
import { spawnSync } from "child_process";
import { ready } from "../src/backend";
import { loadDanfo } from "../src/danfo";

const dfd = loadDanfo();
const root = path.resolve(__dirname, "..");

test("danfojs-node uses the same tfjs engine and backend as the library", async () => {
  await ready();
  const danfoDir = path.dirname(require.resolve("danfojs-node/package.json"));
  const danfoTfPath = require.resolve("@tensorflow/tfjs-node", { paths: [danfoDir] });
  const danfoTf = require(danfoTfPath);
  assert.is(danfoTf.version_core, tf.version_core);
  assert.ok(danfoTf.engine() === tf.engine(), "danfojs loaded a second tfjs engine");
  assert.ok(danfoTf === require("@tensorflow/tfjs-core"), "danfojs should get the library's own tfjs-core module, not the installed copy");
  assert.is(danfoTf.getBackend(), tf.getBackend());
});

test("one tfjs-core on disk: danfojs's @tensorflow/tfjs-node is the shim, not a copy of tfjs-core", () => {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6 || !fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue; // links (the shim) are not copies
      const pkg = path.join(dir, e.name);
      if (e.name.startsWith("@")) walk(pkg, depth);
      else {
        const file = path.join(pkg, "package.json");
        if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).name === "@tensorflow/tfjs-core") found.push(pkg);
        walk(path.join(pkg, "node_modules"), depth + 1);
      }
    }
  };
  walk(path.join(root, "node_modules"), 0);
  assert.equal(found.map((f) => path.relative(root, f)), [path.join("node_modules", "@tensorflow", "tfjs-core")]);
  const shim = require.resolve("@tensorflow/tfjs-node", { paths: [path.dirname(require.resolve("danfojs-node/package.json"))] });
  assert.is(fs.realpathSync(shim), path.join(root, "scripts", "shims", "tfjs-node-for-danfo", "index.js"));
});

test("DataFrame round trip: records -> groupby/mean -> CSV -> read back", async () => {
  await ready();
  const records = [
    { lr: 0.1, seed: 1, loss: 2.0 },
    { lr: 0.1, seed: 2, loss: 3.0 },
    { lr: 0.01, seed: 1, loss: 1.0 },
    { lr: 0.01, seed: 2, loss: 1.5 },
  ];
  const df = new dfd.DataFrame(records);
  const means = df.groupby(["lr"]).col(["loss"]).mean();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-danfo-")), "means.csv");
  dfd.toCSV(means, { filePath: file });
  const csv = fs.readFileSync(file, "utf8");
  assert.match(csv, /lr,loss_mean/);
  const back = await dfd.readCSV(file);
  const rows = dfd.toJSON(back) as { lr: number; loss_mean: number }[];
  const byLr = new Map(rows.map((r) => [r.lr, r.loss_mean]));
  assert.is(byLr.size, 2);
  assert.is(byLr.get(0.1), 2.5);
  assert.is(byLr.get(0.01), 1.25);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test("loading danfojs prints nothing into a notebook (no second tfjs-core evaluated)", () => {
  const code = `require("./src/backend").ready().then(() => { require("./src/danfo").loadDanfo(); console.log("loaded"); })`;
  const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", code], { cwd: root, encoding: "utf8" });
  assert.is(run.stdout.trim(), "loaded");
  assert.is(run.stderr.trim(), "", "loading danfojs wrote to stderr");
});

test.run();
