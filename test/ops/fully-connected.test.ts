/** The fully-connected prepare step every backend consumes: the C kernels' grouped layout and split shifts, computed once from the IR. */
import { describe, expect, it } from 'vitest';
import type { FullyConnectedLayer } from '../../compiler/ops/fully-connected/ir.js';
import { prepareFullyConnected, splitShift } from '../../compiler/ops/fully-connected/prepare.js';
import type { QTensor, Unhashed } from '../../compiler/ops/op-types.js';

const tensor = (dtype: 'int8' | 'int16', features: number, zeroPoint: number): QTensor => ({ dtype, features, scale: 0.1, zeroPoint, rangeMin: -1, rangeMax: 1 });

function layer(input: QTensor, bias: number[], shift: number[]): Unhashed<FullyConnectedLayer> {
  return {
    op: 'fully_connected',
    name: 'fc',
    input,
    output: tensor('int8', 2, 0),
    sourceLayers: [],
    inFeatures: 2,
    outFeatures: 2,
    weightGranularity: 'per_channel',
    weightScales: [0.01, 0.01],
    weightBits: 8,
    weights: [127, 127, -3, 1],
    bias,
    multiplier: [1 << 30, 1 << 30],
    shift,
    activation: 'none',
    activationMin: -128,
    activationMax: 127,
  };
}

describe('fully_connected prepare', () => {
  it('folds the int8 input zero point and the weights\' offset into the bias, wrapping like int32', () => {
    // (zero point + 128) = 228. Row 0: −2147483600 − 228·254 = −2147541512, which wraps to −2147541512 + 2^32; row 1: 5 − 228·(−2) = 461.
    const prepared = prepareFullyConnected(layer(tensor('int8', 2, 100), [-2147483600, 5], [0, -3]));
    expect(prepared.device.layout).toBe('grouped');
    expect(Array.from(prepared.device.bias)).toEqual([2147425784, 461, 0, 0]);
  });

  it('lays the weights out as offset-binary bytes in groups of 4 rows, padded with zero weights', () => {
    const d = prepareFullyConnected(layer(tensor('int8', 2, 0), [0, 0], [0, -3])).device;
    if (d.layout !== 'grouped') throw new Error('expected the grouped layout');
    expect([d.inPadded, d.outPadded]).toEqual([8, 4]);
    // Block 0: row 0's weights 127, 127 → 255, 255; row 1's −3, 1 → 125, 129; every other byte a zero weight (128).
    const expected = new Uint8Array(32).fill(128);
    expected.set([255, 255], 0);
    expected.set([125, 129], 4);
    expect(Array.from(d.weights)).toEqual(Array.from(expected));
    // Records {multiplier, right | (32 − right) << 8 | left << 16}; padding rows multiply by 0.
    expect(Array.from(d.requant)).toEqual([1 << 30, 32 << 8, 1 << 30, 3 | (29 << 8), 0, 32 << 8, 0, 32 << 8]);
  });

  it('the grouped layout\'s arithmetic gives the reference accumulator modulo 2^32', () => {
    // What every C rendering computes: bias' + Σ x'·w' − 128·Σ x', with x' = x + 128 (0 for padding inputs).
    let seed = 7;
    const next = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
    const n = 13;
    const m = 6;
    const weights = Array.from({ length: m * n }, () => Math.floor(next() * 255) - 127);
    const bias = Array.from({ length: m }, () => Math.floor(next() * 2 ** 32) - 2 ** 31);
    const fc: Unhashed<FullyConnectedLayer> = {
      ...layer(tensor('int8', n, -37), bias, Array(m).fill(0)),
      inFeatures: n,
      outFeatures: m,
      weights,
      multiplier: Array(m).fill(1 << 30),
      weightScales: Array(m).fill(0.01),
      output: tensor('int8', m, 0),
    };
    const d = prepareFullyConnected(fc).device;
    if (d.layout !== 'grouped') throw new Error('expected the grouped layout');
    for (let trial = 0; trial < 20; trial++) {
      const x = Array.from({ length: n }, () => Math.floor(next() * 256) - 128);
      const xu = Array.from({ length: d.inPadded }, (_, i) => (i < n ? x[i] + 128 : 0));
      const correction = Math.imul(128, xu.reduce((s, v) => s + v, 0));
      for (let c = 0; c < m; c++) {
        let acc = (d.bias[c] - correction) | 0;
        for (let i = 0; i < d.inPadded; i++) acc = (acc + Math.imul(xu[i], d.weights[Math.floor(c / 4) * 4 * d.inPadded + (i >> 2) * 16 + (c % 4) * 4 + (i & 3)])) | 0;
        let reference = bias[c];
        for (let i = 0; i < n; i++) reference = (reference + Math.imul(x[i] + 37, weights[c * n + i])) | 0;
        expect(acc, `row ${c}`).toBe(reference);
      }
    }
  });

  it('keeps the IR\'s arrays, with the 64-bit bias, for an int16 input (zero point 0)', () => {
    const bias = [2 ** 40 + 3, -(2 ** 46)];
    expect(prepareFullyConnected(layer(tensor('int16', 2, 0), bias, [0, 0])).device).toMatchObject({ layout: 'row-major', bias });
  });

  it('splits each shift into the left shift before the high multiply and the rounding right shift after it', () => {
    const prepared = prepareFullyConnected(layer(tensor('int8', 2, 0), [0, 0], [3, -7]));
    expect(prepared.leftShift).toEqual([3, 0]);
    expect(prepared.rightShift).toEqual([0, 7]);
    expect(splitShift(0)).toEqual({ leftShift: 0, rightShift: 0 });
  });
});
