// Cell tags the runner understands, named as nbval/nbmake/papermill users know them.
import type { Cell } from "./notebook";

export const TAG = {
  /** Do not run this cell (its saved outputs stay as they are). */
  skip: "skip-execution",
  /** The cell must fail; the notebook fails if it does not. */
  raises: "raises-exception",
  /** Run the cell but leave its outputs out of the golden comparison. */
  ignoreOutput: "ignore-output",
  /** Defaults of the notebook's parameters (papermill's name). */
  parameters: "parameters",
  /** The cell the runner adds after the parameters cell (papermill's name). */
  injected: "injected-parameters",
} as const;

export function tagsOf(cell: Cell): string[] {
  return Array.isArray(cell.metadata.tags) ? cell.metadata.tags : [];
}

export function hasTag(cell: Cell, tag: string): boolean {
  return tagsOf(cell).includes(tag);
}
