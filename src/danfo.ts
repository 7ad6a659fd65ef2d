// Loads danfojs-node on the library's own tfjs. package.json aliases danfojs-node's
// "@tensorflow/tfjs-node" to tfjs-core, but npm installs that alias as a second copy of tfjs-core:
// loading it would evaluate tfjs-core twice (it shares the global engine, yet prints "Platform
// node has already been set" into the notebook). Pointing the alias's module-cache entry at the
// tfjs-core we already loaded makes danfojs use the very same module.
import * as path from "path";

type Danfo = typeof import("danfojs-node");
let danfo: Danfo | null = null;

export function loadDanfo(): Danfo {
  if (danfo) return danfo;
  const danfoDir = path.dirname(require.resolve("danfojs-node/package.json"));
  const aliasPath = require.resolve("@tensorflow/tfjs-node", { paths: [danfoDir] });
  const corePath = require.resolve("@tensorflow/tfjs-core");
  const aliasName = (require(path.join(path.dirname(aliasPath), "..", "package.json")) as { name: string }).name;
  if (aliasPath !== corePath && aliasName === "@tensorflow/tfjs-core" && !require.cache[aliasPath]) {
    require(corePath);
    require.cache[aliasPath] = require.cache[corePath];
  }
  danfo = require("danfojs-node") as Danfo;
  return danfo;
}
