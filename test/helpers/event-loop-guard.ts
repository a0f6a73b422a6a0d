/**
 * Names the tests that hold the event loop (vitest setup file). vitest's worker answers its runner
 * over that loop and times every call out after 60 s: a test, or a row of tests, that computes or
 * runs *Sync child processes that long ends the whole run with `Timeout calling "onTaskUpdate"`
 * although every test passed. This prints a warning long before that; the fix is in
 * test/helpers/child-process.ts, off-thread.ts and in-parallel.ts.
 */
import { afterEach, expect } from 'vitest';

/** Well under the 60 s RPC timeout, and above what a loaded machine makes of an ordinary test. */
const WARN_AFTER_MS = 20_000;

let lastTurn = performance.now();
let longest = 0;
/** Start of a stretch already reported, so that the test after it is not blamed for it. */
let reported = -1;
const heartbeat = setInterval(() => {
  const now = performance.now();
  if (lastTurn !== reported) longest = Math.max(longest, now - lastTurn);
  lastTurn = now;
}, 100);
heartbeat.unref();

afterEach(() => {
  // The stretch still running counts too (a row of tests can hold the loop together), once.
  const held = Math.max(longest, lastTurn === reported ? 0 : performance.now() - lastTurn);
  longest = 0;
  if (held > WARN_AFTER_MS) {
    reported = lastTurn;
    console.warn(
      `${expect.getState().currentTestName}: the event loop had no turn for ${(held / 1000).toFixed(1)} s (vitest's RPC times out at 60 s); ` +
        'run child processes with test/helpers/child-process.ts and heavy computation with test/helpers/off-thread.ts',
    );
  }
});
