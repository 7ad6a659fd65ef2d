#!/usr/bin/env node
// Runs every uvu test file (test/**/*.test.ts) and ends with the line CI reads:
// "N passed, N failed". Usage: npm test [-- pattern]   (pattern: a regex on file paths)
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");
const pattern = process.argv[2] || "\\.test\\.ts$";
const uvu = path.join(root, "node_modules", "uvu", "bin.js");
// Tests run notebooks (runner, nbconvert, browser) that import the compiled copy of src/.
const lib = require("./notebook-lib.js").ensureNotebookLib();
if (lib.message) console.error(lib.message);
const run = spawnSync(process.execPath, [uvu, "test", pattern, "-r", "ts-node/register", "-r", path.join(root, "test", "loud-hooks.js"), "-i", "fixtures", "-i", "loud-hooks", "--no-color"], {
  cwd: root,
  env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", FORCE_COLOR: "0" },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
  maxBuffer: 256 * 1024 * 1024,
});
const out = run.stdout || "";
process.stdout.write(out);
const count = (label) => {
  const m = out.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, "m"));
  return m ? Number(m[1]) : null;
};
const total = count("Total");
const passed = count("Passed");
const skipped = count("Skipped") || 0;
if (total === null || passed === null) {
  // uvu died before its summary (e.g. a test file threw while loading)
  console.log(`\n${passed || 0} passed, ${Math.max(1, (total || 0) - (passed || 0))} failed`);
  process.exit(1);
}
// uvu's Total counts the tests that ran (skipped ones are not in it)
const failed = total - passed;
const ok = run.status === 0 && failed === 0;
console.log(`\n${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(ok ? 0 : 1);
