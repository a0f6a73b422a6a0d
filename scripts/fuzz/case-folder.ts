/**
 * Laying a case out on disk, the harness action between commands, and reading back what the
 * commands generated. Shared by the runner process (in-process cases) and the real-CLI check.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Rng } from '../../compiler/rng.js';
import type { FuzzCase, OutputSample, Step, StepResult } from './fuzz-case.js';
import { expandArgs } from './fuzz-case.js';

export function writeCaseFiles(c: FuzzCase, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const f of c.files) {
    const path = join(dir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    if (f.type === 'file') writeFileSync(path, f.bytes);
    else if (f.type === 'symlink') symlinkSync(f.target.split('{dir}').join(dir), path);
    else execFileSync('mkfifo', [path]);
  }
}

/**
 * The `calibration-csv` step: an imported model has no training data, so calibrate it on seeded
 * normal rows under its own feature names. Returns false when the model file is not there or not
 * JSON (the import step wrote nothing usable), which ends the case like a failed command would.
 */
export function writeCalibrationCsv(step: Extract<Step, { type: 'calibration-csv' }>, dir: string): boolean {
  const [modelFile, outFile] = expandArgs([step.model, step.out]).map((p) => join(dir, p));
  let names: unknown;
  try {
    names = (JSON.parse(readFileSync(modelFile, 'utf8')) as { featureNames?: unknown }).featureNames;
  } catch {
    return false;
  }
  if (!Array.isArray(names) || names.length === 0 || names.length > 100_000 || !names.every((n) => typeof n === 'string')) return false;
  const rng = new Rng(step.seed);
  const lines = [names.map(csvCell).join(',')];
  for (let r = 0; r < step.rows; r++) lines.push(names.map(() => (rng.normal() * 2).toFixed(4)).join(','));
  writeFileSync(outFile, `${lines.join('\n')}\n`);
  return true;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const MAX_SAMPLE_BYTES = 4 << 20;

/** The generated C sources under the case folder that the case did not bring itself. */
export function generatedSources(c: FuzzCase, dir: string): OutputSample[] {
  const inputs = new Set(c.files.map((f) => f.path));
  const out: OutputSample[] = [];
  const visit = (d: string, depth: number): void => {
    if (depth > 6) return;
    let entries: string[];
    try {
      entries = readdirSync(d);
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(d, e);
      const rel = relative(dir, path);
      // lstat: a case's symlink may point at / or a device; only real files and folders are read.
      const st = lstatSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) visit(path, depth + 1);
      else if (st.isFile() && /\.(c|h)$/.test(e) && !inputs.has(rel) && st.size <= MAX_SAMPLE_BYTES) out.push({ path: rel, text: readFileSync(path, 'utf8') });
    }
  };
  visit(dir, 0);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** A write in progress: writeFileAtomic's temporary file, or a build's staging folder. */
const IN_PROGRESS = /^\..+\.\d+\.tmp$|^\.firmnet-staging$/;

/**
 * What the case's commands left half-written: a temporary file or staging folder that outlived its
 * command, and the `--out` of a refused command (other than `build`, whose out folder may hold an
 * earlier build's set) that exists with content. A refused file must leave nothing behind.
 */
export function halfWrittenOutputs(c: FuzzCase, dir: string, refused: StepResult | null): string[] {
  const inputs = new Set(c.files.map((f) => f.path));
  const found: string[] = [];
  walk(dir, dir, 0, (rel, st) => {
    if (!inputs.has(rel) && IN_PROGRESS.test(rel.split('/').pop()!)) found.push(`${rel} (${st.isDirectory() ? 'a folder' : `${st.size} bytes`}) outlived its command`);
  });
  if (refused && refused.argv[0] !== 'build') {
    const at = refused.argv.indexOf('--out');
    const out = at >= 0 ? refused.argv[at + 1] : undefined;
    if (out !== undefined && !inputs.has(out)) {
      const st = lstatSync(join(dir, out), { throwIfNoEntry: false });
      let files = 0;
      if (st?.isDirectory()) walk(join(dir, out), dir, 0, (_, s) => void (s.isFile() && files++));
      if (st?.isFile()) found.push(`\`${refused.argv[0]}\` exited ${refused.exitCode} but wrote ${out} (${st.size} bytes)`);
      else if (files > 0) found.push(`\`${refused.argv[0]}\` exited ${refused.exitCode} but wrote ${files} file(s) in ${out}/`);
    }
  }
  return found;
}

function walk(d: string, root: string, depth: number, visit: (rel: string, st: ReturnType<typeof lstatSync> & object) => void): void {
  if (depth > 6) return;
  let entries: string[];
  try {
    entries = readdirSync(d);
  } catch {
    return;
  }
  for (const e of entries) {
    const path = join(d, e);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!st) continue;
    visit(relative(root, path), st);
    if (st.isDirectory()) walk(path, root, depth + 1, visit);
  }
}
