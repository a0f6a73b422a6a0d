/**
 * The WebAssembly module's linear memory, fixed at emit time:
 *
 *   [0, arenaBytes)              the activation arena of compiler/plan/plan-memory.ts (the one plan
 *                                every backend uses); tensor k lives at plan.tensors[k].offset
 *   [workspaceOffset, +bytes)    one workspace, used at different times: the float32 staging of
 *                                `predictFloat` (before and after the layers run) and, in the SIMD
 *                                build, the int16-widened input of the dense layer running now
 *   [constants…]                 the model's constants, each array 16-byte aligned, written as
 *                                data segments: weights int8, bias int32 (int64 for int16 input),
 *                                multiplier and shift int32, tables, input and target
 *                                standardization float32
 *
 * Every array holds the IR's own integers or the op's prepared ones (little-endian), as the op
 * places them (compiler/ops/<op>/, `wasm.constants`): the SIMD build stores int8-input dense layers
 * in the order its kernel reads them, their weights as int16 and their shifts as two factors
 * (compiler/ops/fully-connected/pack-simd.ts) — a re-encoding of the same values.
 */
import type { QModel } from '../../ir/qmodel.js';
import { float32Bytes } from '../../io/little-endian.js';
import type { Standardization } from '../../model/float-model.js';
import type { WasmLayerAddresses } from '../../ops/op-definition.js';
import { quantizedOp } from '../../ops/quantized-ops.js';
import { type MemoryPlan, planMemory } from '../../plan/plan-memory.js';

export const WASM_PAGE_BYTES = 65536;
const ALIGN = 16;

/** One constant array placed in memory. */
export interface ConstantArray {
  /** e.g. `layers[0].weights`. */
  label: string;
  offset: number;
  bytes: Uint8Array;
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
  layers: WasmLayerAddresses[];
  constants: ConstantArray[];
  /** Bytes of all constant arrays (without alignment gaps). */
  constantBytes: number;
  /** End of the constants; the layer table follows (emit-wasm.ts). */
  end: number;
}

export function layoutWasmMemory(q: QModel, simd: boolean): WasmMemoryLayout {
  const plan = planMemory(q);
  const inputFeatures = q.layers[0].input.features;
  const outputFeatures = q.layers[q.layers.length - 1].output.features;
  const workspaceOffset = alignUp(plan.arenaBytes);
  const kernels = q.layers.reduce((most, l) => Math.max(most, quantizedOp(l).wasm.workspaceBytes(l, simd)), 0);
  const workspaceBytes = alignUp(Math.max(4 * inputFeatures, 4 * outputFeatures, kernels));
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
  const layers = q.layers.map((layer, i): WasmLayerAddresses => {
    const def = quantizedOp(layer);
    const label = `layers[${i}]`;
    const addresses: Record<string, number> = {};
    for (const c of def.wasm.constants(layer, def.prepare(layer), simd, label)) addresses[c.slot] = place(`${label}.${c.label}`, c.bytes);
    return { input: plan.tensors[i].offset, output: plan.tensors[i + 1].offset, constants: addresses };
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

export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE_BYTES));
}

function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
