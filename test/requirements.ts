// Tests that need a tool beyond Node and npm (Debian's Jupyter, nbformat, Chromium) register
// through a gate: where a tool is missing they are registered as uvu skips (their bodies never
// run, and the closing line counts them as skipped) and the file says in one line what to
// install; under CI a missing tool is a failure, so CI can never pass by skipping.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Test } from "uvu";

export interface Tool {
  /** What is missing, e.g. "Debian's Jupyter (/usr/bin/jupyter)". */
  name: string;
  /** The Debian packages that install it. */
  packages: string[];
}

const PYTHON = "/usr/bin/python3";

function pythonImports(modules: string): boolean {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", `import ${modules}`], { encoding: "utf8" }).status === 0;
}

export const TOOLS = {
  jupyter: { name: "Debian's Jupyter (nbconvert, nbclient)", packages: ["jupyter-nbconvert", "python3-nbclient", "jupyter-notebook"] },
  nbformat: { name: "Debian's nbformat", packages: ["python3-nbformat"] },
  notebookServer: { name: "Debian's classic Jupyter Notebook", packages: ["jupyter-notebook", "jupyter-nbconvert"] },
  chromium: { name: "Chromium (/usr/bin/chromium)", packages: ["chromium"] },
  fonts: { name: "a font that renders text (figures' PNG copies)", packages: ["fonts-dejavu-core"] },
} satisfies Record<string, Tool>;

/** Which tools of `needed` this machine lacks (each check runs the real thing, not a path guess). */
export function missing(needed: (keyof typeof TOOLS)[]): Tool[] {
  const present: Record<keyof typeof TOOLS, () => boolean> = {
    jupyter: () => fs.existsSync("/usr/bin/jupyter") && pythonImports("jupyter_client, nbconvert, nbclient"),
    nbformat: () => pythonImports("nbformat"),
    notebookServer: () => pythonImports("notebook, nbconvert, nbformat"),
    chromium: () => fs.existsSync("/usr/bin/chromium"),
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    fonts: () => (require("../src/plot/png") as typeof import("../src/plot/png")).pngUnavailableReason() === "",
  };
  return needed.filter((k) => !present[k]()).map((k) => TOOLS[k]);
}

/** True under CI (CI=true, or any value other than "", "0" and "false"). */
export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? "").trim().toLowerCase();
  return v !== "" && v !== "0" && v !== "false";
}

/**
 * The `test` function for tests that need `tools`: the suite itself when all are present,
 * otherwise `suite.skip`, after one line naming the file, what is missing and how to install it.
 * Under CI a missing tool throws instead.
 */
export type Gated = ((name: string, fn: () => unknown) => void) & {
  /** False when the tests are skipped: hooks that start tools (servers, browsers) must not run. */
  enabled: boolean;
};

export function gate(suite: Test, file: string, tools: Tool[], env: NodeJS.ProcessEnv = process.env): Gated {
  if (tools.length === 0) return Object.assign((name: string, fn: () => unknown) => suite(name, fn as never), { enabled: true });
  const what = tools.map((t) => t.name).join(", ");
  const install = `sudo apt-get install ${[...new Set(tools.flatMap((t) => t.packages))].join(" ")}`;
  if (inCI(env)) throw new Error(`${path.basename(file)}: CI must have ${what} (.ci/run installs them: ${install})`);
  console.log(`${path.basename(file)}: skipping tests that need ${what}; install: ${install}`);
  return Object.assign((name: string, fn: () => unknown) => suite.skip(name, fn as never), { enabled: false });
}
