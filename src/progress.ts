// Live training progress. In a notebook: one output rewritten in place (update_display_data), at
// most every `intervalMs` plus the final state, which is what the saved notebook keeps. In a
// terminal: a single-line bar redrawn with \r when stdout is a TTY, otherwise a plain line at
// every tenth of the run (CI logs stay short).
import { randomBytes } from "crypto";
import { DisplayWriter, kernelDisplayWriter } from "./plot/notebook";
import { formatDuration, formatNumber } from "./plot/format";

export type ProgressMode = "notebook" | "tty" | "lines";

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Least time between two redraws. Default 250 ms. The final state is always drawn. */
  intervalMs?: number;
  /** Default: "notebook" in a tslab kernel, "tty" when stdout is a terminal, else "lines". */
  mode?: ProgressMode;
  /** Milliseconds; injectable for tests. Default Date.now. */
  now?: () => number;
  /** Where terminal output goes. Default process.stdout.write. */
  write?: (text: string) => void;
  /** Bar width in characters. Default 24. */
  width?: number;
}

export interface ProgressValues {
  loss?: number;
  lr?: number;
}

export interface ProgressState extends ProgressValues {
  step: number;
  total: number;
  elapsedSeconds: number;
  /** Estimated from the mean time per step so far; NaN before the first step. */
  leftSeconds: number;
  done: boolean;
}

/** "45% 450/1000 · loss 2.314 · lr 3e-4 · 12s elapsed · 15s left": the state without its bar. */
export function progressDetails(s: ProgressState): string {
  const frac = s.total > 0 ? Math.min(1, s.step / s.total) : 0;
  const parts = [`${String(Math.floor(frac * 100)).padStart(3)}% ${s.step}/${s.total}`];
  if (s.loss !== undefined) parts.push(`loss ${formatNumber(s.loss)}`);
  if (s.lr !== undefined) parts.push(`lr ${formatNumber(s.lr, 3)}`);
  parts.push(`${formatDuration(s.elapsedSeconds)} elapsed`);
  parts.push(s.done ? "done" : `${formatDuration(s.leftSeconds)} left`);
  return parts.join(" · ");
}

/** "epoch 1 ██████░░░░  45% 450/1000 · loss 2.314 · …": one line for a terminal or text/plain. */
export function formatProgress(s: ProgressState, label = "", width = 24): string {
  const frac = s.total > 0 ? Math.min(1, s.step / s.total) : 0;
  const filled = Math.round(frac * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  return `${label ? label + " " : ""}${bar} ${progressDetails(s)}`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export class Progress {
  readonly total: number;
  readonly mode: ProgressMode;
  private readonly label: string;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly write: (text: string) => void;
  private readonly width: number;
  private readonly started: number;
  private readonly writer: DisplayWriter | null;
  private readonly displayId = randomBytes(8).toString("hex");
  private shown = false;
  private lastDraw = -Infinity;
  private lastTenth = -1;
  private lastLength = 0;
  private finished = false;
  private state: ProgressState;
  /** How many times the output was (re)drawn: the throttle's effect, visible to tests. */
  draws = 0;

  constructor(options: ProgressOptions) {
    const { total } = options;
    if (!Number.isInteger(total) || total < 1) throw new RangeError(`total must be an integer >= 1, got ${total}`);
    const intervalMs = options.intervalMs ?? 250;
    if (!(intervalMs >= 0)) throw new RangeError(`intervalMs must be >= 0, got ${intervalMs}`);
    const width = options.width ?? 24;
    if (!Number.isInteger(width) || width < 1 || width > 200) throw new RangeError(`width must be an integer in [1, 200], got ${width}`);
    this.total = total;
    this.label = options.label ?? "";
    this.intervalMs = intervalMs;
    this.width = width;
    this.now = options.now ?? Date.now;
    this.write = options.write ?? ((t) => void process.stdout.write(t));
    this.writer = kernelDisplayWriter();
    this.mode = options.mode ?? (this.writer ? "notebook" : process.stdout.isTTY ? "tty" : "lines");
    if (this.mode === "notebook" && !this.writer) throw new RangeError('mode "notebook" needs a running tslab kernel; use "tty" or "lines"');
    this.started = this.now();
    this.state = { step: 0, total, elapsedSeconds: 0, leftSeconds: NaN, done: false };
    // show the empty bar at once in a notebook, so the output has its place from the start
    if (this.mode === "notebook") this.draw();
  }

  /** Record that `step` steps (of total) are done; redraws when the throttle allows. */
  update(step: number, values: ProgressValues = {}): void {
    if (!Number.isFinite(step) || step < 0) throw new RangeError(`step must be a finite number >= 0, got ${step}`);
    if (this.finished) return;
    const elapsed = (this.now() - this.started) / 1000;
    const s = Math.min(step, this.total);
    this.state = {
      ...this.state,
      ...values,
      step: s,
      elapsedSeconds: elapsed,
      leftSeconds: s > 0 ? (elapsed / s) * (this.total - s) : NaN,
    };
    if (s >= this.total) {
      this.done();
      return;
    }
    if (this.mode === "lines") {
      const tenth = Math.floor((s / this.total) * 10);
      if (tenth > this.lastTenth) {
        this.lastTenth = tenth;
        this.draw();
      }
      return;
    }
    if (this.now() - this.lastDraw >= this.intervalMs) this.draw();
  }

  /** Draw the final state (always, whatever the throttle); later updates are ignored. */
  done(values: ProgressValues = {}): ProgressState {
    if (this.finished) return this.state;
    this.finished = true;
    const elapsed = (this.now() - this.started) / 1000;
    this.state = { ...this.state, ...values, elapsedSeconds: elapsed, leftSeconds: 0, done: true };
    this.draw();
    if (this.mode === "tty") this.write("\n");
    return this.state;
  }

  /** The current state (what the last or next draw shows). */
  get current(): ProgressState {
    return { ...this.state };
  }

  private draw(): void {
    this.lastDraw = this.now();
    this.draws++;
    const text = formatProgress(this.state, this.label, this.width);
    if (this.mode === "notebook") {
      const html =
        `<div style="font-family:monospace;white-space:pre">${escapeHtml(this.label ? this.label + " " : "")}` +
        `<progress value="${this.state.step}" max="${this.total}" style="width:12em;vertical-align:middle"></progress> ` +
        `${escapeHtml(progressDetails(this.state))}</div>`;
      this.writer!({ data: { "text/plain": text, "text/html": html }, metadata: {}, transient: { display_id: this.displayId } }, this.shown);
      this.shown = true;
    } else if (this.mode === "tty") {
      const pad = Math.max(0, this.lastLength - text.length);
      this.write(`\r${text}${" ".repeat(pad)}`);
      this.lastLength = text.length;
    } else {
      this.write(`${text}\n`);
    }
  }
}

/** Start a progress display for `total` steps: `const p = progress({ total }); p.update(i, { loss, lr }); p.done();` */
export function progress(options: ProgressOptions): Progress {
  return new Progress(options);
}
