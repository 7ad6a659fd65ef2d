// What a compiled copy of the library (notebooks/src, made by scripts/notebook-lib.js) was built
// from. The run cache keys runs by the source's hash, and a copy older than src/ says so on import
// instead of silently running old code.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The file at the root of a compiled copy that records its source. */
export const BUILD_INFO_FILE = "build-info.json";

export interface BuildInfo {
  /** sourceTreeHash of the source folder it was compiled from (null while a build runs). */
  sourceHash: string | null;
  /** That folder, relative to the copy. */
  source: string;
  builtAt: string | null;
}

/** A short hash of every TypeScript source file (not .d.ts) under `dir`: names and contents. */
export function sourceTreeHash(dir: string): string {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(full);
    }
  };
  walk(dir);
  const hash = createHash("sha256");
  for (const file of files.sort()) hash.update(path.relative(dir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  return hash.digest("hex").slice(0, 12);
}

/** The library's root folder: this file's folder, in the source and in a compiled copy. */
export const LIBRARY_DIR = __dirname;

/** The build info of a compiled copy at `dir`, or null (the TypeScript source has none). */
export function readBuildInfo(dir = LIBRARY_DIR): BuildInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, BUILD_INFO_FILE), "utf8")) as BuildInfo;
  } catch {
    return null;
  }
}

/**
 * For a compiled copy whose source has changed since it was built: the sentence that says so
 * and how to rebuild. Null for the source itself, a fresh copy, or a copy whose source is gone.
 */
export function staleBuildWarning(dir = LIBRARY_DIR): string | null {
  const info = readBuildInfo(dir);
  if (!info) return null;
  const source = path.resolve(dir, info.source);
  if (!fs.existsSync(source)) return null;
  if (sourceTreeHash(source) === info.sourceHash) return null;
  return `lr-lab: src/ has changed since notebooks/src was compiled from it; run \`npm run notebook-lib\` and restart the kernel to use your changes`;
}
