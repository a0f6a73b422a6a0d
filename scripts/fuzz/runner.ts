/**
 * A long-lived runner process of the fuzz pool. It runs cases one after another in-process, through
 * the CLI's own entry point (`runCli`, what bin/firmnet.js calls), with the command's terminal output
 * captured per step. Limits: the V8 heap cap it was started with, and the watchdog thread
 * (watchdog.ts) for each step's deadline and the process's memory cap.
 */
import { rmSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { runCli } from '../../compiler/cli/main.js';
import { generatedSources, halfWrittenOutputs, writeCalibrationCsv, writeCaseFiles } from './case-folder.js';
import { type OutputSample, type StepResult, expandArgs } from './fuzz-case.js';
import { RUNNER_ENV, RUNNER_UNCAUGHT_EXIT, type RunnerReply, type RunnerRequest, type WatchdogMessage, type WatchdogSettings } from './runner-protocol.js';

/** Terminal output kept per step; a command that prints more is not what the fuzz looks at. */
const CAPTURE_LIMIT = 256 * 1024;

const settings: WatchdogSettings = { rssCapBytes: Number(process.env[RUNNER_ENV.rssCapBytes]), verdictDir: process.env[RUNNER_ENV.verdictDir] ?? '' };
const watchdog = new Worker(new URL('./watchdog.js', import.meta.url), { workerData: settings });
watchdog.unref();

const send = (reply: RunnerReply): void => {
  process.send!(reply);
};

process.on('message', (request: RunnerRequest) => {
  void runCase(request);
});
// The pool went away (finished, or was interrupted): nothing more will come.
process.on('disconnect', () => process.exit(0));

async function runCase({ case: c, dir, keep }: RunnerRequest): Promise<void> {
  let harnessError: string | null = null;
  const home = process.cwd();
  let refused: StepResult | null = null;
  try {
    writeCaseFiles(c, dir);
    process.chdir(dir);
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      if (step.type === 'calibration-csv') {
        if (!writeCalibrationCsv(step, dir)) break;
        continue;
      }
      const argv = expandArgs(step.argv);
      arm({ arm: { caseId: c.id, step: i, deadline: Date.now() + step.timeoutMs, limitMs: step.timeoutMs } });
      const result = await captured(i, argv, () => runCli(argv));
      arm({ disarm: c.id });
      send({ type: 'step', caseId: c.id, result });
      if (result.exitCode !== 0) {
        refused = result;
        break;
      }
    }
  } catch (e) {
    harnessError = e instanceof Error ? (e.stack ?? e.message) : String(e);
  } finally {
    process.chdir(home);
  }
  let outputs: OutputSample[] = [];
  let leftovers: string[] = [];
  try {
    outputs = generatedSources(c, dir);
    leftovers = halfWrittenOutputs(c, dir, refused);
  } catch (e) {
    harnessError ??= `reading the generated files: ${(e as Error).message}`;
  }
  if (!keep) rmSync(dir, { recursive: true, force: true });
  send({ type: 'done', caseId: c.id, outputs, leftovers, harnessError });
}

function arm(m: WatchdogMessage): void {
  watchdog.postMessage(m);
}

/** Runs one command with process.stdout/stderr captured (the Ui and the error report write there). */
async function captured(step: number, argv: string[], run: () => Promise<number>): Promise<StepResult> {
  const out: string[] = [];
  const err: string[] = [];
  const sizes = { out: 0, err: 0 };
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  const sink = (chunks: string[], key: 'out' | 'err') =>
    function write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      if (sizes[key] < CAPTURE_LIMIT) chunks.push(text.slice(0, CAPTURE_LIMIT - sizes[key]));
      sizes[key] += text.length;
      const done = typeof encoding === 'function' ? encoding : callback;
      if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
      return true;
    };
  process.stdout.write = sink(out, 'out') as typeof process.stdout.write;
  process.stderr.write = sink(err, 'err') as typeof process.stderr.write;
  const started = performance.now();
  let exitCode: number;
  try {
    exitCode = await run();
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  return { step, argv, exitCode, stdout: out.join(''), stderr: err.join(''), ms: performance.now() - started };
}

// A rejection or exception that escapes runCli is a crash of the case that is running.
process.on('uncaughtException', (e) => died(e));
process.on('unhandledRejection', (e) => died(e));

function died(e: unknown): void {
  const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
  // Straight to fd 2: process.stderr may be the capture of the step that is running.
  writeSync(2, `firmnet-fuzz runner: uncaught ${text}\n`);
  process.exit(RUNNER_UNCAUGHT_EXIT);
}

send({ type: 'ready' });
