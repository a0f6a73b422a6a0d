import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from '../io/content-hash.js';
import type { CandidateJob, JobResult } from './run-candidate.js';
import { shapeKey } from './search-space.js';

const FORMAT = 'firmnet-tune-journal';

/**
 * The search's finished jobs, one JSON line each, appended as they finish. A search that is stopped
 * (Ctrl-C, a crash, a killed machine) and started again with the same inputs finds its jobs here
 * and runs only the rest; since every result is a pure function of its job, the resumed search
 * takes the same decisions as one that was never stopped. The first line holds a fingerprint of the
 * inputs (data bytes, project settings, the tune settings, the firmnet version): a journal of
 * another search is set aside, not mixed in. A line cut short by the kill is ignored.
 */
export class Journal {
  private readonly results = new Map<string, JobResult>();
  reused = 0;
  /** Why an existing journal was not used, for one note line. */
  readonly problem: string | null;

  constructor(
    readonly file: string,
    fingerprint: string,
  ) {
    let problem: string | null = null;
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const header = parseLine(lines[0]) as { format?: string; fingerprint?: string } | null;
      if (header?.format === FORMAT && header.fingerprint === fingerprint) {
        for (const line of lines.slice(1)) {
          const entry = parseLine(line) as { job?: unknown; result?: unknown } | null;
          if (typeof entry?.job === 'string' && isJobResult(entry.result)) this.results.set(entry.job, entry.result);
        }
      } else {
        problem = `${file} is the journal of another search (other data, settings or firmnet version): starting this search afresh`;
      }
    }
    this.problem = problem;
    if (this.results.size === 0) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify({ format: FORMAT, fingerprint })}\n`);
    }
  }

  get(job: CandidateJob): JobResult | undefined {
    const r = this.results.get(jobKey(job));
    if (r !== undefined) this.reused++;
    return r;
  }

  record(job: CandidateJob, result: JobResult): void {
    const key = jobKey(job);
    this.results.set(key, result);
    appendFileSync(this.file, `${JSON.stringify({ job: key, result })}\n`);
  }
}

/** A price depends on the shape only; a score on the whole candidate and its epochs. */
export function jobKey(job: CandidateJob): string {
  return job.kind === 'price' ? canonicalJson({ price: shapeKey(job.candidate) }) : canonicalJson({ train: job.candidate, epochs: job.epochs });
}

function parseLine(line: string | undefined): unknown {
  if (!line) return null;
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return null;
  }
}

/** A line edited by hand or cut short is not a result: its job runs again. */
function isJobResult(v: unknown): v is JobResult {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  const numberOrNull = (x: unknown): boolean => x === null || (typeof x === 'number' && Number.isFinite(x));
  if (r.kind === 'failed') return typeof r.message === 'string';
  if (r.kind === 'score') return Number.isInteger(r.epochsRun) && ['floatScore', 'int8Score', 'drop', 'int8Nll'].every((k) => numberOrNull(r[k]));
  if (r.kind !== 'price' || !Array.isArray(r.targets) || typeof r.parameters !== 'number' || typeof r.macs !== 'number') return false;
  return r.targets.every((t: unknown) => {
    const p = t as Record<string, unknown> | null;
    const s = p?.weightsInSram as Record<string, unknown> | null | undefined;
    return (
      typeof p?.target === 'string' &&
      ['sramBytes', 'flashBytes', 'latencyMs'].every((k) => typeof p[k] === 'number' && Number.isFinite(p[k])) &&
      numberOrNull(p.sramCapacityBytes) &&
      numberOrNull(p.flashCapacityBytes) &&
      (s === null || (typeof s?.sramBytes === 'number' && typeof s?.latencyMs === 'number'))
    );
  });
}
