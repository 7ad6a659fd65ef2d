// A client for one tslab kernel process: starts it with a fresh connection file, speaks the
// Jupyter protocol over zeromq (Dealer for shell, Subscriber for iopub), runs cells one at a
// time and collects their outputs by parent message id. Outputs that arrive after a cell went
// idle (tslab prints late errors then) still land in that cell's output list.
import { ChildProcess, spawn } from "child_process";
import { randomBytes, randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zmq from "zeromq";
import { decode, encode, JupyterMessage, makeHeader } from "./wire";
import { releasePorts, reservePorts } from "./ports";
import { OutputCollector } from "./outputs";

const ROOT = path.resolve(__dirname, "..", "..");
export const TSLAB_BIN = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");

export interface KernelOptions {
  /** Working directory of the kernel: the notebook's folder, as Jupyter does. */
  cwd: string;
  /** Extra environment for the kernel (e.g. LR_LAB_MODE). */
  env?: Record<string, string>;
  /** How long the kernel may take to answer kernel_info (ms). */
  startTimeoutMs?: number;
  /** tslab's TypeScript kernel (default) or its JavaScript one ("jslab", `tslab kernel --js`). */
  language?: "typescript" | "javascript";
}

export interface CellRun {
  status: "ok" | "error" | "abort";
  executionCount: number | null;
  /** Wall time from request to idle (ms). */
  elapsedMs: number;
  /** Why the cell did not finish by itself: "timeout" when --cell-timeout/--timeout hit it. */
  stopped?: { reason: "timeout"; how: "interrupted" | "killed" };
  /** Set when the kernel process ended during the cell (e.g. process.exit in it). */
  died?: KernelDiedError;
  outputs: OutputCollector;
}

export class KernelDiedError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly signal: string | null,
    readonly stderrTail: string,
  ) {
    super(`kernel died (${signal ? `signal ${signal}` : `exit code ${exitCode}`})${stderrTail ? `: ${stderrTail}` : ""}`);
  }
}

interface Pending {
  msgId: string;
  reply?: JupyterMessage;
  idle: boolean;
  /** Settle only on the iopub idle of this request (the kernel_info handshake may accept its reply alone). */
  strict?: boolean;
  resolve: () => void;
}

const STDERR_TAIL = 2000;
/** How often a timed-out cell gets SIGINT again while it has not stopped. */
const SIGINT_REPEAT_MS = 200;
const PORT_CLASH = /EADDRINUSE|Address already in use/i;

// Kernels still running, so that a runner that is stopped (Ctrl-C, SIGTERM, a crash) takes its
// kernels with it instead of leaving orphans behind.
const live = new Map<ChildProcess, string>();
process.on("exit", () => killAllKernels());

/** Kill every kernel this process started and remove its connection file (for exit and signal handlers). */
export function killAllKernels(): void {
  for (const [child, dir] of live) {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  }
  live.clear();
}

export class KernelSession {
  private shell!: zmq.Dealer;
  private iopub!: zmq.Subscriber;
  private child!: ChildProcess;
  private ports: number[] = [];
  private readonly key = randomBytes(32).toString("hex");
  private readonly session = randomUUID();
  private readonly dir: string;
  private pending = new Map<string, Pending>();
  private collectors = new Map<string, OutputCollector>();
  private iopubSeen = false;
  private exited: { code: number | null; signal: string | null } | null = null;
  private exitWaiters: (() => void)[] = [];
  private processStderr = "";
  /** Shared across cells: update_display_data may target an output of an earlier cell. */
  readonly displays = new Map<string, Record<string, unknown>>();

  private constructor(private readonly options: KernelOptions) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-kernel-"));
  }

  /** Start a fresh kernel; retries with new ports when one was taken in the meantime. */
  static async start(options: KernelOptions): Promise<KernelSession> {
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      // A kernel answers in 2-5 s (about 10 s on a loaded machine). One that has not answered in
      // 20 s is stuck (seen once in CI rehearsals: a start that never completed its handshake), and
      // a fresh kernel on new ports is quicker than waiting out the whole limit. Port clashes retry too.
      const k = new KernelSession({ ...options, startTimeoutMs: attempt < 2 ? Math.min(remaining, 20_000) : remaining });
      try {
        await k.launch();
        return k;
      } catch (e) {
        lastError = e;
        const diedByItself = k.exited !== null; // before kill(), which sets it
        await k.kill();
        if (diedByItself && !PORT_CLASH.test(k.processStderr)) break; // the kernel itself failed: retrying will not help
      }
    }
    throw lastError;
  }

  /** True for the JavaScript kernel (jslab). */
  get js(): boolean {
    return this.options.language === "javascript";
  }

  get alive(): boolean {
    return this.exited === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private addr(port: number): string {
    return `tcp://127.0.0.1:${port}`;
  }

  private async launch(): Promise<void> {
    this.ports = await reservePorts(5);
    const [shell, iopub, stdin, control, hb] = this.ports;
    const connectionFile = path.join(this.dir, "connection.json");
    const info = { shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb,
      ip: "127.0.0.1", key: this.key, transport: "tcp", signature_scheme: "hmac-sha256", kernel_name: this.js ? "jslab" : "tslab" };
    fs.writeFileSync(connectionFile, JSON.stringify(info), { mode: 0o600 });

    const argv = [TSLAB_BIN, "kernel", "--config-path", connectionFile, ...(this.js ? ["--js"] : [])];
    this.child = spawn(process.execPath, argv, {
      cwd: this.options.cwd,
      env: { ...process.env, ...this.options.env },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: a Ctrl-C in the terminal reaches the runner, which stops the kernels;
      // tslab itself would take SIGINT as "interrupt the cell" and keep running.
      detached: process.platform !== "win32",
    });
    live.set(this.child, this.dir);
    this.child.stdout!.on("data", () => undefined); // output before the first cell: not ours to keep
    this.child.stderr!.on("data", (d: Buffer) => {
      this.processStderr = (this.processStderr + d.toString()).slice(-STDERR_TAIL);
    });
    this.child.on("exit", (code, signal) => {
      live.delete(this.child);
      this.exited = { code, signal };
      for (const w of this.exitWaiters.splice(0)) w();
      for (const p of this.pending.values()) p.resolve();
    });
    this.child.on("error", (e) => {
      this.processStderr += String(e);
      this.exited = this.exited ?? { code: null, signal: null };
      for (const w of this.exitWaiters.splice(0)) w();
      for (const p of this.pending.values()) p.resolve();
    });

    // Short reconnect interval: the kernel binds ~1 s after it starts and we want to know at once.
    this.shell = new zmq.Dealer({ linger: 0, reconnectInterval: 10 });
    this.iopub = new zmq.Subscriber({ linger: 0, reconnectInterval: 10 });
    this.iopub.subscribe();
    this.shell.connect(this.addr(shell));
    this.iopub.connect(this.addr(iopub));
    void this.readShell();
    void this.readIopub();

    // The kernel binds its sockets some time after it starts; zeromq reconnects until then. A
    // Subscriber also misses what is published before its subscription arrives, so repeat
    // kernel_info until both its reply and an iopub message have come back.
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    let outstanding: Promise<void> | null = null;
    let sentAt = 0;
    while (!this.iopubSeen) {
      if (this.exited) throw this.diedError();
      // tslab reports a failed bind on its stderr and keeps running: give up on these ports at once.
      if (PORT_CLASH.test(this.processStderr)) throw new Error(`kernel could not bind its ports: ${this.processStderr.trim().slice(-300)}`);
      if (Date.now() > deadline) throw new Error(`kernel did not answer within ${this.options.startTimeoutMs ?? 60_000} ms${this.processStderr ? `: ${this.processStderr.trim()}` : ""}`);
      // A new request once the last one was answered (its iopub status was lost) or seems lost.
      if (!outstanding || Date.now() - sentAt > 1000) {
        const { done } = this.request("kernel_info_request", {});
        sentAt = Date.now();
        outstanding = done.then(() => {
          outstanding = null;
        });
      }
      await Promise.race([outstanding ?? Promise.resolve(), sleep(20)]);
    }
    this.pending.clear();
  }

  private diedError(): KernelDiedError {
    return new KernelDiedError(this.exited?.code ?? null, this.exited?.signal ?? null, this.processStderr.trim().slice(-500));
  }

  private request(msgType: string, content: unknown, strict = false): { msgId: string; done: Promise<void> } {
    const header = makeHeader(msgType, this.session);
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    this.pending.set(header.msg_id, { msgId: header.msg_id, idle: false, resolve, strict });
    void this.shell.send(encode(this.key, { header, parent_header: {}, metadata: {}, content })).catch(() => undefined);
    return { msgId: header.msg_id, done };
  }

  private settle(msgId: string): void {
    const p = this.pending.get(msgId);
    if (p && p.reply && p.idle) p.resolve();
  }

  private async readShell(): Promise<void> {
    try {
      for await (const frames of this.shell) {
        let msg: JupyterMessage;
        try {
          msg = decode(this.key, frames);
        } catch {
          continue; // unsigned or malformed: ignore, as Jupyter clients do
        }
        const p = this.pending.get(msg.parent_header.msg_id ?? "");
        if (!p) continue;
        p.reply = msg;
        if (msg.header.msg_type === "kernel_info_reply" && !p.strict) p.idle = p.idle || this.iopubSeen;
        this.settle(p.msgId);
      }
    } catch {
      // socket closed
    }
  }

  private async readIopub(): Promise<void> {
    try {
      for await (const frames of this.iopub) {
        let msg: JupyterMessage;
        try {
          msg = decode(this.key, frames);
        } catch {
          continue;
        }
        this.iopubSeen = true;
        const parentId = msg.parent_header.msg_id ?? "";
        if (msg.header.msg_type === "status") {
          if ((msg.content as { execution_state?: string }).execution_state === "idle") {
            this.collectors.get(parentId)?.markIdle();
            const p = this.pending.get(parentId);
            if (p) {
              p.idle = true;
              this.settle(parentId);
            }
          }
          continue;
        }
        this.collectors.get(parentId)?.add(msg);
      }
    } catch {
      // socket closed
    }
  }

  /**
   * Run one cell. Resolves once the kernel replied and went idle. On timeout it sends SIGINT
   * (tslab's only interrupt) and, if the cell still does not finish within `interruptGraceMs`,
   * kills the kernel. Rejects with KernelDiedError only when the kernel was already gone.
   */
  async execute(code: string, opts: { timeoutMs?: number; interruptGraceMs?: number } = {}): Promise<CellRun> {
    // (interruptGraceMs: how long a SIGINT may take to stop the cell before the kernel is killed; default 2 s)
    if (this.exited) throw this.diedError();
    const started = Date.now();
    const { msgId, done } = this.request("execute_request", {
      code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true,
    });
    const outputs = new OutputCollector(this.displays);
    this.collectors.set(msgId, outputs);
    let stopped: CellRun["stopped"];
    const timeoutMs = opts.timeoutMs ?? Infinity;
    if (Number.isFinite(timeoutMs)) {
      const finished = await Promise.race([done.then(() => true), sleep(Math.max(0, timeoutMs)).then(() => false)]);
      if (!finished && !this.exited) {
        // tslab stops only code that is running: a SIGINT that lands while it still compiles the
        // cell (a loaded machine, a long cell) is swallowed. Repeat it until the cell stops.
        const interrupt = (): void => void (this.exited || this.child.kill("SIGINT"));
        interrupt();
        const again = setInterval(interrupt, SIGINT_REPEAT_MS);
        const interrupted = await Promise.race([done.then(() => true), sleep(opts.interruptGraceMs ?? 2000).then(() => false)])
          .finally(() => clearInterval(again));
        stopped = { reason: "timeout", how: interrupted && !this.exited ? "interrupted" : "killed" };
        if (!interrupted) await this.kill();
      }
    }
    await done;
    const reply = (this.pending.get(msgId)?.reply?.content ?? {}) as { status?: string; execution_count?: unknown };
    this.pending.delete(msgId);
    const died = this.exited && !stopped ? this.diedError() : undefined;
    const status: CellRun["status"] = reply.status === "ok" || reply.status === "abort" ? reply.status : "error";
    const executionCount = typeof reply.execution_count === "number" ? reply.execution_count : null;
    return { status: died ? "error" : status, executionCount, elapsedMs: Date.now() - started, stopped, died, outputs };
  }

  /**
   * Wait so that output printed after idle (late errors) reaches its cell: `ms` of wall time,
   * then a kernel_info round trip, awaited until its iopub idle. The kernel answers only after
   * its event loop has run every timer that fell due before the request arrived, and iopub
   * delivers in order, so anything such a timer printed is in before this resolves: on a loaded
   * machine the wait stretches instead of missing the output.
   */
  async grace(ms: number): Promise<void> {
    if (ms <= 0 || this.exited) return;
    await Promise.race([sleep(ms), this.exitPromise()]);
    if (this.exited) return;
    const { msgId, done } = this.request("kernel_info_request", {}, true);
    await Promise.race([done, this.exitPromise(), sleep(30_000)]);
    this.pending.delete(msgId);
  }

  /** Why the process ended, if it did. */
  get exitInfo(): KernelDiedError | null {
    return this.exited ? this.diedError() : null;
  }

  private exitPromise(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((r) => this.exitWaiters.push(r));
  }

  /**
   * CPU seconds the kernel has used so far, its finished child processes (sweep workers)
   * included; undefined where /proc is not there (not Linux) or the kernel has exited. On a
   * shared machine this is the notebook's cost, which wall time is not.
   */
  cpuSeconds(): number | undefined {
    if (!this.child?.pid || this.exited) return undefined;
    return processCpuSeconds(this.child.pid);
  }

  /** Ask the kernel to shut down; kill it if it does not exit promptly. Always cleans up. */
  async shutdown(waitMs = 1000): Promise<void> {
    if (!this.exited && this.shell) {
      this.request("shutdown_request", { restart: false });
      await Promise.race([this.exitPromise(), sleep(waitMs)]);
    }
    await this.kill();
  }

  async kill(): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill("SIGKILL");
      await Promise.race([this.exitPromise(), sleep(2000)]);
    }
    this.shell?.close();
    this.iopub?.close();
    releasePorts(this.ports);
    this.ports = [];
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** utime + stime + cutime + cstime of a Linux process from /proc/PID/stat, in seconds. */
export function processCpuSeconds(pid: number, ticksPerSecond = 100): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((f) => Number(fields[f]));
    const total = utime + stime + cutime + cstime;
    return Number.isFinite(total) ? total / ticksPerSecond : undefined;
  } catch {
    return undefined;
  }
}
