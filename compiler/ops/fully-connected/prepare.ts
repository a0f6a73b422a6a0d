import type { Unhashed } from '../op-types.js';
import type { FullyConnectedLayer } from './ir.js';

/** What the backends derive from a fully-connected layer, computed once from the IR (TFLM's `*_common` step). */
export interface PreparedFullyConnected {
  /**
   * The bias the device kernels add to Σ x·w. int8 input: bias[c] − zp·Σ_i w[c][i] in wrapping int32,
   * the input zero point folded in (see `foldInputZeroPoint`); int16 input (zero point 0): the IR's
   * 64-bit bias.
   */
  bias: number[];
  /** The IR's shift as the left shift before the high multiply, max(shift, 0) … */
  leftShift: number[];
  /** … and the rounding right shift after it, max(−shift, 0). */
  rightShift: number[];
}

export function prepareFullyConnected(layer: Unhashed<FullyConnectedLayer>): PreparedFullyConnected {
  return {
    bias: layer.input.dtype === 'int16' ? layer.bias : foldInputZeroPoint(layer),
    leftShift: layer.shift.map((s) => splitShift(s).leftShift),
    rightShift: layer.shift.map((s) => splitShift(s).rightShift),
  };
}

/** MBQM's two shifts: x · 2^left, high multiply, rounding shift right by `right` (one of them is 0). */
export function splitShift(shift: number): { leftShift: number; rightShift: number } {
  return { leftShift: Math.max(shift, 0), rightShift: Math.max(-shift, 0) };
}

/**
 * The precomputation docs/quantized-ir.md allows for int8 inputs: bias[c] − zp·Σ_i w[c][i] in wrapping
 * int32, so the kernel's inner loop is a plain Σ x·w (one multiply-accumulate per weight) and the sum
 * is the reference's bias + Σ (x − zp)·w modulo 2^32, i.e. bit for bit the same.
 */
function foldInputZeroPoint(layer: Unhashed<FullyConnectedLayer>): number[] {
  const zp = layer.input.zeroPoint;
  return layer.bias.map((b, c) => {
    let rowSum = 0;
    for (let i = 0; i < layer.inFeatures; i++) rowSum += layer.weights[c * layer.inFeatures + i];
    return (b - Math.imul(zp, rowSum)) | 0;
  });
}
