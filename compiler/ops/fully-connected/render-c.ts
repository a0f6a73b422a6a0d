import { dtypeSuffix, type Unhashed } from '../op-types.js';
import type { CKernelCall, CParams, DeviceConstant } from '../op-definition.js';
import type { FullyConnectedLayer } from './ir.js';
import type { PreparedFullyConnected } from './prepare.js';

/** Weight rows start on a word boundary so word-wide (DSP/SIMD) loads can be used; the portable kernels do not need it. */
const WEIGHT_ALIGNMENT = 4;

export function fullyConnectedConstants(layer: Unhashed<FullyConnectedLayer>, prepared: PreparedFullyConnected): DeviceConstant[] {
  const { inFeatures: n, outFeatures: m } = layer;
  const wide = layer.input.dtype === 'int16';
  return [
    { kind: 'weights', stem: 'w', element: 'int8', values: layer.weights, lengthText: `${m} * ${n}`, comment: 'weights [out][in]', alignBytes: WEIGHT_ALIGNMENT },
    wide
      ? { kind: 'biases', stem: 'b', element: 'int64', values: prepared.bias, comment: 'bias (int64: 16x8 layer)' }
      : {
          kind: 'biases',
          stem: 'b',
          element: 'int32',
          values: prepared.bias,
          comment: `bias with the input zero point (${layer.input.zeroPoint}) folded in: bias[c] - zero_point * sum_i w[c][i], wrapping int32`,
        },
    { kind: 'requantization', stem: 'multiplier', element: 'int32', values: layer.multiplier, comment: 'requantization multipliers (Q31)' },
    { kind: 'requantization', stem: 'shift', element: 'int8', values: layer.shift, comment: 'requantization shifts' },
  ];
}

export function fullyConnectedParams(layer: Unhashed<FullyConnectedLayer>): CParams {
  return {
    type: layer.input.dtype === 'int16' ? 'firmnet_dense_s16_params' : 'firmnet_dense_s8_params',
    fields: [
      ['in_features', layer.inFeatures],
      ['out_features', layer.outFeatures],
      ['output_offset', layer.output.zeroPoint],
      ['activation_min', layer.activationMin],
      ['activation_max', layer.activationMax],
      ['weights', { array: 'w' }],
      ['bias', { array: 'b' }],
      ['multiplier', { array: 'multiplier' }],
      ['shift', { array: 'shift' }],
    ],
  };
}

/** `firmnet_dense_s8`, `_s16`, or `_s8_s16` / `_s16_s8` when the layer changes dtype. */
export function fullyConnectedCall(layer: Unhashed<FullyConnectedLayer>): CKernelCall {
  const a = dtypeSuffix(layer.input.dtype);
  const b = dtypeSuffix(layer.output.dtype);
  return { kernel: `firmnet_dense_${a === b ? a : `${a}_${b}`}`, args: ['params', 'input', 'output'] };
}

export function fullyConnectedDetail(layer: Unhashed<FullyConnectedLayer>): string {
  const activation = layer.activation === 'none' ? 'no activation' : `fused ${layer.activation}`;
  return `${layer.inFeatures} -> ${layer.outFeatures}, ${activation}, clamp [${layer.activationMin}, ${layer.activationMax}], ${layer.weightGranularity.replace('_', '-')} weights`;
}
