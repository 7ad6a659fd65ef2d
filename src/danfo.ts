// Loads danfojs-node on the library's own tfjs. danfojs-node requires "@tensorflow/tfjs-node";
// package.json points that name at a small shim (scripts/shims/tfjs-node-for-danfo) that hands it
// the project's tfjs-core, so there is one tfjs-core on disk and one module at run time (no
// second evaluation, no "Platform node has already been set" line in notebooks). Loaded on first
// use: danfojs takes about a second to load.
type Danfo = typeof import("danfojs-node");
let danfo: Danfo | null = null;

export function loadDanfo(): Danfo {
  danfo ??= require("danfojs-node") as Danfo;
  return danfo;
}
