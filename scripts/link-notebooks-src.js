#!/usr/bin/env node
// The notebook-to-library bridge. tslab compiles a notebook with rootDir = the notebook's
// folder, so notebooks cannot import "../src". A link notebooks/src -> ../src lets them
// `import ... from "./src"` with full types. Run by `npm install` / `npm ci` (postinstall);
// safe to run again. On Windows a directory junction needs no admin rights.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "notebooks", "src");
const target = path.join(root, "src");

function pointsAtSrc(p) {
  try {
    return fs.realpathSync(p) === fs.realpathSync(target);
  } catch {
    return false;
  }
}

if (pointsAtSrc(link)) {
  process.exit(0);
}
let stat = null;
try {
  stat = fs.lstatSync(link);
} catch {
  // nothing there yet
}
if (stat && !stat.isSymbolicLink() && !(stat.isFile() && stat.size < 256)) {
  // A real folder or file that a user made: never overwrite it.
  console.error(`lr-lab: ${link} exists and is not a link to src/; leaving it alone.`);
  console.error("lr-lab: notebooks import the library through it: move it away and run `npm run link`.");
  process.exit(0);
}
if (stat) fs.rmSync(link, { force: true }); // a broken link, or git's text stand-in for one
fs.mkdirSync(path.dirname(link), { recursive: true });
if (process.platform === "win32") fs.symlinkSync(target, link, "junction");
else fs.symlinkSync(path.join("..", "src"), link, "dir");
console.log(`lr-lab: linked notebooks/src -> src (notebooks import the library from "./src")`);
