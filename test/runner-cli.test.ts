// The command as users run it: exit codes, summary, --junit, --out, golden outputs recorded with
// --update-golden then compared after a numeric drift inside and outside tolerance, --timeout,
// and the strip subcommand.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const fixtures = path.join(root, "test", "fixtures", "notebooks");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-runner-cli-"));
for (const f of ["features", "malformed", "drift", "slow_cells", "javascript", "python"]) fs.copyFileSync(path.join(fixtures, `${f}.ipynb`), path.join(dir, `${f}.ipynb`));
fs.symlinkSync(path.join(root, "notebooks", "src"), path.join(dir, "src")); // the compiled copy, as notebooks/ has
const nbPath = (n: string) => path.join(dir, `${n}.ipynb`);
const goldenDir = path.join(dir, "golden");

function cli(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(root, "scripts", "run-notebooks.ts"), ...args],
      { cwd: root, env: { ...process.env, LR_LAB_MODE: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("the notebook's kernel is honoured: jslab runs JavaScript (valid JS that TypeScript rejects), python3 is refused by name", async () => {
  const r = await cli([nbPath("javascript"), nbPath("python"), "--jobs", "1", "--no-golden", "--out", path.join(dir, "out-kernels")]);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /javascript\.ipynb\s+passed\s+\S+\s+\S+\s+2\/2/);
  assert.match(r.out, /python\.ipynb\s+failed\s+\S+\s+\S+\s+0\/0/);
  assert.match(r.out, /\[unsupported-kernel\] .*python\.ipynb is a notebook for the "python3" kernel \(python\); this runner runs only tslab \(TypeScript\) and jslab \(JavaScript\)/);
  const executed = JSON.parse(fs.readFileSync(path.join(dir, "out-kernels", "javascript.ipynb"), "utf8"));
  const text = (c: { outputs: { text: string | string[] }[] }) => c.outputs.map((o) => [].concat(o.text as never).join("")).join("");
  assert.is(text(executed.cells[0]), "true 11\n");
  assert.is(text(executed.cells[1]), "function 2,4,6\n");
  // the same cells under the TypeScript kernel fail: what the runner did before it read the kernelspec
  const asTs = JSON.parse(fs.readFileSync(nbPath("javascript"), "utf8"));
  asTs.metadata.kernelspec = { name: "tslab", display_name: "TypeScript", language: "typescript" };
  fs.writeFileSync(nbPath("javascript_as_ts"), JSON.stringify(asTs));
  const ts = await cli([nbPath("javascript_as_ts"), "--no-golden"]);
  assert.is(ts.code, 1, ts.out);
  assert.match(ts.out, /\[cell-error\].*Property 'added' does not exist on type '\{\}'/s);
});

test("a failing notebook among passing ones: exit 1, summary table, JUnit report, executed copies in --out", async () => {
  const before = fs.readFileSync(nbPath("features"), "utf8");
  const junit = path.join(dir, "report.xml");
  const out = path.join(dir, "out");
  const r = await cli([nbPath("malformed"), nbPath("features"), "--jobs", "2", "--out", out, "--junit", junit, "--no-golden", "-p", "lr=0.25"]);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /Running mode quick, 2 notebooks, jobs 2, params lr=0.25/);
  assert.match(r.out, /malformed\.ipynb\s+failed\s+\S+\s+\S+\s+0\/0\s+not-checked\s+1/);
  assert.match(r.out, /features\.ipynb\s+passed\s+\S+\s+\S+\s+9\/9\s+not-checked\s+0/);
  assert.match(r.out, /malformed\.ipynb \(notebook\): \[invalid-notebook\] .*not valid JSON/);
  assert.match(r.out, /1 passed, 1 failed/);
  assert.match(r.out, /> .*features\.ipynb \(9 code cells\)\n/); // plain progress lines when not on a terminal
  const xml = fs.readFileSync(junit, "utf8");
  assert.match(xml, /tests="2" failures="1"/);
  assert.match(xml, /<failure type="invalid-notebook" message="notebook: .*not valid JSON/);
  const executed = JSON.parse(fs.readFileSync(path.join(out, "features.ipynb"), "utf8"));
  const joined = (t: string | string[]) => (Array.isArray(t) ? t.join("") : t);
  assert.match(joined(executed.cells[3].source), /lr = 0\.25;/);
  assert.match(joined(executed.cells[4].outputs[0].text), /lr 0\.25 env quick/);
  assert.is(fs.readFileSync(nbPath("features"), "utf8"), before, "source untouched without --inplace");
  assert.not.ok(fs.existsSync(path.join(out, "malformed.ipynb")));
});

test("golden outputs: recorded per mode, drift inside tolerance passes, outside fails with a diff naming the cell", async () => {
  const rec = await cli([nbPath("drift"), "--golden-dir", goldenDir, "--update-golden"]);
  assert.is(rec.code, 0, rec.out);
  assert.match(rec.out, /golden outputs updated for mode quick: 1 notebook\(s\)/);
  const golden = JSON.parse(fs.readFileSync(path.join(goldenDir, "quick", "drift.json"), "utf8"));
  assert.equal(golden.cells.map((c: { cell: number; outputs: unknown }) => [c.cell, c.outputs]), [
    [1, []],
    [2, [{ kind: "stdout", text: "loss 2.302585093 after 100 steps\n" }]],
    [3, [{ kind: "stdout", text: "accuracy 0.500000\n" }]],
  ]);
  const [same, inside, outside, cellTol] = await Promise.all([
    cli([nbPath("drift"), "--golden-dir", goldenDir]),
    cli([nbPath("drift"), "--golden-dir", goldenDir, "-p", "scale=1.0000001"]), // loss 2.302585323: rel 1e-7 < 1e-6
    cli([nbPath("drift"), "--golden-dir", goldenDir, "-p", "scale=1.001"]), // loss rel 1e-3: outside; accuracy inside its 1%
    cli([nbPath("drift"), "--golden-dir", goldenDir, "-p", "scale=1.02", "--full"]), // no golden for full
  ]);
  assert.is(same.code, 0, same.out);
  assert.match(same.out, /drift\.ipynb\s+passed\s+\S+\s+\S+\s+4\/4\s+match\s+0/);
  assert.is(inside.code, 0, inside.out);
  assert.is(outside.code, 1, outside.out);
  assert.match(outside.out, /drift\.ipynb\s+failed\s+\S+\s+\S+\s+4\/4\s+mismatch\s+1/);
  assert.match(outside.out, /drift\.ipynb cell 2: \[golden\] output differs from golden/);
  assert.match(outside.out, /stdout line 1: 2\.304887678 vs golden 2\.302585093: \|diff\| 0\.00230 > abs 1e-12 \+ rel 0\.000001·\|golden\|\n\s+- loss 2\.302585093 after 100 steps\n\s+\+ loss 2\.304887678 after 100 steps/);
  assert.not.match(outside.out, /cell 3: \[golden\]/, "accuracy 0.5005 is inside the cell's tolerance:rel=0.01");
  assert.is(cellTol.code, 0, cellTol.out);
  assert.match(cellTol.out, /drift\.ipynb\s+passed\s+\S+\s+\S+\s+4\/4\s+missing/);
});

test("--timeout stops a notebook that runs too long and says so; --inplace writes what ran over the source", async () => {
  const r = await cli([nbPath("slow_cells"), "--timeout", "2.5", "--no-golden", "--inplace"]);
  assert.is(r.code, 1, r.out);
  const m = r.out.match(/slow_cells\.ipynb (cell (\d)|\(notebook\)): \[notebook-timeout\] notebook exceeded --timeout 2\.5 s/);
  assert.ok(m, r.out);
  assert.match(r.out, /executed notebooks written in place/);
  const nb = JSON.parse(fs.readFileSync(nbPath("slow_cells"), "utf8"));
  if (m![2] && /interrupted with SIGINT/.test(r.out)) {
    // the cell that hit the limit was run and interrupted, so the kernel replied with its
    // execution count (a kernel too loaded to answer SIGINT in time is killed: no reply, no count)
    assert.is(typeof nb.cells[Number(m![2]) - 1].execution_count, "number");
  }
  assert.is(nb.cells[2].execution_count, null, "the last cell never ran");
});

test("--inplace never overwrites edits saved while the notebook ran: the run is put aside and the run fails saying where", async () => {
  // the notebook's one cell saves an edit to its own file, as a user pressing save in the meantime would
  const features = JSON.parse(fs.readFileSync(nbPath("features"), "utf8"));
  const edited = { ...features, cells: [{ cell_type: "code", id: "edit", metadata: {}, execution_count: null, outputs: [],
    source: 'import * as fs from "fs";\nfs.appendFileSync("edited.ipynb", "\\n");' }] };
  fs.writeFileSync(nbPath("edited"), JSON.stringify(edited));
  const r = await cli([nbPath("edited"), "--no-golden", "--inplace"]);
  assert.is(r.code, 1, r.out);
  const m = r.out.match(/edited\.ipynb was changed on disk while it ran: left as it is; the executed notebook is at (\S+\.ipynb)/);
  assert.ok(m, r.out);
  assert.is(fs.readFileSync(nbPath("edited"), "utf8"), JSON.stringify(edited) + "\n", "the edit is kept, nothing else written");
  assert.is(JSON.parse(fs.readFileSync(m![1], "utf8")).cells[0].execution_count, 1, "the run is kept aside");
  fs.rmSync(path.dirname(m![1]), { recursive: true, force: true });
});

test("strip clears outputs in place, only in the files named, and says so", async () => {
  const out = path.join(dir, "out");
  const a = path.join(out, "features.ipynb");
  const other = path.join(dir, "features.ipynb");
  const otherBefore = fs.readFileSync(other, "utf8");
  const r = await cli(["strip", a]);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /stripped .*features\.ipynb in place \(\d+ outputs removed\)/);
  const nb = JSON.parse(fs.readFileSync(a, "utf8"));
  const code = nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
  assert.ok(code.every((c: { outputs: unknown[]; execution_count: unknown }) => c.outputs.length === 0 && c.execution_count === null));
  assert.not.ok(nb.cells.some((c: { metadata: { tags?: string[] } }) => c.metadata.tags?.includes("injected-parameters")));
  assert.is(fs.readFileSync(other, "utf8"), otherBefore);
  const again = await cli(["strip", a, nbPath("malformed")]);
  assert.is(again.code, 1);
  assert.match(again.out, /already clean, not rewritten/);
  assert.match(again.out, /malformed\.ipynb is not valid JSON/);
});

test("usage errors exit 2 with the usage text", async () => {
  const r = await cli(["--jobs", "0"]);
  assert.is(r.code, 2);
  assert.match(r.out, /--jobs must be a number in \(0, 64\]/);
  assert.match(r.out, /Usage:\n  npm run notebooks --/);
});

test.run();
