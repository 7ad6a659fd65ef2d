// `npm run notebooks -- [paths...] [options]`: execute notebooks headlessly on the real tslab
// kernel and check them (see scripts/runner/args.ts for the options). No Python involved.
import * as path from "path";
import { parseArgs, USAGE, UsageError, CliOptions } from "./runner/args";
import { resolveNotebooks } from "./runner/files";
import { runAll } from "./runner/run-all";
import { Progress, summary } from "./runner/report";
import { junitXml } from "./runner/junit";
import { writeFileAtomic, NotebookFormatError } from "./runner/notebook";
import { stripFile } from "./runner/strip";
import { killAllKernels } from "./runner/kernel";
import type { NotebookResult } from "./runner/execute-notebook";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ensureNotebookLib } = require("./notebook-lib.js") as { ensureNotebookLib(): { status: string; message: string } };

async function run(o: CliOptions): Promise<number> {
  const { files, unmatched } = resolveNotebooks(o.paths);
  for (const u of unmatched) console.error(`no notebook matches ${u}`);
  if (files.length === 0) {
    console.error("no notebooks to run");
    return 1;
  }
  if (o.outDir) {
    const names = files.map((f) => path.basename(f));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new UsageError(`two notebooks are named ${dup}: --out keeps file names, run them separately`);
  }
  // Notebooks import the compiled copy of src/: bring it up to date first (no-op when it is).
  const lib = ensureNotebookLib();
  if (lib.message) console.error(lib.message);
  if (lib.status === "failed") return 1;
  const parts = [`mode ${o.mode}`, `${files.length} notebook${files.length > 1 ? "s" : ""}`, `jobs ${o.jobs}`];
  if (o.params.length) parts.push(`params ${o.params.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")}`);
  console.log(`Running ${parts.join(", ")}`);
  const progress = new Progress(process.stdout, files.length);
  const results: NotebookResult[] = await runAll(files, o.jobs, {
    mode: o.mode, params: o.params, outDir: o.outDir, inplace: o.inplace,
    cellTimeoutMs: o.cellTimeoutMs, timeoutMs: o.timeoutMs, graceMs: o.graceMs, finalGraceMs: o.finalGraceMs,
    goldenDir: o.goldenDir, updateGolden: o.updateGolden, checkGolden: o.checkGolden,
    onProgress: (e) => progress.event(e),
  }, (r) => progress.notebookDone(r), o.prestart);
  progress.stop();
  process.stdout.write("\n" + summary(results));
  if (o.outDir) console.log(`executed notebooks written to ${o.outDir}`);
  if (o.inplace) console.log("executed notebooks written in place");
  if (o.updateGolden) console.log(`golden outputs updated for mode ${o.mode}: ${results.filter((r) => r.golden === "updated").length} notebook(s)`);
  if (o.junit) {
    writeFileAtomic(o.junit, junitXml(results, `notebooks (${o.mode})`));
    console.log(`JUnit report: ${o.junit}`);
  }
  return results.every((r) => r.status === "passed") && unmatched.length === 0 ? 0 : 1;
}

function strip(o: CliOptions): number {
  let failed = 0;
  for (const file of o.paths) {
    try {
      const r = stripFile(file);
      console.log(r.changed ? `stripped ${file} in place (${r.outputsRemoved} outputs removed)` : `${file}: already clean, not rewritten`);
    } catch (e) {
      failed++;
      console.error(e instanceof NotebookFormatError ? e.message : `${file}: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAllKernels();
    process.stderr.write(`\nstopped by ${signal}: kernels killed\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  });
}

async function main(): Promise<number> {
  let o: CliOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.command === "help") {
    console.log(USAGE);
    return 0;
  }
  if (o.command === "strip") return strip(o);
  try {
    return await run(o);
  } catch (e) {
    console.error(e instanceof UsageError || e instanceof RangeError ? e.message : (e as Error).stack);
    return 2;
  }
}

// Exit only after piped output is flushed (process.exit would cut it off), and without waiting
// for anything a notebook's kernel client might leave behind.
main().then((code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code))));
