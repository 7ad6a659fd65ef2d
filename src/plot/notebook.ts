// Talking to the notebook when running inside tslab, and knowing when we are not.
//
// tslab's public `display` sends one mime type per message. The kernel keeps the function that
// writes a display message for the running cell in `lastWriteDisplayData` of tslab/dist/jupyter
// (set at the start of every execution); calling it with several mime types makes ONE output
// carrying all of them, and `update: true` with a display_id rewrites an output in place.
// We look that module up among the modules already loaded instead of requiring it, so that we find
// the copy of tslab that actually runs the kernel (which may not be the one next to this file)
// and so that outside a kernel nothing is loaded at all.

/** A Jupyter display_data content: a mime bundle. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient?: { display_id?: string };
}

export type DisplayWriter = (content: DisplayContent, update: boolean) => void;

const JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** The running tslab kernel's display writer, or null when not inside a tslab kernel. */
export function kernelDisplayWriter(): DisplayWriter | null {
  const cache: NodeJS.Dict<NodeModule> = require.cache ?? {};
  for (const file of Object.keys(cache)) {
    if (!JUPYTER_MODULE.test(file)) continue;
    const writer = (cache[file]?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof writer === "function") return writer as DisplayWriter;
  }
  return null;
}

/** True inside a tslab kernel that is executing (or has executed) a cell. */
export function inKernel(): boolean {
  return kernelDisplayWriter() !== null;
}

/**
 * Send one output with every representation in `data` (mime type -> content). Returns false,
 * sending nothing, outside a kernel.
 */
export function displayBundle(data: Record<string, unknown>, metadata: Record<string, unknown> = {}): boolean {
  const write = kernelDisplayWriter();
  if (!write) return false;
  write({ data, metadata }, false);
  return true;
}
