/**
 * The loader's code is a real module (runtime/js/model-loader.mjs) that the emitter fills in: the
 * template parses as JavaScript on its own, and the emitted model.mjs is the template's code with
 * the model's constants and typed arrays in place of the placeholders, nothing of the template's
 * own preamble, and nothing left unfilled. (test/wasm/module.test.ts and io.test.ts run the loader.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { layoutWasmMemory } from '../../compiler/emit/wasm/layout-memory.js';
import { LOADER_TEMPLATE, type LoaderFacts, renderLoader } from '../../compiler/emit/wasm/render-loader.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { loadVectors } from '../helpers/vectors.js';

const run = promisify(execFile);
const template = readFileSync(LOADER_TEMPLATE, 'utf8');
const FACTS: LoaderFacts = { simd: true, wasmBytes: 1234, codeBytes: 1000, dataBytes: 200, constantBytes: 150, memoryBytes: 65536, imports: [] };
const PLACEHOLDERS = /INPUT_ARRAY|OUTPUT_ARRAY|INPUT_DTYPE|firmnet-loader:/;

function vector(name: string): QModel {
  const v = loadVectors().find((x) => x.name === name);
  if (!v) throw new Error(`vector ${name} missing`);
  return v.qmodel;
}

describe('loader template', () => {
  it('is a module node can parse as it is', async () => {
    await expect(run(process.execPath, ['--check', LOADER_TEMPLATE])).resolves.toBeDefined();
  });

  it('an int8 model: the code after the constants is the template code with Int8Array filled in', () => {
    const q = vector('iris-relu');
    const loader = renderLoader(q, layoutWasmMemory(q, true), FACTS, 'test');
    const code = template.slice(template.indexOf('\nconst wasmModule'));
    expect(loader.endsWith(code.replaceAll('INPUT_ARRAY', 'Int8Array').replaceAll('OUTPUT_ARRAY', 'Int8Array').replaceAll('INPUT_DTYPE', 'int8'))).toBe(true);
    expect(loader).toContain(`export const name = "iris-relu";\n`);
    expect(loader).not.toMatch(PLACEHOLDERS);
    expect(loader).not.toContain('Substitution points');
  });

  it('int16 ends get Int16Array and the int16 wording', () => {
    const q = vector('iris-int16-all');
    const loader = renderLoader(q, layoutWasmMemory(q, true), FACTS, 'test');
    expect(loader).toContain('const quantizedInput = new Int16Array(memory.buffer, INPUT_OFFSET, inputFeatures);');
    expect(loader).toContain('const quantizedOutput = new Int16Array(memory.buffer, OUTPUT_OFFSET, outputFeatures);');
    expect(loader).toContain('expected an Int16Array of quantized int16 input codes');
    expect(loader).not.toMatch(PLACEHOLDERS);
  });
});
