/**
 * The emitted module (SIMD and scalar builds, through the generated loader) reproduces every
 * committed test vector bit for bit: integer outputs equal, and where a vector has float inputs,
 * the module's own float32 quantization gives the vector's input codes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { allocQ } from '../../compiler/ops/q-array.js';
import { loadVectors } from '../helpers/vectors.js';
import { type LoadedModel, emitAndLoad, removeDir, tempDir } from './wasm-helpers.js';

const vectors = loadVectors();
const dir = tempDir('vectors');
afterAll(() => removeDir(dir));

describe.each([
  { build: 'SIMD', simd: true },
  { build: 'scalar', simd: false },
])('$build build reproduces every test vector', ({ simd }) => {
  for (const v of vectors) {
    it(v.name, async () => {
      const { model } = await emitAndLoad(v.qmodel, `${dir}/${simd ? 'simd' : 'scalar'}-${v.name}`, simd);
      const input = allocQ(model.inputDtype, v.input.length);
      input.set(v.input);
      expect(Array.from(model.predictQuantizedBatch(input, v.rows))).toEqual(v.output);
      // One row at a time through the single-row entry point too.
      const first = model.predictQuantized(input.subarray(0, model.inputFeatures));
      expect(Array.from(first)).toEqual(v.output.slice(0, model.outputFeatures));
      if (v.floatInput) {
        const detailed = model.predictDetailed(Float32Array.from(v.floatInput), v.rows);
        expect(Array.from(detailed.output)).toEqual(v.output);
      }
      checkShape(model, v.qmodel.layers[0].input.features, v.qmodel.layers[v.qmodel.layers.length - 1].output.features);
    });
  }
});

function checkShape(model: LoadedModel, inputFeatures: number, outputFeatures: number): void {
  expect(model.inputFeatures).toBe(inputFeatures);
  expect(model.outputFeatures).toBe(outputFeatures);
}

it('the vectors cover every op and both int16 ends', () => {
  const ops = new Set(vectors.flatMap((v) => v.qmodel.layers.map((l) => `${l.op}:${l.input.dtype}->${l.output.dtype}`)));
  for (const key of ['fully_connected:int8->int8', 'fully_connected:int8->int16', 'fully_connected:int16->int8', 'fully_connected:int16->int16', 'leaky_relu:int8->int8', 'leaky_relu:int16->int16', 'lut:int8->int8', 'lut:int16->int16', 'softmax:int8->int8']) {
    expect(ops).toContain(key);
  }
});
