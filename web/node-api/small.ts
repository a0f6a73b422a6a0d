/**
 * The rest of Node's API the compiler imports, as the page has it: one core (the trainer runs on
 * this worker's thread), no child processes (no cross-compiler: the simulator's size figures come
 * from its committed measurements), no worker threads of Node's kind.
 */
export const availableParallelism = (): number => 1;
export const tmpdir = (): string => '/tmp';

const noProcess = (command: string): Error => Object.assign(new Error(`spawn ${command} ENOENT (no processes in the page)`), { code: 'ENOENT' });
export function spawnSync(command: string): { error: Error; status: null; stdout: string; stderr: string } {
  return { error: noProcess(command), status: null, stdout: '', stderr: '' };
}
export function execFileSync(command: string): never {
  throw noProcess(command);
}
export function execFile(command: string, _args: unknown, callback: (e: Error) => void): void {
  callback(noProcess(command));
}

export function promisify<A extends unknown[], R>(f: (...args: [...A, (e: Error | null, r?: R) => void]) => void): (...args: A) => Promise<R> {
  return (...args: A) => new Promise((resolve, reject) => f(...args, (e, r) => (e ? reject(e) : resolve(r as R))));
}

export class StringDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  write(bytes: Uint8Array): string {
    return this.decoder.decode(bytes, { stream: true });
  }
  end(): string {
    return this.decoder.decode();
  }
}

/** Only reached when the trainer wants a helper thread, which availableParallelism() = 1 rules out. */
export class Worker {
  constructor() {
    throw new Error('node:worker_threads is not available in the page');
  }
}
export const MessageChannel = globalThis.MessageChannel;
export const workerData = null;
export const threadId = 0;
export function receiveMessageOnPort(): undefined {
  return undefined;
}

export const process = { env: { FIRMNET_THREADS: '1' } as Record<string, string | undefined>, cwd: (): string => '/', pid: 1, platform: 'browser', versions: {} as Record<string, string> };
