/** The fully-connected prepare step every backend consumes: folded bias and split shifts, computed once from the IR. */
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
  it('folds the int8 input zero point into the bias, wrapping like int32', () => {
    // Row 0: 2147483637 − (−128)·254 = 2147516149, which wraps to 2147516149 − 2^32; row 1: 5 − (−128)·(−2) = −251.
    const prepared = prepareFullyConnected(layer(tensor('int8', 2, -128), [2147483637, 5], [0, -3]));
    expect(prepared.bias).toEqual([-2147451147, -251]);
  });

  it('keeps the 64-bit bias of an int16 input (zero point 0) as the IR has it', () => {
    const bias = [2 ** 40 + 3, -(2 ** 46)];
    expect(prepareFullyConnected(layer(tensor('int16', 2, 0), bias, [0, 0])).bias).toEqual(bias);
  });

  it('splits each shift into the left shift before the high multiply and the rounding right shift after it', () => {
    const prepared = prepareFullyConnected(layer(tensor('int8', 2, 0), [0, 0], [3, -7]));
    expect(prepared.leftShift).toEqual([3, 0]);
    expect(prepared.rightShift).toEqual([0, 7]);
    expect(splitShift(0)).toEqual({ leftShift: 0, rightShift: 0 });
  });
});
