// Finished runs on disk, one JSON file per run, named by a hash of everything that determines
// its result: the experiment, its full configuration, the library and tfjs versions, the backend.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Json, canonicalJson } from "./grid";

/** Bump when the stored format or the meaning of a run changes: old entries are then ignored. */
export const CACHE_FORMAT = 1;

export interface RunKeyParts {
  experiment: string;
  config: Json;
  /** Library version, tfjs version and backend, e.g. "lr-lab 0.1.0 / tfjs 4.22.0 / wasm". */
  version: string;
}

export function runKey(parts: RunKeyParts): string {
  const text = canonicalJson({ format: CACHE_FORMAT, experiment: parts.experiment, config: parts.config, version: parts.version });
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 24);
}

// JSON cannot hold NaN or Infinity (a diverged run's loss); they are stored as tagged strings.
const TAG = "__number:";
function replacer(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? `${TAG}${v}` : v;
}
function reviver(_key: string, v: unknown): unknown {
  return typeof v === "string" && v.startsWith(TAG) ? Number(v.slice(TAG.length)) : v;
}
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}
export function decodeJson(text: string): unknown {
  return JSON.parse(text, reviver);
}

export class RunCache {
  constructor(readonly dir: string) {}

  file(experiment: string, key: string): string {
    const safe = experiment.replace(/[^A-Za-z0-9._-]/g, "_");
    return path.join(this.dir, safe, `${key}.json`);
  }

  /** The stored value, or undefined when absent or unreadable (a torn write is a miss). */
  get(experiment: string, key: string): unknown {
    const file = this.file(experiment, key);
    if (!fs.existsSync(file)) return undefined;
    try {
      return decodeJson(fs.readFileSync(file, "utf8"));
    } catch {
      return undefined;
    }
  }

  /** Write atomically (temp file + rename), so an interrupted sweep never leaves half a result. */
  put(experiment: string, key: string, value: unknown): void {
    const file = this.file(experiment, key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, encodeJson(value));
    fs.renameSync(tmp, file);
  }
}
