/**
 * What the emitted module promises besides its numbers: no imports, fixed memory (initial = maximum,
 * no memory.grow, the same buffer after 10,000 inferences), exactly the documented exports, loud
 * errors for wrong inputs from the loader, byte-identical output for the same IR, provenance headers.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import binaryen from 'binaryen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WASM_OUTPUT_FILES, buildWasm, emitWasm } from '../../compiler/emit/wasm/emit-wasm.js';
import { inspectWasm } from '../../compiler/emit/wasm/inspect-wasm.js';
import { MODULE_EXPORTS } from '../../compiler/emit/wasm/module-exports.js';
import { moduleFeatures } from '../../scripts/build-kernels.js';
import { FirmnetError } from '../../compiler/errors.js';
import { sealQModel } from '../../compiler/quantize/seal.js';
import { FIRMNET_VERSION } from '../../compiler/version.js';
import { loadVectors } from '../helpers/vectors.js';
import { type LoadedModel, emitAndLoad, removeDir, tempDir } from './wasm-helpers.js';

const vectors = loadVectors();
const byName = (name: string) => {
  const v = vectors.find((x) => x.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return v;
};
const digits = byName('digits-leaky-per-tensor');
const int16Model = byName('iris-int16-all');
const dir = tempDir('module');
afterAll(() => removeDir(dir));

describe.each([
  { build: 'SIMD', simd: true },
  { build: 'scalar', simd: false },
])('$build module', ({ simd }) => {
  let model: LoadedModel;
  let wasm: Uint8Array<ArrayBuffer>;
  const out = join(dir, simd ? 'simd' : 'scalar');
  beforeAll(async () => {
    model = (await emitAndLoad(digits.qmodel, out, simd)).model;
    wasm = new Uint8Array(readFileSync(join(out, 'model.wasm')));
  });

  it('imports nothing and exports exactly the documented names', () => {
    const facts = inspectWasm(wasm);
    expect(facts.imports).toEqual([]);
    expect(model.imports).toEqual([]);
    expect(WebAssembly.validate(wasm)).toBe(true);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(wasm))).toEqual([]);
    expect([...facts.exports].sort()).toEqual([...MODULE_EXPORTS, 'memory'].sort());
    expect(facts.customSections).toContain('firmnet');
    expect(facts.hasStart).toBe(false);
  });

  it('has fixed memory: initial = maximum pages, no memory.grow instruction', () => {
    const facts = inspectWasm(wasm);
    expect(facts.memoryPages).not.toBeNull();
    expect(facts.memoryPages?.maximum).toBe(facts.memoryPages?.initial);
    expect(model.sizes.memoryBytes).toBe((facts.memoryPages?.initial ?? 0) * 65536);
    const text = textOf(wasm, simd);
    expect(text).not.toContain('memory.grow');
    expect(text).toContain('(memory $0');
    // A host cannot grow it either.
    const instance = model.createInstance();
    expect(() => (instance.memory as WebAssembly.Memory).grow(1)).toThrow(RangeError);
  });

  it(`uses ${simd ? 'SIMD' : 'no SIMD'} (the scalar build validates without the SIMD feature)`, () => {
    expect(model.simd).toBe(simd);
    expect(textOf(wasm, simd).includes('v128')).toBe(simd);
    // Validating the SIMD build without SIMD would fail (noisily); the scalar build must pass.
    expect(validatesWith(wasm, moduleFeatures(simd))).toBe(true);
  });

  it('keeps the same memory through 10,000 inferences', () => {
    const instance = model.createInstance();
    const buffer = instance.memory.buffer;
    const bytes = buffer.byteLength;
    const input = new Int8Array(model.inputFeatures);
    const rows = digits.rows;
    const before = Array.from(model.predictQuantized(Int8Array.from(digits.input.slice(0, model.inputFeatures))));
    const run = instance.exports.run as () => void;
    const inputOffset = (instance.exports.INPUT_OFFSET as WebAssembly.Global).value as number;
    for (let k = 0; k < 10_000; k++) {
      const r = k % rows;
      input.set(digits.input.slice(r * model.inputFeatures, (r + 1) * model.inputFeatures));
      new Int8Array(instance.memory.buffer, inputOffset, model.inputFeatures).set(input);
      run();
    }
    expect(instance.memory.buffer).toBe(buffer);
    expect(instance.memory.buffer.byteLength).toBe(bytes);
    // The loader's default instance too, through its public API.
    const features = new Float32Array(model.inputFeatures);
    for (let k = 0; k < 10_000; k++) model.predict(features);
    expect(model.memory.buffer.byteLength).toBe(bytes);
    expect(Array.from(model.predictQuantized(Int8Array.from(digits.input.slice(0, model.inputFeatures))))).toEqual(before);
  });

  it('rejects inputs of the wrong length or type with a clear error, never reading past them', () => {
    const n = model.inputFeatures;
    expect(() => model.predict(new Float32Array(n - 1))).toThrow(`expected ${n} input values (one row), got ${n - 1}`);
    expect(() => model.predict(new Float32Array(n + 1))).toThrow(RangeError);
    expect(() => model.predictInt8(new Int8Array(n - 1))).toThrow(`expected ${n} input values (one row), got ${n - 1}`);
    expect(() => model.predictInt8(new Float32Array(n))).toThrow('expected an Int8Array of quantized int8 input codes, got Float32Array; use predict() for float features');
    expect(() => model.predictInt8(Array(n).fill(0))).toThrow(TypeError);
    expect(() => model.predictBatch(new Float32Array(2 * n + 3))).toThrow(`expected a multiple of ${n} input values, got ${2 * n + 3}`);
    expect(() => model.predictBatch(new Float32Array(2 * n), 3)).toThrow(`expected 3 rows × ${n} input values, got ${2 * n}`);
    expect(() => model.predictQuantizedBatch(new Int8Array(n), 2)).toThrow(RangeError);
    expect(() => model.predict(null as unknown as Float32Array)).toThrow(TypeError);
    expect(model.predictBatch(new Float32Array(0)).length).toBe(0);
  });
});

it('predictInt8 on a model with int16 ends says to use predictQuantized', async () => {
  const { model } = await emitAndLoad(int16Model.qmodel, join(dir, 'int16'), true);
  expect(model.inputDtype).toBe('int16');
  expect(() => model.predictInt8(new Int8Array(model.inputFeatures))).toThrow("this model's input is int16 and its output int16; use predictQuantized");
  expect(() => model.predictQuantized(new Int8Array(model.inputFeatures))).toThrow('expected an Int16Array');
  expect(model.predictQuantized(new Int16Array(model.inputFeatures))).toBeInstanceOf(Int16Array);
});

it('writes byte-identical files for the same IR, and only the three documented files', async () => {
  const a = join(dir, 'det-a');
  const b = join(dir, 'det-b');
  const ra = await emitWasm(digits.qmodel, a, { command: 'firmnet emit model.q.json --target wasm --out build/' });
  await emitWasm(digits.qmodel, b, { command: 'firmnet emit model.q.json --target wasm --out build/' });
  expect(readdirSync(a).sort()).toEqual([...WASM_OUTPUT_FILES].sort());
  expect(ra.files.map((f) => f.slice(a.length + 1)).sort()).toEqual([...WASM_OUTPUT_FILES].sort());
  for (const f of WASM_OUTPUT_FILES) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
  for (const f of ['model.mjs', 'model.d.mts']) {
    const text = readFileSync(join(a, f), 'utf8');
    expect(text).toContain(`Generated by firmnet ${FIRMNET_VERSION}`);
    expect(text).toContain(`quantized IR hash ${digits.qmodel.hash}`);
    expect(text).toContain('Command: firmnet emit model.q.json --target wasm --out build/');
  }
  // The reported sizes are the file's.
  const facts = inspectWasm(readFileSync(join(a, 'model.wasm')));
  expect(ra.codeBytes).toBe(facts.codeBytes);
  expect(ra.dataBytes).toBe(facts.dataBytes);
  expect(ra.wasmBytes).toBe(readFileSync(join(a, 'model.wasm')).length);
  expect(ra.arenaBytes).toBeGreaterThanOrEqual(ra.arenaLowerBoundBytes);
});

it('a model name or command with comment delimiters cannot break the generated files', async () => {
  const evil = 'evil */ name\nwith a newline';
  const q = sealQModel({ ...digits.qmodel, name: evil });
  const out = join(dir, 'evil');
  await emitWasm(q, out, { command: 'firmnet emit */ x.q.json' });
  const loader = (await import(pathToFileURL(join(out, 'model.mjs')).href)) as LoadedModel;
  expect(loader.name).toBe(evil);
  expect(loader.predict(new Float32Array(loader.inputFeatures)).length).toBe(loader.outputFeatures);
  expect(readFileSync(join(out, 'model.d.mts'), 'utf8')).toContain('Command: firmnet emit * / x.q.json');
});

it('checks the IR like every reader: a hand-edited layer is a FirmnetError naming the field', async () => {
  const edited = structuredClone(digits.qmodel);
  const layer = edited.layers[0];
  if (layer.op !== 'fully_connected') throw new Error('expected a dense first layer');
  layer.weights[0] = layer.weights[0] === 1 ? 2 : 1;
  await expect(buildWasm(edited)).rejects.toThrow(/layers\[0\]\.hash/);
  await expect(buildWasm(edited)).rejects.toBeInstanceOf(FirmnetError);
});

it('rejects an unwritable output folder with a FirmnetError', async () => {
  const file = join(dir, 'det-a', 'model.wasm');
  expect(existsSync(file)).toBe(true);
  await expect(emitWasm(digits.qmodel, join(file, 'sub'))).rejects.toThrow(FirmnetError);
});

function textOf(wasm: Uint8Array, simd: boolean): string {
  const m = binaryen.readBinaryWithFeatures(wasm, moduleFeatures(simd));
  try {
    return m.emitText();
  } finally {
    m.dispose();
  }
}

function validatesWith(wasm: Uint8Array, features: number): boolean {
  try {
    const m = binaryen.readBinaryWithFeatures(wasm, features);
    try {
      return m.validate() !== 0;
    } finally {
      m.dispose();
    }
  } catch {
    return false;
  }
}

