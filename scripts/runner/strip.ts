// Clean notebooks for handing out: no outputs, no execution counts, no injected parameters cell.
import { Notebook, readNotebook, writeNotebook } from "./notebook";
import { hasTag, TAG } from "./tags";

export interface StripResult {
  file: string;
  outputsRemoved: number;
  changed: boolean;
}

export function stripNotebook(nb: Notebook): { notebook: Notebook; outputsRemoved: number; changed: boolean } {
  let outputsRemoved = 0;
  let changed = false;
  const cells = nb.cells
    .filter((c) => {
      const injected = hasTag(c, TAG.injected);
      changed ||= injected;
      return !injected;
    })
    .map((c) => {
      if (c.cell_type !== "code") return c;
      const n = c.outputs?.length ?? 0;
      outputsRemoved += n;
      changed ||= n > 0 || (c.execution_count ?? null) !== null;
      return { ...c, outputs: [], execution_count: null };
    });
  return { notebook: { ...nb, cells }, outputsRemoved, changed };
}

/** Strip each named file in place (and only those). Throws NotebookFormatError for a bad file. */
export function stripFile(file: string): StripResult {
  const { notebook, outputsRemoved, changed } = stripNotebook(readNotebook(file));
  if (changed) writeNotebook(file, notebook);
  return { file, outputsRemoved, changed };
}
