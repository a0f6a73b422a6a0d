/**
 * The real command line for a sample of cases: each command as its own `node bin/firmnet.js`
 * process, as a user runs it. Its exit code must match what the in-process run saw, and stderr must
 * hold no stack trace. Every other sampled case that firmnet accepts runs its last command with
 * stdout closed before anything is written (as `firmnet … | head -1` does once head has its line):
 * it must end quietly.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../compiler/io/package-root.js';
import { writeCalibrationCsv, writeCaseFiles } from './case-folder.js';
import type { Outcome } from './classify.js';
import { type FuzzCase, type StepResult, expandArgs } from './fuzz-case.js';

export interface CliCheck {
  closedStdout: boolean;
  commands: number;
  /** Set when the real CLI disagreed with the in-process run or printed a stack trace. */
  failure: Outcome | null;
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  timedOut: boolean;
}

export async function checkWithCli(c: FuzzCase, inProcess: StepResult[], options: { dir: string; heapMb: number; closedStdout: boolean }): Promise<CliCheck> {
  const bin = join(packageRoot(), 'bin', 'firmnet.js');
  const dir = options.dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let commands = 0;
  try {
    writeCaseFiles(c, dir);
    const lastCli = inProcess.length > 0 ? inProcess[inProcess.length - 1].step : -1;
    for (let i = 0; i < c.steps.length && i <= lastCli; i++) {
      const step = c.steps[i];
      if (step.type === 'calibration-csv') {
        if (!writeCalibrationCsv(step, dir)) break;
        continue;
      }
      const expected = inProcess.find((s) => s.step === i);
      if (!expected) break;
      const closed = options.closedStdout && i === lastCli;
      const argv = expandArgs(step.argv);
      const r = await runProcess(process.execPath, [`--max-old-space-size=${options.heapMb}`, bin, ...argv], dir, step.timeoutMs * 2 + 10_000, closed);
      commands++;
      const name = `${step.argv[0]}${closed ? ' | head -1' : ''}`;
      const failure = judge(name, i, expected, r, closed);
      if (failure) return { closedStdout: options.closedStdout, commands, failure };
      if (expected.exitCode !== 0) break;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { closedStdout: options.closedStdout, commands, failure: null };
}

function judge(name: string, step: number, expected: StepResult, r: ProcessResult, closedStdout: boolean): Outcome | null {
  const base = { topFrame: null, firmnetFrame: null, step, exitCode: r.exitCode };
  if (r.timedOut) return { ...base, outcome: 'hang', detail: `real CLI \`${name}\` did not finish (the in-process run took ${Math.round(expected.ms)} ms)`, signature: `hang|cli|${name}` };
  const traced = r.stderr.match(STACK_LINE);
  // Exit 1 with a stack is the CLI's internal-error report; the exit-code check below catches that.
  // With stdout closed, any stack (the unhandled EPIPE) is the failure.
  if (traced && (closedStdout || r.exitCode !== 1)) {
    const first = r.stderr.split('\n').find((l) => /Error|EPIPE/.test(l))?.trim() ?? traced[0].trim();
    return { ...base, outcome: 'stack-trace', detail: `real CLI \`${name}\` exit ${r.exitCode ?? r.signal} printed a stack trace: ${first.slice(0, 200)}`, signature: `stack-trace|cli|${name}|${first.replace(/\/\S+/g, '<path>').slice(0, 80)}` };
  }
  // With stdout gone the command may stop early; only a quiet end is asked of it.
  if (closedStdout) return null;
  if (r.exitCode !== expected.exitCode) {
    return { ...base, outcome: 'wrong-exit', detail: `real CLI \`${name}\` exited ${r.exitCode ?? r.signal}, the same command in-process ${expected.exitCode}`, signature: `wrong-exit|cli|${name}|${expected.exitCode}→${r.exitCode ?? r.signal}` };
  }
  return null;
}

function runProcess(command: string, args: string[], cwd: string, timeoutMs: number, closeStdout: boolean): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (t: string) => {
      if (stderr.length < 64 * 1024) stderr += t;
    });
    if (closeStdout) child.stdout.destroy();
    else child.stdout.resume();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code, signal, stderr, timedOut });
    });
  });
}
