// Every failure mode on the real tslab kernel, all in one run with --jobs 2: each notebook's
// result names the cell and the reason, and the passing notebook at the end still passes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runAll } from "../scripts/runner/run-all";
import type { NotebookResult, RunOptions } from "../scripts/runner/execute-notebook";
import { readNotebook } from "../scripts/runner/notebook";
import * as net from "net";
import * as ports from "../scripts/runner/ports";
import { KernelSession } from "../scripts/runner/kernel";
import { gate, missing } from "./requirements";
import { limitsFrom, measureKernelLatency } from "./kernel-latency";

const root = path.resolve(__dirname, "..");
const fixtures = path.join(root, "test", "fixtures", "notebooks");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-runner-failures-"));
const out = path.join(dir, "out");
// Fixtures run from a copy, with the src link the notebooks/ folder has, so nothing in the repo is written.
for (const f of fs.readdirSync(fixtures)) if (f.endsWith(".ipynb")) fs.copyFileSync(path.join(fixtures, f), path.join(dir, f));
fs.symlinkSync(path.join(root, "notebooks", "src"), path.join(dir, "src")); // the compiled copy, as notebooks/ has

const order = ["malformed", "sync_throw", "timer_throw", "unhandled_rejection", "infinite_loop", "async_infinite_loop",
  "process_exit", "not_raising", "missing_file", "features"];
const files = order.map((n) => path.join(dir, `${n}.ipynb`));
// Limits derived from how fast a kernel answers here and now (test/kernel-latency.ts), set in before().
const options: RunOptions = { mode: "quick", params: [["label", "from-test"]], outDir: out, cellTimeoutMs: 6000, timeoutMs: 60_000,
  graceMs: 50, finalGraceMs: 500, checkGolden: false };
const seconds = () => `${options.cellTimeoutMs / 1000} s`;
let results: NotebookResult[] = [];
const byName = (n: string): NotebookResult => results[order.indexOf(n)];

test.before(async () => {
  const latency = await measureKernelLatency(dir);
  Object.assign(options, limitsFrom(latency));
  options.finalGraceMs = 10 * options.graceMs;
  options.timeoutMs = Math.max(60_000, 4 * options.cellTimeoutMs + 4 * latency.startMs);
  console.log(`runner-failures: kernel start ${latency.startMs} ms, first import ${latency.importMs} ms, cell ${latency.cellMs} ms, ` +
    `SIGINT ${latency.interruptMs} ms -> cell timeout ${options.cellTimeoutMs} ms, interrupt grace ${options.interruptGraceMs} ms, grace ${options.graceMs} ms`);
  // prestart on: the next notebook's kernel starts while others run (and is killed when unused)
  results = await runAll(files, 2, options, undefined, true);
});
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("no kernel outlives the run (prestarted ones for invalid notebooks included)", async () => {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const kernels = () => {
    const ps = spawnSync("ps", ["-o", "pid=,ppid=", "--ppid", String(process.pid)], { encoding: "utf8" }).stdout.trim();
    return ps.split("\n").filter(Boolean).filter((line) => {
      const pid = line.trim().split(/\s+/)[0];
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("tslab");
      } catch {
        return false;
      }
    });
  };
  // A killed kernel takes a moment to be reaped, longer on a loaded machine: wait for it, up to 20 s.
  const until = Date.now() + 20_000;
  while (kernels().length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  assert.equal(kernels(), []);
});

const only = (r: NotebookResult) => {
  assert.is(r.status, "failed", `${r.file} should fail`);
  assert.is(r.failures.length, 1, JSON.stringify(r.failures));
  return r.failures[0];
};

test("every notebook got a result, in input order, and the failures did not stop the last one", () => {
  assert.equal(results.map((r) => path.basename(r.file)), order.map((n) => `${n}.ipynb`));
  const ok = byName("features");
  assert.is(ok.status, "passed", JSON.stringify(ok.failures));
  assert.is(ok.cellsRun, ok.cellsTotal);
});

test("malformed JSON and a missing file: invalid notebook, no kernel started", () => {
  const f = only(byName("malformed"));
  assert.is(f.kind, "invalid-notebook");
  assert.is(f.cell, null);
  assert.match(f.reason, /malformed\.ipynb is not valid JSON/);
  const m = only(byName("missing_file"));
  assert.match(m.reason, /cannot read .*missing_file\.ipynb.*ENOENT/);
  assert.is(byName("malformed").cellsRun, 0);
});

test("sync throw: the cell, the error line, and the cells after it not run", () => {
  const f = only(byName("sync_throw"));
  assert.equal([f.kind, f.cell, f.reason], ["cell-error", 3, "Error: sync boom"]);
  assert.is(byName("sync_throw").cellsRun, 2);
});

test("a throw in a timer after the cell finished is a late error of that cell", () => {
  const f = only(byName("timer_throw"));
  assert.equal([f.kind, f.cell], ["late-error", 1]);
  assert.match(f.reason, /^UncaughtException: Error: timer boom/);
  assert.is(byName("timer_throw").cellsRun, 1, "stops at the late error");
});

test("an unhandled rejection in a cell that reported ok is a late error", () => {
  const f = only(byName("unhandled_rejection"));
  assert.equal([f.kind, f.cell], ["late-error", 2]);
  assert.match(f.reason, /^UnhandledPromiseRejection: Error: nobody catches me/);
});

test("an infinite loop is interrupted with SIGINT at --cell-timeout", () => {
  const f = only(byName("infinite_loop"));
  assert.equal([f.kind, f.cell], ["cell-timeout", 2]);
  assert.is(f.reason, `cell exceeded --cell-timeout ${seconds()} (interrupted with SIGINT)`);
});

test("a loop SIGINT cannot stop (after an await) gets the kernel killed", () => {
  const f = only(byName("async_infinite_loop"));
  assert.equal([f.kind, f.cell], ["cell-timeout", 1]);
  assert.is(f.reason, `cell exceeded --cell-timeout ${seconds()} (kernel killed: it did not respond to SIGINT)`);
});

test("process.exit in a cell: the kernel died, with its exit code", () => {
  const f = only(byName("process_exit"));
  assert.equal([f.kind, f.cell], ["kernel-died", 2]);
  assert.match(f.reason, /^kernel died \(exit code 3\) while this cell ran/);
});

test("a raises-exception cell that does not raise fails the notebook", () => {
  const f = only(byName("not_raising"));
  assert.equal([f.kind, f.cell, f.reason], ["did-not-raise", 2, "cell tagged raises-exception did not raise an error"]);
});

test("the passing notebook: parameters, mode, tags and displays as executed", () => {
  const r = byName("features");
  assert.is(r.outFile, path.join(out, "features.ipynb"));
  const nb = readNotebook(r.outFile!);
  const text = (i: number) => (nb.cells[i].outputs ?? []).map((o) => ("text" in o ? o.text : "data" in o ? JSON.stringify(o.data) : o.evalue)).join("");
  // cells: 0 md, 1 import, 2 parameters, 3 injected, 4 print, 5 raises, 6 after, 7 skip, 8 ignore, 9 display, 10 stderr/progress
  assert.equal(nb.cells[3].metadata.tags, ["injected-parameters"]);
  assert.is(text(4), "mode quick steps 2 label from-test lr 0.1 env quick\n");
  assert.match(text(5), /Error: expected failure/);
  assert.is(text(6), "runs right after an expected failure\n");
  assert.is(nb.cells[7].execution_count, null);
  assert.equal(nb.cells[7].outputs, []);
  assert.match(text(9), /<b>bold<\/b>.*"text\/plain":"updated"/);
  assert.equal(nb.cells[10].outputs, [{ output_type: "stream", name: "stderr", text: "a warning on stderr\n" }, { output_type: "stream", name: "stdout", text: "progress done\n" }]);
  const counts = nb.cells.filter((c) => c.cell_type === "code" && c.execution_count !== null).map((c) => c.execution_count);
  assert.equal(counts, [...counts].sort((a, b) => a! - b!));
  assert.is(readNotebook(path.join(dir, "features.ipynb")).cells.length, 10, "the source notebook is untouched");
});

gate(test, __filename, missing(["nbformat"]))("executed notebooks, failed ones included, validate with Debian's nbformat", () => {
  const { spawnSync } = require("child_process") as typeof import("child_process");
  const written = results.map((r) => r.outFile).filter((f): f is string => !!f);
  assert.ok(written.length >= 7, `written: ${written.join(", ")}`);
  for (const f of written) {
    const v = spawnSync("/usr/bin/python3", ["-c", "import nbformat,sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", f], { encoding: "utf8" });
    assert.is(v.status, 0, `${f}: ${v.stderr}`);
  }
});

test("a port taken by another program between choosing and binding: the kernel starts again on new ports", async () => {
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => server.on("listening", r));
  const taken = (server.address() as net.AddressInfo).port;
  const original = ports.reservePorts;
  const handedOut: number[][] = [];
  (ports as { reservePorts: typeof original }).reservePorts = async (n, host) => {
    const p = await original(n, host);
    if (handedOut.length === 0) p[0] = taken; // the shell port is already in use
    handedOut.push(p);
    return p;
  };
  try {
    const k = await KernelSession.start({ cwd: dir });
    const run = await k.execute("console.log(6 * 7)");
    await k.shutdown();
    assert.is(handedOut.length, 2);
    assert.is(handedOut[0][0], taken);
    assert.not.ok(handedOut[1].includes(taken));
    assert.equal([run.status, run.outputs.stdout], ["ok", "42\n"]);
  } finally {
    (ports as { reservePorts: typeof original }).reservePorts = original;
    server.close();
  }
});

test.run();
