import { FirmnetError } from '../../errors.js';
import { shortestFloat32 } from '../../float32.js';
import { clamp, quantizeMultiplier, roundHalfAwayFromZero } from '../fixed-point.js';
import { fusedActivationRange } from '../fused-activation.js';
import type { LayerFields, Unhashed } from '../op-types.js';
import { LAYER_NORM_BIAS_LIMIT, type LayerNormLayer, VARIANCE_EPSILON_MAX } from './ir.js';
import type { LayerNormStage } from './stage.js';

/** t_i, the normalized value, carries 16 fraction bits. */
const NORMALIZED_FRACTION_BITS = 16;

/**
 * Quantizes a LayerNorm stage: ε in the units of n²·variance of the input codes, γ_i / (outputScale ·
 * 2^16) as a multiplier and shift per feature (sign carried by the multiplier), β_i in output codes.
 */
export function lowerLayerNorm(stage: LayerNormStage, base: LayerFields): Unhashed<LayerNormLayer> {
  const n = stage.features;
  const inputScale = Math.fround(base.input.scale);
  const outputScale = Math.fround(base.output.scale);
  const varianceEpsilon = clamp(Math.max(1, roundHalfAwayFromZero((n * n * Math.fround(stage.epsilon)) / (inputScale * inputScale))), 1, VARIANCE_EPSILON_MAX);
  const multiplier: number[] = [];
  const shift: number[] = [];
  const bias: number[] = [];
  for (let i = 0; i < n; i++) {
    const gamma = Math.fround(stage.gamma[i]);
    const real = Math.abs(gamma) / (outputScale * 2 ** NORMALIZED_FRACTION_BITS);
    const m = quantizeMultiplier(real);
    if (m.shift > 0) {
      throw new FirmnetError(
        'UNSUPPORTED',
        `${stage.name}: gamma[${i}] = ${shortestFloat32(gamma)} is more than 2^16 output steps (output scale ${shortestFloat32(outputScale)}); the layer_norm kernels take a multiplier below 1`,
      );
    }
    multiplier.push(gamma < 0 ? -m.multiplier : m.multiplier);
    shift.push(m.shift);
    bias.push(clamp(roundHalfAwayFromZero(Math.fround(stage.beta[i]) / outputScale), -LAYER_NORM_BIAS_LIMIT, LAYER_NORM_BIAS_LIMIT));
  }
  return {
    op: 'layer_norm',
    ...base,
    epsilon: shortestFloat32(stage.epsilon),
    varianceEpsilon,
    multiplier,
    shift,
    bias,
    activation: stage.activation,
    ...fusedActivationRange(stage.activation, base.output),
  };
}
