import { int32Bytes } from '../../io/little-endian.js';
import { dtypeSuffix, type Unhashed } from '../op-types.js';
import { type CKernelCall, type CParams, type DeviceConstant, type WasmConstant, type WasmKernelCall, type WasmKernelSignature, type WasmLayerAddresses, wasmAddress } from '../op-definition.js';
import type { LayerNormLayer } from './ir.js';
import type { PreparedLayerNorm } from './prepare.js';

/** Per feature a multiplier, a right shift and a bias; ε is an int64, so it is a one-entry array (the params struct holds int32 fields). */
export function layerNormConstants(layer: Unhashed<LayerNormLayer>, prepared: PreparedLayerNorm): DeviceConstant[] {
  return [
    { kind: 'requantization', stem: 'variance_epsilon', element: 'int64', values: [layer.varianceEpsilon], comment: `epsilon ${layer.epsilon} as round(n^2 * epsilon / input_scale^2)` },
    { kind: 'requantization', stem: 'multiplier', element: 'int32', values: layer.multiplier, comment: 'gamma / (output_scale * 2^16) as Q31 multipliers (negative where gamma is)' },
    { kind: 'requantization', stem: 'right_shift', element: 'int8', values: prepared.rightShift, comment: 'rounding right shifts after the multiply' },
    { kind: 'biases', stem: 'bias', element: 'int32', values: layer.bias, comment: 'beta in output codes' },
  ];
}

export function layerNormParams(layer: Unhashed<LayerNormLayer>): CParams {
  return {
    type: 'firmnet_layer_norm_params',
    fields: [
      ['features', layer.input.features],
      ['output_offset', layer.output.zeroPoint],
      ['activation_min', layer.activationMin],
      ['activation_max', layer.activationMax],
      ['variance_epsilon', { array: 'variance_epsilon' }],
      ['multiplier', { array: 'multiplier' }],
      ['right_shift', { array: 'right_shift' }],
      ['bias', { array: 'bias' }],
    ],
  };
}

export function layerNormCall(layer: Unhashed<LayerNormLayer>): CKernelCall {
  return { kernel: `firmnet_layer_norm_${dtypeSuffix(layer.input.dtype)}`, args: ['params', 'input', 'output'] };
}

export function layerNormDetail(layer: Unhashed<LayerNormLayer>): string {
  const activation = layer.activation === 'none' ? 'no activation' : `fused ${layer.activation}`;
  return `${layer.input.features} features, epsilon ${layer.epsilon}, ${activation}, clamp [${layer.activationMin}, ${layer.activationMax}]`;
}

export function layerNormWasmConstants(layer: Unhashed<LayerNormLayer>, prepared: PreparedLayerNorm): WasmConstant[] {
  return [
    { slot: 'multiplier', label: 'multiplier', bytes: int32Bytes(layer.multiplier) },
    { slot: 'rightShift', label: 'right shift', bytes: int32Bytes(prepared.rightShift) },
    { slot: 'bias', label: 'bias', bytes: int32Bytes(layer.bias) },
  ];
}

export function layerNormWasmCall(layer: Unhashed<LayerNormLayer>, _prepared: PreparedLayerNorm, at: WasmLayerAddresses): WasmKernelCall {
  return {
    file: 'layer-norm',
    kernel: 'layerNorm',
    args: [
      at.input,
      at.output,
      layer.input.features,
      layer.input.dtype === 'int16',
      layer.varianceEpsilon,
      wasmAddress(at, 'multiplier'),
      wasmAddress(at, 'rightShift'),
      wasmAddress(at, 'bias'),
      layer.output.zeroPoint,
      layer.activationMin,
      layer.activationMax,
    ],
  };
}

/** input, output, features, int16, varianceEpsilon, multiplier, rightShift, bias, outputZeroPoint, activationMin, activationMax. */
export const LAYER_NORM_WASM_KERNELS: readonly WasmKernelSignature[] = [
  { file: 'layer-norm', kernel: 'layerNorm', params: ['usize', 'usize', 'i32', 'bool', 'i64', 'usize', 'usize', 'usize', 'i32', 'i32', 'i32'], builds: 'both' },
];
