/**
 * A candidate runner thread: receives jobs, runs each with the search's context, posts each result
 * back with the job's index. It keeps no state between jobs but the loaded training data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CandidateJob, DatasetCache, type TuneContext, runCandidateJob } from './run-candidate.js';

const context = workerData as TuneContext;
const datasets = new DatasetCache();
parentPort!.on('message', (message: { index: number; job: CandidateJob }) => {
  runCandidateJob(context, message.job, datasets).then(
    (result) => parentPort!.postMessage({ index: message.index, result }),
    (e: unknown) => parentPort!.postMessage({ index: message.index, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
