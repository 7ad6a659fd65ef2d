// The notebook runner's parts that need no kernel: wire signing, notebook parsing and writing,
// parameters, golden comparison, tags, arguments, reports, src/params.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHmac } from "crypto";
import { spawnSync } from "child_process";
import { processCpuSeconds } from "../scripts/runner/kernel";
import { decode, encode, makeHeader, sign, DELIMITER } from "../scripts/runner/wire";
import { parseNotebook, serializeNotebook, NotebookFormatError, writeNotebook, readNotebook, Notebook } from "../scripts/runner/notebook";
import { declaredParameters, injectParameters, parseParam } from "../scripts/runner/parameters";
import { compareLine, diffOutputs, reduceOutputs, sanitize, defaultSanitizers, cellTolerance, compareGolden, recordGolden, goldenPath, DEFAULT_TOLERANCE } from "../scripts/runner/golden";
import { collapseCarriageReturns, OutputCollector } from "../scripts/runner/outputs";
import { parseArgs, UsageError } from "../scripts/runner/args";
import { globToRegExp, resolveNotebooks } from "../scripts/runner/files";
import { junitXml, xmlEscape } from "../scripts/runner/junit";
import { stripNotebook } from "../scripts/runner/strip";
import { summarizeError, NotebookResult } from "../scripts/runner/execute-notebook";
import { Progress, summary } from "../scripts/runner/report";
import { reservePorts, releasePorts } from "../scripts/runner/ports";
import { mode, bySize } from "../src/params";
import { kernelFor, UnsupportedKernelError } from "../scripts/runner/kernel-choice";
import * as lib from "../src/index";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-runner-units-"));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// ---- src/params
test("mode(): full by default, quick or full from LR_LAB_MODE, a clear RangeError otherwise", () => {
  assert.is(mode({}), "full");
  assert.is(mode({ LR_LAB_MODE: "" }), "full");
  assert.is(mode({ LR_LAB_MODE: "quick" }), "quick");
  assert.is(mode({ LR_LAB_MODE: " FULL " }), "full");
  assert.throws(() => mode({ LR_LAB_MODE: "fast" }), (e: Error) => e instanceof RangeError && /LR_LAB_MODE must be "quick" or "full".*"fast"/.test(e.message));
});

test("bySize picks the value of the mode and is exported from the library", () => {
  assert.is(bySize({ quick: 200, full: 2000 }, "quick"), 200);
  assert.is(bySize({ quick: 200, full: 2000 }, "full"), 2000);
  assert.equal(lib.bySize({ quick: [1], full: [1, 2] }, "full"), [1, 2]);
  assert.is(lib.mode({ LR_LAB_MODE: "quick" }), "quick");
  assert.throws(() => bySize({ quick: 1 } as never, "quick"), (e: Error) => e instanceof RangeError);
  assert.throws(() => bySize({ quick: 1, full: 2 }, "medium" as never), /mode must be "quick" or "full"/);
});

// ---- wire
test("messages are signed with HMAC-SHA256 over the four JSON frames and verified on decode", () => {
  const key = "secret";
  const header = makeHeader("execute_request", "session-1");
  const frames = encode(key, { header, parent_header: {}, metadata: {}, content: { code: "1" } });
  assert.is(frames[0], DELIMITER);
  const expected = createHmac("sha256", key).update(frames[2]).update(frames[3]).update(frames[4]).update(frames[5]).digest("hex");
  assert.is(frames[1], expected);
  const back = decode(key, [Buffer.from("routing-id"), ...frames.map((f) => Buffer.from(f))]);
  assert.equal(back.content, { code: "1" });
  assert.is(back.header.msg_type, "execute_request");
  const tampered = frames.map((f) => Buffer.from(f));
  tampered[5] = Buffer.from('{"code":"2"}');
  assert.throws(() => decode(key, tampered), /invalid HMAC/);
  assert.throws(() => decode(key, [Buffer.from("x")]), /malformed/);
  assert.is(sign("", ["a"]), "");
});

// ---- notebooks
const minimal = (cells: unknown[], minor = 5): string => JSON.stringify({ nbformat: 4, nbformat_minor: minor, metadata: {}, cells });

test("an invalid notebook is reported with what is wrong", () => {
  assert.throws(() => parseNotebook("{", "a.ipynb"), (e: Error) => e instanceof NotebookFormatError && /a.ipynb is not valid JSON/.test(e.message));
  assert.throws(() => parseNotebook(JSON.stringify({ nbformat: 3, cells: [] })), /nbformat is 3, only nbformat 4/);
  assert.throws(() => parseNotebook(JSON.stringify({ nbformat: 4 })), /"cells" is missing/);
  assert.throws(() => parseNotebook(minimal([{ cell_type: "code", source: 5 }]), "b"), /b cell 1: source is not a string/);
  assert.throws(() => parseNotebook(minimal([{ cell_type: "heading", source: "" }])), /cell_type "heading"/);
  assert.throws(() => parseNotebook(minimal([{ cell_type: "code", source: "", metadata: { tags: "x" } }])), /tags is not a list/);
  assert.throws(() => readNotebook(path.join(tmp, "missing.ipynb")), /cannot read .*ENOENT/);
});

test("notebooks are written as Jupyter writes them (line lists, sorted keys) and read back the same", () => {
  const nb = parseNotebook(minimal([{ cell_type: "code", id: "a", metadata: {}, execution_count: 3, source: ["x = 1\n", "y = 2"],
    outputs: [{ output_type: "stream", name: "stdout", text: ["1\n", "2\n"] }, { output_type: "display_data", metadata: {}, data: { "text/plain": "a\nb", "application/json": { k: "a\nb" } } }] }]));
  assert.is(nb.cells[0].source, "x = 1\ny = 2");
  const text = serializeNotebook(nb);
  const raw = JSON.parse(text);
  assert.equal(raw.cells[0].source, ["x = 1\n", "y = 2"]);
  assert.equal(raw.cells[0].outputs[0].text, ["1\n", "2\n"]);
  assert.equal(raw.cells[0].outputs[1].data["text/plain"], ["a\n", "b"]);
  assert.equal(raw.cells[0].outputs[1].data["application/json"], { k: "a\nb" });
  assert.equal(Object.keys(raw), ["cells", "metadata", "nbformat", "nbformat_minor"]);
  assert.ok(text.startsWith('{\n "cells": [\n  {\n'));
  const file = path.join(tmp, "sub", "w.ipynb");
  writeNotebook(file, nb);
  assert.equal(readNotebook(file), nb);
  assert.equal(fs.readdirSync(path.dirname(file)), ["w.ipynb"]); // no temporary file left behind
});

// ---- parameters
test("-p values: JSON when it parses, text otherwise, names must be identifiers", () => {
  assert.equal(parseParam("lr=0.1"), ["lr", 0.1]);
  assert.equal(parseParam("on=true"), ["on", true]);
  assert.equal(parseParam("sizes=[1,2]"), ["sizes", [1, 2]]);
  assert.equal(parseParam("name=adam"), ["name", "adam"]);
  assert.equal(parseParam('name="1"'), ["name", "1"]);
  assert.equal(parseParam("eq=a=b"), ["eq", "a=b"]);
  assert.throws(() => parseParam("lr"), /name=value/);
  assert.throws(() => parseParam("1x=2"), /identifier/);
});

test("the parameters cell's declarations are read with the TypeScript parser", () => {
  const d = declaredParameters("let a = 1, b = 2;\nconst c = 3;\nvar [d, , e] = [1, 2, 3];\nfunction f() { let inner = 1; }\nlet { g } = { g: 1 };");
  assert.equal([...d], [["a", "let"], ["b", "let"], ["c", "const"], ["d", "var"], ["e", "var"], ["g", "let"]]);
});

const nbWith = (cells: { source: string; tags?: string[]; cell_type?: string }[], minor = 5): Notebook =>
  parseNotebook(minimal(cells.map((c, i) => ({ cell_type: c.cell_type ?? "code", id: `c${i}`, source: c.source, metadata: c.tags ? { tags: c.tags } : {}, outputs: [] })), minor));

test("the injected cell goes right after the parameters cell, replaces an earlier one, and reassigns in a block", () => {
  const nb = nbWith([{ source: "import x" }, { source: "let lr = 0.1;\nlet name = 'a';\nconst fixed = 1;", tags: ["parameters"] },
    { source: "// old", tags: ["injected-parameters"] }, { source: "use(lr)" }]);
  const inj = injectParameters(nb, [["lr", 0.5], ["name", "b"], ["other", 1], ["fixed", 2]], "quick");
  assert.is(inj.injectedAt, 2);
  assert.equal(inj.notebook.cells.map((c) => c.source.split("\n")[0]), ["import x", "let lr = 0.1;", inj.notebook.cells[2].source.split("\n")[0], "use(lr)"]);
  const src = inj.notebook.cells[2].source;
  assert.match(src, /^\/\/ Injected by the runner .*mode "quick"/);
  assert.match(src, /\{\n  lr = 0\.5;\n  name = "b";\n\}/);
  assert.equal(inj.notebook.cells[2].metadata.tags, ["injected-parameters"]);
  assert.match(inj.notebook.cells[2].id!, /^[a-zA-Z0-9-_]{1,64}$/);
  assert.equal(inj.warnings, ["parameter other is not declared in the parameters cell: not injected"]);
  assert.equal(inj.errors, ["parameter fixed is declared with const in the parameters cell; declare it with let so -p can set it"]);
  assert.is(nb.cells.length, 4, "input notebook not modified");
  // nbformat 4.4 cells have no id property
  assert.is(injectParameters(nbWith([{ source: "let a = 1", tags: ["parameters"] }], 4), [], "full").notebook.cells[1].id, undefined);
  const none = injectParameters(nbWith([{ source: "1" }]), [["lr", 1]], "full");
  assert.is(none.injectedAt, -1);
  assert.match(none.warnings[0], /no cell tagged "parameters"/);
});

test("--inplace without -p values adds no cell and removes an earlier injected one", () => {
  const nb = nbWith([{ source: "let lr = 1", tags: ["parameters"] }, { source: "// old", tags: ["injected-parameters"] }, { source: "use(lr)" }]);
  const bare = injectParameters(nb, [], "full", { onlyWithValues: true });
  assert.is(bare.injectedAt, -1);
  assert.equal(bare.notebook.cells.map((c) => c.source), ["let lr = 1", "use(lr)"]);
  const withValues = injectParameters(nb, [["lr", 2]], "full", { onlyWithValues: true });
  assert.is(withValues.injectedAt, 1);
});

// ---- outputs
test("stream text is merged and carriage-return progress collapsed; update_display_data replaces a display", () => {
  assert.is(collapseCarriageReturns("step 1\rstep 2\rdone\nnext\r\n"), "done\nnext\n");
  const displays = new Map<string, Record<string, unknown>>();
  const c1 = new OutputCollector(displays);
  const msg = (type: string, content: object) => ({ header: makeHeader(type, "s"), parent_header: {}, metadata: {}, content: content as Record<string, unknown> });
  c1.add(msg("stream", { name: "stdout", text: "a\r" }));
  c1.add(msg("stream", { name: "stdout", text: "b\n" }));
  c1.add(msg("display_data", { data: { "text/plain": "v1" }, metadata: {}, transient: { display_id: "d" } }));
  const c2 = new OutputCollector(displays);
  c2.add(msg("update_display_data", { data: { "text/plain": "v2" }, metadata: {}, transient: { display_id: "d" } }));
  c1.markIdle();
  c1.add(msg("stream", { name: "stderr", text: "UncaughtException: Error: x\n    at y\n" }));
  assert.equal(c1.outputs[0], { output_type: "stream", name: "stdout", text: "b\n" });
  assert.equal(c1.outputs[1], { output_type: "display_data", data: { "text/plain": "v2" }, metadata: {} });
  assert.is(c2.outputs.length, 0);
  assert.is(c1.lateError(), "UncaughtException: Error: x");
  assert.match(c1.lateText, /^UncaughtException/);
});

test("summarizeError picks the line that says what went wrong", () => {
  assert.is(summarizeError("evalmachine.<anonymous>:2\nthrow new Error('x');\n^\n\nError: sync boom\n    at evalmachine"), "Error: sync boom");
  assert.is(summarizeError("1:1 - Cannot find name 'tslab'.\n2:3 - other"), "1:1 - Cannot find name 'tslab'.");
  assert.is(summarizeError("RangeError: lr must be > 0\n"), "RangeError: lr must be > 0");
  assert.is(summarizeError("src/models/gpt.ts 6:21 - Cannot find module 'x'.\n"), "src/models/gpt.ts 6:21 - Cannot find module 'x'.");
  assert.is(summarizeError(""), "no error text");
});

// ---- golden
test("numbers compare within rel/abs tolerance; words must match exactly", () => {
  const t = { rel: 1e-3, abs: 0 };
  assert.is(compareLine("loss 2.3026 at step 10", "loss 2.3025 at step 10", t), null);
  assert.match(compareLine("loss 2.4 at step 10", "loss 2.3 at step 10", t)!, /2\.4 vs golden 2\.3: \|diff\| 0\.100 > abs 0 \+ rel 0\.001/);
  assert.is(compareLine("loss 2.3 at step 11", "loss 2.3 at epoch 11", t), "text differs");
  assert.is(compareLine("1 2", "1 2 3", t), "text differs");
  assert.is(compareLine("x 1e-9", "x 0", { rel: 0, abs: 1e-8 }), null);
  assert.ok(compareLine("x 1e-7", "x 0", { rel: 0.5, abs: 1e-8 }), "relative tolerance of 0 is 0");
});

test("default sanitizers remove times, addresses, stack frames and local paths", () => {
  const s = defaultSanitizers();
  const root = path.resolve(__dirname, "..");
  const text = `took 12.5 ms at 2024-05-01T10:00:00.123Z, 3 s in total, 100 steps, 1m 05s elapsed, 2h 01m left\nobj at 0x7ffd1234abcd in ${root}/src/x.ts and ${os.tmpdir()}/lr-abc/f.json\n    at foo (bar.js:1:2)\nend`;
  assert.is(sanitize(text, s), "took <time> at <timestamp>, <time> in total, 100 steps, <time> elapsed, <time> left\nobj at 0x<address> in <root>/src/x.ts and <tmp>\nend");
});

test("cell tolerance: tags over cell metadata over notebook settings; bad values are RangeErrors", () => {
  const cell = parseNotebook(minimal([{ cell_type: "code", source: "", metadata: { tags: ["tolerance:abs=0.5"], lr_lab: { golden: { tolerance: { rel: 0.1, abs: 0.2 } } } } }])).cells[0];
  assert.equal(cellTolerance(cell, DEFAULT_TOLERANCE), { rel: 0.1, abs: 0.5 });
  const bad = parseNotebook(minimal([{ cell_type: "code", source: "", metadata: { tags: ["tolerance:rel=-1"] } }])).cells[0];
  assert.throws(() => cellTolerance(bad, DEFAULT_TOLERANCE), (e: Error) => e instanceof RangeError);
});

const executed = (values: string[], extra: { tags?: string[] }[] = [], nbMeta: object = {}): Notebook => {
  const nb = parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: nbMeta, cells: values.map((v, i) => ({
    cell_type: "code", id: `c${i}`, source: "x", metadata: extra[i]?.tags ? { tags: extra[i].tags } : {}, execution_count: i + 1,
    outputs: [{ output_type: "stream", name: "stdout", text: v }] })) }));
  return nb;
};
const inputOf = (nb: Notebook) => ({ nb, cells: nb.cells.map((c, i) => ({ cell: i + 1, source: c })) });

test("how many of a sweep's runs came from the cache is not compared: a golden recorded with a warm cache matches a cold run", () => {
  const line = (now: number, cached: number) => `overfit-names: 15/15 runs (${now} run now on 2 workers, ${cached} cached), 40 s\n`;
  const warm = recordGolden("n.ipynb", "quick", inputOf(executed([line(5, 10)])));
  assert.equal(warm.cells[0].outputs, [{ kind: "stdout", text: "overfit-names: 15/15 runs (<runs now / cached>), <time>\n" }]);
  assert.equal(compareGolden(warm, inputOf(executed([line(15, 0)]))), []);
  // a golden recorded before this sanitizer held the raw counts: still compared sanitized
  const old = { notebook: "n.ipynb", mode: "quick", cells: [{ cell: 1, id: "c0", outputs: [{ kind: "stdout", text: line(5, 10) }] }] };
  assert.equal(compareGolden(old, inputOf(executed([line(0, 15)]))), []);
  // the rest of the line still counts
  assert.is(compareGolden(warm, inputOf(executed([line(15, 0).replace("15/15", "14/15")]))).length, 1);
  // and the single-process form too
  assert.is(sanitize("x: 3/3 runs (3 run now on this process, 0 cached)", defaultSanitizers()), "x: 3/3 runs (<runs now / cached>)");
});

test("golden: a recorded run matches itself, drift inside tolerance passes, outside fails with a readable diff", () => {
  const base = executed(["loss 2.302585\nsteps 100\n", "acc 0.5\n", "time 3.2 ms\n"], [{}, { tags: ["tolerance:rel=0.1"] }]);
  const golden = recordGolden("n.ipynb", "quick", inputOf(base));
  assert.equal(compareGolden(golden, inputOf(base)), []);
  const inside = executed(["loss 2.3025851\nsteps 100\n", "acc 0.54\n", "time 9.9 ms\n"], [{}, { tags: ["tolerance:rel=0.1"] }]);
  assert.equal(compareGolden(golden, inputOf(inside)), []);
  const outside = executed(["loss 2.31\nsteps 100\n", "acc 0.6\n", "time 1 s\n"], [{}, { tags: ["tolerance:rel=0.1"] }]);
  const diffs = compareGolden(golden, inputOf(outside));
  assert.equal(diffs.map((d) => d.cell), [1, 2]);
  assert.equal(diffs[0].lines, ["  stdout line 1: 2.31 vs golden 2.302585: |diff| 0.00741 > abs 1e-12 + rel 0.000001·|golden|", "  - loss 2.302585", "  + loss 2.31"]);
  // notebook-level tolerance widens every cell
  const wide = executed(["loss 2.31\nsteps 100\n", "acc 0.6\n", "time 1 s\n"], [{}, { tags: ["tolerance:rel=0.1"] }], { lr_lab: { golden: { tolerance: { rel: 0.01 } } } });
  assert.equal(compareGolden(golden, inputOf(wide)).map((d) => d.cell), [2]);
  // a notebook's own sanitizer
  const meta = { lr_lab: { golden: { sanitize: [{ pattern: "run [a-z]+", replace: "run <id>" }] } } };
  const g2 = recordGolden("n.ipynb", "quick", inputOf(executed(["run abc: 1\n"], [], meta)));
  assert.equal(g2.cells[0].outputs, [{ kind: "stdout", text: "run <id>: 1\n" }]);
  assert.equal(compareGolden(g2, inputOf(executed(["run xyz: 1\n"], [], meta))), []);
  assert.is(compareGolden(g2, inputOf(executed(["run xyz: 2\n"], [], meta))).length, 1);
  assert.throws(() => recordGolden("n", "quick", inputOf(executed(["x"], [], { lr_lab: { golden: { sanitize: [{}] } } }))), (e: Error) => e instanceof RangeError && /sanitize\[0\]\.pattern/.test(e.message));
  // ignore-output
  const ignored = executed(["loss 9\nsteps 100\n", "acc 0.5\n", "time 3.2 ms\n"], [{ tags: ["ignore-output"] }, { tags: ["tolerance:rel=0.1"] }]);
  assert.equal(compareGolden(golden, inputOf(ignored)), []);
  const missing = executed(["loss 2.302585\nsteps 100\n"]);
  assert.match(compareGolden(golden, inputOf(missing))[0].lines[0], /output 1: stdout in golden, \(none\) now|gone/);
});

test("golden files live per mode next to the notebook unless --golden-dir says otherwise", () => {
  assert.is(goldenPath("/a/notebooks/01_x.ipynb", "quick"), "/a/notebooks/golden/quick/01_x.json");
  assert.is(goldenPath("/a/notebooks/01_x.ipynb", "full", "/g"), "/g/full/01_x.json");
});

test("golden: a figure's PNG copy is neither compared nor required (it exists only where a font renders)", () => {
  const figure = (png: boolean) => [{ output_type: "display_data", metadata: {}, data: {
    "image/svg+xml": "<svg/>", "text/plain": "figure: loss", ...(png ? { "image/png": "iVBORw0K" } : {}) } }];
  const sanitizers = defaultSanitizers();
  const kinds = (png: boolean) => reduceOutputs(figure(png) as never, sanitizers).map((o) => o.kind);
  assert.equal(kinds(true), ["image/svg+xml", "text/plain"]);
  assert.equal(kinds(false), kinds(true));
  // a PNG on its own (not a figure's copy) is still an output that must be there
  const alone = [{ output_type: "display_data", metadata: {}, data: { "image/png": "iVBORw0K" } }];
  assert.equal(reduceOutputs(alone as never, sanitizers).map((o) => o.kind), ["image/png"]);
});

test("diffOutputs reports a changed kind of output", () => {
  const lines = diffOutputs([{ kind: "stderr", text: "oops" }], [{ kind: "stdout", text: "fine" }], DEFAULT_TOLERANCE);
  assert.equal(lines, ["  output 1: stdout in golden, stderr now", "  - fine", "  + oops"]);
});

// ---- strip
test("strip clears outputs, execution counts and injected cells, and nothing else", () => {
  const nb = executed(["a\n", "b\n"]);
  nb.cells.push({ cell_type: "code", source: "// injected", metadata: { tags: ["injected-parameters"] }, outputs: [], execution_count: 3 });
  nb.cells.push({ cell_type: "markdown", source: "# keep", metadata: {} });
  const r = stripNotebook(nb);
  assert.is(r.outputsRemoved, 2);
  assert.ok(r.changed);
  assert.equal(r.notebook.cells.map((c) => [c.cell_type, c.source, c.outputs?.length, c.execution_count]), [["code", "x", 0, null], ["code", "x", 0, null], ["markdown", "# keep", undefined, undefined]]);
  assert.not.ok(stripNotebook(r.notebook).changed);
});

// ---- arguments, files, reports
test("arguments: defaults, every option, and clear errors", () => {
  const d = parseArgs([], {});
  assert.equal([d.command, d.mode, d.jobs, d.timeoutMs, d.cellTimeoutMs, d.graceMs, d.finalGraceMs, d.checkGolden], ["run", "quick", 1, 600_000, 300_000, 25, 100, true]);
  assert.equal([d.prestart, parseArgs(["--jobs", "2"], {}).prestart, parseArgs(["--jobs", "2", "--prestart"], {}).prestart, parseArgs(["--no-prestart"], {}).prestart], [true, false, true, false]);
  assert.equal([parseArgs(["--grace", "50"], {}).finalGraceMs, parseArgs(["--grace", "0"], {}).finalGraceMs], [200, 100]);
  assert.is(parseArgs([], { LR_LAB_MODE: "full" }).mode, "full");
  assert.is(parseArgs([], { LR_LAB_MODE: "" }).mode, "quick");
  const o = parseArgs(["a.ipynb", "--full", "--out", "o", "--jobs", "2", "--timeout=30", "--cell-timeout", "5", "-p", "lr=0.1", "--param", "n=x",
    "--junit", "j.xml", "--update-golden", "--golden-dir", "g", "--grace", "10"], {});
  assert.equal([o.paths, o.mode, o.outDir, o.jobs, o.timeoutMs, o.cellTimeoutMs, o.params, o.junit, o.updateGolden, o.goldenDir, o.graceMs],
    [["a.ipynb"], "full", "o", 2, 30_000, 5000, [["lr", 0.1], ["n", "x"]], "j.xml", true, "g", 10]);
  assert.throws(() => parseArgs(["--jobs", "0"], {}), (e: Error) => e instanceof RangeError && /--jobs must be a number in \(0, 64\]/.test(e.message));
  assert.throws(() => parseArgs(["--jobs", "1.5"], {}), /integer/);
  assert.throws(() => parseArgs(["--timeout"], {}), (e: Error) => e instanceof UsageError && /--timeout needs a value/.test(e.message));
  assert.throws(() => parseArgs(["--quick", "--full"], {}), /either --quick or --full/);
  assert.throws(() => parseArgs(["--out", "x", "--inplace"], {}), /either --out or --inplace/);
  assert.throws(() => parseArgs(["--bogus"], {}), /unknown option --bogus/);
  assert.throws(() => parseArgs([], { LR_LAB_MODE: "huge" }), (e: Error) => e instanceof RangeError);
  assert.equal(parseArgs(["strip", "a.ipynb", "b.ipynb"], {}).paths, ["a.ipynb", "b.ipynb"]);
  assert.throws(() => parseArgs(["strip"], {}), /strip needs the files/);
  assert.throws(() => parseArgs(["strip", "--out", "x"], {}), /only file names/);
});

test("globs, folders and the default notebooks/NN_*.ipynb", () => {
  assert.ok(globToRegExp("0[0-3]_*.ipynb").test("02_too_high.ipynb"));
  assert.not.ok(globToRegExp("0[0-3]_*.ipynb").test("05_x.ipynb"));
  const dir = path.join(tmp, "nbs");
  fs.mkdirSync(path.join(dir, "deep"), { recursive: true });
  for (const f of ["01_a.ipynb", "00_b.ipynb", "notes.txt", "deep/02_c.ipynb"]) fs.writeFileSync(path.join(dir, f), "{}");
  assert.equal(resolveNotebooks([path.join(dir, "*.ipynb")]).files, [path.join(dir, "00_b.ipynb"), path.join(dir, "01_a.ipynb")]);
  assert.equal(resolveNotebooks([path.join(dir, "**", "*.ipynb")]).files.map((f) => path.basename(f)), ["00_b.ipynb", "01_a.ipynb", "02_c.ipynb"]);
  assert.equal(resolveNotebooks([dir]).files.length, 2);
  assert.equal(resolveNotebooks([path.join(dir, "*.none")]).unmatched, [path.join(dir, "*.none")]);
  const def = resolveNotebooks([]).files;
  assert.ok(def.length >= 1 && def.every((f) => /notebooks[\\/]\d\d_[^\\/]*\.ipynb$/.test(f)));
  assert.equal(def, [...def].sort());
});

const result = (file: string, failures: NotebookResult["failures"] = []): NotebookResult => ({
  file, status: failures.length ? "failed" : "passed", elapsedMs: 1234, cellsRun: 3, cellsTotal: 4, failures, warnings: [], golden: "match" });

test("JUnit XML: one testcase per notebook, a failure per problem, escaped", () => {
  const xml = junitXml([result("a.ipynb"), result("b&<c>.ipynb", [{ kind: "cell-error", cell: 3, reason: 'Error: "x" < y', detail: "trace\u0001" }])], "notebooks (quick)", new Date("2024-01-02T03:04:05Z"));
  assert.match(xml, /<testsuites name="notebooks \(quick\)" tests="2" failures="1"/);
  assert.match(xml, /<testcase classname="notebooks \(quick\)" name="a.ipynb" time="1.234"\/>/);
  assert.match(xml, /name="b&amp;&lt;c&gt;.ipynb"/);
  assert.match(xml, /<failure type="cell-error" message="cell 3: Error: &quot;x&quot; &lt; y">trace<\/failure>/);
  assert.match(xml, /timestamp="2024-01-02T03:04:05"/);
  assert.is(xmlEscape("a\u0000b"), "ab");
});

test("processCpuSeconds reads a Linux process's CPU time, its waited-for children included", () => {
  if (process.platform !== "linux") return;
  // Fixed work, not a fixed time, so a busy machine changes nothing; Node's own count is the reference.
  const burn = "let x = 0; for (let i = 0; i < 3e8; i++) x += i % 7;";
  const cpuOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
  const [before, own] = [processCpuSeconds(process.pid)!, process.cpuUsage()];
  new Function(burn)();
  const ownSpent = cpuOf(process.cpuUsage(own));
  assert.ok(Math.abs(processCpuSeconds(process.pid)! - before - ownSpent) < 0.05, "agrees with process.cpuUsage");
  // A child's CPU counts once it has been waited for (cutime): at least what the child reports.
  const spent = processCpuSeconds(process.pid)!;
  const child = spawnSync(process.execPath, ["-e", `${burn} const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1e6))`], { encoding: "utf8" });
  const counted = processCpuSeconds(process.pid)! - spent;
  assert.ok(counted >= Number(child.stdout) - 0.05, `child reported ${child.stdout} s, counted ${counted}`); // ticks truncate
  assert.is(processCpuSeconds(2 ** 22 + 12345), undefined, "no such process");
});

test("summary table and progress lines", () => {
  const text = summary([{ ...result("a.ipynb"), cpuSeconds: 0.9 }, result("b.ipynb", [{ kind: "late-error", cell: 2, reason: "UncaughtException: Error: x", detail: "UncaughtException: Error: x\n  more" }])]);
  assert.match(text, /^notebook\s+status\s+time\s+cpu\s+cells\s+golden\s+failures\n/);
  assert.match(text, /a\.ipynb\s+passed\s+1\.2s\s+0\.9s\s+3\/4\s+match\s+0/);
  assert.match(text, /b\.ipynb\s+failed\s+1\.2s\s+-\s+3\/4\s+match\s+1/);
  assert.match(text, /b\.ipynb cell 2: \[late-error\] UncaughtException: Error: x\n {4}UncaughtException: Error: x\n {6}more/);
  assert.match(text, /1 passed, 1 failed\n$/);
  let out = "";
  let now = 1000;
  const plain = new Progress({ write: (s: string) => (out += s), isTTY: false }, 2, () => now);
  plain.event({ type: "start", file: "a.ipynb", cellsTotal: 4 });
  now = 3500;
  plain.event({ type: "cell", file: "a.ipynb", index: 2, cellsTotal: 4, cell: 5, startedAt: 1000 });
  plain.notebookDone(result("a.ipynb"));
  plain.notebookDone({ ...result("a.ipynb"), cpuSeconds: 61.25 });
  plain.stop();
  assert.equal(out.split("\n"), ["> a.ipynb (4 code cells)", "  a.ipynb cell 2/4 (cell 5 of the file) at 2.5s", "PASS a.ipynb 1.2s", "PASS a.ipynb 1.2s (cpu 61.3s)", ""]);
  out = "";
  const tty = new Progress({ write: (s: string) => (out += s), isTTY: true, columns: 80 }, 2, () => now);
  tty.event({ type: "cell", file: "/x/a.ipynb", index: 1, cellsTotal: 4, cell: 2, startedAt: 1000 });
  tty.event({ type: "cell", file: "/x/b.ipynb", index: 3, cellsTotal: 5, cell: 4, startedAt: 3000 });
  tty.event({ type: "start", file: "/x/c.ipynb", cellsTotal: 2 });
  tty.stop();
  assert.is(tty.line(), "[0/2] a.ipynb cell 1/4 2.5s | b.ipynb cell 3/5 0.5s | c.ipynb starting kernel 0.0s");
  assert.not.ok(out.includes("\n"), "a terminal gets one line rewritten in place");
  assert.ok(out.includes("\r\x1b[2K[0/2] a.ipynb cell 1/4 2.5s | b.ipynb cell 3/5 0.5s"));
});

test("ports handed out concurrently never repeat", async () => {
  const sets = await Promise.all([reservePorts(5), reservePorts(5), reservePorts(5), reservePorts(5)]);
  const all = sets.flat();
  assert.is(new Set(all).size, 20);
  for (const s of sets) releasePorts(s);
  assert.throws(() => reservePorts(0), (e: Error) => e instanceof RangeError);
});

test("kernelFor: the kernelspec decides (tslab / jslab), else language_info, else tslab; other kernels are refused by name", () => {
  const nb = (metadata: Record<string, unknown>) => ({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] });
  assert.equal(kernelFor(nb({ kernelspec: { name: "tslab", language: "typescript" } })), { name: "tslab", language: "typescript", from: "kernelspec" });
  assert.equal(kernelFor(nb({ kernelspec: { name: "jslab", language: "javascript" } })), { name: "jslab", language: "javascript", from: "kernelspec" });
  // Jupyter starts the kernel the spec names, whatever language_info says
  assert.is(kernelFor(nb({ kernelspec: { name: "jslab" }, language_info: { name: "typescript" } })).language, "javascript");
  assert.equal(kernelFor(nb({ language_info: { name: "JavaScript" } })), { name: "jslab", language: "javascript", from: "language_info" });
  assert.equal(kernelFor(nb({})), { name: "tslab", language: "typescript", from: "default" });
  assert.throws(() => kernelFor(nb({ kernelspec: { name: "python3", language: "python" } }), "a.ipynb"),
    (e: Error) => e instanceof UnsupportedKernelError && /a\.ipynb is a notebook for the "python3" kernel \(python\)/.test(e.message));
  assert.throws(() => kernelFor(nb({ language_info: { name: "R" } }), "r.ipynb"), /r\.ipynb is a R notebook/);
});

test.run();
