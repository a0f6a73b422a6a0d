import { clamp, multiplyByQuantizedMultiplier } from '../fixed-point.js';
import type { Unhashed } from '../op-types.js';
import { type QArray, allocQ, qRange } from '../q-array.js';
import type { LeakyReluLayer } from './ir.js';

/** Reference LEAKY_RELU (TFLite): requantize x − zp with the identity or the alpha multiplier by sign. */
export function leakyRelu(layer: Unhashed<LeakyReluLayer>, input: QArray, rows: number): QArray {
  const n = rows * layer.input.features;
  const out = allocQ(layer.output.dtype, n);
  const { min, max } = qRange(layer.output.dtype);
  const inZeroPoint = layer.input.zeroPoint;
  const outZeroPoint = layer.output.zeroPoint;
  for (let i = 0; i < n; i++) {
    const v = input[i] - inZeroPoint;
    const scaled =
      v >= 0
        ? multiplyByQuantizedMultiplier(v, layer.multiplierIdentity, layer.shiftIdentity)
        : multiplyByQuantizedMultiplier(v, layer.multiplierAlpha, layer.shiftAlpha);
    out[i] = clamp((scaled + outZeroPoint) | 0, min, max);
  }
  return out;
}
