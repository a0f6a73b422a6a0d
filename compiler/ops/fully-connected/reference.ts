import { clamp, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from '../fixed-point.js';
import type { Unhashed } from '../op-types.js';
import { type QArray, allocQ } from '../q-array.js';
import type { FullyConnectedLayer } from './ir.js';
import { weightValues } from './weight-values.js';


/**
 * Reference FULLY_CONNECTED (TFLite integer_ops semantics; int4 weights are their unpacked values). int8 input: bias + Σ (x − zp)·w in an
 * int32 accumulator that wraps like C, then 32-bit MBQM. int16 input (zp 0): exact 64-bit
 * accumulator and the 64-bit MBQM. Then + output zero point, clamp.
 *
 * The int8 sum is accumulated exactly in a double and wrapped once at the end: every term is at most
 * 255·127 in magnitude, so partial sums stay far below 2^53 and the final `| 0` equals wrapping after
 * every addition (both are the sum modulo 2^32).
 */
export function fullyConnected(layer: Unhashed<FullyConnectedLayer>, input: QArray, rows: number): QArray {
  const { inFeatures, outFeatures, bias, multiplier, shift, activationMin, activationMax } = layer;
  const weights = weightValues(layer);
  const inOffset = -layer.input.zeroPoint;
  const outZeroPoint = layer.output.zeroPoint;
  const wide = layer.input.dtype === 'int16';
  const out = allocQ(layer.output.dtype, rows * outFeatures);
  for (let r = 0; r < rows; r++) {
    const xo = r * inFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wo = o * inFeatures;
      let scaled: number;
      if (wide) {
        let acc = bias[o];
        for (let i = 0; i < inFeatures; i++) acc += input[xo + i] * weights[wo + i];
        scaled = multiplyByQuantizedMultiplier64(acc, multiplier[o], shift[o]);
      } else {
        let sum = 0;
        for (let i = 0; i < inFeatures; i++) sum += (input[xo + i] + inOffset) * weights[wo + i];
        scaled = multiplyByQuantizedMultiplier((bias[o] + sum) | 0, multiplier[o], shift[o]);
      }
      out[r * outFeatures + o] = clamp((scaled + outZeroPoint) | 0, activationMin, activationMax);
    }
  }
  return out;
}
