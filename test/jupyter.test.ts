// Real Jupyter, no mocks: registers the kernel with Debian's Jupyter (jupyter_client) into a
// temporary prefix and executes notebooks/00_welcome.ipynb with `jupyter nbconvert --execute`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findJupyterPython, registerKernel, NO_JUPYTER_HELP } from "../scripts/register-kernel";
import { gate, missing } from "./requirements";

const root = path.resolve(__dirname, "..");
// CI installs Debian's Jupyter (.ci/run) and must run these; elsewhere they are skipped, visibly.
const withJupyter = gate(test, __filename, missing(["jupyter"]));
const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-jupyter-"));
const jupyterPath = path.join(prefix, "share", "jupyter");

withJupyter("finds a Python that has Jupyter, skipping ones that do not", () => {
  const python = findJupyterPython(["/nonexistent/python3", "/usr/bin/python3"]);
  assert.is(python, "/usr/bin/python3");
});

test("with no Jupyter anywhere it says what to install", () => {
  assert.is(findJupyterPython(["/nonexistent/python3"]), null);
  assert.throws(() => registerKernel({ candidates: ["/nonexistent/python3"], prefix }), (e: Error) => e.message === NO_JUPYTER_HELP);
  assert.match(NO_JUPYTER_HELP, /apt-get install jupyter-notebook/);
  assert.match(NO_JUPYTER_HELP, /pip install jupyterlab/);
});

withJupyter("registers a kernelspec that starts this project's tslab by absolute path", () => {
  const r = registerKernel({ prefix });
  assert.is(r.kernelDir, path.join(jupyterPath, "kernels", "tslab"));
  const spec = JSON.parse(fs.readFileSync(path.join(r.kernelDir, "kernel.json"), "utf8"));
  assert.is(spec.argv[0], process.execPath);
  assert.is(spec.argv[1], path.join(root, "node_modules", "tslab", "bin", "tslab"));
  assert.equal(spec.argv.slice(2), ["kernel", "--config-path", "{connection_file}"]);
  // Jupyter itself sees it
  const list = spawnSync(
    "/usr/bin/python3",
    ["-c", "from jupyter_client.kernelspec import KernelSpecManager as K; print(K().find_kernel_specs()['tslab'])"],
    { env: { ...process.env, JUPYTER_PATH: jupyterPath }, encoding: "utf8" },
  );
  assert.is(list.stdout.trim(), r.kernelDir);
  // and the JavaScript kernel beside it, as `tslab install` registers both
  assert.is(r.js.kernelDir, path.join(jupyterPath, "kernels", "jslab"));
  const js = JSON.parse(fs.readFileSync(path.join(r.js.kernelDir, "kernel.json"), "utf8"));
  assert.equal(js.argv.slice(1), [path.join(root, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}", "--js"]);
  assert.is(js.language, "javascript");
});

withJupyter("does not overwrite a tslab kernelspec that someone else registered, unless forced", () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-other-"));
  const dir = path.join(other, "share", "jupyter", "kernels", "tslab");
  fs.mkdirSync(dir, { recursive: true });
  const foreign = { argv: ["/opt/other/tslab", "kernel", "--config-path", "{connection_file}"], display_name: "TypeScript", language: "typescript" };
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(foreign));
  assert.throws(() => registerKernel({ prefix: other }), /already registered.*--force/s);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "kernel.json"), "utf8")), foreign);
  registerKernel({ prefix: other, force: true });
  assert.ok(fs.readFileSync(path.join(dir, "kernel.json"), "utf8").includes(path.join(root, "node_modules", "tslab")));
  fs.rmSync(other, { recursive: true, force: true });
});

withJupyter("00_welcome runs under Debian's jupyter nbconvert --execute with the registered kernel", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-nbout-"));
  const run = spawnSync(
    "/usr/bin/jupyter",
    ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tslab",
      "--ExecutePreprocessor.timeout=300", "--output-dir", out, path.join(root, "notebooks", "00_welcome.ipynb")],
    { env: { ...process.env, JUPYTER_PATH: jupyterPath, LR_LAB_MODE: "quick" }, encoding: "utf8", timeout: 600_000 },
  );
  assert.is(run.status, 0, `nbconvert failed:\n${run.stderr.slice(-3000)}`);
  const nb = JSON.parse(fs.readFileSync(path.join(out, "00_welcome.ipynb"), "utf8"));
  const text = nb.cells
    .flatMap((c: { outputs?: { text?: string | string[] }[] }) => c.outputs ?? [])
    .map((o: { text?: string | string[] }) => (Array.isArray(o.text) ? o.text.join("") : o.text ?? ""))
    .join("");
  assert.match(text, /^backend (tensorflow|wasm|cpu) \(/m);
  assert.match(text, /✓ one step with η = 0\.1 lands at 3 − 0\.1 · 6 = 2\.4/);
  fs.rmSync(out, { recursive: true, force: true });
});

test.after(() => fs.rmSync(prefix, { recursive: true, force: true }));
test.run();
