/**
 * layer_norm's integer arithmetic, pinned on values worked out by hand, against the float LayerNorm
 * it approximates, and the IR parser's bounds (each keeps an intermediate inside its kernel type).
 * C and WebAssembly reproduce the reference on the committed vectors (test/c, test/wasm).
 */
import { describe, expect, it } from 'vitest';
import type { LayerNormLayer } from './ir.js';
import { lowerLayerNorm } from './lower.js';
import { integerSqrt, layerNorm, rowScaling } from './reference.js';
import type { LayerNormStage } from './stage.js';
import { layerNormStageForward } from './stage.js';
import type { QDtype, QTensor, Unhashed } from '../op-types.js';
import { qmodelToJson, parseQModelText } from '../../quantize/qmodel-file.js';
import { standaloneModel } from '../../quantize/standalone-model.js';
import { Rng } from '../../rng.js';
import { expectFirmnetError } from '../../../test/helpers/firmnet-error.js';

const tensor = (dtype: QDtype, features: number, scale: number, zeroPoint: number): QTensor => ({ dtype, features, scale, zeroPoint, rangeMin: -1, rangeMax: 1 });

function layer(features: number, fields: Partial<Unhashed<LayerNormLayer>> = {}): Unhashed<LayerNormLayer> {
  return {
    op: 'layer_norm',
    name: 'ln',
    input: tensor('int8', features, 0.1, 0),
    output: tensor('int8', features, 1 / 64, 0),
    sourceLayers: [],
    epsilon: 1e-5,
    varianceEpsilon: 1,
    // γ = 1: 1 / (outputScale · 2^16) = 2^−10 = 2^30 · 2^(−9 − 31).
    multiplier: Array(features).fill(1 << 30),
    shift: Array(features).fill(-9),
    bias: Array(features).fill(0),
    activation: 'none',
    activationMin: -128,
    activationMax: 127,
    ...fields,
  };
}

describe('layer_norm reference arithmetic', () => {
  it('integer square roots are exact at and around perfect squares up to 2^55', () => {
    for (const r of [1n, 2n, 3n, 46340n, 65536n, (1n << 27n) + 12345n, 189812531n]) {
      expect(integerSqrt(r * r)).toBe(r);
      expect(integerSqrt(r * r - 1n)).toBe(r - 1n);
      expect(integerSqrt(r * r + 2n * r)).toBe(r);
    }
    expect(integerSqrt(0n)).toBe(0n);
  });

  it('scales D by 4^k to at least 2^52 and returns inv = round(2^(29+b) / r) with the matching shift', () => {
    // D = 5: k = 25 (5·4^25 ≥ 2^52), r = ⌊√(5·2^50)⌋ = ⌊2^25·√5⌋ = 75029990, b = 27.
    const { inv, shift } = rowScaling(5n);
    expect(shift).toBe(13 + 27 - 25);
    expect(inv).toBe(((1n << 57n) + 75029990n) / (2n * 75029990n));
    // d / √D in Q16: 1 / √5 · 2^16 = 29308.9…
    expect(Number((inv * 1n) >> BigInt(shift - 1)) / 2).toBeCloseTo(29308.9, 0);
  });

  it('normalizes a two-code row exactly: codes −1, 1 with ε of one unit give ∓2/√5 in Q16, then γ and β', () => {
    // n = 2: S = 0, D = 2·2 − 0 + 1 = 5, t = ∓2·2^16/√5 = ∓58617.8 → ∓58618; MBQM by 2^−10 → ∓57.24 → ∓57; +β.
    const out = layerNorm(layer(2, { bias: [3, -3] }), Int8Array.from([-1, 1]), 1);
    expect(Array.from(out)).toEqual([-57 + 3, 57 - 3]);
  });

  it('ignores the input zero point and any constant offset of the row; a constant row gives β', () => {
    const shifted = layerNorm(layer(4), Int8Array.from([-100, -90, -80, -120]), 1);
    const centred = layerNorm(layer(4), Int8Array.from([0, 10, 20, -20]), 1);
    expect(Array.from(shifted)).toEqual(Array.from(centred));
    expect(Array.from(layerNorm(layer(3, { bias: [5, -7, 0] }), Int8Array.from([42, 42, 42]), 1))).toEqual([5, -7, 0]);
  });

  // int8: β's rounding and the output's, half a step each. int16 adds the Q16 normalized value's rounding,
  // 2^−17 · |γ| / outputScale ≈ 0.23 steps at |γ| = 3 and scale 1e-4.
  it('is within one output step of the float LayerNorm on random rows (int8), 1.5 steps (int16)', () => {
    const rng = new Rng(5);
    for (const dtype of ['int8', 'int16'] as const) {
      const n = 24;
      const stage: LayerNormStage = {
        op: 'layer_norm',
        name: 'ln',
        sourceLayers: [],
        features: n,
        gamma: Float64Array.from({ length: n }, () => rng.normal()),
        beta: Float64Array.from({ length: n }, () => 0.3 * rng.normal()),
        epsilon: 1e-5,
        activation: 'none',
      };
      const input = dtype === 'int8' ? tensor('int8', n, 0.05, 7) : tensor('int16', n, 0.0002, 0);
      const output = dtype === 'int8' ? tensor('int8', n, 0.03, 2) : tensor('int16', n, 0.0001, 0);
      const q = lowerLayerNorm(stage, { name: 'ln', input, output, sourceLayers: [] });
      const rows = 50;
      const { min, max } = dtype === 'int8' ? { min: -128, max: 127 } : { min: -32768, max: 32767 };
      const codes = dtype === 'int8' ? new Int8Array(rows * n) : new Int16Array(rows * n);
      for (let i = 0; i < codes.length; i++) codes[i] = min + rng.int(max - min + 1);
      const x = Float32Array.from(codes, (c) => input.scale * (c - input.zeroPoint));
      const expected = layerNormStageForward(stage, x, rows);
      const got = layerNorm(q, codes, rows);
      let worst = 0;
      for (let i = 0; i < got.length; i++) {
        const want = Math.min(max, Math.max(min, expected[i] / output.scale + output.zeroPoint));
        worst = Math.max(worst, Math.abs(got[i] - want));
      }
      expect(worst, dtype).toBeLessThanOrEqual(dtype === 'int8' ? 1 : 1.5);
    }
  });

  it('refuses to lower a gamma of more than 2^16 output steps, naming the feature', () => {
    const stage: LayerNormStage = { op: 'layer_norm', name: 'dense0.layer_norm', sourceLayers: [], features: 2, gamma: Float64Array.from([1, 5000]), beta: new Float64Array(2), epsilon: 1e-5, activation: 'none' };
    expectFirmnetError(() => lowerLayerNorm(stage, { name: 'ln', input: tensor('int8', 2, 0.1, 0), output: tensor('int8', 2, 0.05, 0), sourceLayers: [] }), 'UNSUPPORTED', 'dense0.layer_norm: gamma[1] = 5000 is more than 2^16 output steps');
  });
});

describe('layer_norm IR parser bounds', () => {
  const reject = (l: Unhashed<LayerNormLayer>, message: string): void => {
    const text = qmodelToJson(standaloneModel('ln', [l], 'test'));
    expectFirmnetError(() => parseQModelText(text, 'ln.q.json'), 'BAD_IR_FILE', message);
  };

  it('accepts a layer at its bounds', () => {
    const l = layer(2, { varianceEpsilon: 2 ** 53 - 1, multiplier: [2147483647, -2147483647], shift: [0, -31], bias: [2 ** 24, -(2 ** 24)] });
    expect(parseQModelText(qmodelToJson(standaloneModel('ln', [l], 'test')), 'ln.q.json').layers[0].op).toBe('layer_norm');
  });

  it('rejects each field just past its bound', () => {
    reject(layer(4097), 'layers[0].input.features: is 4097; layer_norm takes at most 4096 features');
    reject(layer(2, { varianceEpsilon: 0 }), 'layers[0].varianceEpsilon: must be ≥ 1, got 0');
    reject(layer(2, { varianceEpsilon: 2 ** 53 }), 'layers[0].varianceEpsilon: must be ≤ 9007199254740991');
    reject(layer(2, { shift: [1, 0] }), 'layers[0].shift[0]: must be ≤ 0, got 1');
    reject(layer(2, { multiplier: [-2147483648, 0] }), 'layers[0].multiplier[0]: must be ≥ -2147483647');
    reject(layer(2, { bias: [0, 2 ** 24 + 1] }), 'layers[0].bias[1]: must be ≤ 16777216');
    reject({ ...layer(2), output: tensor('int16', 2, 0.001, 0) }, 'layers[0].output.dtype: layer_norm keeps the dtype');
  });
});
