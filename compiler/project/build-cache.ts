import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJsonText, writeFileAtomic } from '../io/atomic-write.js';
import { canonicalJson, sha256Hex } from '../io/content-hash.js';
import { FIRMNET_VERSION } from '../version.js';

const CACHE_FILE = '.firmnet-cache.json';

/**
 * Which inputs each build step last ran with, as content hashes, in out/<name>/.firmnet-cache.json:
 * a step whose key is unchanged and whose outputs still exist is reused instead of re-run.
 */
export class BuildCache {
  private readonly keys: Record<string, string>;

  constructor(
    private readonly outDir: string,
    private readonly enabled: boolean,
  ) {
    const file = join(outDir, CACHE_FILE);
    this.keys = enabled && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  /** A step's key: the firmnet version and everything the step reads. */
  static key(inputs: unknown): string {
    return sha256Hex(canonicalJson({ firmnet: FIRMNET_VERSION, inputs })).slice(0, 24);
  }

  fresh(step: string, key: string, outputs: string[]): boolean {
    return this.enabled && this.keys[step] === key && outputs.every((f) => existsSync(join(this.outDir, f)));
  }

  record(step: string, key: string): void {
    this.keys[step] = key;
    writeFileAtomic(join(this.outDir, CACHE_FILE), toJsonText(this.keys));
  }
}

/** sha256 of a file's bytes (null for no file), for cache keys. */
export function fileHash(file: string | null): string | null {
  return file === null ? null : createHash('sha256').update(readFileSync(file)).digest('hex');
}
