// Sweeps: grid expansion, in-process and worker runs giving the same bits, the disk cache
// (re-run reuses, interrupted sweep resumes), a caller's own experiment module, failures, bad input.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ready } from "../src/backend";
import { expandGrid, canonicalJson } from "../src/sweep/grid";
import { sweep } from "../src/sweep/sweep";
import { decodeJson, encodeJson } from "../src/sweep/cache";
import { withoutTime } from "./train-helpers";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-sweep-"));
const FIXTURE = path.join(__dirname, "sweep-experiment-fixture.ts");

test.before(async () => {
  await ready();
});

test("expandGrid: every combination over the fixed settings, last key fastest", () => {
  const configs = expandGrid({ lr: [0.1, 0.2], seed: [0, 1, 2] }, { steps: 5, lr: 9 });
  assert.is(configs.length, 6);
  assert.equal(configs[0], { steps: 5, lr: 0.1, seed: 0 });
  assert.equal(configs[1], { steps: 5, lr: 0.1, seed: 1 });
  assert.equal(configs[5], { steps: 5, lr: 0.2, seed: 2 });
  assert.is(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  assert.throws(() => expandGrid({ lr: [] }), /grid.lr must be a non-empty array/);
  assert.throws(() => expandGrid({ lr: [NaN] }), /grid.lr\[0\] must be a finite number/);
  assert.throws(() => expandGrid({ lr: [0.1] }, { when: new Date() as never }), /fixed.when must be plain JSON/);
});

test("the cache's JSON keeps NaN and Infinity (a diverged run's losses)", () => {
  const v = { a: NaN, b: [Infinity, -Infinity, 1], c: "x" };
  const back = decodeJson(encodeJson(v)) as typeof v;
  assert.ok(Number.isNaN(back.a));
  assert.equal(back.b, [Infinity, -Infinity, 1]);
  assert.is(back.c, "x");
});

// Curvatures [1, 10]: SGD is stable below 2/L = 0.2.
const QUAD = { grid: { lr: [0.1, 0.19, 0.21], seed: [0, 1] }, fixed: { steps: 200, eigenvalues: [1, 10] }, run: "quadratic" };

test("in this process: divergence per lr as theory says, records, DataFrame, then all from the cache", async () => {
  const dir = tmp();
  const progress: string[] = [];
  const s = await sweep({ ...QUAD, workers: 0, cacheDir: dir, onProgress: (p) => void progress.push(`${p.done}/${p.total}:${p.cached}`) });
  assert.is(s.total, 6);
  assert.is(s.ran, 6);
  assert.equal(progress, ["1/6:0", "2/6:0", "3/6:0", "4/6:0", "5/6:0", "6/6:0"]);
  assert.equal(s.records.map((r) => r.diverged), [false, false, false, false, true, true]);
  assert.equal(s.records.map((r) => r.lr), [0.1, 0.1, 0.19, 0.19, 0.21, 0.21]);
  assert.is(s.records[0].eigenvalues, "[1,10]");
  assert.is(s.records[0].maxStableLr, 0.2);
  assert.equal(s.frame.shape, [6, Object.keys(s.records[0]).length]);
  assert.equal(s.frame.column("lr").values, [0.1, 0.1, 0.19, 0.19, 0.21, 0.21]);
  assert.is(fs.readdirSync(path.join(dir, "quadratic")).length, 6);
  // Again: nothing runs, everything is read back identical.
  const again = await sweep({ ...QUAD, workers: 0, cacheDir: dir });
  assert.is(again.ran, 0);
  assert.is(again.cached, 6);
  assert.equal(again.runs.map((r) => r.outcome), s.runs.map((r) => r.outcome));
  assert.ok(again.records.every((r) => r.cached === true));
  // A changed setting is a different key: it runs.
  const changed = await sweep({ ...QUAD, fixed: { ...QUAD.fixed, steps: 201 }, workers: 0, cacheDir: dir });
  assert.is(changed.ran, 6);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("two worker processes give the same histories, bit for bit, as this process", async () => {
  const local = await sweep({ ...QUAD, workers: 0, cacheDir: null });
  const workers = await sweep({ ...QUAD, workers: 2, cacheDir: null });
  assert.is(workers.ran, 6);
  assert.is(workers.backend, local.backend);
  assert.equal(
    workers.runs.map((r) => withoutTime(r.outcome.history)),
    local.runs.map((r) => withoutTime(r.outcome.history)),
  );
  assert.match(workers.summary, /^quadratic: 6\/6 runs \(6 run now on 2 workers, 0 cached\), 2 diverged/);
});

test("an interrupted sweep resumes: finished runs come from the cache, the rest run", async () => {
  const dir = tmp();
  const controller = new AbortController();
  const first = await sweep({
    ...QUAD,
    workers: 2,
    cacheDir: dir,
    signal: controller.signal,
    onProgress: (p) => void (p.done === 2 ? controller.abort() : 0),
  });
  assert.is(first.aborted, true);
  // Both workers may be mid-run when the signal comes: those runs still finish and are kept.
  assert.ok(first.runs.length >= 2 && first.runs.length < 6, `finished ${first.runs.length}`);
  const second = await sweep({ ...QUAD, workers: 2, cacheDir: dir });
  assert.is(second.aborted, false);
  assert.is(second.cached, first.runs.length);
  assert.is(second.ran, 6 - first.runs.length);
  const reference = await sweep({ ...QUAD, workers: 0, cacheDir: null });
  assert.equal(
    second.runs.map((r) => withoutTime(r.outcome.history)),
    reference.runs.map((r) => withoutTime(r.outcome.history)),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a caller's own experiment module, loaded by the workers (registered, or exported by name)", async () => {
  const s = await sweep({ run: { name: "fixture-bowl", module: FIXTURE }, grid: { lr: [0.1, 0.3], curvature: [4, 8] }, workers: 2, cacheDir: null });
  assert.equal(s.records.map((r) => r.diverged), [false, false, false, true]); // 2/8 = 0.25 < 0.3
  assert.ok(s.records.every((r) => r.tag === "fixture" && r.pid !== process.pid));
  // An experiment that throws: the error names the configuration, the other runs are cached.
  const dir = tmp();
  try {
    await sweep({ run: { name: "fixtureFails", module: FIXTURE }, grid: { lr: [0.1, 0.2, 0.3] }, workers: 2, cacheDir: dir });
    assert.unreachable("a failing run was not reported");
  } catch (e) {
    assert.match((e as Error).message, /1 of 3 runs of "fixtureFails" failed/);
    assert.match((e as Error).message, /\{"lr":0.2\}: RangeError: fixture refuses lr 0.2/);
  }
  assert.is(fs.readdirSync(path.join(dir, "fixtureFails")).length, 2);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the cache key changes when any file of src/ changes (edited code is never served old runs)", () => {
  const { execFileSync } = require("child_process") as typeof import("child_process");
  const root = path.resolve(__dirname, "..");
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-srchash-"));
  fs.cpSync(path.join(root, "src"), path.join(copy, "src"), { recursive: true });
  fs.copyFileSync(path.join(root, "tsconfig.json"), path.join(copy, "tsconfig.json"));
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
  const hashOf = (): string =>
    execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", 'console.log(require("./src/sweep/paths").librarySourceHash())'], {
      cwd: copy,
      encoding: "utf8",
    }).trim();
  const before = hashOf();
  assert.match(before, /^[0-9a-f]{12}$/);
  assert.is(hashOf(), before, "the same source gives the same hash");
  fs.appendFileSync(path.join(copy, "src", "models", "gpt.ts"), "\n// edited by a learner\n");
  assert.is.not(hashOf(), before);
  fs.rmSync(copy, { recursive: true, force: true });
});

test("bad input: RangeErrors", async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...QUAD, workers: -1 }, /workers must be an integer >= 0; got -1/],
    [{ ...QUAD, grid: { lr: [] } }, /grid.lr must be a non-empty array/],
    [{ ...QUAD, run: "no-such-experiment", workers: 0 }, /unknown experiment "no-such-experiment"; known: quadratic, mlp-names/],
  ];
  for (const [o, message] of bad) {
    try {
      await sweep({ ...(o as object), cacheDir: null } as never);
      assert.unreachable(JSON.stringify(o));
    } catch (e) {
      assert.instance(e, RangeError);
      assert.match((e as Error).message, message);
    }
  }
  // Bad settings inside a configuration surface as that run's error.
  try {
    await sweep({ run: "quadratic", grid: { lr: [0.1] }, fixed: { optimizer: "lion" }, workers: 0, cacheDir: null });
    assert.unreachable("unknown optimizer accepted");
  } catch (e) {
    assert.match((e as Error).message, /optimizer must be one of sgd, momentum, nesterov, adam, adamw, rmsprop; got "lion"/);
  }
});

test.run();
