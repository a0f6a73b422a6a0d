/**
 * The pieces between the op registry and a patched module: each build's kernel list, the layer
 * table's encoding, the generated dispatcher, and the patcher's checks. The bit-exact suites
 * (vectors.test.ts, test-sets.test.ts) run every op through them; these pin the edges.
 */
import { describe, expect, it } from 'vitest';
import { kernelModule } from '../../compiler/emit/wasm/kernel-module.js';
import { buildKernels, encodeLayerTable, kernelListText } from '../../compiler/emit/wasm/kernel-table.js';
import { inspectWasm } from '../../compiler/emit/wasm/inspect-wasm.js';
import { DESCRIPTOR_BYTES, descriptorConstantName } from '../../compiler/emit/wasm/model-descriptor.js';
import { patchKernelModule } from '../../compiler/emit/wasm/patch-module.js';
import { renderDispatch } from '../../scripts/build-kernels.js';

const names = (simd: boolean) => buildKernels(simd).map((k) => k.kernel);

describe('kernel lists', () => {
  it('give each build its own dense kernels and both builds the shared ones', () => {
    expect(names(true)).toEqual(expect.arrayContaining(['denseS8Simd', 'denseS16Simd', 'denseS4', 'softmaxS8', 'lookupS8', 'lookupS16', 'leakyRelu']));
    expect(names(true)).not.toContain('denseS8Scalar');
    expect(names(false)).toEqual(expect.arrayContaining(['denseS8Scalar', 'denseS16Scalar', 'denseS4']));
    expect(names(false)).not.toContain('denseS8Simd');
  });

  it('are what the shipped modules were built for', () => {
    for (const simd of [true, false]) {
      const [section] = WebAssembly.Module.customSections(new WebAssembly.Module(new Uint8Array(kernelModule(simd))), 'firmnet-kernels');
      expect(new TextDecoder().decode(section)).toBe(kernelListText(simd));
    }
  });
});

describe('the layer table', () => {
  // A kernel taking every parameter type, found in the registry's lists rather than named here.
  const kernels = buildKernels(false);
  const code = kernels.findIndex((k) => k.params.includes('i64') && k.params.includes('bool'));
  const kernel = kernels[code];
  const valueOf = (param: string, i: number): number | boolean => (param === 'bool' ? true : param === 'i64' ? -(2 ** 40) - 3 : 16 + i);
  const call = { file: kernel.file, kernel: kernel.kernel, args: kernel.params.map(valueOf) };
  const epsilon = BigInt.asUintN(64, BigInt(-(2 ** 40) - 3));
  const wordsOf = (param: string, i: number): number[] =>
    param === 'bool' ? [1] : param === 'i64' ? [Number(BigInt.asIntN(32, epsilon)), Number(BigInt.asIntN(32, epsilon >> 32n))] : [16 + i];

  it('writes the kernel code, then each argument as a word (an i64 as two, low first, a flag as 0 or 1)', () => {
    expect(code).toBeGreaterThanOrEqual(0);
    const words = Array.from(new Int32Array(encodeLayerTable([call], false, () => 'l').buffer));
    expect(words).toEqual([code, ...kernel.params.flatMap(wordsOf)]);
  });

  it('refuses a kernel its op does not list for the build, a wrong argument count and a flag for a number', () => {
    expect(() => encodeLayerTable([{ file: 'dense-simd', kernel: 'denseS8Simd', args: [] }], false, () => 'layers[0]')).toThrow(/layers\[0\] calls dense-simd.denseS8Simd/);
    const count = kernel.params.length;
    expect(() => encodeLayerTable([{ ...call, args: call.args.slice(1) }], false, () => 'l')).toThrow(new RegExp(`passes ${count - 1} arguments to ${kernel.kernel}, which takes ${count}`));
    const usize = kernel.params.indexOf('usize');
    const flagged = call.args.map((v, i) => (i === usize ? true : v));
    expect(() => encodeLayerTable([{ ...call, args: flagged }], false, () => 'l')).toThrow(new RegExp(`argument ${usize} .* not a usize`));
  });
});

describe('the generated dispatcher', () => {
  it('has one case per kernel of the build and the descriptor offsets', () => {
    for (const simd of [true, false]) {
      const text = renderDispatch(simd);
      buildKernels(simd).forEach((k, code) => expect(text).toContain(`case ${code}:\n      ${k.kernel}(`));
      expect(text).toContain(`DESCRIPTOR_BYTES: usize = ${DESCRIPTOR_BYTES};`);
      expect(text).toContain(`${descriptorConstantName('inputInt16')}: usize =`);
    }
    expect(renderDispatch(false)).toContain('load<i64>(record + 20)');
  });
});

describe('patching the kernel module', () => {
  const base = { pages: 3, globals: { MODEL_ID: -5, INPUT_OFFSET: 1 << 20 }, dropExports: ['decide'], segments: [{ offset: 100, bytes: Uint8Array.of(1, 2, 3) }], provenance: '{"x":1}' };

  it('sets the memory, the globals, the exports and the data, and the result instantiates', () => {
    const wasm = patchKernelModule(kernelModule(true), { ...base, kernelList: kernelListText(true) });
    expect(WebAssembly.validate(new Uint8Array(wasm))).toBe(true);
    const facts = inspectWasm(wasm);
    expect(facts.memoryPages).toEqual({ initial: 3, maximum: 3 });
    expect(facts.exports).not.toContain('decide');
    expect(facts.exports).toContain('anomalyScore');
    expect(facts.customSections).toEqual(['firmnet']);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(wasm)), {});
    const exports = instance.exports as Record<string, WebAssembly.Global | WebAssembly.Memory>;
    expect((exports.MODEL_ID as WebAssembly.Global).value).toBe(-5);
    expect((exports.INPUT_OFFSET as WebAssembly.Global).value).toBe(1 << 20);
    expect((exports.OUTPUT_OFFSET as WebAssembly.Global).value).toBe(0);
    expect(Array.from(new Uint8Array((exports.memory as WebAssembly.Memory).buffer, 99, 5))).toEqual([0, 1, 2, 3, 0]);
  });

  it('refuses a module built for another kernel list', () => {
    expect(() => patchKernelModule(kernelModule(true), { ...base, kernelList: kernelListText(false) })).toThrow(/another set of kernels/);
  });
});
