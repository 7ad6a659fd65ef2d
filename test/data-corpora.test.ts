import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadNames, loadSpeeches } from "../src/data/index";

test("names: ~8,400 distinct lowercase a-z words from both stdlib lists, sorted", () => {
  const names = loadNames();
  assert.ok(names.length > 8000 && names.length < 8851, `got ${names.length}`); // 4,951 + 3,898 before dedup
  assert.is(new Set(names).size, names.length, "deduplicated");
  assert.ok(names.every((n) => /^[a-z]+$/.test(n)));
  assert.equal(names, names.slice().sort());
  assert.ok(names.includes("emma") && names.includes("aaron"), "female and male lists both present");
  names.pop();
  assert.is(loadNames().length, names.length + 1, "callers get a copy");
});

test("prose: 233 addresses in year order, ~10.7 M characters, ASCII after normalisation", () => {
  const all = loadSpeeches();
  assert.is(all.length, 233);
  const chars = all.reduce((n, s) => n + s.length, 0);
  assert.ok(chars > 10.5e6 && chars < 10.9e6, `got ${chars}`);
  assert.ok(all.every((s) => /^[\x00-\x7f]*$/.test(s)), "only ASCII");
  assert.ok(/Fellow-Citizens/.test(all[0].slice(0, 200)), "starts with Washington's first address");
  const raw = loadSpeeches({ ascii: false });
  assert.ok(raw.some((s) => /[^\x00-\x7f]/.test(s)), "ascii: false keeps typographic characters");
});

test("prose: maxChars takes an exact slice from the oldest address on", () => {
  const slice = loadSpeeches({ maxChars: 50_000 });
  assert.is(slice.reduce((n, s) => n + s.length, 0), 50_000);
  const full = loadSpeeches();
  assert.is(slice[0], full[0]);
  assert.ok(full[slice.length - 1].startsWith(slice[slice.length - 1]));
  assert.throws(() => loadSpeeches({ maxChars: 0 }), (e: Error) => e instanceof RangeError && /maxChars/.test(e.message));
});

test.run();
