import type { Unhashed } from '../op-types.js';
import type { FullyConnectedLayer } from './ir.js';
import { weightValues } from './weight-values.js';

/** What the backends derive from a fully-connected layer, computed once from the IR (TFLM's `*_common` step). */
export interface PreparedFullyConnected {
  /** The IR's shift as the left shift before the high multiply, max(shift, 0) … */
  leftShift: number[];
  /** … and the rounding right shift after it, max(−shift, 0). */
  rightShift: number[];
  /** The C kernels' constants: the grouped layout for an int8 input, the IR's own arrays for an int16 input, the packed stream for int4 weights. */
  device: GroupedDense | RowMajorDense | PackedS4Dense;
}

/** Output rows per group of the grouped layout: one word of weights per row and 4-input block. */
export const GROUP_ROWS = 4;
/** Inputs are padded to a multiple of this (the Arm loops take 8 inputs per step). */
export const INPUT_STEP = 8;
/** The offset that makes the int8 weights and inputs unsigned bytes (offset binary). */
export const BYTE_OFFSET = 128;

/**
 * The int8-input dense layer as every C rendering reads it (runtime/c/firmnet_dense_dot.h):
 *
 * - weights: unsigned bytes w + 128 (offset binary: [−127, 127] → [1, 255]; a padding weight 0 is
 *   128), in groups of 4 output rows; within a group, for each block of 4 inputs, 16 bytes: row
 *   0's four weights, then row 1's, row 2's, row 3's. Byte (g, b, r, k) holds w[4g + r][4b + k] at
 *   g·4·inPadded + 16·b + 4·r + k. One word load gives one row's 4 weights (DSP), every byte has an
 *   immediate offset from the block's address (Thumb-1 has no immediate form of LDRSB; RV32 LBU);
 *   inputs are padded to a multiple of 8 and rows to a multiple of 4 with zero weights.
 * - bias: per (padded) row, bias − (zp + 128)·Σᵢ w[c][i] in wrapping int32. The kernel widens the
 *   input once per layer to x' = x + 128 (padding 0) and computes
 *     acc = bias' + Σ x'·w' − 128·Σ x'
 *   which is bias + Σ (x − zp)·w modulo 2^32, the reference's int32 accumulator bit for bit:
 *   Σ x'w' = Σ xw + 128Σx + 128Σw + 16384n and 128Σx' = 128Σx + 16384n.
 * - requant: per (padded) row, {multiplier, shifts} with shifts = e | (32 − e) << 8 | left << 16
 *   (e = the rounding right shift, left = the left shift): the three shift amounts the assembly
 *   requantization uses, each in the low byte of one shift of the word.
 */
export interface GroupedDense {
  layout: 'grouped';
  inPadded: number;
  outPadded: number;
  weights: Uint8Array;
  bias: Int32Array;
  requant: Int32Array;
}

/** The int16-input (16x8) kernels read the IR's arrays as they are: weights [out][in], the 64-bit bias. */
export interface RowMajorDense {
  layout: 'row-major';
  weights: readonly number[];
  bias: readonly number[];
}

/**
 * The int4-weight layer (int8 input) as the C kernel reads it (runtime/c/firmnet_dense_s4.c):
 * - weights: the IR's packed stream as it is (two per byte, low nibble first, rows not padded, so
 *   row c starts at nibble c · inFeatures, in the middle of a byte when that is odd);
 * - bias: bias − zp · Σᵢ w[c][i] in wrapping int32, so the kernel sums x · w of the raw int8 input
 *   (bias + Σ (x − zp)·w modulo 2^32, the reference's accumulator);
 * - the IR's multiplier and shift arrays, as the int16-input kernels read them.
 */
export interface PackedS4Dense {
  layout: 'packed-s4';
  weights: readonly number[];
  bias: Int32Array;
}

export function prepareFullyConnected(layer: Unhashed<FullyConnectedLayer>): PreparedFullyConnected {
  return {
    leftShift: layer.shift.map((s) => splitShift(s).leftShift),
    rightShift: layer.shift.map((s) => splitShift(s).rightShift),
    device: layer.input.dtype === 'int16' ? { layout: 'row-major', weights: layer.weights, bias: layer.bias } : layer.weightBits === 4 ? packedS4Dense(layer) : groupDense(layer),
  };
}

function packedS4Dense(layer: Unhashed<FullyConnectedLayer>): PackedS4Dense {
  const { inFeatures: n, outFeatures: m } = layer;
  const w = weightValues(layer);
  const bias = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    let rowSum = 0;
    for (let i = 0; i < n; i++) rowSum += w[c * n + i];
    bias[c] = layer.bias[c] - Math.imul(layer.input.zeroPoint, rowSum);
  }
  return { layout: 'packed-s4', weights: layer.weights, bias };
}

/** MBQM's two shifts: x · 2^left, high multiply, rounding shift right by `right` (one of them is 0). */
export function splitShift(shift: number): { leftShift: number; rightShift: number } {
  return { leftShift: Math.max(shift, 0), rightShift: Math.max(-shift, 0) };
}

export function paddedSizes(inFeatures: number, outFeatures: number): { inPadded: number; outPadded: number } {
  return { inPadded: Math.ceil(inFeatures / INPUT_STEP) * INPUT_STEP, outPadded: Math.ceil(outFeatures / GROUP_ROWS) * GROUP_ROWS };
}

/** The shifts word of a requantization record (see GroupedDense). */
export function shiftsWord(shift: number): number {
  const { leftShift, rightShift } = splitShift(shift);
  return rightShift | ((32 - rightShift) << 8) | (leftShift << 16);
}

function groupDense(layer: Unhashed<FullyConnectedLayer>): GroupedDense {
  const { inFeatures: n, outFeatures: m } = layer;
  const { inPadded, outPadded } = paddedSizes(n, m);
  const values = weightValues(layer);
  const weights = new Uint8Array(outPadded * inPadded).fill(BYTE_OFFSET);
  for (let c = 0; c < m; c++) {
    const group = Math.floor(c / GROUP_ROWS) * GROUP_ROWS * inPadded;
    const row = (c % GROUP_ROWS) * 4;
    for (let i = 0; i < n; i++) weights[group + (i >> 2) * 16 + row + (i & 3)] = values[c * n + i] + BYTE_OFFSET;
  }
  const bias = new Int32Array(outPadded);
  const requant = new Int32Array(2 * outPadded);
  const offset = layer.input.zeroPoint + BYTE_OFFSET;
  for (let c = 0; c < m; c++) {
    let rowSum = 0;
    for (let i = 0; i < n; i++) rowSum += values[c * n + i];
    bias[c] = layer.bias[c] - Math.imul(offset, rowSum);
    requant[2 * c] = layer.multiplier[c];
    requant[2 * c + 1] = shiftsWord(layer.shift[c]);
  }
  // Padding rows: zero weights, bias and multiplier; any valid shifts word.
  for (let c = m; c < outPadded; c++) requant[2 * c + 1] = shiftsWord(0);
  return { layout: 'grouped', inPadded, outPadded, weights, bias, requant };
}
