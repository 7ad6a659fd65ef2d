// Chooses and sets up the tfjs backend once per process.
// Preference: tfjs-node ("tensorflow", native) > wasm (SIMD) > cpu (pure JS).
// LR_LAB_BACKEND=tensorflow|wasm|cpu forces one and fails loudly when it cannot load.
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core's Node build registers no gradients (the umbrella @tensorflow/tfjs bundles them);
// tfjs-layers' Node build registers all of core's gradients as a side effect, so loading it
// here is what makes tf.grad and every optimizer work with core + backends alone.
import "@tensorflow/tfjs-layers";

export type BackendName = "tensorflow" | "wasm" | "cpu";
export const BACKENDS: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

export interface BackendReport {
  /** The tfjs backend now active. */
  name: BackendName;
  /** Why this backend: forced by the environment, or the fastest one present. */
  reason: string;
  /** Backends that could not load, each with the error that stopped it. */
  unavailable: { name: BackendName; error: string }[];
  /** Fixes applied on top of tfjs for this backend (e.g. missing wasm kernels). */
  fixes: string[];
  /** Library versions, for the setup check of a notebook. */
  versions: { tfjs: string; node: string };
}

export interface ReadyOptions {
  /** Force a backend; overrides LR_LAB_BACKEND. */
  backend?: BackendName;
}

// The optional native package is installed under the alias "tfjs-node" (see package.json:
// danfojs-node's own "@tensorflow/tfjs-node" dependency is aliased to tfjs-core so that only
// one tfjs engine is loaded, and npm cannot place both under the same name).
const NATIVE_PACKAGE = "tfjs-node";

let current: Promise<BackendReport> | null = null;
let currentKey = "";

/** The backend asked for by LR_LAB_BACKEND, or undefined when unset or empty. */
export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendName | undefined {
  const raw = env.LR_LAB_BACKEND?.trim();
  if (!raw) return undefined;
  if (!(BACKENDS as readonly string[]).includes(raw)) {
    throw new RangeError(
      `LR_LAB_BACKEND must be one of ${BACKENDS.join(", ")} (or unset for the fastest present); got "${raw}"`,
    );
  }
  return raw as BackendName;
}

/** Load the package that registers a backend; throws with the loader's message when absent. */
function load(name: BackendName): void {
  if (name === "cpu") require("@tensorflow/tfjs-backend-cpu");
  else if (name === "wasm") require("@tensorflow/tfjs-backend-wasm");
  else {
    const pkg = require(`${NATIVE_PACKAGE}/package.json`) as { name: string };
    if (pkg.name !== "@tensorflow/tfjs-node") {
      throw new Error(`${NATIVE_PACKAGE} resolves to ${pkg.name}, not @tensorflow/tfjs-node`);
    }
    require(NATIVE_PACKAGE);
  }
}

function message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split("\n")[0];
}

async function activate(name: BackendName): Promise<string[]> {
  load(name);
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
  await tf.ready();
  // The cpu backend's first use prints a banner advising tfjs-node; our report says it instead.
  if (name === "cpu") (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  const fixes: string[] = [];
  for (const fix of backendFixes) {
    if (fix.backend === name) {
      fix.apply();
      fixes.push(fix.description);
    }
  }
  return fixes;
}

/** A patch that a backend needs before it can train our models (registered by src/wasm). */
export interface BackendFix {
  backend: BackendName;
  description: string;
  apply(): void;
}
const backendFixes: BackendFix[] = [];

/** Register a fix applied whenever `ready()` activates its backend. Idempotent `apply` expected. */
export function registerBackendFix(fix: BackendFix): void {
  if (!backendFixes.some((f) => f.description === fix.description)) backendFixes.push(fix);
}

async function choose(forced: BackendName | undefined, source: string): Promise<BackendReport> {
  const unavailable: BackendReport["unavailable"] = [];
  const versions = { tfjs: tf.version_core, node: process.versions.node };
  if (forced) {
    try {
      const fixes = await activate(forced);
      return { name: forced, reason: `forced by ${source}`, unavailable, fixes, versions };
    } catch (e) {
      const hint =
        forced === "tensorflow"
          ? " (install it with `npm install tfjs-node@npm:@tensorflow/tfjs-node@4.22.0`; it needs to download libtensorflow)"
          : "";
      throw new Error(`backend "${forced}" was forced by ${source} but is not available: ${message(e)}${hint}`);
    }
  }
  for (const name of BACKENDS) {
    try {
      const fixes = await activate(name);
      const skipped = unavailable.map((u) => u.name).join(", ");
      const reason =
        name === "tensorflow"
          ? "fastest present: native TensorFlow through tfjs-node"
          : `fastest present (${skipped} not available)`;
      return { name, reason, unavailable, fixes, versions };
    } catch (e) {
      unavailable.push({ name, error: message(e) });
    }
  }
  throw new Error(`no tfjs backend could load: ${unavailable.map((u) => `${u.name}: ${u.error}`).join("; ")}`);
}

/**
 * Set up the fastest tfjs backend present (or the one forced by `options.backend` or
 * LR_LAB_BACKEND) and report which one runs and why. Safe to call many times: later calls
 * with the same choice return the same report.
 */
export function ready(options: ReadyOptions = {}): Promise<BackendReport> {
  if (options.backend !== undefined && !BACKENDS.includes(options.backend)) {
    return Promise.reject(new RangeError(`backend must be one of ${BACKENDS.join(", ")}; got "${options.backend}"`));
  }
  let forced: BackendName | undefined;
  try {
    forced = options.backend ?? backendFromEnv();
  } catch (e) {
    return Promise.reject(e);
  }
  const source = options.backend !== undefined ? "ready({ backend })" : "LR_LAB_BACKEND";
  const key = forced ?? "auto";
  if (!current || key !== currentKey) {
    currentKey = key;
    current = choose(forced, source);
    current.catch(() => {
      current = null; // let a later call retry with other settings
    });
  }
  return current;
}

/** One line for a notebook's setup cell: "backend wasm (fastest present ...), tfjs 4.22.0". */
export function describeBackend(report: BackendReport): string {
  const fixes = report.fixes.length ? `; fixes: ${report.fixes.join(", ")}` : "";
  return `backend ${report.name} (${report.reason}), tfjs ${report.versions.tfjs}, node ${report.versions.node}${fixes}`;
}

// The wasm kernel fixes (src/wasm), applied by activate() whenever wasm becomes the backend.
import { WASM_FIXES } from "./wasm/index";
for (const fix of WASM_FIXES) registerBackendFix(fix);
