import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_FILE, type StepRecord, outputHashes, writeCache } from './build-cache.js';

const STAGING_DIR = '.firmnet-staging';

/**
 * The outputs of one build in out/<name>/, kept a consistent set. A step that runs writes into a
 * staging folder (out/<name>/.firmnet-staging); a reused step leaves its verified outputs where
 * they are. `commit` then moves the new outputs in, removes the outputs this build did not make
 * (they belong to another model), and writes the cache file last: until then out/<name>/ holds
 * the last committed build untouched, and while the outputs move it has no cache file, so a build
 * cut short there is rebuilt rather than trusted.
 */
export class OutputSet {
  /** Output name → the folder holding this build's version of it. */
  private readonly location = new Map<string, string>();
  private readonly records: Record<string, StepRecord> = {};
  readonly stageDir: string;

  constructor(readonly outDir: string) {
    this.stageDir = join(outDir, STAGING_DIR);
    // What a build that was killed left behind is never reused.
    rmSync(this.stageDir, { recursive: true, force: true });
    mkdirSync(this.stageDir, { recursive: true });
  }

  /** Where a step that runs writes `output`. */
  staged(output: string): string {
    return join(this.stageDir, output);
  }

  /** This build's `output`, staged or reused. */
  path(output: string): string {
    const dir = this.location.get(output);
    if (dir === undefined) throw new Error(`internal: ${output} was not made by an earlier step`);
    return join(dir, output);
  }

  /** A step that ran: its outputs are in the staging folder. */
  ran(step: string, key: string, outputs: string[]): void {
    for (const o of outputs) this.location.set(o, this.stageDir);
    this.records[step] = { key, outputs: outputHashes(this.stageDir, outputs) };
  }

  /** A step whose outputs in out/<name>/ were verified against its record. */
  reused(step: string, record: StepRecord, outputs: string[]): void {
    for (const o of outputs) this.location.set(o, this.outDir);
    this.records[step] = record;
  }

  /** Makes this build's outputs (of the steps that ran so far) the content of out/<name>/; `all` names every output a build can make. */
  commit(all: readonly string[]): void {
    rmSync(join(this.outDir, CACHE_FILE), { force: true });
    const replaced = join(this.stageDir, '.replaced');
    mkdirSync(replaced);
    for (const output of all) {
      const final = join(this.outDir, output);
      const dir = this.location.get(output);
      if (dir === this.outDir) continue;
      if (existsSync(final)) renameSync(final, join(replaced, output));
      if (dir === this.stageDir) renameSync(join(this.stageDir, output), final);
    }
    writeCache(this.outDir, this.records);
    rmSync(this.stageDir, { recursive: true, force: true });
  }

  /** A build that failed: out/<name>/ stays as it was. */
  discard(): void {
    rmSync(this.stageDir, { recursive: true, force: true });
  }
}
