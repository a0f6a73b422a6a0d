/**
 * The WebAssembly module's linear memory, fixed at emit time:
 *
 *   [0, arenaBytes)              the activation arena of firmware-sim/plan-memory.ts (the one plan
 *                                every backend uses); tensor k lives at plan.tensors[k].offset
 *   [workspaceOffset, +bytes)    one workspace, used at different times: the float32 staging of
 *                                `predictFloat` (before and after the layers run) and, in the SIMD
 *                                build, the int16-widened input of the dense layer running now
 *   [constants…]                 the model's constants, each array 16-byte aligned, written as
 *                                data segments: weights int8, bias int32 (int64 for int16 input),
 *                                multiplier and shift int32, tables, input and target
 *                                standardization float32
 *
 * Every array holds the IR's own integers (little-endian); nothing is re-derived. The SIMD build
 * stores int8-input dense layers in the order its kernel reads them, their weights as int16 and
 * their shifts as two factors (pack-dense.ts) — a re-encoding of the same values.
 */
import { type MemoryPlan, planMemory } from '../../../firmware-sim/plan-memory.js';
import { FirmnetError } from '../../errors.js';
import type { Standardization } from '../../model/float-model.js';
import type { QLayer, QModel } from '../../quantize/qmodel.js';
import { packDenseS8Simd } from './pack-dense.js';

export const WASM_PAGE_BYTES = 65536;
const ALIGN = 16;

/** One constant array placed in memory. */
export interface ConstantArray {
  /** e.g. `layers[0].weights`. */
  label: string;
  offset: number;
  bytes: Uint8Array;
}

/** Addresses of one layer's constants (0 when the layer has no such array). */
export interface LayerAddresses {
  input: number;
  output: number;
  weights: number;
  bias: number;
  multiplier: number;
  shift: number;
  leftFactor: number;
  rightFactor: number;
  table: number;
}

export interface WasmMemoryLayout {
  plan: MemoryPlan;
  arenaBytes: number;
  workspaceOffset: number;
  workspaceBytes: number;
  /** Input standardization float32 arrays (0, 0 when the IR has none). */
  meanOffset: number;
  stdOffset: number;
  /** Target standardization float32 arrays of a regression IR (0, 0 when it has none): the loader's head. */
  targetMeanOffset: number;
  targetStdOffset: number;
  layers: LayerAddresses[];
  constants: ConstantArray[];
  /** Bytes of all constant arrays (without alignment gaps). */
  constantBytes: number;
  /** End of everything firmnet places; the compiler's own static data (if any) starts here. */
  end: number;
}

export function layoutWasmMemory(q: QModel, simd: boolean): WasmMemoryLayout {
  const plan = planMemory(q);
  const inputFeatures = q.layers[0].input.features;
  const outputFeatures = q.layers[q.layers.length - 1].output.features;
  const workspaceOffset = alignUp(plan.arenaBytes);
  const widened = q.layers.reduce((most, l) => Math.max(most, simd && isDenseS8(l) ? 2 * (l.inFeatures + (l.inFeatures & 1)) : 0), 0);
  const workspaceBytes = alignUp(Math.max(4 * inputFeatures, 4 * outputFeatures, widened));
  let cursor = workspaceOffset + workspaceBytes;
  const constants: ConstantArray[] = [];
  const place = (label: string, bytes: Uint8Array): number => {
    const offset = cursor;
    constants.push({ label, offset, bytes });
    cursor = alignUp(cursor + bytes.length);
    return offset;
  };

  let meanOffset = 0;
  let stdOffset = 0;
  if (q.inputStandardization) {
    meanOffset = place('inputStandardization.mean', float32Bytes(q.inputStandardization.mean));
    stdOffset = place('inputStandardization.std', float32Bytes(q.inputStandardization.std));
  }
  let targetMeanOffset = 0;
  let targetStdOffset = 0;
  const target = targetStandardization(q);
  if (target) {
    targetMeanOffset = place('targetStandardization.mean', float32Bytes(target.mean));
    targetStdOffset = place('targetStandardization.std', float32Bytes(target.std));
  }
  const layers = q.layers.map((layer, i) => {
    const addresses: LayerAddresses = {
      input: plan.tensors[i].offset,
      output: plan.tensors[i + 1].offset,
      weights: 0,
      bias: 0,
      multiplier: 0,
      shift: 0,
      leftFactor: 0,
      rightFactor: 0,
      table: 0,
    };
    placeLayer(layer, `layers[${i}]`, addresses, place, simd);
    return addresses;
  });
  return {
    plan,
    arenaBytes: plan.arenaBytes,
    workspaceOffset,
    workspaceBytes,
    meanOffset,
    stdOffset,
    targetMeanOffset,
    targetStdOffset,
    layers,
    constants,
    constantBytes: constants.reduce((n, c) => n + c.bytes.length, 0),
    end: cursor,
  };
}

/**
 * The target standardization the float head undoes (regression values back in the target's units),
 * as compiler/reference/io.ts applies it: an identity head with target standardization; null otherwise.
 */
export function targetStandardization(q: QModel): Standardization | null {
  return q.head === 'identity' ? q.targetStandardization : null;
}

/** An int8-input dense layer: the SIMD build's packed, one-channel-per-lane kind. */
export function isDenseS8(layer: QLayer): layer is Extract<QLayer, { op: 'fully_connected' }> {
  return layer.op === 'fully_connected' && layer.input.dtype === 'int8';
}

function placeLayer(layer: QLayer, label: string, a: LayerAddresses, place: (label: string, bytes: Uint8Array) => number, simd: boolean): void {
  if (simd && isDenseS8(layer)) {
    const packed = packDenseS8Simd(layer);
    a.weights = place(`${label}.weights (packed, int16)`, int16Bytes(packed.weights));
    a.bias = place(`${label}.bias`, int32Bytes(Array.from(packed.bias)));
    a.multiplier = place(`${label}.multiplier`, int32Bytes(Array.from(packed.multiplier)));
    a.leftFactor = place(`${label}.shift (left factors)`, int32Bytes(Array.from(packed.leftFactor)));
    a.rightFactor = place(`${label}.shift (right factors)`, int32Bytes(Array.from(packed.rightFactor)));
    return;
  }
  switch (layer.op) {
    case 'fully_connected':
      a.weights = place(`${label}.weights`, Uint8Array.from(layer.weights, (w) => w & 0xff));
      a.bias = place(`${label}.bias`, layer.input.dtype === 'int16' ? int64Bytes(layer.bias, `${label}.bias`) : int32Bytes(layer.bias));
      a.multiplier = place(`${label}.multiplier`, int32Bytes(layer.multiplier));
      a.shift = place(`${label}.shift`, int32Bytes(layer.shift));
      return;
    case 'lut':
      a.table = place(`${label}.table`, layer.input.dtype === 'int16' ? int16Bytes(layer.table) : Uint8Array.from(layer.table, (t) => t & 0xff));
      return;
    case 'softmax':
      a.table = place(`${label}.expTable`, int32Bytes(layer.expTable));
      return;
    case 'leaky_relu':
      return; // four scalars, passed as immediates
  }
}

export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

function int16Bytes(values: ArrayLike<number>): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  for (let i = 0; i < values.length; i++) view.setInt16(i * 2, values[i], true);
  return new Uint8Array(view.buffer);
}

function int32Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return new Uint8Array(view.buffer);
}

function int64Bytes(values: readonly number[], label: string): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => {
    if (!Number.isSafeInteger(v)) throw new FirmnetError('BAD_IR_FILE', `${label}[${i}]: ${v} is not an exact integer`);
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return new Uint8Array(view.buffer);
}

function float32Bytes(values: readonly number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return new Uint8Array(view.buffer);
}
