/** A failing case on disk, complete (its files' bytes included), so it replays without the seeds. */
import { readFileSync } from 'node:fs';
import type { Outcome } from './classify.js';
import type { CaseFile, FuzzCase } from './fuzz-case.js';

export const REPLAY_FORMAT = 'firmnet.fuzz-case';

type StoredFile = { path: string; type: 'file'; base64: string } | { path: string; type: 'symlink'; target: string } | { path: string; type: 'fifo' };

export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  version: 1;
  /** What the campaign saw, to compare a replay with. */
  outcome: Outcome;
  /** How many cases of the campaign fell into the same class. */
  classCount: number;
  case: Omit<FuzzCase, 'files'> & { files: StoredFile[] };
}

export function replayJson(c: FuzzCase, outcome: Outcome, classCount: number): string {
  const files = c.files.map((f): StoredFile => (f.type === 'file' ? { path: f.path, type: 'file', base64: Buffer.from(f.bytes).toString('base64') } : f));
  const file: ReplayFile = { format: REPLAY_FORMAT, version: 1, outcome, classCount, case: { ...c, files } };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function readReplayFile(path: string): ReplayFile & { fuzzCase: FuzzCase } {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as ReplayFile;
  if (parsed.format !== REPLAY_FORMAT || parsed.version !== 1) throw new Error(`${path} is not a fuzz replay file (format ${REPLAY_FORMAT}, version 1)`);
  const files = parsed.case.files.map((f): CaseFile => (f.type === 'file' ? { path: f.path, type: 'file', bytes: new Uint8Array(Buffer.from(f.base64, 'base64')) } : f));
  return { ...parsed, fuzzCase: { ...parsed.case, files } };
}
