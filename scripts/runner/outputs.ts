// Turns a cell's iopub messages into nbformat 4 outputs, as a Jupyter frontend does: consecutive
// stream text of the same name is merged (and carriage-return progress lines collapsed), a
// display with a display_id can be replaced later by update_display_data (even from another cell).
import type { JupyterMessage } from "./wire";

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "execute_result"; data: Record<string, unknown>; metadata: Record<string, unknown>; execution_count: number | null }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

/** Lines tslab prints for errors that escape a cell (a throw in a timer, an unhandled rejection). */
export const LATE_ERROR_MARKER = /^(UncaughtException|UnhandledPromiseRejection):/m;

/** What a terminal shows for text with `\r` progress updates: each line keeps its last non-empty rewrite. */
export function collapseCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => {
      const parts = line.split("\r").filter((p) => p.length > 0);
      return parts.length ? parts[parts.length - 1] : "";
    })
    .join("\n");
}

export class OutputCollector {
  readonly outputs: Output[] = [];
  /** Stream text of each name, in arrival order, kept whole for error detection. */
  private streamText = { stdout: "", stderr: "" };
  private clearPending = false;
  /** Uncollapsed text of each stream output: a "\r" may be followed by its rewrite in a later message. */
  private raw = new WeakMap<Output, string>();
  /** Set when something arrived after the cell went idle (see markIdle). */
  private idle = false;
  lateText = "";

  constructor(private readonly displays: Map<string, Record<string, unknown>>) {}

  get stdout(): string {
    return this.streamText.stdout;
  }

  get stderr(): string {
    return this.streamText.stderr;
  }

  markIdle(): void {
    this.idle = true;
  }

  add(msg: JupyterMessage): void {
    const c = msg.content as Record<string, unknown>;
    const type = msg.header.msg_type;
    if (type === "clear_output") {
      if (c.wait) this.clearPending = true;
      else this.outputs.length = 0;
      return;
    }
    if (type === "update_display_data") {
      const id = (c.transient as { display_id?: string } | undefined)?.display_id;
      const target = id ? this.displays.get(id) : undefined;
      if (target) {
        target.data = (c.data as Record<string, unknown>) ?? {};
        target.metadata = (c.metadata as Record<string, unknown>) ?? {};
      }
      return;
    }
    if (!["stream", "display_data", "execute_result", "error"].includes(type)) return;
    if (this.clearPending) {
      this.outputs.length = 0;
      this.clearPending = false;
    }
    if (type === "stream") {
      const name = c.name === "stderr" ? "stderr" : "stdout";
      const text = String(c.text ?? "");
      this.streamText[name] += text;
      if (this.idle) this.lateText += text;
      let out = this.outputs[this.outputs.length - 1];
      if (!(out && out.output_type === "stream" && out.name === name)) {
        out = { output_type: "stream", name, text: "" };
        this.outputs.push(out);
      }
      const all = (this.raw.get(out) ?? "") + text;
      this.raw.set(out, all);
      out.text = collapseCarriageReturns(all);
      return;
    }
    if (type === "error") {
      this.outputs.push({ output_type: "error", ename: String(c.ename ?? "Error"), evalue: String(c.evalue ?? ""),
        traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [] });
      return;
    }
    const out: Output =
      type === "display_data"
        ? { output_type: "display_data", data: (c.data as Record<string, unknown>) ?? {}, metadata: (c.metadata as Record<string, unknown>) ?? {} }
        : { output_type: "execute_result", data: (c.data as Record<string, unknown>) ?? {}, metadata: (c.metadata as Record<string, unknown>) ?? {},
            execution_count: typeof c.execution_count === "number" ? c.execution_count : null };
    const id = (c.transient as { display_id?: string } | undefined)?.display_id;
    if (id) this.displays.set(id, out as unknown as Record<string, unknown>);
    this.outputs.push(out);
  }

  /** First line of a late-error report in this cell's stderr, or null. */
  lateError(): string | null {
    const m = this.streamText.stderr.match(/^(?:UncaughtException|UnhandledPromiseRejection):.*$/m);
    return m ? m[0].trim() : null;
  }
}
