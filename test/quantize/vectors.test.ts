import { describe, expect, it } from 'vitest';
import { runModel } from '../../compiler/reference/interpreter.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { allocQ } from '../../compiler/ops/q-array.js';
import { loadVectors } from '../helpers/vectors.js';

const vectors = loadVectors();

describe('golden reference reproduces every committed test vector', () => {
  for (const v of vectors) {
    it(v.name, () => {
      const input = allocQ(v.qmodel.layers[0].input.dtype, v.input.length);
      input.set(v.input);
      expect(Array.from(runModel(v.qmodel, input, v.rows))).toEqual(v.output);
      if (v.floatInput) expect(Array.from(quantizeInput(v.qmodel, Float32Array.from(v.floatInput), v.rows))).toEqual(v.input);
    });
  }

  it('cover every op in int8 and int16, and the float input path', () => {
    const seen = new Set<string>();
    for (const v of vectors) for (const l of v.qmodel.layers) seen.add(`${l.op}:${l.input.dtype}->${l.output.dtype}`);
    for (const key of [
      'fully_connected:int8->int8',
      'fully_connected:int8->int16',
      'fully_connected:int16->int8',
      'fully_connected:int16->int16',
      'leaky_relu:int8->int8',
      'leaky_relu:int16->int16',
      'lut:int8->int8',
      'lut:int16->int16',
      'softmax:int8->int8',
    ]) {
      expect(seen, key).toContain(key);
    }
    expect(vectors.filter((v) => v.floatInput !== null).length).toBeGreaterThanOrEqual(5);
    const int4 = vectors.flatMap((v) => v.qmodel.layers.flatMap((l) => (l.op === 'fully_connected' && l.weightBits === 4 ? [l] : [])));
    expect(new Set(int4.map((l) => `${l.output.dtype}, ${l.inFeatures % 2 === 1 ? 'odd' : 'even'} inputs`))).toEqual(new Set(['int8, odd inputs', 'int16, odd inputs', 'int8, even inputs']));
  });
});
