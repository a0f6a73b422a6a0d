import { clamp, multiplyByQuantizedMultiplier, multiplyByQuantizedMultiplier64 } from '../quantize/fixed-point.js';
import type { FullyConnectedLayer } from '../quantize/qmodel.js';
import { type QArray, allocQ } from './tensor.js';

/**
 * Reference FULLY_CONNECTED (TFLite integer_ops semantics). int8 input: int32 accumulator that wraps
 * like C, bias + Σ (x − zp)·w, then 32-bit MBQM. int16 input (zp 0): exact 64-bit accumulator
 * (|acc| < 2^47 is a Number-exact integer) and the 64-bit MBQM. Then + output zero point, clamp.
 */
export function fullyConnected(layer: FullyConnectedLayer, input: QArray, rows: number): QArray {
  const { inFeatures, outFeatures, weights, bias, multiplier, shift, activationMin, activationMax } = layer;
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
        let acc = bias[o] | 0;
        for (let i = 0; i < inFeatures; i++) acc = (acc + (input[xo + i] + inOffset) * weights[wo + i]) | 0;
        scaled = multiplyByQuantizedMultiplier(acc, multiplier[o], shift[o]);
      }
      out[r * outFeatures + o] = clamp((scaled + outZeroPoint) | 0, activationMin, activationMax);
    }
  }
  return out;
}
