/**
 * The kernel helper thread (started by threads.ts): waits for jobs in the shared control block and
 * runs the half of a kernel call it claims, on its own instance of the training kernels bound to
 * the same shared memory as the main thread's.
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  ARGS_BYTE_OFFSET,
  ARG_COUNT,
  CONTROL_INTS,
  DONE,
  ENGINE,
  type ForgetMessage,
  KERNEL,
  MAX_ARGS,
  POSTED,
  REGISTER,
  RESULT_BYTE_OFFSET,
  type RegisterMessage,
  SEQ,
  SPLIT_KERNELS,
  STATE,
  WORKER,
} from './thread-protocol.js';

interface WasmApi {
  Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => number> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const { control, port } = workerData as { control: SharedArrayBuffer; port: MessagePort };
const words = new Int32Array(control, 0, CONTROL_INTS);
const args = new Float64Array(control, ARGS_BYTE_OFFSET, MAX_ARGS);
const result = new Float64Array(control, RESULT_BYTE_OFFSET, 1);
const engines = new Map<number, ((...args: number[]) => number)[]>();

/** Applies every registration and release the main thread has sent. */
function drainPort(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const message = m.message as RegisterMessage | ForgetMessage;
    if (message.kind === 'forget') {
      engines.delete(message.engine);
      continue;
    }
    const exports = new wasm.Instance(message.module, { env: { memory: message.memory } }).exports;
    engines.set(
      message.engine,
      SPLIT_KERNELS.map((name) => exports[name]),
    );
  }
}

// From 0, not the current value: the first job (a registration) may be posted before this runs.
let seen = 0;
// Sleeps between jobs rather than spinning: on a busy machine a spinning helper takes the core the
// main thread needs (measured: slower than one thread); a job it wakes too late for is simply taken
// back by the main thread.
for (;;) {
  Atomics.wait(words, SEQ, seen);
  seen = Atomics.load(words, SEQ);
  if (Atomics.compareExchange(words, STATE, POSTED, WORKER) !== POSTED) continue;
  const kernel = words[KERNEL];
  const engine = words[ENGINE];
  if (kernel === REGISTER) {
    while (!engines.has(engine)) drainPort();
  } else {
    if (!engines.has(engine)) drainPort();
    const fn = engines.get(engine)![kernel];
    result[0] = fn(...Array.from(args.subarray(0, words[ARG_COUNT])));
  }
  Atomics.store(words, STATE, DONE);
  Atomics.notify(words, STATE);
}
