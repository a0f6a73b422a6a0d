import { FirmnetError } from '../errors.js';
import { shortestFloat32 } from '../nn/layer.js';
import { INT32_MAX, INT32_MIN, clamp, quantizeMultiplier, roundHalfAwayFromZero } from './fixed-point.js';
import type { Stage } from './fold.js';
import { DTYPE_RANGE, type FullyConnectedLayer, type LeakyReluLayer, type LutLayer, type QLayer, type QTensor, type SoftmaxLayer, type Unhashed } from './qmodel.js';
import { biasScale, denseRealMultiplier, leakyReluRealMultipliers, quantizeWeights, quantizedBound } from './quant-params.js';
import { lutFunction } from './stage-forward.js';

/** Largest |bias| and |accumulator| the 64-bit MBQM of the 16x8 path is defined for. */
const INT16_ACC_LIMIT = 2 ** 47 - 1;

/** Turns one folded float stage into an IR layer, given its quantized input and output tensors. */
export function lowerStage(stage: Stage, input: QTensor, output: QTensor, perChannel: boolean): Unhashed<QLayer> {
  const base = { name: stage.name, input, output, sourceLayers: stage.sourceLayers };
  switch (stage.kind) {
    case 'dense':
      return lowerDense(stage, base, perChannel);
    case 'leaky_relu': {
      const real = leakyReluRealMultipliers(input.scale, stage.alpha, output.scale);
      const identity = quantizeMultiplier(real.identity);
      const alpha = quantizeMultiplier(real.alpha);
      const layer: Unhashed<LeakyReluLayer> = {
        op: 'leaky_relu',
        ...base,
        alpha: stage.alpha,
        multiplierIdentity: identity.multiplier,
        shiftIdentity: identity.shift,
        multiplierAlpha: alpha.multiplier,
        shiftAlpha: alpha.shift,
      };
      return layer;
    }
    case 'lut': {
      const layer: Unhashed<LutLayer> = { op: 'lut', ...base, function: stage.fn, table: buildTable(lutFunction(stage.fn), input, output) };
      return layer;
    }
    case 'softmax': {
      if (input.dtype !== 'int8' || output.dtype !== 'int8') {
        throw new FirmnetError('UNSUPPORTED', `${stage.name}: the int8 softmax needs int8 input and output; leave its tensors out of --int16`);
      }
      const inputScale = Math.fround(input.scale);
      const expTable = Array.from({ length: 256 }, (_, d) => roundHalfAwayFromZero(32768 * Math.exp(-d * inputScale)));
      const layer: Unhashed<SoftmaxLayer> = { op: 'softmax', ...base, expTable };
      return layer;
    }
  }
}

function lowerDense(stage: Extract<Stage, { kind: 'dense' }>, base: Pick<QLayer, 'name' | 'input' | 'output' | 'sourceLayers'>, perChannel: boolean): Unhashed<FullyConnectedLayer> {
  const { input, output } = base;
  const { inFeatures, outFeatures } = stage;
  const { weights, scales } = quantizeWeights(stage.weights, outFeatures, inFeatures, perChannel);
  const wide = input.dtype === 'int16';
  const biasLimit = wide ? INT16_ACC_LIMIT : INT32_MAX;
  const bias: number[] = [];
  const multiplier: number[] = [];
  const shift: number[] = [];
  const granularity = perChannel ? 'per_channel' : 'per_tensor';
  for (let o = 0; o < outFeatures; o++) {
    bias.push(clamp(roundHalfAwayFromZero(stage.bias[o] / biasScale(input.scale, scales[o])), wide ? -biasLimit : INT32_MIN, biasLimit));
    const real = denseRealMultiplier(input.scale, scales[o], output.scale, granularity);
    const m = quantizeMultiplier(real);
    if (wide && m.shift >= 8) {
      throw new FirmnetError(
        'UNSUPPORTED',
        `${stage.name}: requantization multiplier ${real.toExponential(3)} of channel ${o} is too large for the 16x8 kernel (shift ${m.shift} ≥ 8); keep this layer's input int8`,
      );
    }
    multiplier.push(m.multiplier);
    shift.push(m.shift);
  }
  const { min, max } = DTYPE_RANGE[output.dtype];
  const activationMin = stage.activation === 'none' ? min : Math.max(min, output.zeroPoint);
  const activationMax = stage.activation === 'relu6' ? Math.min(max, quantizedBound(6, output.scale, output.zeroPoint)) : max;
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
    activationMin,
    activationMax,
  };
}

/**
 * int8: one entry per input code, t[q + 128] = quantize(f(dequantize(q))). int16: 513 knots at
 * x = (j − 256)·128, interpolated by the kernel. Both scales as the float32 values the IR stores.
 */
function buildTable(f: (x: number) => number, input: QTensor, output: QTensor): number[] {
  const { min, max } = DTYPE_RANGE[output.dtype];
  const inputScale = Math.fround(input.scale);
  const outputScale = Math.fround(output.scale);
  const quantize = (y: number): number => clamp(roundHalfAwayFromZero(y / outputScale) + output.zeroPoint, min, max);
  if (input.dtype === 'int8') {
    return Array.from({ length: 256 }, (_, k) => quantize(f((k - 128 - input.zeroPoint) * inputScale)));
  }
  return Array.from({ length: 513 }, (_, j) => quantize(f((j - 256) * 128 * inputScale)));
}
