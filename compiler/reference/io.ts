import { applyStandardization } from '../data/standardize.js';
import { applyHead } from '../inference/float-inference.js';
import { type QModel, inputTensor, outputTensor } from '../ir/qmodel.js';
import { clamp, roundHalfAwayFromZero } from '../ops/fixed-point.js';
import type { QTensor } from '../ops/op-types.js';
import { type QArray, allocQ, qRange } from '../ops/q-array.js';

/**
 * Float features → quantized input, in float32 steps every backend can repeat exactly:
 * x' = f32(f32(x − mean) / std), v = f32(x' / scale), q = clamp(round_half_away(v) + zp).
 * NaN maps to the zero point; ±Inf to the ends of the range.
 */
export function quantizeInput(q: QModel, features: Float32Array, rows: number): QArray {
  const t = inputTensor(q);
  const standardized = applyStandardization(features.subarray(0, rows * t.features), t.features, q.inputStandardization);
  const out = allocQ(t.dtype, standardized.length);
  for (let i = 0; i < standardized.length; i++) out[i] = quantizeValue(standardized[i], t);
  return out;
}

export function quantizeValue(x: number, t: QTensor): number {
  const v = Math.fround(x / Math.fround(t.scale));
  if (Number.isNaN(v)) return t.zeroPoint;
  const { min, max } = qRange(t.dtype);
  if (!Number.isFinite(v)) return v > 0 ? max : min;
  return clamp(roundHalfAwayFromZero(v) + t.zeroPoint, min, max);
}

/** Quantized output → float in the network's units: f32(f32(q − zp) · scale). */
export function dequantizeOutput(q: QModel, output: QArray): Float32Array {
  return dequantize(outputTensor(q), output);
}

export function dequantize(t: QTensor, values: QArray): Float32Array {
  const out = new Float32Array(values.length);
  const scale = Math.fround(t.scale);
  for (let i = 0; i < values.length; i++) out[i] = Math.fround((values[i] - t.zeroPoint) * scale);
  return out;
}

/** The user-facing prediction from dequantized outputs: the float head, or regression un-standardization. */
export function headScores(q: QModel, dequantized: Float32Array, rows: number): Float32Array {
  return applyHead(q, dequantized, rows, outputTensor(q).features);
}
