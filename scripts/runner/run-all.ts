// Runs notebooks with at most `jobs` at a time; a failing notebook never stops the others.
import { executeNotebook, NotebookResult, RunOptions } from "./execute-notebook";

export async function runAll(
  files: string[],
  jobs: number,
  options: RunOptions,
  onDone?: (r: NotebookResult) => void,
): Promise<NotebookResult[]> {
  const results: NotebookResult[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const started = Date.now();
      try {
        results[i] = await executeNotebook(files[i], options);
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
