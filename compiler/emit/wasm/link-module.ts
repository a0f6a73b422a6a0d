/**
 * Turns the compiled program into the model's module with binaryen: the model constants become
 * active data segments at the addresses of the memory layout, memory is fixed (initial = maximum
 * pages, exported as `memory`), a `firmnet` custom section records provenance, and the module is
 * optimised and validated with the WebAssembly features the build targets and no others.
 */
import binaryen from 'binaryen';
import type { ConstantArray } from './layout-memory.js';

export interface LinkOptions {
  simd: boolean;
  pages: number;
  constants: ConstantArray[];
  /** Text of the `firmnet` custom section (provenance: version, model hash, command). */
  provenance: string;
}

/** Features of the emitted module: AssemblyScript's defaults (no bulk memory needed) plus SIMD for the SIMD build. */
export function moduleFeatures(simd: boolean): number {
  const f = binaryen.Features;
  return f.MutableGlobals | f.SignExt | f.NontrappingFPToInt | (simd ? f.SIMD128 : 0);
}

/** Data-segment accessors binaryen.js has but its typings lack. */
interface SegmentApi {
  getNumDataSegments(): number;
  getDataSegmentByIndex(index: number): number;
  getDataSegmentInfo(segment: number): { offset: number | null; data: ArrayBuffer; passive: boolean };
}

export function linkModule(compiled: Uint8Array, options: LinkOptions): Uint8Array {
  const module = binaryen.readBinaryWithFeatures(compiled, moduleFeatures(options.simd));
  try {
    const compilerSegments: binaryen.MemorySegment[] = [];
    // The AssemblyScript compiler's own static data (none for the kernels today), kept where it put it.
    const segmentApi = module as unknown as SegmentApi;
    let end = 0;
    for (let i = 0; i < segmentApi.getNumDataSegments(); i++) {
      const info = segmentApi.getDataSegmentInfo(segmentApi.getDataSegmentByIndex(i));
      const data = new Uint8Array(info.data);
      end = Math.max(end, (info.offset ?? 0) + data.length);
      compilerSegments.push({ offset: module.i32.const(info.offset ?? 0), data, passive: info.passive });
    }
    if (end > options.pages * 65536) throw new Error(`internal: the compiler's static data ends at ${end}, beyond ${options.pages} pages`);
    const segments: binaryen.MemorySegment[] = [
      ...options.constants.map((c) => ({ offset: module.i32.const(c.offset), data: c.bytes, passive: false })),
      ...compilerSegments,
    ];
    // The compiled module already exports its memory as `memory`; keep that export (null: add none).
    module.setMemory(options.pages, options.pages, null, segments);
    module.addCustomSection('firmnet', new TextEncoder().encode(options.provenance));
    binaryen.setOptimizeLevel(3);
    binaryen.setShrinkLevel(0);
    module.optimize();
    if (!module.validate()) throw new Error('binaryen rejected the linked WebAssembly module (a firmnet bug)');
    return module.emitBinary();
  } finally {
    module.dispose();
  }
}
