// Where the project lives: cache directories and the worker script are found from here, so a
// notebook whose working directory is notebooks/ still writes to the project's data/runs.
import * as fs from "fs";
import * as path from "path";
import { LIBRARY_DIR, readBuildInfo, sourceTreeHash } from "../build-info";

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
 * A short hash of the library's source (src/, read once per process). Cached runs are keyed by it:
 * a learner who edits src/, or a new kernel in src/wasm, must not be served results computed by
 * the old code. A compiled copy (notebooks/src) answers with the hash of the source it was built
 * from, so it shares the run cache with the source it runs.
 */
export function librarySourceHash(): string {
  if (sourceHash) return sourceHash;
  const info = readBuildInfo();
  if (!info) return (sourceHash = sourceTreeHash(LIBRARY_DIR));
  // A copy whose build did not finish has no recorded hash: key by the source it came from, never
  // by the copy's own folder (which holds no .ts and would hash to one constant).
  return (sourceHash = info.sourceHash ?? sourceTreeHash(path.resolve(LIBRARY_DIR, info.source)));
}
