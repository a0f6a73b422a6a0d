import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FirmnetError } from '../errors.js';
import type { FloatArray, Matrix, Precision } from './matrix.js';
import { SPLIT_MIN_WORK, type SplitKernel, shareWithHelper, split } from './threads.js';

/**
 * The float trainer's WebAssembly kernels (runtime/training/, compiled by `npm run build` into
 * dist/training.wasm) bound to one linear memory that holds everything a network touches while it
 * trains: parameters, gradients, optimizer state, and every layer's activations and gradients for
 * batches of up to `rows` rows. The memory is sized once, when the network is built, and never
 * grows, so no step allocates and every typed-array view into it stays valid. It is shared memory:
 * a `parallel` float32 engine lets a second thread run half of its largest kernels (threads.ts).
 */
export class Engine {
  readonly kernels: Kernels;
  readonly memory: WasmMemory;
  /**
   * The helper thread's id for this engine's memory: 0 when every kernel runs on this thread, null
   * until the first call large enough to split registers it (small networks never start a helper).
   */
  private helper: number | null;
  private readonly module: object;
  private top: number;
  private readonly bytes: number;
  private readonly weightsAt: number;
  private weights: FloatArray | null = null;

  /** `lengths`: the element counts of every buffer that will be taken with `floats`. */
  constructor(
    readonly precision: Precision,
    lengths: number[],
    parallel = false,
  ) {
    const elementBytes = precision === 'float64' ? 8 : 4;
    const { module, heapBase } = kernelModule();
    this.top = alignUp(heapBase);
    // The class weights of a weighted loss sit in a fixed block at the end, so a loss can be weighted on any engine.
    this.weightsAt = lengths.reduce((sum, n) => sum + alignUp(n * elementBytes), this.top);
    this.bytes = this.weightsAt + alignUp(LOSS_WEIGHT_CAPACITY * elementBytes);
    const pages = Math.max(1, Math.ceil(this.bytes / PAGE_BYTES));
    if (pages > MAX_PAGES) {
      throw new FirmnetError('BAD_ARGUMENT', `the network needs ${(this.bytes / 2 ** 20).toFixed(0)} MiB of training memory for its batch size; the limit is 4 GiB — use a smaller --batch-size or smaller layers`);
    }
    this.memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    const exports = new wasm.Instance(module, { env: { memory: this.memory } }).exports as KernelExports;
    this.kernels = bindKernels(exports, precision === 'float64' ? '64' : '32');
    engines.set(this.memory.buffer, this);
    this.module = module;
    this.helper = parallel && precision === 'float32' ? null : 0;
  }

  private helperFor(work: number): number {
    if (work < SPLIT_MIN_WORK) return 0;
    if (this.helper === null) this.helper = shareWithHelper(this, this.module, this.memory);
    return this.helper;
  }

  /**
   * A kernel that writes a range [from, to) of its output: over [0, total) in one call, or, for
   * `work` multiply-accumulates or more, in two halves split at a multiple of `align`, the second
   * possibly on the helper thread. The bits are the same either way.
   */
  ranged(kernel: SplitKernel, fn: (...args: number[]) => void, args: number[], total: number, align: number, work: number): void {
    const helper = total < 2 * align ? 0 : this.helperFor(work);
    if (helper === 0) {
      fn(...args, 0, total);
      return;
    }
    const mid = Math.floor(total / 2 / align) * align;
    split(helper, kernel, fn, [...args, 0, mid], [...args, mid, total]);
  }

  /** fn(...first) + fn(...second), the second possibly on the helper thread (see threads.ts). */
  halves(kernel: SplitKernel, fn: (...args: number[]) => number | void, first: number[], second: number[], work: number): number {
    return split(this.helperFor(work), kernel, fn, first, second);
  }

  /** A zeroed view of `length` elements, 16-byte aligned, past the kernels' static data. */
  floats(length: number): FloatArray {
    const elementBytes = this.precision === 'float64' ? 8 : 4;
    const at = this.top;
    this.top += alignUp(length * elementBytes);
    if (this.top > this.weightsAt) throw new Error(`internal: engine buffers exceed the ${this.weightsAt} bytes planned`);
    return this.precision === 'float64' ? new Float64Array(this.memory.buffer, at, length) : new Float32Array(this.memory.buffer, at, length);
  }

  /**
   * The address of `values` (a weighted loss's weights, at most LOSS_WEIGHT_CAPACITY) copied into
   * the block reserved for them; copied on every call, so losses with other weights can share an engine.
   */
  lossWeights(values: ArrayLike<number>): number {
    if (values.length > LOSS_WEIGHT_CAPACITY) throw new Error(`internal: ${values.length} loss weights exceed the ${LOSS_WEIGHT_CAPACITY} reserved`);
    if (this.weights === null) {
      const at = this.weightsAt;
      this.weights = this.precision === 'float64' ? new Float64Array(this.memory.buffer, at, LOSS_WEIGHT_CAPACITY) : new Float32Array(this.memory.buffer, at, LOSS_WEIGHT_CAPACITY);
    }
    for (let i = 0; i < values.length; i++) this.weights[i] = values[i];
    return this.weights.byteOffset;
  }

  /** Byte address of a view into this engine's memory. */
  address(values: FloatArray): number {
    if (values.buffer !== this.memory.buffer) throw new Error('internal: kernel operand is not in the engine memory');
    return values.byteOffset;
  }
}

const engines = new WeakMap<ArrayBufferLike, Engine>();

/** The engine whose memory holds every one of these matrices (null matrices aside), if any. */
export function engineHolding(...matrices: (Matrix | null | undefined)[]): Engine | null {
  let buffer: ArrayBufferLike | null = null;
  for (const m of matrices) {
    if (!m) continue;
    if (buffer !== null && m.data.buffer !== buffer) return null;
    buffer = m.data.buffer;
  }
  return buffer === null ? null : (engines.get(buffer) ?? null);
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
  denseForward(x: number, rows: number, nIn: number, nOut: number, w: number, b: number, y: number, oFrom: number, oTo: number): void;
  denseWeightGradient(x: number, dy: number, rows: number, nIn: number, nOut: number, dw: number, db: number, oFrom: number, oTo: number): void;
  denseInputGradient(dy: number, rows: number, nIn: number, nOut: number, w: number, dx: number, iFrom: number, iTo: number): void;
  reluForward(kind: number, x: number, n: number, y: number, alpha: number): void;
  reluBackward(kind: number, x: number, dy: number, n: number, dx: number, alpha: number): void;
  batchNormTrain(x: number, rows: number, features: number, gamma: number, beta: number, eps: number, momentum: number, runningMean: number, runningVar: number, invStd: number, xHat: number, y: number, scratch: number): void;
  batchNormEval(x: number, rows: number, features: number, gamma: number, beta: number, eps: number, runningMean: number, runningVar: number, invStd: number, xHat: number, y: number): void;
  batchNormBackward(dy: number, rows: number, features: number, gamma: number, invStd: number, xHat: number, batchStatistics: boolean, dGamma: number, dBeta: number, dx: number, scratch: number): void;
  /** `decoupled`: 1 for AdamW, 0 for Adam. */
  adam(w: number, g: number, m: number, v: number, n: number, stepSize: number, beta1: number, beta2: number, invSqrtC2: number, epsilon: number, weightDecay: number, decayStep: number, decoupled: number): number;
  sgd(w: number, g: number, velocity: number, n: number, lr: number, momentum: number, nesterov: boolean, weightDecay: number): number;
  sumSquares(p: number, n: number): number;
  scale(p: number, n: number, s: number): void;
  allFinite(p: number, n: number): boolean;
  standardizeRows(x: number, rows: number, columns: number, mean: number, std: number): void;
  mseLoss(p: number, t: number, n: number, grad: number, scale: number): number;
  maeLoss(p: number, t: number, n: number, grad: number, scale: number): number;
  huberLoss(p: number, t: number, n: number, grad: number, scale: number, delta: number): number;
  bceLoss(p: number, t: number, n: number, grad: number, scale: number): number;
  softmaxCrossEntropyLoss(p: number, t: number, rows: number, cols: number, grad: number, scale: number): number;
  /** `w`: cols weights of the positive terms, then cols of the negative ones. */
  weightedBceLoss(p: number, t: number, rows: number, cols: number, grad: number, scale: number, w: number): number;
  /** `w`: one weight per class (column). */
  weightedSoftmaxCrossEntropyLoss(p: number, t: number, rows: number, cols: number, grad: number, scale: number, w: number): number;
  columnMax(x: number, rows: number, cols: number, acc: number): void;
  countOutside(x: number, n: number, lo: number, hi: number): number;
}

/** `kind` of reluForward/reluBackward (runtime/training/elementwise.ts). */
export const RELU_KIND = { relu: 0, relu6: 1, leaky_relu: 2 } as const;

const KERNEL_NAMES: (keyof Kernels)[] = [
  'denseForward',
  'denseWeightGradient',
  'denseInputGradient',
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
  'mseLoss',
  'maeLoss',
  'huberLoss',
  'bceLoss',
  'softmaxCrossEntropyLoss',
  'weightedBceLoss',
  'weightedSoftmaxCrossEntropyLoss',
  'columnMax',
  'countOutside',
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
/** Loss weights an engine holds: two per output (a positive and a negative weight) for up to 1024 outputs. */
export const LOSS_WEIGHT_CAPACITY = 2048;
/** Pages enough for the kernel module's static data. */
const STATIC_PAGES = 1;
const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;
const TRAINING_WASM = 'dist/training.wasm';

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** The part of the WebAssembly JS API used here (the compiler's lib settings carry no DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: { module: object; heapBase: number } | null = null;

/**
 * The compiled kernel module, found from this file's location (source tree or dist/), and the end
 * of its static data, read once from an instance on a scratch memory.
 */
function kernelModule(): { module: object; heapBase: number } {
  if (compiled) return compiled;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const file = join(dir, TRAINING_WASM);
    if (existsSync(file)) {
      const module = new wasm.Module(readFileSync(file));
      const probe = new wasm.Instance(module, { env: { memory: new wasm.Memory({ initial: STATIC_PAGES, maximum: STATIC_PAGES, shared: true }) } }).exports;
      compiled = { module, heapBase: (probe.heapBase as () => number)() };
      return compiled;
    }
    dir = dirname(dir);
  }
  throw new FirmnetError('TOOL_MISSING', `the training kernels (${TRAINING_WASM}) were not found above ${fileURLToPath(import.meta.url)}; run npm run build (npm ci does it)`);
}
