// What the user sees: live progress while notebooks run (one line rewritten in place on a
// terminal, plain lines in CI logs), then a summary table and the reason for every failure.
import * as path from "path";
import type { NotebookResult, ProgressEvent } from "./execute-notebook";

interface Running {
  cell: number;
  index: number;
  total: number;
  startedAt: number;
}

export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
const name = (file: string): string => path.relative(process.cwd(), file) || file;

export class Progress {
  private running = new Map<string, Running>();
  private done = 0;
  private timer: NodeJS.Timeout | null = null;
  private lineShown = false;

  constructor(private readonly out: Sink, private readonly total: number, private readonly now = () => Date.now()) {
    if (out.isTTY) {
      this.timer = setInterval(() => this.render(), 500);
      this.timer.unref();
    }
  }

  event(e: ProgressEvent): void {
    if (e.type === "start") {
      this.running.set(e.file, { cell: 0, index: 0, total: e.cellsTotal, startedAt: this.now() });
      if (!this.out.isTTY) this.out.write(`> ${name(e.file)} (${e.cellsTotal} code cells)\n`);
    } else {
      this.running.set(e.file, { cell: e.cell, index: e.index, total: e.cellsTotal, startedAt: e.startedAt });
      if (!this.out.isTTY) this.out.write(`  ${name(e.file)} cell ${e.index}/${e.cellsTotal} (cell ${e.cell} of the file) at ${secs(this.now() - e.startedAt)}\n`);
    }
    this.render();
  }

  notebookDone(r: NotebookResult): void {
    this.running.delete(r.file);
    this.done++;
    this.clearLine();
    const first = r.failures[0];
    const why = first ? `: ${first.cell === null ? "" : `cell ${first.cell}: `}${first.reason}` : "";
    const cpu = r.cpuSeconds === undefined ? "" : ` (cpu ${secs(r.cpuSeconds * 1000)})`;
    this.out.write(`${r.status === "passed" ? "PASS" : "FAIL"} ${name(r.file)} ${secs(r.elapsedMs)}${cpu}${why}\n`);
    this.render();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.clearLine();
  }

  private clearLine(): void {
    if (this.out.isTTY && this.lineShown) {
      this.out.write("\r\x1b[2K");
      this.lineShown = false;
    }
  }

  /** The in-place line: how many are done, then each running notebook with its cell and time. */
  line(): string {
    const parts = [...this.running].map(([file, r]) =>
      `${path.basename(file)} ${r.index === 0 ? "starting kernel" : `cell ${r.index}/${r.total}`} ${secs(this.now() - r.startedAt)}`);
    return `[${this.done}/${this.total}] ${parts.join(" | ")}`;
  }

  private render(): void {
    if (!this.out.isTTY || this.running.size === 0) return;
    const width = Math.max(20, (this.out.columns || 100) - 1); // 0 when the terminal size is unknown
    const text = this.line();
    this.out.write(`\r\x1b[2K${text.length > width ? text.slice(0, width - 1) + "…" : text}`);
    this.lineShown = true;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()).join("\n");
}

/** The summary table (notebook, status, time, cpu, cells, golden, failures) and each failure's reason. */
export function summary(results: NotebookResult[]): string {
  const rows = [["notebook", "status", "time", "cpu", "cells", "golden", "failures"]];
  for (const r of results) {
    const cpu = r.cpuSeconds === undefined ? "-" : secs(r.cpuSeconds * 1000);
    rows.push([name(r.file), r.status, secs(r.elapsedMs), cpu, `${r.cellsRun}/${r.cellsTotal}`, r.golden, String(r.failures.length)]);
  }
  const lines = [table(rows)];
  for (const r of results) {
    for (const w of r.warnings) lines.push(`warning: ${name(r.file)}: ${w}`);
    for (const f of r.failures) {
      lines.push("", `${name(r.file)} ${f.cell === null ? "(notebook)" : `cell ${f.cell}`}: [${f.kind}] ${f.reason}`);
      if (f.detail && f.detail !== f.reason) lines.push(f.detail.replace(/\s+$/, "").split("\n").map((l) => `    ${l}`).join("\n"));
    }
  }
  const passed = results.filter((r) => r.status === "passed").length;
  lines.push("", `${passed} passed, ${results.length - passed} failed`);
  return lines.join("\n") + "\n";
}
