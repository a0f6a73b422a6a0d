import { FirmnetError } from '../../errors.js';
import { shortestFloat32 } from '../../float32.js';
import { INT32_MAX, INT32_MIN, clamp, quantizeMultiplier, roundHalfAwayFromZero } from '../fixed-point.js';
import { fusedActivationRange } from '../fused-activation.js';
import type { LayerFields, Unhashed } from '../op-types.js';
import { type FullyConnectedLayer, INT16_ACC_LIMIT, INT16_INPUT_MAX_SHIFT } from './ir.js';
import type { FullyConnectedStage } from './stage.js';

/** Quantizes a folded dense stage: int8 weights, bias at the input · weight scale, one multiplier per channel. */
export function lowerFullyConnected(stage: FullyConnectedStage, base: LayerFields, options: { perChannel: boolean }): Unhashed<FullyConnectedLayer> {
  const { input, output } = base;
  const { inFeatures, outFeatures } = stage;
  const { weights, scales } = quantizeWeights(stage.weights, outFeatures, inFeatures, options.perChannel);
  const wide = input.dtype === 'int16';
  const biasLimit = wide ? INT16_ACC_LIMIT : INT32_MAX;
  const bias: number[] = [];
  const multiplier: number[] = [];
  const shift: number[] = [];
  const granularity = options.perChannel ? 'per_channel' : 'per_tensor';
  for (let o = 0; o < outFeatures; o++) {
    bias.push(clamp(roundHalfAwayFromZero(stage.bias[o] / biasScale(input.scale, scales[o])), wide ? -biasLimit : INT32_MIN, biasLimit));
    const real = denseRealMultiplier(input.scale, scales[o], output.scale, granularity);
    const m = quantizeMultiplier(real);
    if (wide && m.shift > INT16_INPUT_MAX_SHIFT) {
      throw new FirmnetError(
        'UNSUPPORTED',
        `${stage.name}: requantization multiplier ${real.toExponential(3)} of channel ${o} is too large for the 16x8 kernel (shift ${m.shift} ≥ 8); keep this layer's input int8`,
      );
    }
    multiplier.push(m.multiplier);
    shift.push(m.shift);
  }
  return {
    op: 'fully_connected',
    ...base,
    inFeatures,
    outFeatures,
    weightGranularity: granularity,
    weightScales: scales.map(shortestFloat32),
    weights,
    bias,
    multiplier,
    shift,
    activation: stage.activation,
    ...fusedActivationRange(stage.activation, output),
  };
}

export interface QuantizedWeights {
  weights: number[];
  scales: number[];
}

/** The largest weight code of symmetric `weightBits`-bit weights: 127 for 8 bits, 7 for 4 (the range is [−qmax, qmax]). */
export function weightQmax(weightBits: number): number {
  return 2 ** (weightBits - 1) - 1;
}

/**
 * Symmetric weights in [−qmax, qmax] (qmax = 2^(bits−1) − 1: 127 for int8): per output channel
 * (scale = max|w_c| / qmax) or one scale for the whole matrix. An all-zero channel gets scale 1
 * (any scale represents it exactly). Quantization-aware training fake-quantizes with this same
 * function, so its forward pass sees exactly the weights the IR will hold.
 */
export function quantizeWeights(weights: ArrayLike<number>, outFeatures: number, inFeatures: number, perChannel: boolean, weightBits = 8): QuantizedWeights {
  const qmax = weightQmax(weightBits);
  const maxAbs = new Float64Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) for (let i = 0; i < inFeatures; i++) maxAbs[o] = Math.max(maxAbs[o], Math.abs(weights[o * inFeatures + i]));
  if (!perChannel) maxAbs.fill(maxAbs.reduce((a, b) => Math.max(a, b), 0));
  const scales = Array.from(maxAbs, (m) => (m === 0 ? 1 : shortestFloat32(m / qmax)));
  const q = new Array<number>(weights.length);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      const k = o * inFeatures + i;
      q[k] = clamp(roundHalfAwayFromZero(weights[k] / scales[o]), -qmax, qmax);
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
function denseRealMultiplier(inputScale: number, weightScale: number, outputScale: number, granularity: FullyConnectedLayer['weightGranularity']): number {
  const product = Math.fround(inputScale) * Math.fround(weightScale);
  return (granularity === 'per_channel' ? product : Math.fround(product)) / Math.fround(outputScale);
}

/** Bias scale of a fully-connected channel: the exact product of the stored float32 scales. */
function biasScale(inputScale: number, weightScale: number): number {
  return Math.fround(inputScale) * Math.fround(weightScale);
}
