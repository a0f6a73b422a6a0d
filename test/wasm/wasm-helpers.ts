/**
 * Shared pieces of the WebAssembly backend tests: emit a model into a temporary folder and import
 * its generated loader, and crafted IRs for kernel edge cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type WasmEmitResult, emitWasm } from '../../compiler/emit/wasm/emit-wasm.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { DTYPE_RANGE, type QDtype, type QTensor, type Unhashed } from '../../compiler/ops/op-types.js';
import type { QLayer } from '../../compiler/ops/quantized-op-types.js';
import type { Rng } from '../../compiler/rng.js';

/** The generated model.mjs, as the tests use it. */
export interface LoadedModel {
  name: string;
  hash: string;
  inputFeatures: number;
  outputFeatures: number;
  inputDtype: QDtype;
  outputDtype: QDtype;
  simd: boolean;
  imports: readonly string[];
  sizes: Record<string, number>;
  memory: { buffer: ArrayBuffer };
  predict(features: ArrayLike<number>): Float32Array;
  predictBatch(features: ArrayLike<number>, rows?: number): Float32Array;
  predictDetailed(features: ArrayLike<number>, rows?: number): { rows: number; cols: number; output: Int8Array | Int16Array; dequantized: Float32Array; scores: Float32Array };
  predictInt8(input: unknown): Int8Array;
  predictQuantized(input: unknown): Int8Array | Int16Array;
  predictQuantizedBatch(input: unknown, rows?: number): Int8Array | Int16Array;
  createInstance(): { exports: Record<string, unknown>; memory: { buffer: ArrayBuffer } };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `firmnet-wasm-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function emitAndLoad(q: QModel, dir: string, simd: boolean): Promise<{ model: LoadedModel; result: WasmEmitResult }> {
  const result = await emitWasm(q, dir, { simd, command: `test: emit ${q.name} simd=${simd}` });
  const model = (await import(pathToFileURL(join(dir, 'model.mjs')).href)) as LoadedModel;
  return { model, result };
}

export function tensor(dtype: QDtype, features: number, scale: number, zeroPoint: number): QTensor {
  const { min, max } = DTYPE_RANGE[dtype];
  return { dtype, features, scale, zeroPoint, rangeMin: Math.min(0, scale * (min - zeroPoint)), rangeMax: Math.max(0, scale * (max - zeroPoint)) };
}

/**
 * A fully-connected layer with random parameters: mostly shifts that keep outputs spread over the
 * output range, plus every kind of edge (shift −31, 0, left shifts up to 30, zero multipliers,
 * the largest multiplier, large biases).
 */
export function randomDense(rng: Rng, inFeatures: number, outFeatures: number, inDtype: QDtype, outDtype: QDtype): Unhashed<QLayer> {
  const outRange = DTYPE_RANGE[outDtype];
  const inZp = inDtype === 'int8' ? rng.int(256) - 128 : 0;
  const outZp = outDtype === 'int8' ? rng.int(256) - 128 : 0;
  // Typical |acc| for uniform random codes and weights; shifts chosen to spread it over the output range.
  const accScale = Math.sqrt(inFeatures) * (inDtype === 'int8' ? 74 * 73 : 18900 * 73);
  const typical = -Math.round(Math.log2(accScale / 0.75) - (outDtype === 'int8' ? 6 : 14));
  const maxShift = inDtype === 'int16' ? 7 : 30;
  const biasLimit = inDtype === 'int16' ? 2 ** 40 : 2 ** 31 - 1;
  const multiplier: number[] = [];
  const shift: number[] = [];
  const bias: number[] = [];
  for (let c = 0; c < outFeatures; c++) {
    // Channel 0 and 60% of the others are typical; the rest are edges.
    const kind = c === 0 || rng.uniform() < 0.6 ? -1 : rng.int(6);
    multiplier.push(kind === 0 ? 0 : kind === 1 ? 2147483647 : 1073741824 + rng.int(1073741823));
    shift.push(kind === 2 ? -31 : kind === 3 ? rng.int(maxShift + 1) : kind === 4 ? 0 : Math.max(-31, Math.min(maxShift, typical + rng.int(3) - 1)));
    bias.push(kind === 5 ? (rng.int(2) ? biasLimit : -biasLimit) : Math.round((rng.uniform() * 2 - 1) * accScale));
  }
  const lo = outRange.min + rng.int(20);
  return {
    op: 'fully_connected',
    name: `fc_${inFeatures}x${outFeatures}`,
    input: tensor(inDtype, inFeatures, 0.05, inZp),
    output: tensor(outDtype, outFeatures, 0.05, outZp),
    sourceLayers: [],
    inFeatures,
    outFeatures,
    weightGranularity: 'per_channel',
    weightScales: Array(outFeatures).fill(0.01),
    weightBits: 8,
    weights: Array.from({ length: inFeatures * outFeatures }, () => rng.int(255) - 127),
    bias,
    multiplier,
    shift,
    activation: 'none',
    activationMin: lo,
    activationMax: outRange.max - rng.int(20),
  } as Unhashed<QLayer>;
}

/** `rows` rows of random input codes of the dtype, with every row's first values at the extremes. */
export function randomCodes(rng: Rng, dtype: QDtype, rows: number, features: number): Int8Array | Int16Array {
  const { min, max } = DTYPE_RANGE[dtype];
  const out = dtype === 'int16' ? new Int16Array(rows * features) : new Int8Array(rows * features);
  for (let i = 0; i < out.length; i++) {
    const r = Math.floor(i / features);
    out[i] = r === 0 ? min : r === 1 ? max : min + rng.int(max - min + 1);
  }
  return out;
}
