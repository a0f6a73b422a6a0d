import { roundHalfAwayFromZero } from './fixed-point.js';
import { DTYPE_RANGE, type QTensor } from './op-types.js';

/** A ReLU or ReLU6 folded into the layer before it, as its output clamp. */
export type FusedActivation = 'none' | 'relu' | 'relu6';

export const FUSED_ACTIVATIONS: readonly FusedActivation[] = ['none', 'relu', 'relu6'];

/**
 * The output clamp of a fused activation in output codes, as TFLite's
 * CalculateActivationRangeQuantized forms it: the dtype's range, cut at the zero point (ReLU) and at
 * the code of 6 (ReLU6).
 */
export function fusedActivationRange(activation: FusedActivation, output: QTensor): { activationMin: number; activationMax: number } {
  const { min, max } = DTYPE_RANGE[output.dtype];
  return {
    activationMin: activation === 'none' ? min : Math.max(min, output.zeroPoint),
    activationMax: activation === 'relu6' ? Math.min(max, quantizedBound(6, output.scale, output.zeroPoint)) : max,
  };
}

/**
 * A real value as a clamp bound, as TFLite's CalculateActivationRangeQuantized quantizes it (6 for
 * ReLU6): zeroPoint + roundf(value / scale) in float32.
 */
function quantizedBound(value: number, scale: number, zeroPoint: number): number {
  return zeroPoint + roundHalfAwayFromZero(Math.fround(Math.fround(value) / Math.fround(scale)));
}
