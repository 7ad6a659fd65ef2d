// The compiled copy of src/ that notebooks import (scripts/notebook-lib.js), on a scratch copy of
// the project: built once, rebuilt when src/ changes and only then, outputs of a removed module
// pruned, an old link replaced without touching its target, a user's folder left alone, and a
// stale copy that says so on import.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";

const root = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const lib = require("../scripts/notebook-lib.js") as {
  ensureNotebookLib(o?: { force?: boolean; root?: string }): { status: string; message: string };
  notebookLibState(root?: string): string;
};

const copy = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-notebook-lib-"));
fs.cpSync(path.join(root, "src"), path.join(copy, "src"), { recursive: true });
for (const f of ["tsconfig.json", "tsconfig.notebook-lib.json", "package.json"]) fs.copyFileSync(path.join(root, f), path.join(copy, f));
fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
fs.mkdirSync(path.join(copy, "notebooks"));
const built = path.join(copy, "notebooks", "src");

/** The warning the compiled index prints on import (staleBuildWarning), or "". */
function importWarning(): string {
  const script = `process.stdout.write(require(${JSON.stringify(path.join(built, "build-info.js"))}).staleBuildWarning() ?? "")`;
  return execFileSync(process.execPath, ["-e", script], { encoding: "utf8" });
}

test("an old link is replaced by the compiled copy, and the link's target is untouched", () => {
  fs.symlinkSync(path.join("..", "src"), built, "dir");
  const before = fs.readdirSync(path.join(copy, "src")).sort();
  assert.is(lib.notebookLibState(copy), "link");
  const r = lib.ensureNotebookLib({ root: copy });
  assert.is(r.status, "built", r.message);
  assert.match(r.message, /compiled src\/ into notebooks\/src/);
  assert.ok(!fs.lstatSync(built).isSymbolicLink());
  assert.equal(fs.readdirSync(path.join(copy, "src")).sort(), before);
  for (const f of ["index.js", "index.d.ts", "sweep/worker.js", "build-info.json"]) assert.ok(fs.existsSync(path.join(built, f)), f);
  assert.is(lib.notebookLibState(copy), "fresh");
});

test("a fresh copy is left as it is; an edit to src/ makes it stale, says so on import, and is rebuilt", () => {
  const stamp = fs.statSync(path.join(built, "index.js")).mtimeMs;
  assert.is(lib.ensureNotebookLib({ root: copy }).status, "fresh");
  assert.is(fs.statSync(path.join(built, "index.js")).mtimeMs, stamp);
  assert.is(importWarning(), "");
  fs.appendFileSync(path.join(copy, "src", "table.ts"), "\nexport const editedByALearner = 1;\n");
  assert.is(lib.notebookLibState(copy), "stale");
  assert.match(importWarning(), /src\/ has changed since notebooks\/src was compiled from it; run `npm run notebook-lib`/);
  assert.is(lib.ensureNotebookLib({ root: copy }).status, "built");
  assert.match(fs.readFileSync(path.join(built, "table.js"), "utf8"), /editedByALearner/);
  assert.is(importWarning(), "");
});

test("the compiled copy reports the source's hash, so it shares the run cache with src/", () => {
  const hash = (dir: string): string =>
    execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", `process.stdout.write(require(${JSON.stringify(dir)}).librarySourceHash())`], {
      cwd: copy, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
    });
  assert.is(hash(path.join(built, "sweep", "paths.js")), hash(path.join(copy, "src", "sweep", "paths.ts")));
});

test("the outputs of a module removed from src/ are removed too", () => {
  fs.writeFileSync(path.join(copy, "src", "scratch-module.ts"), "export const scratch = 2;\n");
  lib.ensureNotebookLib({ root: copy });
  assert.ok(fs.existsSync(path.join(built, "scratch-module.js")));
  fs.rmSync(path.join(copy, "src", "scratch-module.ts"));
  assert.is(lib.ensureNotebookLib({ root: copy }).status, "built");
  assert.not.ok(fs.existsSync(path.join(built, "scratch-module.js")));
  assert.not.ok(fs.existsSync(path.join(built, "scratch-module.d.ts")));
});

test("a type error in src/ fails the build with tsc's message and keeps the copy marked stale", () => {
  fs.appendFileSync(path.join(copy, "src", "table.ts"), "\nexport const broken: number = \"text\";\n");
  const r = lib.ensureNotebookLib({ root: copy });
  assert.is(r.status, "failed");
  assert.match(r.message, /compiling src\/ for the notebooks failed:[\s\S]*table\.ts.*TS2322/);
  assert.is(lib.notebookLibState(copy), "stale");
});

test("a folder a user made at notebooks/src is never overwritten", () => {
  fs.rmSync(built, { recursive: true, force: true });
  fs.mkdirSync(built);
  fs.writeFileSync(path.join(built, "mine.ts"), "// my work\n");
  const r = lib.ensureNotebookLib({ root: copy });
  assert.is(r.status, "foreign");
  assert.match(r.message, /exists and is not our build of src\/; leaving it alone/);
  assert.equal(fs.readdirSync(built), ["mine.ts"]);
  fs.rmSync(copy, { recursive: true, force: true });
});

test.run();
