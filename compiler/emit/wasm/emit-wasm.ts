/**
 * `firmnet emit --target wasm`: quantized IR → model.wasm (fixed memory, no imports, constants as
 * data segments) + model.mjs / model.d.mts (typed loader). Steps: lay out memory (the shared arena
 * plan), render an AssemblyScript program that calls the runtime kernels, compile it in memory with
 * the AssemblyScript compiler, link the constants and optimise with binaryen, read the facts back
 * from the binary, write the three files atomically. Same IR and options → byte-identical files.
 */
import { join, resolve } from 'node:path';
import { FirmnetError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { parseQModelText } from '../../quantize/qmodel-file.js';
import type { QModel } from '../../ir/qmodel.js';
import { FIRMNET_VERSION } from '../../version.js';
import { compileProgram } from './compile-program.js';
import { inspectWasm } from './inspect-wasm.js';
import { WASM_PAGE_BYTES, layoutWasmMemory, pagesFor } from './layout-memory.js';
import { linkModule } from './link-module.js';
import { renderLoader, renderLoaderTypes } from './render-loader.js';
import { renderProgram } from './render-program.js';

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
  /** The generated AssemblyScript program (not written by emitWasm; useful when debugging). */
  program: string;
  facts: WasmBuildFacts;
}

export interface WasmBuildFacts {
  simd: boolean;
  wasmBytes: number;
  /** Code section bytes. */
  codeBytes: number;
  /** Data section bytes (the constants as data segments). */
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
  const pages = pagesFor(layout.end);
  const program = renderProgram(q, layout, simd, command);
  const compiled = await compileProgram(program, { simd, pages, memoryBase: layout.end });
  const wasm = linkModule(compiled, {
    simd,
    pages,
    constants: layout.constants,
    provenance: JSON.stringify({ firmnet: FIRMNET_VERSION, model: q.name, hash: q.hash, simd, command }),
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
  return { wasm, loader, types, program, facts };
}

/**
 * The kernels trust the IR's ranges (fully-connected multipliers ≥ 0, shifts in range, softmax
 * tables with expTable[0] = 2^15 and at most 65536 classes), so the IR is checked the way every
 * reader checks it: shapes, integer ranges, content hashes.
 */
function checkIr(q: QModel): void {
  parseQModelText(JSON.stringify(q), `quantized IR '${q.name}'`);
}
