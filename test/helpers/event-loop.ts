/**
 * vitest setup file: keeps each test's worker free to answer its runner. The worker talks to the
 * runner over its event loop and times every call out after 60 s; between tests vitest awaits only
 * microtasks, so a row of synchronous tests (computation, *Sync child processes) used to hold the
 * loop together until the run ended with `Timeout calling "onTaskUpdate"`, every test passed.
 *
 * - Before each test, one full turn of the event loop, so replies that came in meanwhile are read
 *   and a stretch without I/O is at most one test long.
 * - After each test, a warning naming it when it held the loop for 20 s; the fix is in
 *   test/helpers/child-process.ts, off-thread.ts and in-parallel.ts.
 */
import { afterEach, beforeEach, expect } from 'vitest';

/** Well under the 60 s RPC timeout, and above what a loaded machine makes of an ordinary test. */
const WARN_AFTER_MS = 20_000;

/**
 * A callback queued with setImmediate runs in the loop's check phase, which may come right after
 * the poll phase that started this test: a second one runs only after another poll phase, the one
 * that reads whatever arrived while the test ran.
 */
function fullTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

let lastTurn = performance.now();
let longest = 0;
const heartbeat = setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - lastTurn);
  lastTurn = now;
}, 100);
heartbeat.unref();

beforeEach(async () => {
  await fullTurn();
  longest = 0;
});

afterEach(() => {
  const held = Math.max(longest, performance.now() - lastTurn);
  if (held > WARN_AFTER_MS) {
    console.warn(
      `${expect.getState().currentTestName}: the event loop had no turn for ${(held / 1000).toFixed(1)} s (vitest's RPC times out at 60 s); ` +
        'run child processes with test/helpers/child-process.ts and heavy computation with test/helpers/off-thread.ts',
    );
  }
});
