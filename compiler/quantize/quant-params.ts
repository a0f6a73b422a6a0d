import { shortestFloat32 } from '../float32.js';
import { clamp, roundHalfAwayFromZero } from '../ops/fixed-point.js';
import { DTYPE_RANGE, type QDtype, type QTensor } from '../ops/op-types.js';

/** A float interval a tensor is quantized over (ranges.ts calibrates it from observed values). */
export interface Range {
  min: number;
  max: number;
}

/**
 * Scale and zero point for a calibrated range (TFLite's ChooseQuantizationParams): the range is
 * widened to contain 0 so that real 0 is exactly the integer zero point; int8 is asymmetric over
 * 256 levels, int16 symmetric (zero point 0) as in TFLite's 16x8 scheme. Scales are float32 values
 * so every backend multiplies by exactly the same number.
 */
export function chooseQuantParams(range: Range, dtype: QDtype): { scale: number; zeroPoint: number } {
  const lo = Math.min(range.min, 0);
  const hi = Math.max(range.max, 0);
  const { min: qmin, max: qmax } = DTYPE_RANGE[dtype];
  if (dtype === 'int16') {
    const bound = Math.max(-lo, hi);
    return { scale: bound === 0 ? 1 : shortestFloat32(bound / qmax), zeroPoint: 0 };
  }
  if (hi === lo) return { scale: 1, zeroPoint: 0 };
  const scale = shortestFloat32((hi - lo) / (qmax - qmin));
  return { scale, zeroPoint: clamp(roundHalfAwayFromZero(qmin - lo / scale), qmin, qmax) };
}

export function tensorFor(range: Range, dtype: QDtype, features: number): QTensor {
  const { scale, zeroPoint } = chooseQuantParams(range, dtype);
  return { dtype, features, scale, zeroPoint, rangeMin: shortestFloat32(range.min), rangeMax: shortestFloat32(range.max) };
}

/** A tensor with fixed parameters (softmax and sigmoid heads), its range being what they represent. */
export function fixedTensor(features: number, scale: number, zeroPoint: number, dtype: QDtype): QTensor {
  const { min, max } = DTYPE_RANGE[dtype];
  return { dtype, features, scale, zeroPoint, rangeMin: scale * (min - zeroPoint), rangeMax: scale * (max - zeroPoint) };
}
