import { spawnAsync } from './child-process.js';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (dist/, made by `npm run build`, which `npm test` runs first) as an
 * asynchronous child process, so the test's event loop stays free while it runs.
 */
export async function runFirmnet(args: string[], cwd = process.cwd()): Promise<CliResult> {
  const r = await spawnAsync(process.execPath, [`${process.cwd()}/bin/firmnet.js`, ...args], { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}
