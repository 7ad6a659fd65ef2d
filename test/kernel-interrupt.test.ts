// A cell timeout must stop the cell even when it fires before the cell's code runs: tslab
// swallows a SIGINT that lands while it still compiles the cell, so the runner repeats it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import * as path from "path";
import { KernelSession } from "../scripts/runner/kernel";

const notebooks = path.resolve(__dirname, "..", "notebooks");

test("a timeout that fires while tslab compiles the cell still interrupts it (no kill)", async () => {
  const k = await KernelSession.start({ cwd: notebooks, startTimeoutMs: 120_000 });
  try {
    // Enough statements that compiling takes far longer than the 1 ms timeout, then a busy loop.
    const cell = Array.from({ length: 400 }, (_, i) => `const v${i}: number = ${i} * 2;`).join("\n") + "\nwhile (true) {}";
    const run = await k.execute(cell, { timeoutMs: 1, interruptGraceMs: 120_000 });
    assert.equal(run.stopped, { reason: "timeout", how: "interrupted" });
    assert.ok(k.alive, "an interrupted kernel stays up (it is killed only when SIGINT fails)");
  } finally {
    await k.shutdown().catch(() => undefined);
  }
});

test.run();
