// `npm run kernel [-- --python PATH] [--prefix DIR | --sys-prefix] [--force]`
// Registers this project's tslab as the Jupyter kernels "tslab" (TypeScript) and "jslab"
// (JavaScript), as `tslab install` does. Unlike `tslab install`, it
// looks for a Python that actually has Jupyter (not only the first python3 on PATH) and
// points the kernelspec at this project's node and tslab by absolute path, so Jupyter
// started from anywhere (a desktop launcher, another shell) runs the same kernel.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
export const KERNEL_NAME = "tslab";
/** tslab's JavaScript kernel, registered beside the TypeScript one. */
export const JS_KERNEL_NAME = "jslab";
const TSLAB_BIN = path.join(ROOT, "node_modules", "tslab", "bin", "tslab");

export interface RegisterOptions {
  /** Python with jupyter_client; found automatically when omitted. */
  python?: string;
  /** Install under PREFIX/share/jupyter/kernels (what JUPYTER_PATH=PREFIX/share/jupyter finds). */
  prefix?: string;
  /** Install into the Python's sys.prefix (a virtualenv or conda env). Default: the user's registry. */
  sysPrefix?: boolean;
  /** Replace existing "tslab"/"jslab" kernelspecs that start a different tslab. */
  force?: boolean;
  /** Where to look for Python, in order (for tests); default: see pythonCandidates(). */
  candidates?: string[];
}

export interface Registration {
  /** The TypeScript kernel's folder and command. */
  kernelDir: string;
  python: string;
  argv: string[];
  /** The JavaScript kernel (jslab), registered in the same place. */
  js: { kernelDir: string; argv: string[] };
}

/** Pythons worth trying, in order: the one behind `jupyter` on PATH first, then the usual names. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const found: string[] = [];
  if (env.LR_LAB_PYTHON) found.push(env.LR_LAB_PYTHON);
  const jupyter = which("jupyter", env);
  if (jupyter) {
    const firstLine = fs.readFileSync(jupyter, "utf8").split("\n")[0];
    const m = firstLine.match(/^#!\s*(\S+)(?:\s+(\S+))?/);
    if (m) found.push(m[1].endsWith("/env") && m[2] ? m[2] : m[1]);
  }
  const names = process.platform === "win32" ? ["python", "python3", "py"] : ["python3", "python"];
  for (const name of names) {
    const p = which(name, env);
    if (p) found.push(p);
  }
  if (process.platform !== "win32") found.push("/usr/bin/python3", "/usr/local/bin/python3", "/opt/homebrew/bin/python3");
  return [...new Set(found)];
}

function which(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of process.platform === "win32" ? [".exe", ".cmd", ""] : [""]) {
      const p = path.join(dir, name + ext);
      try {
        if (fs.statSync(p).isFile()) return p;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function runPython(python: string, code: string, args: string[] = []): { ok: boolean; out: string; err: string } {
  const r = spawnSync(python, ["-c", code, ...args], { encoding: "utf8" });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() || String(r.error ?? "") };
}

/** The first candidate Python that can import jupyter_client, or null. */
export function findJupyterPython(candidates: string[] = pythonCandidates()): string | null {
  for (const python of candidates) {
    if (runPython(python, "import jupyter_client").ok) return python;
  }
  return null;
}

export const NO_JUPYTER_HELP = [
  "No Python with Jupyter was found, so the kernel cannot be registered.",
  "Install Jupyter, then run `npm run kernel` again:",
  "  - Debian/Ubuntu: sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient",
  "  - anywhere with pip: python3 -m pip install jupyterlab",
  "  - conda: conda install -c conda-forge jupyterlab",
  "If Jupyter lives in a Python that is not on PATH, name it: npm run kernel -- --python /path/to/python",
].join("\n");

/** A kernelspec: this project's node running this project's tslab (with --js for JavaScript). */
export function kernelJson(js = false): { argv: string[]; display_name: string; language: string } {
  return {
    argv: [process.execPath, TSLAB_BIN, "kernel", "--config-path", "{connection_file}", ...(js ? ["--js"] : [])],
    display_name: js ? "JavaScript (lr-lab)" : "TypeScript (lr-lab)",
    language: js ? "javascript" : "typescript",
  };
}

const INSTALL_PY = `
import json, sys
from jupyter_client.kernelspec import KernelSpecManager
src, name, mode, prefix = sys.argv[1:5]
m = KernelSpecManager()
print(m.install_kernel_spec(src, name, user=(mode == "user"), prefix=(prefix or None)))
`;

const FIND_PY = `
import sys
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
try:
    print(KernelSpecManager().get_kernel_spec(sys.argv[1]).resource_dir)
except NoSuchKernel:
    pass
`;

/** Register the kernel; throws with an explanation when no Jupyter is found or a foreign spec exists. */
export function registerKernel(options: RegisterOptions = {}): Registration {
  const python = options.python ?? findJupyterPython(options.candidates);
  if (!python) throw new Error(NO_JUPYTER_HELP);
  if (!runPython(python, "import jupyter_client").ok) {
    throw new Error(`${python} cannot import jupyter_client.\n${NO_JUPYTER_HELP}`);
  }
  if (!fs.existsSync(TSLAB_BIN)) throw new Error(`tslab is not installed at ${TSLAB_BIN}: run \`npm ci\` first`);
  const mode = options.prefix ? "prefix" : options.sysPrefix ? "sys-prefix" : "user";
  const prefix = options.prefix
    ? path.resolve(options.prefix)
    : options.sysPrefix
      ? runPython(python, "import sys; print(sys.prefix)").out
      : "";

  // Never silently replace a kernelspec that someone else made: check both before writing either.
  const kernels = [{ name: KERNEL_NAME, spec: kernelJson(false) }, { name: JS_KERNEL_NAME, spec: kernelJson(true) }];
  for (const { name } of kernels) {
    const existing = options.prefix ? path.join(prefix, "share", "jupyter", "kernels", name) : runPython(python, FIND_PY, [name]).out;
    const existingJson = existing ? path.join(existing, "kernel.json") : "";
    if (existingJson && fs.existsSync(existingJson) && !options.force) {
      const argv: string[] = JSON.parse(fs.readFileSync(existingJson, "utf8")).argv ?? [];
      if (!argv.includes(TSLAB_BIN)) {
        throw new Error(
          `A "${name}" kernel is already registered at ${existing} and starts ${argv.slice(0, 2).join(" ")}.\n` +
            `Run \`npm run kernel -- --force\` to point it at this project (${ROOT}).`,
        );
      }
    }
  }

  const dirs = kernels.map(({ name, spec }) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-kernel-"));
    try {
      fs.writeFileSync(path.join(tmp, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
      const r = runPython(python, INSTALL_PY, [tmp, name, mode === "user" ? "user" : "prefix", prefix]);
      if (!r.ok) throw new Error(`registering the "${name}" kernel with ${python} failed:\n${r.err}`);
      return r.out.split("\n").pop()!;
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
  return { kernelDir: dirs[0], python, argv: kernels[0].spec.argv, js: { kernelDir: dirs[1], argv: kernels[1].spec.argv } };
}

function parseArgs(argv: string[]): RegisterOptions {
  const options: RegisterOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new RangeError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--python") options.python = value();
    else if (arg === "--prefix") options.prefix = value();
    else if (arg === "--sys-prefix") options.sysPrefix = true;
    else if (arg === "--force") options.force = true;
    else throw new RangeError(`unknown option ${arg}; use --python PATH, --prefix DIR, --sys-prefix, --force`);
  }
  return options;
}

if (require.main === module) {
  try {
    const r = registerKernel(parseArgs(process.argv.slice(2)));
    console.log(`Registered the "${KERNEL_NAME}" kernel (TypeScript (lr-lab)) in ${r.kernelDir}`);
    console.log(`Registered the "${JS_KERNEL_NAME}" kernel (JavaScript (lr-lab)) in ${r.js.kernelDir}`);
    console.log(`  Jupyter: ${r.python}`);
    console.log(`  starts:  ${r.argv.slice(0, 2).join(" ")}`);
    console.log("Open the series with: jupyter lab notebooks/   (or: jupyter notebook notebooks/)");
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
