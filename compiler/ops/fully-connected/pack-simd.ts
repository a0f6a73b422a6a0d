/**
 * The SIMD build's data for an int8-input fully-connected layer, rearranged from the IR for the
 * "one output channel per lane" kernel (runtime/dense-simd.ts). A re-encoding, value for value:
 *
 * - weights: channels in groups of 16 while 16 remain, then groups of 4 (the last one padded with
 *   zero-weight channels); within a group, for each input pair p, four channels at a time:
 *   w[c][2p], w[c][2p+1] for c = 4j … 4j+3, as int16 (16 bytes), a missing odd input's weight is 0;
 * - bias, multiplier: the IR's, padded with zeros to a multiple of 4 channels;
 * - the prepared left and right shifts as two int32 factors, because WebAssembly SIMD has no
 *   per-lane variable shift: leftFactor = 2^left and rightFactor = 2^(31 − right) for a right shift
 *   ≥ 1, or 0 when it is 0 (see runtime/requantize-simd.ts for the arithmetic).
 */
import type { Unhashed } from '../op-types.js';
import type { FullyConnectedLayer } from './ir.js';
import type { PreparedFullyConnected } from './prepare.js';
import { weightValues } from './weight-values.js';

export interface PackedDense {
  /** int16: the kernel's `i32x4.dot_i16x8_s` reads them without widening (see runtime/dense-simd.ts). */
  weights: Int16Array;
  bias: Int32Array;
  multiplier: Int32Array;
  leftFactor: Int32Array;
  rightFactor: Int32Array;
}

/** The channel groups the SIMD kernel walks: 16 wide while 16 remain, then 4 wide. */
export function channelGroups(outFeatures: number): { start: number; width: number }[] {
  const groups: { start: number; width: number }[] = [];
  let o = 0;
  for (; o + 16 <= outFeatures; o += 16) groups.push({ start: o, width: 16 });
  for (; o < outFeatures; o += 4) groups.push({ start: o, width: 4 });
  return groups;
}

export function shiftFactors(shift: { leftShift: number; rightShift: number }): { leftFactor: number; rightFactor: number } {
  return { leftFactor: 2 ** shift.leftShift, rightFactor: shift.rightShift === 0 ? 0 : 2 ** (31 - shift.rightShift) };
}

export function packDenseS8Simd(layer: Unhashed<FullyConnectedLayer>, prepared: PreparedFullyConnected): PackedDense {
  const { inFeatures, outFeatures } = layer;
  const weights = weightValues(layer);
  const pairs = Math.ceil(inFeatures / 2);
  const paddedOut = Math.ceil(outFeatures / 4) * 4;
  const packed = new Int16Array(paddedOut * pairs * 2);
  let k = 0;
  for (const { start, width } of channelGroups(outFeatures)) {
    for (let p = 0; p < pairs; p++) {
      for (let c = start; c < start + width; c++) {
        for (const i of [2 * p, 2 * p + 1]) packed[k++] = c < outFeatures && i < inFeatures ? weights[c * inFeatures + i] : 0;
      }
    }
  }
  const padded = (values: (c: number) => number): Int32Array => Int32Array.from({ length: paddedOut }, (_, c) => (c < outFeatures ? values(c) : 0));
  return {
    weights: packed,
    bias: padded((c) => layer.bias[c]),
    multiplier: padded((c) => layer.multiplier[c]),
    leftFactor: padded((c) => shiftFactors({ leftShift: prepared.leftShift[c], rightShift: prepared.rightShift[c] }).leftFactor),
    rightFactor: padded((c) => shiftFactors({ leftShift: prepared.leftShift[c], rightShift: prepared.rightShift[c] }).rightFactor),
  };
}
