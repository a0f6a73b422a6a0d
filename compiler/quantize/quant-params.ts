import { shortestFloat32 } from '../float32.js';
import { clamp, roundHalfAwayFromZero } from './fixed-point.js';
import { DTYPE_RANGE, type FullyConnectedLayer, type QDtype, type QTensor } from './qmodel.js';

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

export interface QuantizedWeights {
  weights: number[];
  scales: number[];
}

/**
 * Symmetric int8 weights in [−127, 127]: per output channel (scale = max|w_c| / 127) or one scale
 * for the whole matrix. An all-zero channel gets scale 1 (any scale represents it exactly).
 */
export function quantizeWeights(weights: Float64Array, outFeatures: number, inFeatures: number, perChannel: boolean): QuantizedWeights {
  const maxAbs = new Float64Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) for (let i = 0; i < inFeatures; i++) maxAbs[o] = Math.max(maxAbs[o], Math.abs(weights[o * inFeatures + i]));
  if (!perChannel) maxAbs.fill(maxAbs.reduce((a, b) => Math.max(a, b), 0));
  const scales = Array.from(maxAbs, (m) => (m === 0 ? 1 : shortestFloat32(m / 127)));
  const q = new Array<number>(weights.length);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      const k = o * inFeatures + i;
      q[k] = clamp(roundHalfAwayFromZero(weights[k] / scales[o]), -127, 127);
    }
  }
  return { weights: q, scales };
}

/*
 * Integers derived from scales. The IR stores every scale as the shortest decimal that reads back
 * as its float32 value, and a TFLite runtime (TFLite Micro, CMSIS-NN's wrappers) derives its
 * multipliers from that float32 value, in the precision its prepare step uses. Deriving them here
 * from anything else (the double the decimal spells, or the unrounded scale) gives multipliers that
 * differ in the last bits from what such a runtime computes from the same IR.
 */

/**
 * The real multiplier of a fully-connected output channel, as TFLite Micro's
 * CalculateOpDataFullyConnected forms it: per-channel weights in double from the float32 scales,
 * (double)input · (double)weight / (double)output; per-tensor weights through
 * GetQuantizedConvolutionMultipler, whose product input · weight is a float32 product.
 */
export function denseRealMultiplier(inputScale: number, weightScale: number, outputScale: number, granularity: FullyConnectedLayer['weightGranularity']): number {
  const product = Math.fround(inputScale) * Math.fround(weightScale);
  return (granularity === 'per_channel' ? product : Math.fround(product)) / Math.fround(outputScale);
}

/** Bias scale of a fully-connected channel: the exact product of the stored float32 scales. */
export function biasScale(inputScale: number, weightScale: number): number {
  return Math.fround(inputScale) * Math.fround(weightScale);
}

/**
 * LeakyReLU's two real multipliers as TFLite Micro's CalculateOpDataLeakyRelu forms them: in float32
 * arithmetic (input · alpha / output and input / output), widened to double afterwards.
 */
export function leakyReluRealMultipliers(inputScale: number, alpha: number, outputScale: number): { identity: number; alpha: number } {
  const input = Math.fround(inputScale);
  const output = Math.fround(outputScale);
  return { identity: Math.fround(input / output), alpha: Math.fround(Math.fround(input * Math.fround(alpha)) / output) };
}

/**
 * A real value as a clamp bound, as TFLite's CalculateActivationRangeQuantized quantizes it (6 for
 * ReLU6): zeroPoint + roundf(value / scale) in float32.
 */
export function quantizedBound(value: number, scale: number, zeroPoint: number): number {
  return zeroPoint + roundHalfAwayFromZero(Math.fround(Math.fround(value) / Math.fround(scale)));
}
