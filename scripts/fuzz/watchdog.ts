/**
 * A thread of the runner process that enforces the per-step limits. The runner's main thread may be
 * stuck in a loop (a cyclic graph) or in native code (reading /dev/zero as UTF-8), where nothing on
 * that thread runs; this thread still does. When a step passes its deadline or the process passes
 * its memory cap, it samples the main thread's JavaScript stack through the inspector, writes the
 * verdict where the pool looks for it, and kills the process: the pool starts a fresh runner.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { Verdict, WatchdogMessage, WatchdogSettings } from './runner-protocol.js';

const POLL_MS = 25;
/** Enabling the debugger parses every loaded script's metadata first; on a loaded machine that takes a while. */
const PAUSE_GRACE_MS = 3000;

const settings = workerData as WatchdogSettings;
let armed: { caseId: string; step: number; deadline: number; limitMs: number } | null = null;
let firing = false;

parentPort!.on('message', (m: WatchdogMessage) => {
  if ('arm' in m) armed = m.arm;
  else if (armed?.caseId === m.disarm) armed = null;
});

setInterval(() => {
  if (!armed || firing) return;
  const rssBytes = process.memoryUsage.rss();
  if (rssBytes > settings.rssCapBytes) fire('memory', rssBytes);
  else if (Date.now() > armed.deadline) fire('timeout', rssBytes);
}, POLL_MS);

function fire(reason: Verdict['reason'], rssBytes: number): void {
  firing = true;
  const target = armed!;
  let done = false;
  const finish = (stack: string[]): void => {
    if (done) return;
    done = true;
    const verdict: Verdict = { caseId: target.caseId, step: target.step, reason, limitMs: target.limitMs, rssBytes, stack };
    writeFileSync(join(settings.verdictDir, `${target.caseId}.json`), JSON.stringify(verdict));
    process.kill(process.pid, 'SIGKILL');
  };
  // Debugger.pause interrupts running JavaScript; in native code it never answers, hence the grace.
  setTimeout(() => finish([]), PAUSE_GRACE_MS);
  try {
    const session = new Session();
    session.connectToMainThread();
    // Paused frames carry a script id; the URL comes with the script's scriptParsed event.
    const urls = new Map<string, string>();
    session.on('Debugger.scriptParsed', (m) => urls.set(m.params.scriptId, m.params.url));
    session.on('Debugger.paused', (m) => {
      const frames = (m.params.callFrames ?? []).slice(0, 24);
      finish(frames.map((f) => `at ${f.functionName || '<anonymous>'} (${f.url || urls.get(f.location.scriptId) || 'unknown'}:${f.location.lineNumber + 1}:${(f.location.columnNumber ?? 0) + 1})`));
    });
    session.post('Debugger.enable', () => session.post('Debugger.pause'));
  } catch {
    finish([]);
  }
}
