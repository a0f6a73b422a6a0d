import { execFile } from 'node:child_process';
import type { CliResult } from './run-cli.js';

/**
 * Runs the built CLI as an asynchronous child process: a long run does not block the test
 * worker's event loop (which would make vitest's worker RPC time out).
 */
export function runFirmnetAsync(args: string[], cwd = process.cwd()): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`${process.cwd()}/bin/firmnet.js`, ...args],
      { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
}
