/**
 * Child processes for the tests, without blocking the event loop. vitest's worker answers its
 * runner over that loop: compilers, emulators and CLI runs called with the *Sync functions, one
 * after another, can hold it for a minute and end the run with `Timeout calling "onTaskUpdate"`.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

/** promisify(execFile): resolves with { stdout, stderr } (a compiler's warnings), rejects on a non-zero exit. */
export const execFilePromise = promisify(execFile);

/** Output limit of execFileAsync (objdump of an image, a sanitizer build's log): far above what the tests produce. */
const MAX_OUTPUT_BYTES = 1 << 28;

/** Like execFileSync(file, args, { encoding: 'utf8' }): resolves with stdout, rejects on a non-zero exit (the message carries stderr). */
export async function execFileAsync(file: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  const { stdout } = await execFilePromise(file, args, { ...options, encoding: 'utf8', maxBuffer: MAX_OUTPUT_BYTES });
  return stdout;
}

export interface ProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

export interface SpawnOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: Buffer | string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Like spawnSync: resolves with the exit status and both outputs whatever the status; rejects only if the program cannot start. */
export function spawnAsync(file: string, args: readonly string[], options: SpawnOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits without reading all of its input closes the pipe; its status says why.
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }));
    child.stdin.end(options.input);
  });
}
