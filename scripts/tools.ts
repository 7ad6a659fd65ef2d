// The publishing toolchain (esbuild, typedoc, pagefind, markdown-it, katex, highlight.js,
// vega-embed) lives in tools/ with its own package.json and lockfile, so the lab's `npm ci` stays
// small for learners and facilitators. The commands and tests that need it call ensureTools(),
// which runs `npm ci` in tools/ the first time (and again whenever tools/package-lock.json changes).
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export const TOOLS_DIR = path.resolve(__dirname, "..", "tools");
const STAMP = path.join(TOOLS_DIR, "node_modules", ".lr-lab-lock-hash");

function lockHash(): string {
  return crypto.createHash("sha256").update(fs.readFileSync(path.join(TOOLS_DIR, "package-lock.json"))).digest("hex");
}

/** Install tools/ when missing or stale; returns how it went ("present" or "installed"). */
export function ensureTools(log: (line: string) => void = (l) => console.error(l)): "present" | "installed" {
  const want = lockHash();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === want) return "present";
  log("installing the publishing tools into tools/ (npm ci, once) ...");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: TOOLS_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`npm ci in tools/ failed:\n${(r.stdout ?? "") + (r.stderr ?? "")}`.slice(-4000));
  fs.writeFileSync(STAMP, want);
  return "installed";
}

/** require() a package of tools/ (after ensureTools). */
export function toolsRequire<T = unknown>(name: string): T {
  return require(require.resolve(name, { paths: [TOOLS_DIR] })) as T;
}

/** The path of a tools/ binary, e.g. toolsBin("pagefind"). */
export function toolsBin(name: string): string {
  return path.join(TOOLS_DIR, "node_modules", ".bin", name);
}

/** What this project uses of esbuild's API (its types live in tools/, not in the lab's install). */
export interface EsbuildApi {
  buildSync(options: Record<string, unknown>): { errors: { text: string }[]; warnings: { text: string }[] };
}

export function esbuild(): EsbuildApi {
  ensureTools();
  return toolsRequire<EsbuildApi>("esbuild");
}

if (require.main === module) {
  console.log(`tools/: ${ensureTools((l) => console.log(l))}`);
}
