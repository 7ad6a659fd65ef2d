// The library must work where notebooks use it: compiled by tslab's bundled TypeScript 5.0 with
// its hard-coded options (ES2022, Node10 resolution, declaration emit), imported through the
// notebooks/src bridge, and loaded by tslab's executor (which resolves "./x" to x.js only, so a
// directory import inside src/ would fail there even though ts-node accepts it).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const root = path.resolve(__dirname, "..");

test("notebooks/src is a link to src/ (the notebook bridge)", () => {
  const link = path.join(root, "notebooks", "src");
  assert.ok(fs.existsSync(link), "notebooks/src missing: run `npm run link`");
  assert.is(fs.realpathSync(link), fs.realpathSync(path.join(root, "src")));
});

test("every export of src/index compiles under tslab's TypeScript 5.0 and loads in its executor", () => {
  const out = execFileSync(process.execPath, [path.join(__dirname, "fixtures", "tslab-import.js"), root], {
    cwd: path.join(root, "notebooks"),
    encoding: "utf8",
    timeout: 120_000,
  });
  const result = JSON.parse(out.trim().split("\n").pop()!);
  assert.equal(result.errors, [], "tslab reported errors");
  assert.ok(result.ok, "tslab could not execute the import");
  for (const name of ["ready", "describeBackend", "createRng"]) {
    assert.ok(result.exports.includes(name), `missing export ${name}`);
  }
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
