import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CliResult } from './run-cli.js';

/** Runs a program as a child process without blocking the test worker's event loop. */
export function runAsync(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: { ...process.env, FORCE_COLOR: '0', ...options.env }, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

/** The checkout's CLI (dist/, built by `npm test`), as a child process in `cwd`. */
export function runFirmnetAsync(args: string[], cwd = process.cwd()): Promise<CliResult> {
  return runAsync(process.execPath, [join(process.cwd(), 'bin', 'firmnet.js'), ...args], { cwd });
}

/** Every file under `dir` (dot files included), by '/'-separated path, with its bytes. */
export function filesUnder(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    const path = prefix === '' ? entry : `${prefix}/${entry}`;
    if (statSync(full).isDirectory()) for (const [p, b] of filesUnder(full, path)) files.set(p, b);
    else files.set(path, readFileSync(full));
  }
  return files;
}
