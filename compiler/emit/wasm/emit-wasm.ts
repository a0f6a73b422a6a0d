/**
 * `firmnet emit --target wasm`: quantized IR → model.wasm (fixed memory, no imports, constants as
 * data segments) + model.mjs / model.d.mts (typed loader). No compiler runs: the precompiled kernel
 * module of the build (SIMD or scalar, compiled with the package) is patched with the model's data.
 * Steps: lay out memory (the shared arena plan), write each layer's kernel call into the layer
 * table and the model's parameters into the descriptor, patch the module (memory size, exported
 * globals and exports, data segments, provenance), read the facts back from the binary, write the
 * three files atomically. Same IR and options → byte-identical files.
 */
import { join, resolve } from 'node:path';
import { FirmnetError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { int32Bytes } from '../../io/little-endian.js';
import { type QModel, anomalyDecision, codeDecision, inputTensor, outputTensor } from '../../ir/qmodel.js';
import { DTYPE_RANGE } from '../../ops/op-types.js';
import { quantizedOp } from '../../ops/quantized-ops.js';
import { parseQModelText } from '../../quantize/qmodel-file.js';
import { FIRMNET_VERSION } from '../../version.js';
import { inspectWasm } from './inspect-wasm.js';
import { kernelModule } from './kernel-module.js';
import { encodeLayerTable, kernelListText } from './kernel-table.js';
import { WASM_PAGE_BYTES, type WasmMemoryLayout, layoutWasmMemory, pagesFor, targetStandardization } from './layout-memory.js';
import { DESCRIPTOR_BYTES, type DescriptorField, encodeDescriptor } from './model-descriptor.js';
import { ANOMALY_EXPORTS, DECISION_EXPORTS, modelId } from './module-exports.js';
import { type DataSegment, patchKernelModule } from './patch-module.js';
import { renderLoader, renderLoaderTypes } from './render-loader.js';

export interface WasmEmitOptions {
  /** SIMD kernels (default) or scalar kernels for runtimes without WebAssembly SIMD. */
  simd?: boolean;
  /** The command line recorded in every file's header. */
  command?: string;
}

export interface WasmArtifacts {
  wasm: Uint8Array;
  loader: string;
  types: string;
  facts: WasmBuildFacts;
}

export interface WasmBuildFacts {
  simd: boolean;
  wasmBytes: number;
  /** Code section bytes. */
  codeBytes: number;
  /** Data section bytes (the constants, the layer table and the descriptor as data segments). */
  dataBytes: number;
  /** Bytes of the model's constant arrays. */
  constantBytes: number;
  /** Activation arena (the shared memory plan) and its lower bound, the largest input + output pair. */
  arenaBytes: number;
  arenaLowerBoundBytes: number;
  /** The workspace: predictFloat's float32 staging and the SIMD kernels' widened input. */
  workspaceBytes: number;
  memoryBytes: number;
  memoryPages: number;
  imports: string[];
  exports: string[];
  buildMs: number;
}

export interface WasmEmitResult extends WasmBuildFacts {
  /** Absolute paths written: model.wasm, model.mjs, model.d.mts. */
  files: string[];
}

/** The files emitWasm writes, in the order it writes them (the loader last). */
export const WASM_OUTPUT_FILES = ['model.wasm', 'model.d.mts', 'model.mjs'] as const;

export async function emitWasm(q: QModel, outDir: string, options: WasmEmitOptions = {}): Promise<WasmEmitResult> {
  const artifacts = await buildWasm(q, options);
  const dir = resolve(outDir);
  const contents: Record<(typeof WASM_OUTPUT_FILES)[number], string | Uint8Array> = {
    'model.wasm': artifacts.wasm,
    'model.d.mts': artifacts.types,
    'model.mjs': artifacts.loader,
  };
  const files = WASM_OUTPUT_FILES.map((f) => {
    const path = join(dir, f);
    try {
      writeFileAtomic(path, contents[f]);
    } catch (e) {
      throw new FirmnetError('BAD_ARGUMENT', `cannot write ${path}: ${(e as Error).message}`);
    }
    return path;
  });
  return { ...artifacts.facts, files };
}

/** Everything emitWasm writes, in memory. */
export async function buildWasm(q: QModel, options: WasmEmitOptions = {}): Promise<WasmArtifacts> {
  const started = performance.now();
  const simd = options.simd ?? true;
  const command = options.command ?? `emitWasm(${q.name}, { simd: ${simd} }) (firmnet ${FIRMNET_VERSION} API)`;
  checkIr(q);
  const layout = layoutWasmMemory(q, simd);
  const data = modelData(q, layout, simd);
  const wasm = patchKernelModule(kernelModule(simd), {
    pages: data.pages,
    globals: {
      INPUT_FEATURES: inputTensor(q).features,
      OUTPUT_FEATURES: outputTensor(q).features,
      INPUT_OFFSET: layout.layers[0].input,
      OUTPUT_OFFSET: layout.layers[layout.layers.length - 1].output,
      FLOAT_IO_OFFSET: layout.workspaceOffset,
      ARENA_BYTES: layout.arenaBytes,
      MODEL_ID: modelId(q.hash),
    },
    dropExports: [...(codeDecision(q) ? [] : DECISION_EXPORTS), ...(anomalyDecision(q) ? [] : ANOMALY_EXPORTS)],
    segments: data.segments,
    provenance: JSON.stringify({ firmnet: FIRMNET_VERSION, model: q.name, hash: q.hash, simd, command }),
    kernelList: kernelListText(simd),
  });
  const inspected = inspectWasm(wasm);
  const memoryPages = inspected.memoryPages;
  if (inspected.imports.length > 0 || memoryPages === null || memoryPages.maximum !== memoryPages.initial) {
    throw new Error(`internal: the emitted module imports ${JSON.stringify(inspected.imports)} and has memory ${JSON.stringify(memoryPages)}`);
  }
  const facts: WasmBuildFacts = {
    simd,
    wasmBytes: wasm.length,
    codeBytes: inspected.codeBytes,
    dataBytes: inspected.dataBytes,
    constantBytes: layout.constantBytes,
    arenaBytes: layout.arenaBytes,
    arenaLowerBoundBytes: layout.plan.lowerBoundBytes,
    workspaceBytes: layout.workspaceBytes,
    memoryBytes: memoryPages.initial * WASM_PAGE_BYTES,
    memoryPages: memoryPages.initial,
    imports: inspected.imports,
    exports: inspected.exports,
    buildMs: 0,
  };
  const loaderFacts = { ...facts };
  const loader = renderLoader(q, layout, loaderFacts, command);
  const types = renderLoaderTypes(q, loaderFacts, command);
  facts.buildMs = performance.now() - started;
  return { wasm, loader, types, facts };
}

/**
 * The kernels trust the IR's ranges (fully-connected multipliers ≥ 0, shifts in range, softmax
 * tables with expTable[0] = 2^15 and at most 65536 classes), so the IR is checked the way every
 * reader checks it: shapes, integer ranges, content hashes.
 */
function checkIr(q: QModel): void {
  parseQModelText(JSON.stringify(q), `quantized IR '${q.name}'`);
}

/**
 * The model's data segments: its constants where the layout put them, then the layer table (one
 * record per layer: kernel code and arguments, compiler/emit/wasm/kernel-table.ts) and the
 * decision codes, and the descriptor in the last bytes of the last page, where runtime/model.ts
 * finds it.
 */
function modelData(q: QModel, layout: WasmMemoryLayout, simd: boolean): { pages: number; segments: DataSegment[] } {
  const calls = q.layers.map((layer, i) => {
    const def = quantizedOp(layer);
    return def.wasm.call(layer, def.prepare(layer), layout.layers[i], { simd, workspace: layout.workspaceOffset });
  });
  const table = encodeLayerTable(calls, simd, (i) => `layers[${i}] '${q.layers[i].name}'`);
  const decision = codeDecision(q);
  const codes = int32Bytes(decision ? decision.codes : []);
  const tableOffset = layout.end;
  const codesOffset = alignUp(tableOffset + table.length);
  const pages = pagesFor(codesOffset + codes.length + DESCRIPTOR_BYTES);
  const input = inputTensor(q);
  const output = outputTensor(q);
  const anomaly = anomalyDecision(q);
  const values: Record<DescriptorField, number> = {
    layerCount: q.layers.length,
    layerTable: tableOffset,
    inputFeatures: input.features,
    outputFeatures: output.features,
    inputOffset: layout.layers[0].input,
    outputOffset: layout.layers[layout.layers.length - 1].output,
    workspace: layout.workspaceOffset,
    mean: layout.meanOffset,
    std: layout.stdOffset,
    inputScale: input.scale,
    inputZeroPoint: input.zeroPoint,
    inputMin: DTYPE_RANGE[input.dtype].min,
    inputMax: DTYPE_RANGE[input.dtype].max,
    inputInt16: input.dtype === 'int16' ? 1 : 0,
    outputScale: output.scale,
    outputZeroPoint: output.zeroPoint,
    outputMin: DTYPE_RANGE[output.dtype].min,
    outputMax: DTYPE_RANGE[output.dtype].max,
    outputInt16: output.dtype === 'int16' ? 1 : 0,
    hasTarget: targetStandardization(q) ? 1 : 0,
    targetMean: layout.targetMeanOffset,
    targetStd: layout.targetStdOffset,
    decisionCount: decision ? decision.codes.length : 0,
    decisionCodes: codesOffset,
    anomalyMultiplier: anomaly ? anomaly.requantize.multiplier : 0,
    anomalyShift: anomaly ? anomaly.requantize.shift : 0,
  };
  const segments: DataSegment[] = [
    ...layout.constants.map((c) => ({ offset: c.offset, bytes: c.bytes })),
    { offset: tableOffset, bytes: table },
    ...(codes.length > 0 ? [{ offset: codesOffset, bytes: codes }] : []),
    { offset: pages * WASM_PAGE_BYTES - DESCRIPTOR_BYTES, bytes: encodeDescriptor(values) },
  ];
  return { pages, segments };
}

function alignUp(n: number): number {
  return Math.ceil(n / 16) * 16;
}
