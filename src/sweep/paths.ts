// Where the project lives: cache directories and the worker script are found from here, so a
// notebook whose working directory is notebooks/ still writes to the project's data/runs.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

let cached: string | null = null;

/** The nearest folder at or above the working directory whose package.json is "lr-lab" (else the working directory). */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "lr-lab") return (cached = dir);
      } catch {
        // not ours; keep looking
      }
    }
    if (path.dirname(dir) === dir) return (cached = process.cwd());
  }
}

/** The library's version from its package.json ("unknown" when not found). */
export function libraryVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

let sourceHash: string | null = null;

/**
 * A short hash of every file of the library's source (src/, read once per process). Cached runs
 * are keyed by it: a learner who edits src/, or a new kernel in src/wasm, must not be served
 * results computed by the old code.
 */
export function librarySourceHash(): string {
  if (sourceHash) return sourceHash;
  const srcDir = path.resolve(__dirname, "..");
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) files.push(full);
    }
  };
  walk(srcDir);
  const hash = createHash("sha256");
  for (const file of files.sort()) hash.update(path.relative(srcDir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  return (sourceHash = hash.digest("hex").slice(0, 12));
}
