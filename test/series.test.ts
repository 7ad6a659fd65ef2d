// The series itself, as CI must run it: every notebooks/NN_*.ipynb in quick mode through our
// runner (check cells + golden outputs), and through Debian's `jupyter nbconvert --execute` with
// the registered kernel, so the notebooks stay runnable in plain Jupyter.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { registerKernel } from "../scripts/register-kernel";
import { gate, missing } from "./requirements";

const root = path.resolve(__dirname, "..");
const notebooks = fs
  .readdirSync(path.join(root, "notebooks"))
  .filter((f) => /^\d\d_.*\.ipynb$/.test(f))
  .sort();
const artifacts = path.join(root, "out", "series");

test("there are notebooks to run", () => {
  assert.ok(notebooks.length > 0);
});

test("every notebook passes the runner in quick mode (check cells and golden outputs)", () => {
  fs.mkdirSync(artifacts, { recursive: true });
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(root, "scripts", "run-notebooks.ts"), "--quick", "--jobs", "2",
      "--out", path.join(artifacts, "quick"), "--junit", path.join(artifacts, "junit.xml")],
    { cwd: root, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" }, timeout: 2_700_000 },
  );
  const report = (run.stdout ?? "") + (run.stderr ?? "");
  console.log(report.split("\n").filter((l) => !/\r/.test(l)).slice(-(notebooks.length + 8)).join("\n"));
  assert.is(run.status, 0, `the runner failed:\n${report.slice(-6000)}`);
});

const withJupyter = gate(test, __filename, missing(["jupyter"]));
withJupyter("every notebook runs under plain jupyter nbconvert --execute (LR_LAB_MODE=quick)", () => {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-series-"));
  registerKernel({ prefix });
  const out = path.join(artifacts, "nbconvert");
  fs.mkdirSync(out, { recursive: true });
  const failures: string[] = [];
  for (const nb of notebooks) {
    const run = spawnSync(
      "/usr/bin/jupyter",
      ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tslab",
        "--ExecutePreprocessor.timeout=600", "--output-dir", out, path.join(root, "notebooks", nb)],
      { env: { ...process.env, JUPYTER_PATH: path.join(prefix, "share", "jupyter"), LR_LAB_MODE: "quick" }, encoding: "utf8", timeout: 900_000 },
    );
    if (run.status !== 0) failures.push(`${nb}: ${run.stderr.slice(-1500)}`);
  }
  fs.rmSync(prefix, { recursive: true, force: true });
  assert.equal(failures, [], failures.join("\n\n"));
});

test.run();
