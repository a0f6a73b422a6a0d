/**
 * The shared control block between the main thread and the kernel helper thread (threads.ts,
 * kernel-worker.ts): an Int32Array of CONTROL_INTS words, then up to MAX_ARGS float64 arguments.
 *
 * A job's life: the main thread writes the kernel, engine and arguments, sets STATE to POSTED and
 * bumps SEQ. Whoever wins the compare-and-swap POSTED → WORKER (helper) or POSTED → MAIN (main
 * thread, once its own half is done) runs it; the helper sets DONE when it finishes.
 */
export const SEQ = 0;
export const STATE = 1;
export const KERNEL = 2;
export const ENGINE = 3;
export const ARG_COUNT = 4;
export const CONTROL_INTS = 16;
export const ARGS_BYTE_OFFSET = CONTROL_INTS * 4;
export const MAX_ARGS = 15;
/** The float64 after the arguments: what the helper's half returned. */
export const RESULT_BYTE_OFFSET = ARGS_BYTE_OFFSET + MAX_ARGS * 8;
export const CONTROL_BYTES = RESULT_BYTE_OFFSET + 8;

export const IDLE = 0;
export const POSTED = 1;
export const WORKER = 2;
export const MAIN = 3;
export const DONE = 4;

/** KERNEL value of a job that registers an engine's memory (the message on the port carries it). */
export const REGISTER = -1;

/** The kernels a job may name, by index: exports of dist/training.wasm. */
export const SPLIT_KERNELS = ['denseForward32', 'denseWeightGradient32', 'denseInputGradient32', 'adam32'] as const;

export interface RegisterMessage {
  kind: 'register';
  engine: number;
  module: object;
  memory: object;
}

export interface ForgetMessage {
  kind: 'forget';
  engine: number;
}
