import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonText, writeFileAtomic } from '../io/atomic-write.js';
import { canonicalJson, sha256Hex } from '../io/content-hash.js';
import { FIRMNET_VERSION } from '../version.js';

export const CACHE_FILE = '.firmnet-cache.json';
const CACHE_FORMAT = 'firmnet.build-cache';
const CACHE_VERSION = 1;

/** What a step last ran with (its key) and the sha256 of every file it wrote, by path inside out/<name>/. */
export interface StepRecord {
  key: string;
  outputs: Record<string, string>;
}

/**
 * The steps of the last complete build in out/<name>/.firmnet-cache.json: a step is reused only
 * when its key (the firmnet version and the content hashes of everything it reads) is unchanged
 * and every file it wrote is still there, byte for byte, with nothing added.
 */
export class BuildCache {
  private constructor(
    private readonly outDir: string,
    private readonly steps: Record<string, StepRecord>,
  ) {}

  /**
   * The cache of `outDir` (empty when disabled or absent). A cache file that cannot be read as
   * one — cut short, edited, from another firmnet — is not an error: nothing is reused, and
   * `problem` says why in one line.
   */
  static read(outDir: string, enabled: boolean): { cache: BuildCache; problem: string | null } {
    const file = join(outDir, CACHE_FILE);
    if (!enabled || !existsSync(file)) return { cache: new BuildCache(outDir, {}), problem: null };
    try {
      return { cache: new BuildCache(outDir, parseCacheText(readFileSync(file, 'utf8'))), problem: null };
    } catch (e) {
      return { cache: new BuildCache(outDir, {}), problem: `${file} is not a build cache this firmnet reads (${(e as Error).message}); rebuilding every step` };
    }
  }

  /** A step's key: the firmnet version and everything the step reads. */
  static key(inputs: unknown): string {
    return sha256Hex(canonicalJson({ firmnet: FIRMNET_VERSION, inputs })).slice(0, 24);
  }

  /** The step's record when `key` matches and its outputs in out/<name>/ are exactly the files it wrote; else null. */
  fresh(step: string, key: string, outputs: string[]): StepRecord | null {
    const record = this.steps[step];
    if (record === undefined || record.key !== key) return null;
    return canonicalJson(outputHashes(this.outDir, outputs)) === canonicalJson(record.outputs) ? record : null;
  }
}

/** Writes the cache file that vouches for the output set now in `outDir`. */
export function writeCache(outDir: string, steps: Record<string, StepRecord>): void {
  writeFileAtomic(join(outDir, CACHE_FILE), toJsonText({ format: CACHE_FORMAT, version: CACHE_VERSION, firmnet: FIRMNET_VERSION, steps }));
}

/** sha256 of every file under each of `outputs` (files or folders inside `root`), by '/'-separated path; a missing output adds nothing. */
export function outputHashes(root: string, outputs: string[]): Record<string, string> {
  const hashes: Record<string, string> = {};
  const visit = (path: string): void => {
    const full = join(root, path);
    if (!existsSync(full)) return;
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full).sort()) visit(`${path}/${entry}`);
    } else {
      hashes[path] = fileHash(full);
    }
  };
  outputs.forEach(visit);
  return hashes;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((h) => typeof h === 'string');
}

function parseCacheText(text: string): Record<string, StepRecord> {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const r = root as { format?: unknown; version?: unknown; steps?: unknown };
  if (r === null || typeof r !== 'object' || r.format !== CACHE_FORMAT || r.version !== CACHE_VERSION) throw new Error(`expected format '${CACHE_FORMAT}' version ${CACHE_VERSION}`);
  if (r.steps === null || typeof r.steps !== 'object' || Array.isArray(r.steps)) throw new Error("'steps' is not an object");
  const steps: Record<string, StepRecord> = {};
  for (const [step, value] of Object.entries(r.steps as Record<string, unknown>)) {
    const s = value as { key?: unknown; outputs?: unknown } | null;
    if (s === null || typeof s !== 'object' || typeof s.key !== 'string' || !isStringRecord(s.outputs)) throw new Error(`steps.${step} is not a key with output hashes`);
    steps[step] = { key: s.key, outputs: s.outputs };
  }
  return steps;
}

/** sha256 of a file's bytes (null for no file), for cache keys. */
export function fileHash(file: string): string;
export function fileHash(file: string | null): string | null;
export function fileHash(file: string | null): string | null {
  return file === null ? null : createHash('sha256').update(readFileSync(file)).digest('hex');
}
