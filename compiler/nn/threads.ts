import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import {
  ARGS_BYTE_OFFSET,
  ARG_COUNT,
  CONTROL_BYTES,
  CONTROL_INTS,
  DONE,
  ENGINE,
  type ForgetMessage,
  KERNEL,
  MAIN,
  MAX_ARGS,
  POSTED,
  REGISTER,
  RESULT_BYTE_OFFSET,
  type RegisterMessage,
  SEQ,
  SPLIT_KERNELS,
  STATE,
} from './thread-protocol.js';

/**
 * A second thread for the engine's largest kernels (dense products, Adam). A call is split in two
 * halves on tile boundaries: the main thread posts the second half, runs the first, then takes the
 * second back itself unless the helper has claimed it (one compare-and-swap decides), so a step
 * never waits for a helper that the machine is not running. Both halves run the same code on the
 * same memory whichever thread runs them, so results are identical with one thread or two.
 *
 * FIRMNET_THREADS=1 (or a one-core machine) keeps everything on the main thread; FIRMNET_THREADS=2
 * always leaves the second half to the helper and waits for it (to test and measure the helper);
 * otherwise the halves go to whichever thread is free. The helper is started on first use and
 * does not keep the process alive.
 */
export type SplitKernel = (typeof SPLIT_KERNELS)[number];

/** Calls with less work than this (multiply-accumulates, or parameters for Adam) stay on one thread. */
export const SPLIT_MIN_WORK = 1 << 18;

interface Helper {
  words: Int32Array;
  args: Float64Array;
  result: Float64Array;
  port: MessagePort;
}

let helper: Helper | null | undefined;
let nextEngine = 1;
const alwaysHelper = process.env.FIRMNET_THREADS === '2';
/** Halves the helper ran, and halves split in all (for tests and benchmarks). */
export const helperCounts = { ran: 0, split: 0 };
const released = new FinalizationRegistry<number>((engine) => helper?.port.postMessage({ kind: 'forget', engine } satisfies ForgetMessage));

function startHelper(): Helper | null {
  if (helper !== undefined) return helper;
  helper = null;
  if (process.env.FIRMNET_THREADS === '1' || availableParallelism() < 2) return null;
  const file = workerFile();
  if (!file) return null;
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const { port1, port2 } = new MessageChannel();
  // No inherited flags (--input-type, --inspect, …): the helper is a plain module.
  const worker = new Worker(file, { workerData: { control, port: port2 }, transferList: [port2], execArgv: [] });
  worker.unref();
  port1.unref();
  helper = {
    words: new Int32Array(control, 0, CONTROL_INTS),
    args: new Float64Array(control, ARGS_BYTE_OFFSET, MAX_ARGS),
    result: new Float64Array(control, RESULT_BYTE_OFFSET, 1),
    port: port1,
  };
  return helper;
}

/** How long a job may wait for the helper (its start-up included) before threads are given up. */
const HELPER_TIMEOUT_MS = 10_000;

/**
 * Makes an engine's memory available to the helper; returns the engine's id for `split`, or 0 when
 * calls on it stay on the main thread. `owner` is the engine: when it is collected, so is the
 * helper's instance.
 */
export function shareWithHelper(owner: object, module: object, memory: object): number {
  const h = startHelper();
  if (!h) return 0;
  const engine = nextEngine++;
  h.port.postMessage({ kind: 'register', engine, module, memory } satisfies RegisterMessage);
  post(h, REGISTER, engine, []);
  if (!finish(h)) {
    // The helper never answered (a machine too busy to start it, or a failed start): one thread.
    helper = null;
    return 0;
  }
  released.register(owner, engine);
  return engine;
}

/**
 * fn(...first) + fn(...second), with the second half run by the helper when it is free to take it.
 * `fn` is this thread's binding of `kernel` on the engine's memory; the halves' results are added
 * in the same order either way.
 */
export function split(engine: number, kernel: SplitKernel, fn: (...args: number[]) => number | void, first: number[], second: number[]): number {
  const h = helper;
  if (!h || engine === 0) return Number(fn(...first)) + Number(fn(...second));
  post(h, SPLIT_KERNELS.indexOf(kernel), engine, second);
  helperCounts.split++;
  const a = Number(fn(...first));
  if (alwaysHelper ? !finish(h) : Atomics.compareExchange(h.words, STATE, POSTED, MAIN) === POSTED) return a + Number(fn(...second));
  if (!alwaysHelper) finish(h);
  helperCounts.ran++;
  return a + h.result[0];
}

function post(h: Helper, kernel: number, engine: number, values: number[]): void {
  for (let i = 0; i < values.length; i++) h.args[i] = values[i];
  h.words[KERNEL] = kernel;
  h.words[ENGINE] = engine;
  h.words[ARG_COUNT] = values.length;
  Atomics.store(h.words, STATE, POSTED);
  Atomics.add(h.words, SEQ, 1);
  Atomics.notify(h.words, SEQ);
}

/**
 * Waits for the posted job to be DONE: a short spin, then sleeps. A job the helper has not claimed
 * within the timeout is taken back (so it never runs) and false returned; a claimed job is waited for.
 */
function finish(h: Helper): boolean {
  for (let spins = 0; spins < 50_000; spins++) if (Atomics.load(h.words, STATE) === DONE) return true;
  const deadline = performance.now() + HELPER_TIMEOUT_MS;
  for (;;) {
    const state = Atomics.load(h.words, STATE);
    if (state === DONE) return true;
    if (state === POSTED && performance.now() > deadline && Atomics.compareExchange(h.words, STATE, POSTED, MAIN) === POSTED) return false;
    Atomics.wait(h.words, STATE, state, 20);
  }
}

/** dist/compiler/nn/kernel-worker.js: next to this file when running from dist/, else under dist/ above the source. */
function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'kernel-worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  let dir = dirname(here);
  for (let up = 0; up < 6; up++) {
    const file = join(dir, 'dist', 'compiler', 'nn', 'kernel-worker.js');
    if (existsSync(file)) return file;
    dir = dirname(dir);
  }
  return null;
}
