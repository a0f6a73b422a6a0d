/**
 * The candidate-runner interface of compiler/tune/candidate-runner.ts on Web Workers: the page's
 * answer to the CLI's worker_threads. Each worker is the page's own worker script in its candidate
 * role (build-worker.ts), holding the search's context and its data files in its own volume; a
 * batch's results come back in the batch's order whatever order they finish in, so the search
 * `tune()` runs here decides exactly what it decides on the CLI's threads.
 */
import type { CandidateRunner } from '../../compiler/tune/candidate-runner.js';
import type { CandidateJob, JobResult, TuneContext } from '../../compiler/tune/run-candidate.js';
import type { CandidateReply, OutputFile, ToWorker } from './protocol.js';

export class WebWorkerRunner implements CandidateRunner {
  private readonly url: string;
  private readonly workers: Worker[];
  /** Resolves when the worker has started (its first message): a message posted before it sets its handler would be lost. */
  private readonly started: Promise<void>[];

  constructor(context: TuneContext, size: number, source: Blob, files: OutputFile[]) {
    // A worker may start workers only from a blob: URL of its own origin, not from the page's.
    this.url = URL.createObjectURL(source);
    this.workers = Array.from({ length: Math.max(1, size) }, (_, i) => new Worker(this.url, { name: `firmnet candidate ${i + 1}` }));
    this.started = this.workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const first = (event: MessageEvent<CandidateReply>): void => {
            worker.removeEventListener('message', first);
            if (event.data.kind === 'error') return reject(new Error(`candidate worker: ${event.data.message}`));
            post(worker, { kind: 'candidate', context, files });
            resolve();
          };
          worker.addEventListener('message', first);
        }),
    );
  }

  async run(jobs: CandidateJob[], onResult?: (index: number, result: JobResult) => void): Promise<JobResult[]> {
    await Promise.all(this.started);
    const results: (JobResult | undefined)[] = new Array(jobs.length);
    let next = 0;
    let finished = 0;
    return new Promise((resolve, reject) => {
      if (jobs.length === 0) return resolve([]);
      const listeners: { worker: Worker; listener: (event: MessageEvent<CandidateReply>) => void; failed: (event: ErrorEvent) => void }[] = [];
      const done = (e?: Error): void => {
        for (const l of listeners) {
          l.worker.removeEventListener('message', l.listener);
          l.worker.removeEventListener('error', l.failed);
        }
        if (e !== undefined) reject(e);
        else resolve(results as JobResult[]);
      };
      const feed = (worker: Worker): void => {
        if (next >= jobs.length) return;
        const index = next++;
        post(worker, { kind: 'job', index, job: jobs[index] });
      };
      for (const worker of this.workers) {
        const listener = (event: MessageEvent<CandidateReply>): void => {
          const m = event.data;
          if (m.kind === 'error') return done(new Error(`candidate worker: ${m.message}`));
          if (m.kind !== 'result') return;
          results[m.index] = m.result;
          onResult?.(m.index, m.result);
          if (++finished === jobs.length) return done();
          feed(worker);
        };
        const failed = (event: ErrorEvent): void => done(new Error(`candidate worker: ${event.message}`));
        worker.addEventListener('message', listener);
        worker.addEventListener('error', failed);
        listeners.push({ worker, listener, failed });
        feed(worker);
      }
    });
  }

  async close(): Promise<void> {
    for (const worker of this.workers) worker.terminate();
    URL.revokeObjectURL(this.url);
  }
}

function post(worker: Worker, message: ToWorker): void {
  worker.postMessage(message);
}
