// `npm run bench [-- name...]`: runs each benchmark in scripts/bench/*.bench.ts in its own
// process (so backends and warm caches do not leak between them), in name order, with the
// tiny-GPT training-step benchmark last: its final line is the headline ratio to PyTorch.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const dir = path.join(__dirname, "bench");
// Arguments starting with "--" (e.g. --profile) are passed on to every benchmark run.
const flags = process.argv.slice(2).filter((a) => a.startsWith("--"));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const LAST = "gpt-step.bench.ts";
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort((a, b) => (a === LAST ? 1 : b === LAST ? -1 : a.localeCompare(b)));

if (files.length === 0) {
  console.error(`no benchmark matches ${wanted.join(" ")}; available: ${fs.readdirSync(dir).join(", ")}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file.replace(/\.bench\.ts$/, "")} ==`);
  const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(dir, file), ...flags], {
    stdio: "inherit",
    cwd: path.resolve(__dirname, ".."),
  });
  if (run.status !== 0) {
    failed++;
    console.error(`benchmark ${file} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed ? 1 : 0);
