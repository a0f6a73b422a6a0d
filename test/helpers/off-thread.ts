/**
 * Runs CPU-heavy fixture work (training, quantizing) in a worker thread, so the test's own event
 * loop stays free: vitest's worker answers its runner over that loop, and a test that computes for
 * a minute without yielding ends the run with `Timeout calling "onTaskUpdate"` even though it passed.
 *
 *   const bundled = offThread<typeof import('../../scripts/code-size/bundled-models.js')>(
 *     new URL('../../scripts/code-size/bundled-models.ts', import.meta.url));
 *   const { qmodel } = await bundled.buildBundledModel(spec);
 *
 * The worker imports the TypeScript sources themselves (test/helpers/ts-hooks.mjs), not dist/.
 * Arguments and results cross the thread boundary by structured clone: plain data and typed
 * arrays, no functions or class instances. One worker per test file, reused; it does not keep the
 * process alive while idle.
 */
import { Worker } from 'node:worker_threads';

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
export type OffThread<M> = { [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: Async<M[K]> };

interface Reply {
  id: number;
  value?: unknown;
  error?: unknown;
}

let worker: Worker | null = null;
let nextId = 0;
const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

function startWorker(): Worker {
  const w = new Worker(new URL('./off-thread-worker.mjs', import.meta.url));
  w.on('message', ({ id, value, error }: Reply) => {
    const call = pending.get(id)!;
    pending.delete(id);
    if (pending.size === 0) w.unref();
    if (error === undefined) call.resolve(value);
    else call.reject(error);
  });
  const failAll = (error: unknown): void => {
    worker = null;
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  w.on('error', failAll);
  w.on('exit', (code) => failAll(new Error(`the off-thread worker exited (code ${code})`)));
  return w;
}

function call(module: URL, name: string, args: unknown[]): Promise<unknown> {
  worker ??= startWorker();
  worker.ref();
  const id = nextId++;
  const reply = new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
  worker.postMessage({ id, module: module.href, name, args });
  return reply;
}

/** The module's functions, each run in the worker thread and returning a promise of its result. */
export function offThread<M>(module: URL): OffThread<M> {
  return new Proxy({} as OffThread<M>, {
    get: (_, name) => (typeof name === 'string' ? (...args: unknown[]) => call(module, name, args) : undefined),
  });
}
