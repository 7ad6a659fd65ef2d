// The installable library as a user meets it: `npm run pack`'s tarball installed into a scratch
// project beside plain @tensorflow/tfjs (from the npm registry), used from CommonJS and ESM, by a
// TypeScript consumer under --strict, and in a browser bundle run in Chromium.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPackage } from "../scripts/package/build";
import { esbuild } from "../scripts/tools";
import { gate, missing } from "./requirements";

const root = path.resolve(__dirname, "..");
const fixtures = path.join(root, "test", "fixtures", "package-consumer");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lr-lab-package-"));
let tarball = "";

const sh = (cmd: string, args: string[], cwd = scratch, timeout = 600_000) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`, stdout: r.stdout ?? "" };
};
const lastJson = (text: string) => JSON.parse(text.trim().split("\n").pop()!);

test.before(() => {
  tarball = buildPackage();
  fs.writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "scratch", private: true, version: "1.0.0" }));
  for (const f of fs.readdirSync(fixtures)) fs.copyFileSync(path.join(fixtures, f), path.join(scratch, f));
  const install = sh("npm", ["install", "--no-save", "--no-package-lock", tarball, "@tensorflow/tfjs@4.22.0"]);
  if (!install.ok) throw new Error(`npm install in the scratch project failed:\n${install.out.slice(-3000)}`);
});
test.after(() => fs.rmSync(scratch, { recursive: true, force: true }));

test("the tarball holds built JavaScript (CJS, ESM), types and no notebook machinery", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "lr-lab-tfjs", "package.json"), "utf8"));
  assert.equal(Object.keys(pkg.exports), [".", "./fit", "./package.json"]);
  assert.is(pkg.dependencies, undefined, "no dependencies of its own");
  assert.equal(Object.keys(pkg.peerDependencies).sort(), ["@tensorflow/tfjs-core", "@tensorflow/tfjs-layers"]);
  const dist = path.join(scratch, "node_modules", "lr-lab-tfjs", "dist");
  const code = ["index.cjs", "index.mjs", "fit.cjs", "fit.mjs"].map((f) => fs.readFileSync(path.join(dist, f), "utf8")).join("\n");
  for (const lab of ["tslab", "danfojs", "vega", "nodeplotlib", "zeromq", "tfjs-backend-wasm", "@stdlib"]) assert.not.ok(code.includes(lab), `bundle mentions ${lab}`);
  const imports = new Set([...code.matchAll(/(?:require\(|from )"([^"]+)"/g)].map((m) => m[1]));
  assert.equal([...imports].sort(), ["@tensorflow/tfjs-core", "@tensorflow/tfjs-layers"]);
  // the main entry never loads tfjs-layers
  assert.not.ok(fs.readFileSync(path.join(dist, "index.cjs"), "utf8").includes(`require("@tensorflow/tfjs-layers")`));
});

test("importing it loads no backend and touches no engine state", () => {
  const probe = sh(process.execPath, ["-e", `
    const tf = require("@tensorflow/tfjs-core");
    require("@tensorflow/tfjs-backend-cpu");
    const before = { backends: Object.keys(tf.engine().registryFactory), active: tf.engine().backendName };
    const lib = require("lr-lab-tfjs");
    const after = { backends: Object.keys(tf.engine().registryFactory), active: tf.engine().backendName };
    console.log(JSON.stringify({ before, after, exports: Object.keys(lib).length, numTensors: tf.memory().numTensors }));`]);
  assert.ok(probe.ok, probe.out);
  const r = lastJson(probe.stdout);
  assert.equal(r.after, r.before);
  assert.is(r.before.active, undefined, "no backend initialised by the import");
  assert.ok(r.exports > 30, `${r.exports} exports`);
  assert.is(r.numTensors, 0);
});

test("CommonJS: a tf.LayersModel trains with adamw and a warmup schedule through model.fit; the range test restores it", () => {
  const r = sh(process.execPath, ["train.cjs"]);
  assert.ok(r.ok, r.out);
  const out = lastJson(r.stdout);
  assert.is(out.backend, "cpu");
  assert.ok(out.losses[4] < out.losses[0] * 0.8, `losses ${out.losses}`);
  assert.ok(out.ratesMatch, "every batch used schedule(k)");
  assert.ok(out.restored, "weights restored after lrFinderFit");
  assert.ok(out.valley > 1e-5 && out.valley < 10, out.finder);
});

test("ESM: named imports from both entry points train", () => {
  const r = sh(process.execPath, ["train.mjs"]);
  assert.ok(r.ok, r.out);
  const out = lastJson(r.stdout);
  assert.ok(out.last < out.first / 2, JSON.stringify(out));
  assert.is(out.norm, 5);
});

test("TypeScript under --strict: the consumer type-checks (node16 and node10 resolution), a misuse does not", () => {
  const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
  for (const resolution of [["--module", "node16", "--moduleResolution", "node16"], ["--module", "commonjs", "--moduleResolution", "node"]]) {
    const r = sh(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--target", "ES2022", "--lib", "ES2022,DOM", "--types", "node", "--esModuleInterop", ...resolution, "consumer.ts"]);
    assert.ok(r.ok, `${resolution.join(" ")}:\n${r.out}`);
  }
  fs.writeFileSync(path.join(scratch, "misuse.ts"), 'import { adamw } from "lr-lab-tfjs";\nadamw({ lr: "fast" });\n');
  const bad = sh(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--types", "node", "--module", "node16", "--moduleResolution", "node16", "misuse.ts"]);
  assert.not.ok(bad.ok);
  assert.match(bad.out, /Type 'string' is not assignable to type 'number'/);
});

const inBrowser = gate(test, __filename, missing(["chromium"]));
inBrowser("a browser bundle (esbuild) of an example trains on tfjs's cpu backend in Chromium", async () => {
  const bundle = path.join(scratch, "bundle.js");
  esbuild().buildSync({ entryPoints: [path.join(scratch, "browser.mjs")], bundle: true, format: "iife", platform: "browser", outfile: bundle, absWorkingDir: scratch, logLevel: "error" });
  fs.writeFileSync(path.join(scratch, "index.html"), '<!doctype html><meta charset="utf-8"><title>lr-lab-tfjs</title><script src="bundle.js"></script>');
  const { launchBrowser } = await import("../scripts/browser-check");
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`file://${path.join(scratch, "index.html")}`);
    await page.waitForFunction(() => (globalThis as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { result: Record<string, unknown> }).result);
    assert.equal(errors, []);
    assert.is(result.error, undefined, String(result.error));
    assert.is(result.backend, "cpu");
    assert.is(result.rates, 40);
    assert.ok((result.last as number) < (result.first as number) / 2, JSON.stringify(result));
  } finally {
    await browser.close();
  }
});

test.run();
