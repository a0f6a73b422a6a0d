/**
 * Float32 input quantization and output dequantization inside the module (SIMD and scalar builds),
 * value for value against the golden reference: NaN, ±Inf, ±0, huge and tiny values, exact ties of
 * both signs, with and without input standardization, int8 and int16 inputs, zero points at both
 * ends, and feature counts that reach the 16-wide and four-wide SIMD loops and the scalar tail; and
 * the regression head in the module (target un-standardization) against the reference's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { QModel } from '../../compiler/ir/qmodel.js';
import type { QDtype } from '../../compiler/ops/op-types.js';
import { sealQModel } from '../../compiler/quantize/seal.js';
import { invertStandardization } from '../../compiler/data/standardize.js';
import { dequantizeOutput, quantizeInput } from '../../compiler/reference/io.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { Rng } from '../../compiler/rng.js';
import { emitAndLoad, removeDir, tensor } from './wasm-helpers.js';
import { tempDir } from './wasm-helpers.js';
import { standaloneModel } from '../../compiler/quantize/standalone-model.js';

const dir = tempDir('io');
afterAll(() => removeDir(dir));

/** A one-layer model (a LeakyReLU keeps the input tensor intact in the arena), optionally standardized. */
function oneLayerModel(dtype: QDtype, features: number, scale: number, zeroPoint: number, standardize: boolean): QModel {
  const base = standaloneModel(`io_${dtype}_${features}_${standardize}`, [
    {
      op: 'leaky_relu',
      name: 'leaky',
      input: tensor(dtype, features, scale, zeroPoint),
      output: tensor(dtype, features, scale * 1.5, zeroPoint),
      sourceLayers: [],
      alpha: 0.25,
      multiplierIdentity: 1431655765,
      shiftIdentity: 0,
      multiplierAlpha: 1431655765,
      shiftAlpha: -2,
    },
  ], 'crafted by test/wasm');
  if (!standardize) return base;
  const rng = new Rng(features);
  const inputStandardization = {
    mean: Array.from({ length: features }, () => Math.fround((rng.uniform() - 0.5) * 10)),
    std: Array.from({ length: features }, () => Math.fround(0.1 + rng.uniform() * 3)),
  };
  return sealQModel({ ...base, inputStandardization });
}

function specialRows(features: number, scale: number, rng: Rng): Float32Array {
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 1e-30, -1e-45, 3.4e38, -3.4e38];
  const ties: number[] = [];
  for (let k = -140; k <= 140; k++) ties.push((k + 0.5) * scale, (k - 0.5) * scale, k * scale, (k + 0.49999997) * scale);
  const values = [...specials, ...ties];
  for (let i = 0; i < 400; i++) values.push((rng.uniform() - 0.5) * 300 * scale);
  const rows = Math.ceil(values.length / features);
  const out = new Float32Array(rows * features);
  for (let i = 0; i < out.length; i++) out[i] = values[i % values.length];
  return out;
}

describe('float32 input quantization and output dequantization match the reference', () => {
  const cases = [
    { dtype: 'int8' as const, features: 7, scale: 0.25, zeroPoint: -3, standardize: false },
    { dtype: 'int8' as const, features: 12, scale: 0.0374, zeroPoint: 17, standardize: true },
    { dtype: 'int16' as const, features: 5, scale: 0.25 / 256, zeroPoint: 0, standardize: false },
    { dtype: 'int16' as const, features: 9, scale: 0.00071, zeroPoint: 0, standardize: true },
    // Past the 16-wide SIMD loop: 16-wide, 4-wide and scalar parts in one row.
    { dtype: 'int8' as const, features: 37, scale: 0.0213, zeroPoint: -128, standardize: true },
    { dtype: 'int8' as const, features: 32, scale: 0.5, zeroPoint: 127, standardize: false },
    { dtype: 'int16' as const, features: 21, scale: 0.25 / 256, zeroPoint: 0, standardize: false },
  ];
  for (const c of cases) {
    for (const simd of [true, false]) {
      it(`${c.dtype}, ${c.features} features, ${c.standardize ? 'standardized' : 'raw'}, ${simd ? 'SIMD' : 'scalar'}`, async () => {
        const q = oneLayerModel(c.dtype, c.features, c.scale, c.zeroPoint, c.standardize);
        const features = specialRows(c.features, c.scale, new Rng(c.features));
        const rows = features.length / c.features;
        const { model } = await emitAndLoad(q, `${dir}/${q.name}-${simd}`, simd);
        const instance = model.createInstance();
        const e = instance.exports as Record<string, unknown>;
        const io = new Float32Array(instance.memory.buffer, (e.FLOAT_IO_OFFSET as WebAssembly.Global).value as number, c.features);
        const inputAt = (e.INPUT_OFFSET as WebAssembly.Global).value as number;
        const codes = c.dtype === 'int16' ? new Int16Array(instance.memory.buffer, inputAt, c.features) : new Int8Array(instance.memory.buffer, inputAt, c.features);
        const want = quantizeInput(q, features, rows);
        const wantOut = dequantizeOutput(q, runModel(q, want, rows));
        const got: number[] = [];
        const gotOut: number[] = [];
        for (let r = 0; r < rows; r++) {
          io.set(features.subarray(r * c.features, (r + 1) * c.features));
          (e.predictFloat as () => void)();
          got.push(...codes);
          gotOut.push(...io.subarray(0, c.features));
        }
        expect(got).toEqual(Array.from(want));
        expect(gotOut).toEqual(Array.from(wantOut));
        // NaN, +Inf and -Inf reached the zero point, qmax and qmin.
        expect(new Set(got).size).toBeGreaterThan(20);
      });
    }
  }
});

describe('the regression head runs in the module: f32(f32(y · std) + mean), as the reference', () => {
  for (const features of [7, 21]) {
    for (const simd of [true, false]) {
      it(`${features} outputs, ${simd ? 'SIMD' : 'scalar'}`, async () => {
        const rng = new Rng(100 + features);
        const base = oneLayerModel('int8', features, 0.05, 3, true);
        const targetStandardization = {
          mean: Array.from({ length: features }, () => Math.fround((rng.uniform() - 0.5) * 2000)),
          std: Array.from({ length: features }, () => Math.fround(1e-3 + rng.uniform() * 50)),
        };
        const q = sealQModel({ ...base, name: `${base.name}_target`, targetStandardization });
        const { model } = await emitAndLoad(q, `${dir}/${q.name}-${simd}`, simd);
        // The module's own output path, row by row: predict and predictDetailed equal predictQuantized.
        const rows = 40;
        const x = Float32Array.from({ length: rows * features }, () => (rng.uniform() - 0.5) * 20);
        const golden = predictQuantized(q, x, rows);
        const detailed = model.predictDetailed(x, rows);
        expect(Array.from(detailed.dequantized)).toEqual(Array.from(golden.dequantized));
        expect(Array.from(detailed.scores)).toEqual(Array.from(golden.scores));
        expect(Array.from(model.predictBatch(x, rows))).toEqual(Array.from(golden.scores));
        expect(Array.from(model.predict(x.subarray(0, features)))).toEqual(Array.from(golden.scores.subarray(0, features)));
        // The kernel alone on values a dequantized output never takes: ±0, huge, tiny, subnormal, ±Inf, NaN.
        const instance = model.createInstance();
        const e = instance.exports as Record<string, unknown>;
        const io = new Float32Array(instance.memory.buffer, (e.FLOAT_IO_OFFSET as WebAssembly.Global).value as number, features);
        const specials = [0, -0, 1e30, -1e30, 3.4e38, -3.4e38, 1e-30, -1.4e-45, 1.17e-38, Infinity, -Infinity, NaN];
        const values = Float32Array.from({ length: 30 * features }, (_, i) => (i < specials.length ? specials[i] : (rng.uniform() - 0.5) * 10 ** (rng.int(20) - 10)));
        const want = invertStandardization(values, features, targetStandardization);
        const got = new Float32Array(values.length);
        for (let r = 0; r < values.length / features; r++) {
          io.set(values.subarray(r * features, (r + 1) * features));
          (e.unstandardizeOutput as () => void)();
          got.set(io, r * features);
        }
        // Bit patterns, so that NaN and -0 compare too.
        expect(Array.from(new Uint32Array(got.buffer))).toEqual(Array.from(new Uint32Array(want.buffer)));
      });
    }
  }

  it('does nothing for an IR without target standardization', async () => {
    const q = oneLayerModel('int8', 5, 0.05, 0, false);
    const { model } = await emitAndLoad(q, `${dir}/${q.name}-no-target`, true);
    const instance = model.createInstance();
    const e = instance.exports as Record<string, unknown>;
    const io = new Float32Array(instance.memory.buffer, (e.FLOAT_IO_OFFSET as WebAssembly.Global).value as number, 5);
    io.set([1.5, -2, 0, 7e-3, 1e9]);
    (e.unstandardizeOutput as () => void)();
    expect(Array.from(io)).toEqual(Array.from(Float32Array.from([1.5, -2, 0, 7e-3, 1e9])));
  });
});
