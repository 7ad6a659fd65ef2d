// Preloaded by scripts/run-tests.js. uvu loses an error thrown in a before/after hook (its runner
// returns from a `finally`): the file then shows "(0 / N)" with no reason. Print the error under
// the file's heading, then let it fail the file as before.
"use strict";
const { test } = require("uvu");

for (const name of ["before", "after"]) {
  const register = test[name];
  const each = register.each;
  test[name] = (fn) =>
    register(async (state) => {
      try {
        await fn(state);
      } catch (err) {
        process.stdout.write(`\n  ${name} hook failed: ${(err && err.stack) || err}\n`);
        throw err;
      }
    });
  test[name].each = each;
}
