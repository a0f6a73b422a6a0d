/**
 * The kernels of each precompiled build and the layer table that calls them. A build's kernels are
 * the ones the ops list in the registry (`wasm.kernels`), in registry order; a kernel's index in
 * that list is its code in the table. A layer's record is its kernel code followed by the call's
 * arguments, one 32-bit word each (an i64 takes two, low word first), as the generated dispatcher
 * (scripts/build-kernels.ts) loads them.
 */
import type { WasmKernelCall, WasmKernelSignature, WasmParam } from '../../ops/op-definition.js';
import { QUANTIZED_OPS } from '../../ops/quantized-ops.js';

export const PARAM_WORDS: Record<WasmParam, number> = { usize: 1, i32: 1, bool: 1, i64: 2 };

/** The kernels of one build, in registry order (the order of their codes). */
export function buildKernels(simd: boolean): WasmKernelSignature[] {
  const build = simd ? 'simd' : 'scalar';
  return Object.values(QUANTIZED_OPS)
    .flatMap((def): readonly WasmKernelSignature[] => def.wasm.kernels)
    .filter((k) => k.builds === 'both' || k.builds === build);
}

/**
 * The build's kernel list as text, one `file.kernel(params)` per line: the precompiled module
 * records it (custom section `firmnet-kernels`) and the emitter compares it with its own, so a
 * module built from another registry is refused instead of called with the wrong codes.
 */
export function kernelListText(simd: boolean): string {
  return buildKernels(simd)
    .map((k) => `${k.file}.${k.kernel}(${k.params.join(',')})`)
    .join('\n');
}

/** Words of a record: the code and the arguments. */
export function recordWords(kernel: WasmKernelSignature): number {
  return 1 + kernel.params.reduce((n, p) => n + PARAM_WORDS[p], 0);
}

/** The layer table of a model: one record per call, in order. `where` names each layer in messages. */
export function encodeLayerTable(calls: readonly WasmKernelCall[], simd: boolean, where: (index: number) => string): Uint8Array {
  const kernels = buildKernels(simd);
  const records = calls.map((call, i) => {
    const code = kernels.findIndex((k) => k.file === call.file && k.kernel === call.kernel);
    if (code < 0) throw new Error(`internal: ${where(i)} calls ${call.file}.${call.kernel}, which its op does not list in wasm.kernels for the ${simd ? 'SIMD' : 'scalar'} build`);
    return { code, kernel: kernels[code], call };
  });
  const bytes = new Uint8Array(4 * records.reduce((n, r) => n + recordWords(r.kernel), 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  records.forEach(({ code, kernel, call }, i) => {
    if (call.args.length !== kernel.params.length) {
      throw new Error(`internal: ${where(i)} passes ${call.args.length} arguments to ${call.kernel}, which takes ${kernel.params.length}`);
    }
    view.setInt32(at, code, true);
    at += 4;
    kernel.params.forEach((param, j) => {
      const arg = call.args[j];
      if ((param === 'bool') !== (typeof arg === 'boolean') || (typeof arg === 'number' && !Number.isSafeInteger(arg))) {
        throw new Error(`internal: argument ${j} of ${where(i)}'s ${call.kernel} is ${String(arg)}, not a ${param}`);
      }
      if (param === 'i64') {
        view.setBigInt64(at, BigInt(arg as number), true);
        at += 8;
      } else {
        view.setInt32(at, typeof arg === 'boolean' ? Number(arg) : (arg as number) | 0, true);
        at += 4;
      }
    });
  });
  return bytes;
}
