// Runs one notebook on a fresh kernel and says what happened: every failure carries the cell
// (1-based position in the source file, markdown counted) and a reason. Nothing here throws for
// a broken notebook; the result describes it, so the other notebooks keep running.
import * as fs from "fs";
import * as path from "path";
import * as os from "os";
import { KernelSession, CellRun } from "./kernel";
import { KernelLanguage, kernelFor } from "./kernel-choice";
import { Notebook, NotebookFormatError, parseNotebook, readNotebook, readNotebookText, writeFileAtomic, writeNotebook } from "./notebook";
import { injectParameters, ParamValue } from "./parameters";
import { hasTag, TAG } from "./tags";
import { compareGolden, goldenPath, GoldenFile, GoldenInput, recordGolden } from "./golden";

export type FailureKind =
  | "invalid-notebook"
  | "parameters"
  | "kernel-start"
  | "unsupported-kernel"
  | "cell-error"
  | "late-error"
  | "cell-timeout"
  | "notebook-timeout"
  | "kernel-died"
  | "did-not-raise"
  | "golden"
  | "write";

export interface Failure {
  kind: FailureKind;
  /** 1-based position of the cell in the source notebook; null for notebook-level failures. */
  cell: number | null;
  reason: string;
  /** More text: the stderr of the cell, or the golden diff. */
  detail?: string;
}

export type GoldenStatus = "match" | "mismatch" | "updated" | "missing" | "not-checked";

export interface NotebookResult {
  file: string;
  status: "passed" | "failed";
  elapsedMs: number;
  /** CPU seconds the kernel used (its sweep workers included), where the platform tells. */
  cpuSeconds?: number;
  cellsRun: number;
  cellsTotal: number;
  failures: Failure[];
  warnings: string[];
  golden: GoldenStatus;
  outFile?: string;
}

export type ProgressEvent =
  | { type: "start"; file: string; cellsTotal: number }
  | { type: "cell"; file: string; index: number; cellsTotal: number; cell: number; startedAt: number };

export interface RunOptions {
  mode: "quick" | "full";
  params: [string, ParamValue][];
  /** Folder for executed notebooks (file name kept). */
  outDir?: string;
  /** Write the executed notebook over the source file. */
  inplace?: boolean;
  cellTimeoutMs: number;
  timeoutMs: number;
  /** Wait after each cell for output printed after idle (late errors). */
  graceMs: number;
  /** Longer wait after the last cell, before the kernel is shut down. */
  finalGraceMs: number;
  /** After a cell timeout's SIGINT, how long the cell may take to stop before the kernel is killed (default 2000). */
  interruptGraceMs?: number;
  goldenDir?: string;
  updateGolden?: boolean;
  /** Compare with golden outputs (default true). */
  checkGolden?: boolean;
  onProgress?: (e: ProgressEvent) => void;
}

/** tslab aborts requests that arrive within 200 ms after a failed cell. */
const ABORT_WINDOW_MS = 250;

/** The line of a kernel's error text that says what went wrong. */
export function summarizeError(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const pick =
    lines.find((l) => /^(UncaughtException|UnhandledPromiseRejection):/.test(l)) ??
    lines.find((l) => /^(\S+\.[cm]?[jt]sx? )?\d+:\d+ - /.test(l)) ?? // TypeScript: "3:7 - Cannot find name 'x'." or "src/a.ts 3:7 - ..."
    lines.find((l) => /^[A-Za-z_$][\w$.]*(Error|Exception)\b|^Error\b/.test(l)) ??
    lines[lines.length - 1] ??
    "no error text";
  return pick.length > 300 ? pick.slice(0, 297) + "..." : pick;
}

/** Error text worth showing: the kernel's own stack frames (tslab, Node internals) dropped, the end kept. */
function tail(text: string, n = 1500): string {
  const kept = text
    .split("\n")
    .filter((l) => !/^\s+at .*(node:|node_modules[\\/]tslab[\\/])/.test(l))
    .join("\n");
  return kept.length > n ? "..." + kept.slice(-n) : kept;
}

/** A fresh kernel for a notebook: working directory = its folder, LR_LAB_MODE = the run's mode. */
export function startKernelFor(file: string, mode: string, startTimeoutMs = 60_000, language: KernelLanguage = "typescript"): Promise<KernelSession> {
  return KernelSession.start({ cwd: path.dirname(path.resolve(file)), env: { LR_LAB_MODE: mode }, startTimeoutMs, language });
}

/** The language of the kernel a notebook file asks for, or null when it cannot be read or is not ours. */
export function kernelLanguageOf(file: string): KernelLanguage | null {
  try {
    return kernelFor(readNotebook(file), file).language;
  } catch {
    return null;
  }
}

/**
 * Run one notebook. `prestarted` is a kernel started for this notebook ahead of time (while the
 * previous notebook ran); it is used once, or killed when the notebook cannot run.
 */
export async function executeNotebook(file: string, opts: RunOptions, prestarted?: Promise<KernelSession>): Promise<NotebookResult> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const result: NotebookResult = { file, status: "failed", elapsedMs: 0, cellsRun: 0, cellsTotal: 0, failures: [], warnings: [], golden: "not-checked" };
  const finish = (): NotebookResult => {
    void prestarted?.then((k) => (k.alive ? k.kill() : undefined), () => undefined); // unused or already shut down: gone
    result.elapsedMs = Date.now() - started;
    result.status = result.failures.length ? "failed" : "passed";
    return result;
  };

  let source: Notebook;
  let readText = "";
  try {
    // Read once: the same text is parsed and, with --inplace, compared with the file at the end.
    readText = readNotebookText(file);
    source = parseNotebook(readText, file);
  } catch (e) {
    result.failures.push({ kind: "invalid-notebook", cell: null, reason: e instanceof NotebookFormatError ? e.message : String(e) });
    return finish();
  }
  let language: KernelLanguage;
  try {
    language = kernelFor(source, file).language;
  } catch (e) {
    result.failures.push({ kind: "unsupported-kernel", cell: null, reason: (e as Error).message });
    return finish();
  }
  const injection = injectParameters(source, opts.params, opts.mode, { onlyWithValues: opts.inplace === true });
  result.warnings.push(...injection.warnings);
  for (const reason of injection.errors) result.failures.push({ kind: "parameters", cell: null, reason });
  if (result.failures.length) return finish();
  const nb = injection.notebook;
  // Source position of each cell of the run notebook (the injected cell has none).
  const sourceCell = nb.cells.map((_, i) => (injection.injectedAt < 0 || i < injection.injectedAt ? i + 1 : i === injection.injectedAt ? null : i));
  const label = (i: number): number => sourceCell[i] ?? injection.injectedAt; // injected: report its parameters cell
  const toRun = nb.cells
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.cell_type === "code" && !hasTag(c, TAG.skip) && c.source.trim() !== "");
  result.cellsTotal = toRun.length;
  opts.onProgress?.({ type: "start", file, cellsTotal: toRun.length });

  let kernel: KernelSession | null = null;
  const runs = new Map<number, CellRun>();
  const reportedLate = new Set<number>();
  // Late errors can land in any cell run so far (a timer fires during a later cell): check all.
  const checkLateErrors = (): void => {
    for (const [i, run] of runs) {
      if (reportedLate.has(i)) continue;
      const late = run.outputs.lateError();
      if (!late) continue;
      reportedLate.add(i);
      if (hasTag(nb.cells[i], TAG.raises)) continue; // an escaped error is still the error it must raise
      const when = run.outputs.lateText.includes(late) ? "printed after the cell finished" : "the cell itself reported ok";
      result.failures.push({ kind: "late-error", cell: label(i), reason: `${late} (${when})`, detail: tail(run.outputs.stderr) });
    }
  };

  try {
    try {
      const ahead = prestarted ? await prestarted : null;
      // A kernel started ahead in another language (the file changed meanwhile) is not used.
      kernel = ahead && ahead.js === (language === "javascript") ? ahead : await startKernelFor(file, opts.mode, Math.max(1000, Math.min(60_000, deadline - Date.now())), language);
    } catch (e) {
      const late = Date.now() >= deadline;
      result.failures.push(late
        ? { kind: "notebook-timeout", cell: null, reason: `notebook exceeded --timeout ${opts.timeoutMs / 1000} s while the kernel started` }
        : { kind: "kernel-start", cell: null, reason: `kernel failed to start: ${(e as Error).message}` });
      return finish();
    }

    for (let n = 0; n < toRun.length; n++) {
      const { c, i } = toRun[n];
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        result.failures.push({ kind: "notebook-timeout", cell: label(i), reason: `notebook exceeded --timeout ${opts.timeoutMs / 1000} s before this cell started` });
        break;
      }
      opts.onProgress?.({ type: "cell", file, index: n + 1, cellsTotal: toRun.length, cell: label(i), startedAt: started });
      const byNotebook = remaining < opts.cellTimeoutMs;
      let run = await kernel.execute(c.source, { timeoutMs: Math.min(opts.cellTimeoutMs, remaining), interruptGraceMs: opts.interruptGraceMs });
      if (run.status === "abort" && !run.stopped) {
        // Sent inside tslab's abort window after an earlier error (a raises-exception cell): retry once.
        await sleep(ABORT_WINDOW_MS);
        run = await kernel.execute(c.source, { timeoutMs: Math.min(opts.cellTimeoutMs, Math.max(1, deadline - Date.now())), interruptGraceMs: opts.interruptGraceMs });
      }
      runs.set(i, run);
      result.cellsRun++;
      c.outputs = run.outputs.outputs;
      c.execution_count = run.executionCount;
      if (!run.died && !run.stopped) await kernel.grace(opts.graceMs);

      const expectsError = hasTag(c, TAG.raises);
      const failure = cellFailure(run, opts, byNotebook);
      if (failure) {
        if (expectsError && failure.kind === "cell-error") {
          await sleep(ABORT_WINDOW_MS);
          checkLateErrors();
          continue;
        }
        result.failures.push({ ...failure, cell: label(i) });
        break;
      }
      checkLateErrors();
      if (result.failures.length) break;
      if (expectsError && !run.outputs.lateError()) {
        result.failures.push({ kind: "did-not-raise", cell: label(i), reason: `cell tagged ${TAG.raises} did not raise an error` });
        break;
      }
      if (!kernel.alive) {
        const died = kernel.exitInfo!;
        result.failures.push({ kind: "kernel-died", cell: label(i), reason: `${died.message} after this cell finished` });
        break;
      }
    }
    if (!result.failures.length && kernel.alive) {
      await kernel.grace(opts.finalGraceMs);
      checkLateErrors();
      if (!kernel.alive && !result.failures.length) {
        const last = toRun[toRun.length - 1];
        result.failures.push({ kind: "kernel-died", cell: last ? label(last.i) : null, reason: `${kernel.exitInfo!.message} after the last cell` });
      }
    }
  } finally {
    result.cpuSeconds = kernel?.cpuSeconds();
    await kernel?.shutdown(300);
  }

  // Golden outputs: compared only for a run that got through every cell.
  const goldenInput: GoldenInput = {
    nb,
    cells: toRun.filter(({ i }) => sourceCell[i] !== null).map(({ c, i }) => ({ cell: sourceCell[i]!, source: c })),
  };
  if (!result.failures.length && opts.checkGolden !== false) {
    const gp = goldenPath(file, opts.mode, opts.goldenDir);
    if (opts.updateGolden) {
      const record = recordGolden(path.basename(file), opts.mode, goldenInput);
      writeFileAtomic(gp, JSON.stringify(record, null, 1) + "\n");
      result.golden = "updated";
    } else if (!fs.existsSync(gp)) {
      result.golden = "missing";
    } else {
      try {
        const golden = JSON.parse(fs.readFileSync(gp, "utf8")) as GoldenFile;
        const diffs = compareGolden(golden, goldenInput);
        result.golden = diffs.length ? "mismatch" : "match";
        for (const d of diffs)
          result.failures.push({ kind: "golden", cell: d.cell, reason: `output differs from golden (${path.relative(process.cwd(), gp)})`, detail: d.lines.join("\n") });
      } catch (e) {
        result.failures.push({ kind: "golden", cell: null, reason: `cannot use golden file ${gp}: ${(e as Error).message}` });
      }
    }
  }

  let outFile = opts.inplace ? file : opts.outDir ? path.join(opts.outDir, path.basename(file)) : undefined;
  // --inplace must not overwrite edits saved while the notebook ran: keep them, put the run aside.
  if (opts.inplace && readOrEmpty(file) !== readText) {
    outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-run-")), path.basename(file));
    result.failures.push({ kind: "write", cell: null, reason: `${file} was changed on disk while it ran: left as it is; ` +
      `the executed notebook is at ${outFile}` });
  }
  if (outFile) {
    try {
      writeNotebook(outFile, nb);
      result.outFile = outFile;
    } catch (e) {
      result.failures.push({ kind: "write", cell: null, reason: `cannot write ${outFile}: ${(e as Error).message}` });
    }
  }
  return finish();
}

function cellFailure(run: CellRun, opts: RunOptions, byNotebook: boolean): Omit<Failure, "cell"> | null {
  const stderr = run.outputs.stderr;
  if (run.died) return { kind: "kernel-died", reason: `${run.died.message.split("\n")[0]} while this cell ran`, detail: tail(stderr) };
  if (run.stopped) {
    const limit = byNotebook ? `notebook exceeded --timeout ${opts.timeoutMs / 1000} s` : `cell exceeded --cell-timeout ${opts.cellTimeoutMs / 1000} s`;
    const how = run.stopped.how === "interrupted" ? "interrupted with SIGINT" : "kernel killed: it did not respond to SIGINT";
    return { kind: byNotebook ? "notebook-timeout" : "cell-timeout", reason: `${limit} (${how})`, detail: tail(stderr) };
  }
  if (run.status === "error") return { kind: "cell-error", reason: summarizeError(stderr), detail: tail(stderr) };
  if (run.status === "abort") return { kind: "cell-error", reason: "the kernel aborted the cell (it arrived right after an error)" };
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
