// Command-line options of `npm run notebooks`.
import { parseParam, ParamValue } from "./parameters";

export const USAGE = `Usage:
  npm run notebooks -- [paths, folders or globs...] [options]
  npm run notebooks -- strip FILE...

Runs each notebook on a fresh tslab kernel (working directory = the notebook's folder), checks
it, and exits 0 only when every notebook passed. With no paths: notebooks/NN_*.ipynb in order.

Options:
  --quick | --full        run size, passed to the kernel as LR_LAB_MODE
                          (default: LR_LAB_MODE if set, else quick)
  -p, --param NAME=VALUE  set a parameter (repeatable): a cell is injected after the cell tagged
                          "parameters"; VALUE is JSON if it parses (0.1, true, [1,2], "s"), else text
  --out DIR               write executed notebooks to DIR (same file names); atomic writes
  --inplace               write executed notebooks over the source files
  --jobs N                notebooks run in parallel (default 1)
  --prestart, --no-prestart
                          start the next notebook's kernel while one runs (default: on with
                          --jobs 1, off otherwise); every notebook still gets a fresh kernel
  --timeout SECONDS       limit per notebook, kernel start included (default 600)
  --cell-timeout SECONDS  limit per cell: SIGINT, then kill after 2 s (default 300)
  --grace MS              wait after each cell for errors the kernel prints after the cell
                          finished (default 25; after the last cell 4x that, at least 100)
  --junit FILE            write a JUnit XML report
  --update-golden         record outputs as the golden outputs for this mode
  --golden-dir DIR        golden files in DIR/<mode>/<notebook>.json
                          (default: golden/ next to each notebook)
  --no-golden             do not compare with golden outputs
  -h, --help              this text

Cell tags: skip-execution (not run), raises-exception (must fail), ignore-output (not compared),
parameters (defaults; declare them with let), tolerance:rel=X / tolerance:abs=X (golden numbers).

Golden outputs: golden/<mode>/<notebook>.json next to each notebook (notebooks/golden/quick/...),
written by --update-golden from a run that passed. Text outputs are compared after sanitizing
(times, durations, 0x addresses, stack frames, this repo's and the temp folder's paths); numbers
match when |now - golden| <= abs + rel*|golden| (default rel 1e-6, abs 1e-12). Per notebook:
metadata "lr_lab": {"golden": {"tolerance": {"rel": R, "abs": A}, "sanitize": [{"pattern": "re",
"flags": "g", "replace": "text"}]}}; per cell: the same "tolerance" (or "ignore": true) in the
cell's metadata, or the tags above. Images and plot specs are checked for presence only.

Failures name the notebook, the cell (1-based position in the file, markdown cells counted) and
the reason: a cell error, a late error (UncaughtException / UnhandledPromiseRejection printed by
the kernel, also after the cell finished), a timeout, the kernel dying, an invalid notebook, a
raises-exception cell that did not raise, or outputs that differ from the golden ones.

strip FILE...: clears outputs, execution counts and injected parameters cells of the named
files, in place (only those files).`;

export interface CliOptions {
  command: "run" | "strip" | "help";
  paths: string[];
  mode: "quick" | "full";
  params: [string, ParamValue][];
  outDir?: string;
  inplace: boolean;
  jobs: number;
  prestart: boolean;
  timeoutMs: number;
  cellTimeoutMs: number;
  graceMs: number;
  finalGraceMs: number;
  junit?: string;
  updateGolden: boolean;
  goldenDir?: string;
  checkGolden: boolean;
}

export class UsageError extends Error {}

function positive(name: string, text: string | undefined, max: number): number {
  const v = Number(text);
  if (text === undefined || text.trim() === "" || !Number.isFinite(v) || v <= 0 || v > max)
    throw new RangeError(`${name} must be a number in (0, ${max}], got ${JSON.stringify(text)}`);
  return v;
}

export function parseArgs(argv: string[], env: Record<string, string | undefined> = process.env): CliOptions {
  const envMode = env.LR_LAB_MODE?.trim().toLowerCase();
  if (envMode && envMode !== "quick" && envMode !== "full")
    throw new RangeError(`LR_LAB_MODE must be "quick" or "full", got ${JSON.stringify(env.LR_LAB_MODE)}`);
  const o: CliOptions = {
    command: "run", paths: [], mode: envMode === "full" ? "full" : "quick", params: [], inplace: false, jobs: 1, prestart: true,
    timeoutMs: 600_000, cellTimeoutMs: 300_000, graceMs: 25, finalGraceMs: 100, updateGolden: false, checkGolden: true,
  };
  let modeFlag: string | null = null;
  let prestartFlag: boolean | null = null;
  const args = [...argv];
  if (args[0] === "strip") {
    o.command = "strip";
    args.shift();
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (o.command === "strip" && flag.startsWith("-") && flag !== "-h" && flag !== "--help")
      throw new UsageError(`strip takes only file names, got ${arg}`);
    switch (flag) {
      case "-h": case "--help": o.command = "help"; break;
      case "--quick": case "--full":
        if (modeFlag && modeFlag !== flag) throw new UsageError("give either --quick or --full, not both");
        modeFlag = flag;
        o.mode = flag === "--quick" ? "quick" : "full";
        break;
      case "-p": case "--param": o.params.push(parseParam(value())); break;
      case "--out": o.outDir = value(); break;
      case "--inplace": o.inplace = true; break;
      case "--prestart": prestartFlag = true; break;
      case "--no-prestart": prestartFlag = false; break;
      case "--jobs": {
        const n = positive("--jobs", value(), 64);
        if (!Number.isInteger(n)) throw new RangeError(`--jobs must be an integer in [1, 64], got ${n}`);
        o.jobs = n;
        break;
      }
      case "--timeout": o.timeoutMs = positive("--timeout", value(), 86_400) * 1000; break;
      case "--cell-timeout": o.cellTimeoutMs = positive("--cell-timeout", value(), 86_400) * 1000; break;
      case "--grace": {
        const v = value();
        const ms = Number(v);
        if (v.trim() === "" || !Number.isFinite(ms) || ms < 0 || ms > 60_000) throw new RangeError(`--grace must be milliseconds in [0, 60000], got ${JSON.stringify(v)}`);
        o.graceMs = ms;
        o.finalGraceMs = Math.max(4 * ms, 100);
        break;
      }
      case "--junit": o.junit = value(); break;
      case "--update-golden": o.updateGolden = true; break;
      case "--golden-dir": o.goldenDir = value(); break;
      case "--no-golden": o.checkGolden = false; break;
      default:
        if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}`);
        o.paths.push(arg);
    }
  }
  o.prestart = prestartFlag ?? o.jobs === 1;
  if (o.inplace && o.outDir) throw new UsageError("give either --out or --inplace, not both");
  if (o.updateGolden && !o.checkGolden) throw new UsageError("--update-golden and --no-golden contradict each other");
  if (o.command === "strip" && o.paths.length === 0) throw new UsageError("strip needs the files to strip (it never guesses)");
  return o;
}
