import { dtypeSuffix, type Unhashed } from '../op-types.js';
import type { CKernelCall, CParams, DeviceConstant } from '../op-definition.js';
import type { FullyConnectedLayer } from './ir.js';
import { GROUP_ROWS, type PreparedFullyConnected, paddedSizes } from './prepare.js';

/** The grouped weights are read a word (DSP: four words, LDM) at a time; 8 also suits LDRD-sized fetches. */
const GROUPED_WEIGHT_ALIGNMENT = 8;
/** Row-major weight rows start on a word boundary so the int16-input DSP loop's word loads stay cheap. */
const ROW_MAJOR_WEIGHT_ALIGNMENT = 4;

export function fullyConnectedConstants(layer: Unhashed<FullyConnectedLayer>, prepared: PreparedFullyConnected): DeviceConstant[] {
  const { inFeatures: n, outFeatures: m } = layer;
  const d = prepared.device;
  if (d.layout === 'row-major') {
    return [
      { kind: 'weights', stem: 'w', element: 'int8', values: d.weights, lengthText: `${m} * ${n}`, comment: 'weights [out][in]', alignBytes: ROW_MAJOR_WEIGHT_ALIGNMENT },
      { kind: 'biases', stem: 'b', element: 'int64', values: d.bias, comment: 'bias (int64: 16x8 layer)' },
      { kind: 'requantization', stem: 'multiplier', element: 'int32', values: layer.multiplier, comment: 'requantization multipliers (Q31)' },
      { kind: 'requantization', stem: 'shift', element: 'int8', values: layer.shift, comment: 'requantization shifts' },
    ];
  }
  const padding = d.inPadded > n || d.outPadded > m ? `, padded to ${d.outPadded} rows of ${d.inPadded} with zero weights (128)` : '';
  return [
    {
      kind: 'weights',
      stem: 'w',
      element: 'uint8',
      values: d.weights,
      lengthText: `${d.outPadded} * ${d.inPadded}`,
      comment: `weights + 128 in groups of ${GROUP_ROWS} rows, per block of 4 inputs the 4 rows' 4 weights${padding}; the block macro orders a block for the build's kernels (firmnet_dense_layout.h)`,
      alignBytes: GROUPED_WEIGHT_ALIGNMENT,
      // 16 values a line, one block of the grouped layout.
      lineMacro: 'FIRMNET_DENSE_S8_BLOCK',
    },
    {
      kind: 'biases',
      stem: 'b',
      element: 'int32',
      values: d.bias,
      comment: `bias with the input zero point (${layer.input.zeroPoint}) and the weights' offset folded in: bias[c] - (zero_point + 128) * sum_i w[c][i], wrapping int32`,
    },
    { kind: 'requantization', stem: 'rq', element: 'int32', values: d.requant, comment: 'requantization per channel: multiplier (Q31), shifts (right | (32 - right) << 8 | left << 16)' },
  ];
}

export function fullyConnectedParams(layer: Unhashed<FullyConnectedLayer>, prepared: PreparedFullyConnected): CParams {
  const common: CParams['fields'] = [
    ['in_features', layer.inFeatures],
    ['out_features', layer.outFeatures],
    ['output_offset', layer.output.zeroPoint],
    ['activation_min', layer.activationMin],
    ['activation_max', layer.activationMax],
    ['weights', { array: 'w' }],
    ['bias', { array: 'b' }],
  ];
  if (prepared.device.layout === 'row-major') {
    return { type: 'firmnet_dense_s16_params', fields: [...common, ['multiplier', { array: 'multiplier' }], ['shift', { array: 'shift' }]] };
  }
  return { type: 'firmnet_dense_s8_params', fields: [...common, ['requant', { array: 'rq' }]] };
}

/** `firmnet_dense_s8`, `_s16`, or `_s8_s16` / `_s16_s8` when the layer changes dtype; the int8-input kernels take a workspace. */
export function fullyConnectedCall(layer: Unhashed<FullyConnectedLayer>): CKernelCall {
  const a = dtypeSuffix(layer.input.dtype);
  const b = dtypeSuffix(layer.output.dtype);
  const kernel = `firmnet_dense_${a === b ? a : `${a}_${b}`}`;
  return { kernel, args: layer.input.dtype === 'int8' ? ['params', 'input', 'output', 'workspace'] : ['params', 'input', 'output'] };
}

/**
 * The int8-input kernels widen the input once per layer into the workspace: 2 bytes per padded
 * input (the DSP rendering's int16 pairs; the others use the first half). The same size on every
 * core keeps one arena plan, and one C folder, for all of them.
 */
export function fullyConnectedCWorkspaceBytes(layer: Unhashed<FullyConnectedLayer>): number {
  return layer.input.dtype === 'int8' ? 2 * paddedSizes(layer.inFeatures, layer.outFeatures).inPadded : 0;
}

export function fullyConnectedDetail(layer: Unhashed<FullyConnectedLayer>): string {
  const activation = layer.activation === 'none' ? 'no activation' : `fused ${layer.activation}`;
  return `${layer.inFeatures} -> ${layer.outFeatures}, ${activation}, clamp [${layer.activationMin}, ${layer.activationMax}], ${layer.weightGranularity.replace('_', '-')} weights`;
}
