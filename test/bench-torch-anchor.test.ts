// The PyTorch anchor of the GPT bench: it is timed with and without the machine's OpenBLAS
// settings, the fastest run is kept, and a reference BLAS is a loud warning.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TorchRun, anchorWarnings, describeAnchor, fastest, openblasCoreFor, torchVariants } from "../scripts/bench/torch-anchor";

const run = (msPerStep: number, blas: Partial<TorchRun["blas"]>, variant = "machine settings"): TorchRun => ({
  backend: "torch", version: "1.13", threads: 2, params: 1, steps: 50, msPerStep, tokensPerS: 1, env: {}, variant,
  blas: { kind: "openblas", libraries: [], threads: 2, coretype: "Haswell", ...blas },
});

test("variants: the machine's environment, plus one without OPENBLAS_CORETYPE/L2_SIZE only when it sets them", () => {
  assert.equal(torchVariants({ PATH: "/bin" }).map((v) => v.variant), ["machine settings (no OPENBLAS_* set)"]);
  const v = torchVariants({ PATH: "/bin", OPENBLAS_CORETYPE: "Haswell", OPENBLAS_L2_SIZE: "1048576" });
  assert.equal(v.map((x) => x.variant), ["machine settings (OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=1048576)", "without OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE"]);
  assert.is(v[0].env.OPENBLAS_CORETYPE, "Haswell");
  assert.is(v[1].env.OPENBLAS_CORETYPE, undefined);
  assert.is(v[1].env.OPENBLAS_L2_SIZE, undefined);
  assert.is(v[1].env.PATH, "/bin");
});

test("a variant with OPENBLAS_CORETYPE for the CPU's ISA when that is not already the machine's setting", () => {
  assert.is(openblasCoreFor(["sse2", "avx2", "fma", "avx512f", "avx512vl"]), "SkylakeX");
  assert.is(openblasCoreFor(["sse2", "avx2", "fma"]), "Haswell");
  assert.is(openblasCoreFor(["sse2"]), undefined);
  const v = torchVariants({ PATH: "/bin", OPENBLAS_L2_SIZE: "1" }, "SkylakeX");
  assert.equal(v.map((x) => x.variant), ["machine settings (OPENBLAS_L2_SIZE=1)", "without OPENBLAS_L2_SIZE", "OPENBLAS_CORETYPE=SkylakeX (the CPU's ISA)"]);
  assert.is(v[2].env.OPENBLAS_CORETYPE, "SkylakeX");
  assert.is(v[2].env.OPENBLAS_L2_SIZE, undefined);
  assert.is(torchVariants({ OPENBLAS_CORETYPE: "SkylakeX" }, "SkylakeX").length, 2);
});

test("the fastest run is the anchor; its description names the BLAS, core, threads and settings", () => {
  const a = fastest([{ result: run(9, {}) }, { error: "x" }, { result: run(7, { coretype: "SkylakeX" }, "without OPENBLAS_CORETYPE") }]);
  assert.is(a!.msPerStep, 7);
  assert.is(describeAnchor(a!), "OpenBLAS (core SkylakeX, 2 threads), torch 2 threads, without OPENBLAS_CORETYPE");
  assert.is(fastest([{ error: "no torch" }]), undefined);
});

test("a reference BLAS (or an unknown one) is a loud warning with the fix; OpenBLAS is not", () => {
  assert.equal(anchorWarnings(run(7, {})), []);
  const w = anchorWarnings(run(50, { kind: "reference", libraries: ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"] }));
  assert.ok(w.some((l) => /WARNING: torch ran on Debian's reference BLAS/.test(l)));
  assert.ok(w.some((l) => /apt-get install libopenblas0-pthread/.test(l)));
  assert.match(describeAnchor(run(50, { kind: "reference" })), /REFERENCE BLAS/);
  assert.ok(anchorWarnings(run(50, { kind: "unknown" })).length > 0);
});

test.run();
