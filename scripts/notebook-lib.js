#!/usr/bin/env node
// The notebook-to-library bridge. tslab compiles a notebook with rootDir = the notebook's folder,
// so notebooks cannot import "../src"; they import "./src/index" from notebooks/src. That folder
// is src/ compiled to JavaScript with .d.ts types (tsc, incremental): tslab then reads
// declarations instead of type-checking and emitting the whole library in every kernel, which
// took ~10 s of each notebook's start (2-3 s this way). Run by `npm ci` (postinstall), by the
// notebook runner and the test runner before they start (a no-op when src/ has not changed), and
// by hand: `npm run notebook-lib`. Without TypeScript (npm ci --omit=dev) it falls back to a link
// notebooks/src -> ../src, which tslab compiles itself (slower, same result).
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const PROJECT = path.resolve(__dirname, "..");
const BUILD_INFO = "build-info.json"; // BUILD_INFO_FILE of src/build-info.ts
const SOURCE_FROM_LIB = "../../src"; // src/, seen from notebooks/src (BuildInfo.source)

/** The folders of a project (this one by default; tests use a copy). */
function layout(root = PROJECT) {
  return {
    root,
    srcDir: path.join(root, "src"),
    libDir: path.join(root, "notebooks", "src"),
    tsconfig: path.join(root, "tsconfig.notebook-lib.json"),
    lockFile: path.join(root, "notebooks", ".src-build.lock"),
  };
}

function lstat(p) {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

function readInfo({ libDir }) {
  try {
    return JSON.parse(fs.readFileSync(path.join(libDir, BUILD_INFO), "utf8"));
  } catch {
    return null;
  }
}

function writeInfo({ libDir }, info) {
  fs.writeFileSync(path.join(libDir, BUILD_INFO), JSON.stringify(info, null, 2) + "\n");
}

/** The hash of src/ as the library computes it, from the built copy (one implementation). */
function currentSourceHash({ libDir, srcDir }) {
  return require(path.join(libDir, "build-info.js")).sourceTreeHash(srcDir);
}

/** "fresh" | "stale" | "missing" | "link" | "foreign" (a folder or file a user made). */
function state(where = layout()) {
  const st = lstat(where.libDir);
  if (!st) return "missing";
  if (st.isSymbolicLink()) return "link";
  if (st.isFile() && st.size < 256) return "missing"; // git's text stand-in for an old link
  const info = readInfo(where);
  if (!st.isDirectory() || !info) return "foreign";
  try {
    return currentSourceHash(where) === info.sourceHash ? "fresh" : "stale";
  } catch {
    return "stale";
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One builder at a time (runner and tests may start together); a lock older than 5 min is dead. */
function withLock({ lockFile }, fn) {
  for (const until = Date.now() + 300_000; ; ) {
    try {
      fs.closeSync(fs.openSync(lockFile, "wx"));
      break;
    } catch {
      const st = lstat(lockFile);
      if (st && Date.now() - st.mtimeMs > 300_000) fs.rmSync(lockFile, { force: true });
      if (Date.now() > until) throw new Error(`lr-lab: ${lockFile} is held by another build; remove it if none is running`);
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

/** Delete outputs whose source is gone (tsc never does), so a removed module cannot linger. */
function pruneOrphans({ libDir, srcDir }, dir = libDir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      pruneOrphans({ libDir, srcDir }, full);
      if (fs.readdirSync(full).length === 0) fs.rmdirSync(full);
      continue;
    }
    const m = entry.name.match(/^(.*?)(\.d\.ts|\.js)$/);
    if (!m) continue;
    const source = path.join(srcDir, path.relative(libDir, dir), `${m[1]}.ts`);
    if (!fs.existsSync(source)) fs.rmSync(full);
  }
}

function typescriptCli({ root }) {
  try {
    return require.resolve("typescript/bin/tsc", { paths: [root] });
  } catch {
    return null;
  }
}

function linkInstead({ libDir, srcDir }, reason) {
  const st = lstat(libDir);
  if (st && st.isSymbolicLink()) return { status: "link", message: `lr-lab: ${reason}; notebooks/src stays a link to src/` };
  if (st) fs.rmSync(libDir, { recursive: true, force: true });
  if (process.platform === "win32") fs.symlinkSync(srcDir, libDir, "junction");
  else fs.symlinkSync(path.join("..", "src"), libDir, "dir");
  return { status: "link", message: `lr-lab: ${reason}; linked notebooks/src -> src (tslab compiles it in each kernel, ~10 s)` };
}

/**
 * Make notebooks/src the compiled copy of src/ unless it already is. Returns { status, message }:
 * status "fresh" (nothing to do), "built", "link" (fallback), "foreign" (left alone) or "failed"
 * (tsc errors, in message; the previous build is kept).
 */
function ensureNotebookLib({ force = false, root = PROJECT } = {}) {
  const where = layout(root);
  const { libDir, tsconfig } = where;
  const before = state(where);
  if (before === "fresh" && !force) return { status: "fresh", message: "" };
  if (before === "foreign") {
    return {
      status: "foreign",
      message: `lr-lab: ${libDir} exists and is not our build of src/; leaving it alone.\n` +
        "lr-lab: notebooks import the library through it: move it away and run `npm run notebook-lib`.",
    };
  }
  const tsc = typescriptCli(where);
  if (!tsc) return linkInstead(where, "TypeScript is not installed (npm ci --omit=dev?)");
  return withLock(where, () => {
    if (state(where) === "fresh" && !force) return { status: "fresh", message: "" }; // built while we waited
    const st = lstat(libDir);
    if (st && !st.isDirectory()) fs.rmSync(libDir, { force: true }); // an old link (never its target) or stand-in
    // Mark the folder as ours first: a build that fails half-way is rebuilt next time, not left alone.
    fs.mkdirSync(libDir, { recursive: true });
    if (!readInfo(where)) writeInfo(where, { sourceHash: null, source: SOURCE_FROM_LIB, builtAt: null });
    const started = Date.now();
    const run = spawnSync(process.execPath, [tsc, "-p", tsconfig], { cwd: root, encoding: "utf8" });
    if (run.status !== 0) {
      return { status: "failed", message: `lr-lab: compiling src/ for the notebooks failed:\n${(run.stdout || "") + (run.stderr || "")}` };
    }
    pruneOrphans(where);
    writeInfo(where, { sourceHash: currentSourceHash(where), source: SOURCE_FROM_LIB, builtAt: new Date().toISOString() });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return { status: "built", message: `lr-lab: compiled src/ into notebooks/src for the notebooks (${seconds} s)` };
  });
}

module.exports = { ensureNotebookLib, notebookLibState: (root = PROJECT) => state(layout(root)) };

if (require.main === module) {
  const r = ensureNotebookLib({ force: process.argv.includes("--force") });
  if (r.message) (r.status === "failed" || r.status === "foreign" ? console.error : console.log)(r.message);
  if (r.status === "fresh") console.log("lr-lab: notebooks/src is up to date with src/");
  process.exit(r.status === "failed" ? 1 : 0);
}
