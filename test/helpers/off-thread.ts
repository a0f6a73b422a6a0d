/**
 * Runs CPU-heavy fixture work (training, quantizing) in worker threads, so the test's own event
 * loop stays free: vitest's worker answers its runner over that loop, and a test that computes for
 * a minute without yielding ends the run with `Timeout calling "onTaskUpdate"` even though it passed.
 *
 *   const bundled = offThread<typeof import('../../scripts/code-size/bundled-models.js')>(
 *     new URL('../../scripts/code-size/bundled-models.ts', import.meta.url));
 *   const { qmodel } = await bundled.buildBundledModel(spec);
 *
 * The workers import the TypeScript sources themselves (test/helpers/ts-hooks.mjs), not dist/.
 * Arguments and results cross the thread boundary by structured clone: plain data and typed
 * arrays, no functions or class instances. Each offThread() has its own workers, started when
 * needed, up to `threads` of them running calls at once (more calls wait); idle workers do not
 * keep the process alive.
 */
import { Worker } from 'node:worker_threads';

type Async<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
export type OffThread<M> = { [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: Async<M[K]> };

interface Call {
  name: string;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Reply {
  value?: unknown;
  error?: unknown;
}

class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue: Call[] = [];
  private started = 0;

  constructor(
    private readonly module: URL,
    private readonly threads: number,
  ) {}

  call(name: string, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ name, args, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.threads ? this.start() : undefined);
      if (!worker) return;
      this.run(worker, this.queue.shift()!);
    }
  }

  private start(): Worker {
    this.started++;
    const worker = new Worker(new URL('./off-thread-worker.mjs', import.meta.url));
    worker.once('exit', () => {
      this.started--;
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.dispatch();
    });
    return worker;
  }

  /** One call at a time per worker; a worker that dies fails its call (and leaves the pool). */
  private run(worker: Worker, call: Call): void {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = ({ value, error }: Reply): void => {
      done();
      worker.unref();
      this.idle.push(worker);
      if (error === undefined) call.resolve(value);
      else call.reject(error);
      this.dispatch();
    };
    const onError = (error: unknown): void => {
      done();
      call.reject(error);
    };
    const onExit = (code: number): void => onError(new Error(`an off-thread worker exited (code ${code}) during ${call.name}()`));
    worker.once('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.ref();
    worker.postMessage({ module: this.module.href, name: call.name, args: call.args });
  }
}

/** The module's functions, each run in a worker thread and returning a promise of its result. */
export function offThread<M>(module: URL, { threads = 1 }: { threads?: number } = {}): OffThread<M> {
  const pool = new WorkerPool(module, threads);
  return new Proxy({} as OffThread<M>, {
    get: (_, name) => (typeof name === 'string' ? (...args: unknown[]) => pool.call(name, args) : undefined),
  });
}
