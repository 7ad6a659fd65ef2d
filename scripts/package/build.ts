// `npm run pack`: builds the installable library (packages/tfjs) from src/package/{index,fit}.ts
// into out/package/lr-lab-tfjs: CommonJS and ESM bundles (esbuild; tfjs stays external, a peer
// dependency), .d.ts types (tsc), package.json and README; then `npm pack` writes the tarball.
// The tarball's path is the last line printed.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { esbuild } from "../tools";

const root = path.resolve(__dirname, "..", "..");
const out = path.join(root, "out", "package");
const pkgDir = path.join(out, "lr-lab-tfjs");

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export function buildPackage(): string {
  fs.rmSync(pkgDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(pkgDir, "dist"), { recursive: true });
  const template = JSON.parse(fs.readFileSync(path.join(root, "packages", "tfjs", "package.json"), "utf8"));
  for (const entry of ["index", "fit"]) {
    for (const [format, ext] of [["cjs", "cjs"], ["esm", "mjs"]] as const) {
      const result = esbuild().buildSync({
        entryPoints: [path.join(root, "src", "package", `${entry}.ts`)],
        outfile: path.join(pkgDir, "dist", `${entry}.${ext}`),
        bundle: true,
        format,
        platform: "neutral",
        target: "es2020",
        // tfjs is the user's (a peer dependency): one engine, whatever they installed it as
        external: ["@tensorflow/*"],
        // the fit entry uses the main entry's modules: bundled again, but its classes come from the same peers
        logLevel: "warning",
        legalComments: "none",
        sourcemap: false,
      });
      if (result.errors.length) throw new Error(`esbuild: ${result.errors.map((e) => e.text).join("\n")}`);
    }
  }
  // Types: declarations of src/package/* and what they reference, under dist/types.
  run(process.execPath, [
    path.join(root, "node_modules", "typescript", "bin", "tsc"),
    "--declaration", "--emitDeclarationOnly", "--skipLibCheck", "--strict", "--target", "ES2022", "--lib", "ES2022,DOM",
    "--module", "commonjs", "--moduleResolution", "node", "--esModuleInterop", "--types", "node",
    "--rootDir", path.join(root, "src"), "--outDir", path.join(pkgDir, "dist", "types"),
    path.join(root, "src", "package", "index.ts"), path.join(root, "src", "package", "fit.ts"),
  ], root);
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  fs.writeFileSync(path.join(pkgDir, "package.json"), JSON.stringify({ ...template, version }, null, 2) + "\n");
  fs.copyFileSync(path.join(root, "packages", "tfjs", "README.md"), path.join(pkgDir, "README.md"));
  fs.copyFileSync(path.join(root, "LICENSE"), path.join(pkgDir, "LICENSE"));
  const packed = run("npm", ["pack", "--pack-destination", out, "--json"], pkgDir);
  const file = JSON.parse(packed)[0].filename as string;
  return path.join(out, file);
}

if (require.main === module) {
  try {
    const tarball = buildPackage();
    console.log(`built ${path.relative(root, pkgDir)} (CommonJS, ESM, types)`);
    console.log(tarball);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
