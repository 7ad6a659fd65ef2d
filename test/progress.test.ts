import { test } from "uvu";
import * as assert from "uvu/assert";
import { progress, formatProgress } from "../src/progress";
import { DisplayContent } from "../src/plot/notebook";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

test("formatProgress shows bar, step/total, loss, LR, elapsed and time left", () => {
  const line = formatProgress({ step: 250, total: 1000, loss: 2.34567, lr: 0.0003, elapsedSeconds: 10, leftSeconds: 30, done: false }, "train", 8);
  assert.is(line, "train ██░░░░░░  25% 250/1000 · loss 2.346 · lr 3e-4 · 10s elapsed · 30s left");
});

test("notebook: one output, created once, then updated in place at most every 250 ms, final state always drawn", () => {
  const sent: { content: DisplayContent; update: boolean }[] = [];
  jupyter.lastWriteDisplayData = (content: DisplayContent, update: boolean) => sent.push({ content, update });
  const c = clock();
  const p = progress({ total: 1000, now: c.now });
  jupyter.lastWriteDisplayData = null;
  assert.is(p.mode, "notebook");
  for (let step = 1; step < 1000; step++) {
    c.advance(10); // 10 ms per step: 10 s in all, so about 40 redraws
    p.update(step, { loss: 3 - step / 1000, lr: 0.001 });
  }
  c.advance(10);
  const final = p.done({ loss: 1.5 });
  assert.is(sent[0].update, false);
  assert.ok(sent.slice(1).every((s) => s.update), "later messages update in place");
  const ids = new Set(sent.map((s) => s.content.transient?.display_id));
  assert.is(ids.size, 1);
  assert.match([...ids][0]!, /^[0-9a-f]{16}$/);
  assert.ok(sent.length >= 38 && sent.length <= 42, `${sent.length} messages for 10 s`);
  const last = sent[sent.length - 1].content.data;
  assert.match(last["text/plain"] as string, / 99% 999\/1000 · loss 1\.5 · lr 1e-3 · 10s elapsed · done$/);
  assert.match(last["text/html"] as string, /<progress value="999" max="1000"/);
  assert.is(final.done, true);
  const n = sent.length;
  p.update(5);
  p.done();
  assert.is(sent.length, n, "nothing after done()");
});

test("time left is estimated from the mean step time", () => {
  const c = clock();
  const lines: string[] = [];
  const p = progress({ total: 100, mode: "lines", now: c.now, write: (t) => void lines.push(t) });
  c.advance(5_000);
  p.update(25);
  assert.is(p.current.leftSeconds, 15);
  assert.match(lines[lines.length - 1], /25% 25\/100 · 5\.0s elapsed · 15s left\n$/);
});

test("plain lines (CI logs): one line per tenth of the run plus the final one", () => {
  const c = clock();
  const lines: string[] = [];
  const p = progress({ total: 10_000, mode: "lines", now: c.now, write: (t) => void lines.push(t) });
  for (let s = 1; s <= 10_000; s++) {
    c.advance(1);
    p.update(s);
  }
  assert.is(lines.length, 11); // the start, tenths 0.1 .. 0.9, then done at 10 000
  assert.match(lines[0], /  0% 1\/10000 /);
  assert.match(lines[5], / 50% 5000\/10000 /);
  assert.ok(lines.every((l) => l.endsWith("\n") && !l.includes("\r")));
  assert.match(lines[lines.length - 1], /100% 10000\/10000 .* done\n$/);
});

test("TTY: one line redrawn with \\r, padded over a longer previous line, newline at the end", () => {
  const c = clock();
  const out: string[] = [];
  const p = progress({ total: 10, mode: "tty", now: c.now, write: (t) => void out.push(t), intervalMs: 0 });
  c.advance(1000);
  p.update(1, { loss: 123.456 });
  c.advance(1000);
  p.update(2, { loss: 1 });
  p.done();
  assert.ok(out.slice(0, -1).every((t) => t.startsWith("\r") && !t.includes("\n")));
  assert.is(out[1].length, out[0].length, "shorter line padded to cover the old one");
  assert.is(out[out.length - 1], "\n");
});

test("bad input is a RangeError naming the parameter", () => {
  assert.throws(() => progress({ total: 0 }), /total must be an integer >= 1/);
  assert.throws(() => progress({ total: 5, mode: "notebook" }), /needs a running tslab kernel/);
  const p = progress({ total: 5, mode: "lines", write: () => {} });
  assert.throws(() => p.update(-1), /step must be a finite number >= 0/);
});

test.run();
