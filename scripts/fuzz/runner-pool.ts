/**
 * A few long-lived runner processes (runner.ts) that run cases in-process, one case at a time each.
 * Processes rather than worker threads: a thread stuck in a native read loop (readFileSync of
 * /dev/zero as UTF-8) cannot be terminated and keeps allocating, while a process can always be
 * killed and its memory is its own to measure. A runner killed by a limit, or brought down by an
 * escaping exception, is replaced before the next case.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzCase, RunResult, StepResult } from './fuzz-case.js';
import { RUNNER_ENV, RUNNER_UNCAUGHT_EXIT, type RunnerReply, type RunnerRequest, type Verdict } from './runner-protocol.js';

export interface PoolOptions {
  size: number;
  /** V8 old-space cap of each runner (--max-old-space-size). */
  heapMb: number;
  /** Resident memory cap of each runner process, checked by its watchdog every 25 ms. */
  rssCapMb: number;
  /** Scratch folder: case folders and the watchdogs' verdicts go here. */
  tmpRoot: string;
}

interface Active {
  c: FuzzCase;
  dir: string;
  keep: boolean;
  steps: StepResult[];
  resolve: (r: RunResult) => void;
  reject: (e: Error) => void;
  backstop: NodeJS.Timeout;
  backstopFired: boolean;
}

interface Slot {
  index: number;
  child: ChildProcess | null;
  ready: Promise<void> | null;
  active: Active | null;
  stderrTail: string;
}

const STDERR_TAIL = 16 * 1024;
/** Beyond the steps' own budgets, before the pool kills a runner whose watchdog did not. */
const BACKSTOP_MS = 15_000;

export class RunnerPool {
  private readonly slots: Slot[];
  private readonly idle: Slot[];
  private readonly waiters: ((slot: Slot) => void)[] = [];
  private readonly verdictDir: string;
  /** How many runners had to be replaced (after a hang, an OOM or a crash of the runner itself). */
  respawns = 0;

  constructor(private readonly options: PoolOptions) {
    this.verdictDir = join(options.tmpRoot, 'verdicts');
    mkdirSync(this.verdictDir, { recursive: true });
    this.slots = Array.from({ length: options.size }, (_, index) => ({ index, child: null, ready: null, active: null, stderrTail: '' }));
    this.idle = [...this.slots];
  }

  /** Runs a case in a scratch folder (or in `dir`, kept afterwards, for seed preparation). */
  async run(c: FuzzCase, at?: { dir: string }): Promise<RunResult> {
    const slot = await this.acquire();
    try {
      await this.ensureRunner(slot);
      // Named after the case: default model names come from the folder, and a replay uses the same name.
      return await this.dispatch(slot, c, at?.dir ?? join(this.options.tmpRoot, 'cases', c.id), at !== undefined);
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    for (const slot of this.slots) {
      const child = slot.child;
      slot.child = null;
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    }
  }

  private acquire(): Promise<Slot> {
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiters.shift();
    if (next) next(slot);
    else this.idle.push(slot);
  }

  private ensureRunner(slot: Slot): Promise<void> {
    if (slot.child && slot.ready) return slot.ready;
    const child = fork(new URL('./runner.js', import.meta.url), [], {
      execArgv: [`--max-old-space-size=${this.options.heapMb}`],
      env: {
        ...process.env,
        FORCE_COLOR: '0',
        [RUNNER_ENV.rssCapBytes]: String(this.options.rssCapMb * 1024 * 1024),
        [RUNNER_ENV.verdictDir]: this.verdictDir,
      },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    slot.child = child;
    slot.stderrTail = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      slot.stderrTail = (slot.stderrTail + text).slice(-STDERR_TAIL);
    });
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: RunnerReply): void => {
        if (m.type === 'ready') {
          child.off('exit', onEarlyExit);
          resolve();
        }
      };
      const onEarlyExit = (code: number | null, signal: string | null): void => reject(new Error(`a fuzz runner exited at start-up (code ${code}, signal ${signal}): ${slot.stderrTail}`));
      child.on('message', onMessage);
      child.once('exit', onEarlyExit);
    });
    child.on('message', (m: RunnerReply) => this.onMessage(slot, child, m));
    child.on('exit', (code, signal) => this.onExit(slot, child, code, signal));
    return slot.ready;
  }

  private dispatch(slot: Slot, c: FuzzCase, dir: string, keep: boolean): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      const budget = c.steps.reduce((s, step) => s + (step.type === 'cli' ? step.timeoutMs : 1_000), 0) + BACKSTOP_MS;
      const active: Active = {
        c,
        dir,
        keep,
        steps: [],
        resolve,
        reject,
        backstopFired: false,
        backstop: setTimeout(() => {
          active.backstopFired = true;
          slot.child?.kill('SIGKILL');
        }, budget),
      };
      slot.active = active;
      slot.stderrTail = '';
      const request: RunnerRequest = { type: 'run', case: c, dir, keep };
      // A runner that died since it said ready: its exit event settles the case.
      slot.child!.send(request, (error) => {
        if (error) slot.child?.kill('SIGKILL');
      });
    });
  }

  private onMessage(slot: Slot, child: ChildProcess, m: RunnerReply): void {
    const active = slot.active;
    if (slot.child !== child || !active) return;
    if (m.type === 'step' && m.caseId === active.c.id) active.steps.push(m.result);
    if (m.type === 'done' && m.caseId === active.c.id) {
      this.finish(slot);
      if (m.harnessError) active.reject(new Error(`fuzz harness error in case ${active.c.id}: ${m.harnessError}`));
      else active.resolve({ status: 'done', steps: active.steps, outputs: m.outputs, leftovers: m.leftovers });
    }
  }

  private onExit(slot: Slot, child: ChildProcess, code: number | null, signal: string | null): void {
    if (slot.child !== child) return;
    slot.child = null;
    slot.ready = null;
    const active = slot.active;
    if (!active) return;
    this.respawns++;
    this.finish(slot);
    if (!active.keep) rmSync(active.dir, { recursive: true, force: true });
    active.resolve(this.resultOfExit(active, code, signal, slot.stderrTail));
  }

  private finish(slot: Slot): void {
    if (slot.active) clearTimeout(slot.active.backstop);
    slot.active = null;
  }

  private resultOfExit(active: Active, code: number | null, signal: string | null, stderr: string): RunResult {
    const verdictFile = join(this.verdictDir, `${active.c.id}.json`);
    if (existsSync(verdictFile)) {
      const v = JSON.parse(readFileSync(verdictFile, 'utf8')) as Verdict;
      rmSync(verdictFile, { force: true });
      if (v.reason === 'timeout') return { status: 'timeout', stack: v.stack, steps: active.steps, limitMs: v.limitMs };
      return { status: 'memory', stack: v.stack, steps: active.steps, detail: `resident memory ${Math.round(v.rssBytes / 2 ** 20)} MB passed the ${this.options.rssCapMb} MB cap` };
    }
    if (active.backstopFired) return { status: 'timeout', stack: [], steps: active.steps, limitMs: 0 };
    if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
      return { status: 'memory', stack: [], steps: active.steps, detail: `the ${this.options.heapMb} MB V8 heap limit` };
    }
    const how = code === RUNNER_UNCAUGHT_EXIT ? 'an exception escaped the command' : `the runner exited (code ${code}, signal ${signal})`;
    return { status: 'died', detail: `${how}: ${stderr.trim().slice(-4000)}`, steps: active.steps };
  }
}
