import { spawnSync } from 'node:child_process';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (dist/, made by `npm run build`, which `npm test` runs first). */
export function runFirmnet(args: string[], cwd = process.cwd()): CliResult {
  const r = spawnSync(process.execPath, [`${process.cwd()}/bin/firmnet.js`, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
