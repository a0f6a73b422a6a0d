import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FirmnetError } from '../errors.js';
import type { FloatArray, Matrix, Precision } from './matrix.js';

/**
 * The float trainer's WebAssembly kernels (runtime/training/, compiled by `npm run build` into
 * dist/training.wasm) bound to one linear memory that holds everything a network touches while it
 * trains: parameters, gradients, optimizer state, and every layer's activations and gradients for
 * batches of up to `rows` rows. The memory is sized once, when the network is built, and never
 * grows, so no step allocates and every typed-array view into it stays valid.
 */
export class Engine {
  readonly kernels: Kernels;
  readonly memory: WasmMemory;
  private top = ALIGN;
  private readonly bytes: number;

  /** `lengths`: the element counts of every buffer that will be taken with `floats`. */
  constructor(
    readonly precision: Precision,
    lengths: number[],
  ) {
    const elementBytes = precision === 'float64' ? 8 : 4;
    this.bytes = lengths.reduce((sum, n) => sum + alignUp(n * elementBytes), ALIGN);
    const pages = Math.max(1, Math.ceil(this.bytes / PAGE_BYTES));
    if (pages > MAX_PAGES) {
      throw new FirmnetError('BAD_ARGUMENT', `the network needs ${(this.bytes / 2 ** 20).toFixed(0)} MiB of training memory for its batch size; the limit is 4 GiB — use a smaller --batch-size or smaller layers`);
    }
    this.memory = new wasm.Memory({ initial: pages, maximum: pages });
    const exports = new wasm.Instance(kernelModule(), { env: { memory: this.memory } }).exports as KernelExports;
    this.kernels = bindKernels(exports, precision === 'float64' ? '64' : '32');
  }

  /** A zeroed view of `length` elements, 16-byte aligned. */
  floats(length: number): FloatArray {
    const elementBytes = this.precision === 'float64' ? 8 : 4;
    const at = this.top;
    this.top += alignUp(length * elementBytes);
    if (this.top > this.bytes) throw new Error(`internal: engine buffers exceed the ${this.bytes} bytes planned`);
    return this.precision === 'float64' ? new Float64Array(this.memory.buffer, at, length) : new Float32Array(this.memory.buffer, at, length);
  }

  /** Byte address of a view into this engine's memory. */
  address(values: FloatArray): number {
    if (values.buffer !== this.memory.buffer) throw new Error('internal: kernel operand is not in the engine memory');
    return values.byteOffset;
  }
}

/**
 * An engine buffer of up to `capacity` rows × `cols`, handing out row-prefix matrices. The matrix
 * for the last row count asked is kept, so a training loop with a fixed batch size creates none.
 */
export class RowBlock {
  readonly data: FloatArray;
  private last: Matrix;

  constructor(
    engine: Engine,
    readonly capacity: number,
    readonly cols: number,
  ) {
    this.data = engine.floats(capacity * cols);
    this.last = { rows: capacity, cols, data: this.data };
  }

  rows(rows: number): Matrix {
    if (rows !== this.last.rows) {
      if (rows > this.capacity) throw new Error(`internal: ${rows} rows exceed the engine's ${this.capacity}`);
      this.last = { rows, cols: this.cols, data: this.data.subarray(0, rows * this.cols) };
    }
    return this.last;
  }
}

/** The kernels of one precision, named without their `32`/`64` suffix (runtime/training/index.ts). */
export interface Kernels {
  denseForward(x: number, rows: number, nIn: number, nOut: number, w: number, b: number, y: number, relu: boolean): void;
  denseBackward(x: number, dy: number, rows: number, nIn: number, nOut: number, w: number, dx: number, dw: number, db: number): void;
  reluForward(kind: number, x: number, n: number, y: number, alpha: number): void;
  reluBackward(kind: number, x: number, dy: number, n: number, dx: number, alpha: number): void;
  batchNormTrain(x: number, rows: number, features: number, gamma: number, beta: number, eps: number, momentum: number, runningMean: number, runningVar: number, invStd: number, xHat: number, y: number): void;
  batchNormEval(x: number, rows: number, features: number, gamma: number, beta: number, eps: number, runningMean: number, runningVar: number, invStd: number, xHat: number, y: number): void;
  batchNormBackward(dy: number, rows: number, features: number, gamma: number, invStd: number, xHat: number, batchStatistics: boolean, dGamma: number, dBeta: number, dx: number): void;
  adam(w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, c1: number, c2: number, epsilon: number, weightDecay: number, decoupled: boolean): number;
  sgd(w: number, g: number, velocity: number, n: number, lr: number, momentum: number, nesterov: boolean, weightDecay: number): number;
  sumSquares(p: number, n: number): number;
  scale(p: number, n: number, s: number): void;
  allFinite(p: number, n: number): boolean;
  standardizeRows(x: number, rows: number, columns: number, mean: number, std: number): void;
}

/** `kind` of reluForward/reluBackward (runtime/training/elementwise.ts). */
export const RELU_KIND = { relu: 0, relu6: 1, leaky_relu: 2 } as const;

const KERNEL_NAMES: (keyof Kernels)[] = [
  'denseForward',
  'denseBackward',
  'reluForward',
  'reluBackward',
  'batchNormTrain',
  'batchNormEval',
  'batchNormBackward',
  'adam',
  'sgd',
  'sumSquares',
  'scale',
  'allFinite',
  'standardizeRows',
];

type KernelExports = Record<string, (...args: number[]) => number>;

function bindKernels(exports: KernelExports, suffix: '32' | '64'): Kernels {
  const bound: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const fn = exports[name + suffix];
    if (typeof fn !== 'function') throw new FirmnetError('TOOL_MISSING', `${TRAINING_WASM} has no kernel ${name}${suffix}; rebuild firmnet (npm run build)`);
    // WebAssembly returns i32 for bool results; the interface promises booleans.
    bound[name] = name === 'allFinite' ? (...args: number[]) => fn(...args) !== 0 : fn;
  }
  return bound as unknown as Kernels;
}

const ALIGN = 16;
const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
const TRAINING_WASM = 'dist/training.wasm';

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** The part of the WebAssembly JS API used here (the compiler's lib settings carry no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;

/** The compiled kernel module, found from this file's location (source tree or dist/). */
function kernelModule(): object {
  if (compiled) return compiled;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const file = join(dir, TRAINING_WASM);
    if (existsSync(file)) {
      const module = new wasm.Module(readFileSync(file));
      compiled = module;
      return module;
    }
    dir = dirname(dir);
  }
  throw new FirmnetError('TOOL_MISSING', `the training kernels (${TRAINING_WASM}) were not found above ${fileURLToPath(import.meta.url)}; run npm run build (npm ci does it)`);
}
