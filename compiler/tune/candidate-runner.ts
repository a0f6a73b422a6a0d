import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type CandidateJob, DatasetCache, type JobResult, type TuneContext, runCandidateJob } from './run-candidate.js';

/**
 * Runs a batch of independent jobs and returns their results in the batch's order, whatever order
 * they finish in: the search reduces results only through this array, so the number of threads
 * never changes the outcome. `onResult` hears each result as it arrives (progress only).
 * This is the whole interface a fleet's job engine needs to implement (docs/tune.md).
 */
export interface CandidateRunner {
  run(jobs: CandidateJob[], onResult?: (index: number, result: JobResult) => void): Promise<JobResult[]>;
  close(): Promise<void>;
}

/** `workers` threads (worker_threads), or the calling thread when the compiled worker is not there (running from sources). */
export function candidateRunner(context: TuneContext, workers: number): CandidateRunner {
  const file = workerFile();
  return file === null ? new InlineRunner(context) : new ThreadPool(context, Math.max(1, workers), file);
}

class InlineRunner implements CandidateRunner {
  private readonly datasets = new DatasetCache();
  constructor(private readonly context: TuneContext) {}

  async run(jobs: CandidateJob[], onResult?: (index: number, result: JobResult) => void): Promise<JobResult[]> {
    const results: JobResult[] = [];
    for (const [i, job] of jobs.entries()) {
      results.push(await runCandidateJob(this.context, job, this.datasets));
      onResult?.(i, results[i]);
      // Let timers (the progress bar, a signal) run between jobs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return results;
  }

  async close(): Promise<void> {}
}

class ThreadPool implements CandidateRunner {
  private readonly threads: Worker[];

  constructor(context: TuneContext, size: number, file: string) {
    // Each thread trains on one core: the trainer's own helper thread would only compete with the other candidates.
    this.threads = Array.from({ length: size }, () => new Worker(file, { workerData: context, env: { ...process.env, FIRMNET_THREADS: '1' }, execArgv: [] }));
  }

  run(jobs: CandidateJob[], onResult?: (index: number, result: JobResult) => void): Promise<JobResult[]> {
    const results: (JobResult | undefined)[] = new Array(jobs.length);
    let next = 0;
    let finished = 0;
    return new Promise((resolve, reject) => {
      if (jobs.length === 0) return resolve([]);
      const listeners: { thread: Worker; message: (m: WorkerReply) => void; error: (e: Error) => void }[] = [];
      const done = (e?: unknown): void => {
        for (const l of listeners) {
          l.thread.off('message', l.message);
          l.thread.off('error', l.error);
        }
        if (e !== undefined) reject(e);
        else resolve(results as JobResult[]);
      };
      const feed = (thread: Worker): void => {
        if (next >= jobs.length) return;
        const index = next++;
        thread.postMessage({ index, job: jobs[index] });
      };
      for (const thread of this.threads) {
        const message = (m: WorkerReply): void => {
          if (m.error !== undefined) return done(new Error(`candidate runner thread: ${m.error}`));
          results[m.index] = m.result;
          onResult?.(m.index, m.result!);
          if (++finished === jobs.length) return done();
          feed(thread);
        };
        const error = (e: Error): void => done(e);
        thread.on('message', message);
        thread.on('error', error);
        listeners.push({ thread, message, error });
        feed(thread);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.terminate()));
  }
}

interface WorkerReply {
  index: number;
  result?: JobResult;
  error?: string;
}

/** dist/compiler/tune/candidate-worker.js: next to this file when running from dist/, else under dist/ above the source. */
function workerFile(): string | null {
  const here = fileURLToPath(import.meta.url);
  const sibling = join(dirname(here), 'candidate-worker.js');
  if (here.endsWith('.js') && existsSync(sibling)) return sibling;
  let dir = dirname(here);
  for (let up = 0; up < 6; up++) {
    const file = join(dir, 'dist', 'compiler', 'tune', 'candidate-worker.js');
    if (existsSync(file)) return file;
    dir = dirname(dir);
  }
  return null;
}
