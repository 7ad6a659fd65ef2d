// Runs notebooks with at most `jobs` at a time; a failing notebook never stops the others.
// With `prestart`, the kernel of the next notebook starts while the current ones run (a kernel
// takes ~1 s of CPU to start, and a notebook mostly keeps one core busy): still one fresh kernel
// per notebook, started with that notebook's folder and mode.
import { executeNotebook, kernelLanguageOf, NotebookResult, RunOptions, startKernelFor } from "./execute-notebook";
import type { KernelSession } from "./kernel";

export async function runAll(
  files: string[],
  jobs: number,
  options: RunOptions,
  onDone?: (r: NotebookResult) => void,
  prestart = false,
): Promise<NotebookResult[]> {
  const results: NotebookResult[] = new Array(files.length);
  const ready = new Map<number, Promise<KernelSession>>();
  const startAhead = (i: number): void => {
    if (!prestart || i >= files.length || ready.has(i)) return;
    const language = kernelLanguageOf(files[i]);
    if (language === null) return; // unreadable or not ours: executeNotebook reports why
    const k = startKernelFor(files[i], options.mode, undefined, language);
    k.catch(() => undefined); // reported when that notebook runs
    ready.set(i, k);
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      startAhead(next);
      const started = Date.now();
      try {
        results[i] = await executeNotebook(files[i], options, ready.get(i));
      } catch (e) {
        // A bug of ours must not hide the other notebooks' results either.
        results[i] = { file: files[i], status: "failed", elapsedMs: Date.now() - started, cellsRun: 0, cellsTotal: 0, warnings: [], golden: "not-checked",
          failures: [{ kind: "kernel-start", cell: null, reason: `runner error: ${(e as Error).stack ?? e}` }] };
      }
      onDone?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, files.length) }, worker));
  return results;
}
