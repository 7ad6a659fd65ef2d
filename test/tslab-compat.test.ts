// The library must work where notebooks use it: compiled by tslab's bundled TypeScript 5.0 with
// its hard-coded options (ES2022, Node10 resolution, declaration emit) when a notebook imports the
// source through a link, read as declarations when it imports the compiled copy notebooks/src, and
// loaded by tslab's executor (which resolves "./x" to x.js only, so a directory import inside src/
// would fail there even though ts-node accepts it).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { notebookLibState } = require("../scripts/notebook-lib.js") as { notebookLibState(): string };

test("notebooks/src is the compiled copy of src/, up to date (the notebook bridge)", () => {
  assert.is(notebookLibState(), "fresh", "notebooks/src is not an up-to-date build of src/: run `npm run notebook-lib`");
});

function tslabImport(cwd: string): void {
  const out = execFileSync(process.execPath, [path.join(__dirname, "fixtures", "tslab-import.js"), root], { cwd, encoding: "utf8", timeout: 120_000 });
  const result = JSON.parse(out.trim().split("\n").pop()!);
  assert.equal(result.errors, [], `tslab reported errors in ${cwd}`);
  assert.ok(result.ok, `tslab could not execute the import in ${cwd}`);
  for (const name of ["ready", "describeBackend", "createRng"]) {
    assert.ok(result.exports.includes(name), `missing export ${name}`);
  }
}

test("every export of src/index compiles under tslab's TypeScript 5.0 and loads in its executor", () => {
  // Inside the project, so that node_modules resolves from it as it does from notebooks/.
  fs.mkdirSync(path.join(root, "out"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, "out", "tslab-src-"));
  fs.symlinkSync(path.join(root, "src"), path.join(dir, "src"), "dir");
  try {
    tslabImport(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the compiled copy's declarations read under tslab's TypeScript 5.0 and it loads in its executor", () => {
  tslabImport(path.join(root, "notebooks"));
});

test("the project type-checks under strict TypeScript (tsc --noEmit), the browser explorer with the DOM library", () => {
  for (const project of [root, path.join(root, "scripts", "site", "explorer")]) {
    try {
      execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", project], {
        encoding: "utf8",
        timeout: 300_000,
      });
    } catch (e) {
      const err = e as { stdout?: string };
      assert.unreachable(`tsc reported errors in ${project}:\n${err.stdout}`);
    }
  }
});

test.run();
